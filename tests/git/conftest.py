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
