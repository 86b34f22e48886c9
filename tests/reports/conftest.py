"""Shared helpers: run the CLI in-process, and a plan file with a git history of its own."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from relplan.tui.cli import main

DEMO_DAY = "2009-08-31"
EXPECTED = Path(__file__).parent / "expected"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``relplan`` in this process: exit code, stdout, stderr."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


class PlanRepo:
    """A git work tree holding one plan file, committed at the moments a test says."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.plan = folder / "xen.toml"
        self.env = {
            "PATH": os.environ["PATH"],
            "HOME": str(folder),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Release Manager",
            "GIT_AUTHOR_EMAIL": "rm@example.org",
            "GIT_COMMITTER_NAME": "Release Manager",
            "GIT_COMMITTER_EMAIL": "rm@example.org",
        }
        self.git("init", "-q")

    def git(self, *args: str, when: str = "2009-07-01T12:00:00Z") -> str:
        env = {**self.env, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        proc = subprocess.run(
            ["git", "-C", str(self.folder), *args], env=env, capture_output=True, text=True
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    def commit(self, when: str, message: str = "plan") -> None:
        """Commit the plan file as it is now, dated ``when`` (ISO 8601)."""
        self.git("add", self.plan.name)
        self.git("commit", "-q", "-m", message, when=when)

    def edit(self, old: str, new: str, count: int = 1) -> None:
        """Replace ``old`` by ``new`` in the plan file (``count`` times; it must be there)."""
        text = self.plan.read_text(encoding="utf-8")
        assert text.count(old) >= count, old
        self.plan.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.fixture(autouse=True)
def _no_stray_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./relplan.toml: the demo is the default


@pytest.fixture
def plan_repo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> PlanRepo:
    """The demo exported to ``xen.toml`` in a fresh git repository, committed on 2009-07-01."""
    repo = PlanRepo(tmp_path / "work")
    code, _, err = run(capsys, "--today", DEMO_DAY, "export", "-o", str(repo.plan))
    assert code == 0, err
    repo.commit("2009-07-01T12:00:00Z", "the 4.0 plan")
    return repo
