"""Fixtures: real git repositories built in tmp dirs (see gitrepos.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from gitrepos import GitRepo, Stable


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[[str], GitRepo]:
    """Factory: an empty repository (branch ``master``) under tmp_path/<name>."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)

    def make(name: str = "repo") -> GitRepo:
        path = tmp_path / name
        path.mkdir()
        repo = GitRepo(path, home)
        repo.git("init", "-q", "-b", "master")
        return repo

    return make


@pytest.fixture
def stable(make_repo: Callable[[str], GitRepo]) -> Stable:
    return Stable(make_repo("xen"))


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The git cache (scan results by branch tips) goes to the test's own folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
