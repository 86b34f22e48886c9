"""A last look as a user: the real `relplan` command in a real terminal (tmux)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from relplan.planner.store.planfile import load_plan

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
ROOT = Path(__file__).resolve().parents[2]
_SCRIPT = Path(sys.executable).with_name("relplan")
# the installed console script, as in the README; else the same entry point as a module
RELPLAN = str(_SCRIPT) if _SCRIPT.exists() else f"cd {ROOT} && {sys.executable} -m relplan.tui.cli"


class Terminal:
    """A 120x40 tmux session running one command."""

    def __init__(self, command: str) -> None:
        self.name = f"relplan-test-{uuid.uuid4().hex[:8]}"
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", self.name, "-x", "120", "-y", "40",
             f"{command}; echo EXITED $?; sleep 60"],
            check=True,
        )  # fmt: skip

    def screen(self) -> str:
        out = subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True
        )
        return out.stdout

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        """Poll the pane until ``text`` shows (a condition, not a fixed delay)."""
        limit = time.monotonic() + timeout
        while time.monotonic() < limit:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared; screen:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        for key in keys:
            subprocess.run(["tmux", "send-keys", "-t", self.name, key], check=True)

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def terminal(plan_file: Path) -> Iterator[Terminal]:
    # COLUMNS/LINES from the test runner would override the pane's real size
    term = Terminal(f"unset COLUMNS LINES; {RELPLAN} --plan {plan_file} --today 2009-08-31")
    try:
        # the attention list is worked out after the first frame; a start-up beside a
        # parallel test run on a busy 2-core box has taken over 20 s (a condition: no cost)
        term.wait_for("▲ 3.4.2 rc", timeout=90)
        term.wait_for("4.0.0 in 71d")  # the Branches view: the demo has supported branches
        yield term
    finally:
        term.close()


def test_move_remus_to_the_next_release_and_save(terminal: Terminal, plan_file: Path) -> None:
    shown = terminal.wait_for("as of 2009-08-31")
    assert "4.0.0 in 71d" in shown
    terminal.keys("2")
    terminal.wait_for("21 of 21 items")
    terminal.keys("/", "Remus")
    terminal.wait_for("needs-backport   1 of 21 items")
    terminal.keys("Enter")
    terminal.wait_for("1 item match 'Remus'")
    terminal.keys("]")
    terminal.wait_for("moved demo#remus 4.0.0 -> 4.1.0")
    terminal.keys("C-s")
    terminal.wait_for(f"saved {plan_file}")
    terminal.keys("q")
    terminal.wait_for("EXITED 0")
    assert load_plan(plan_file).plan.item("demo#remus").target == "4.1.0"  # type: ignore[union-attr]


def test_move_then_undo_leaves_remus_where_it_was(terminal: Terminal, plan_file: Path) -> None:
    before = plan_file.read_bytes()
    terminal.keys("2")
    terminal.wait_for("21 of 21 items")
    terminal.keys("/", "Remus", "Enter")
    terminal.wait_for("1 item match 'Remus'")
    terminal.keys("]")
    terminal.wait_for("moved demo#remus")
    terminal.keys("u")
    terminal.wait_for("undone: moved demo#remus")
    terminal.keys("C-s")
    terminal.wait_for(f"saved {plan_file}")
    terminal.keys("q")
    terminal.wait_for("EXITED 0")
    assert load_plan(plan_file).plan.item("demo#remus").target == "4.0.0"  # type: ignore[union-attr]
    assert plan_file.read_bytes() == before


def test_quit_with_unsaved_changes_asks_first(terminal: Terminal, plan_file: Path) -> None:
    before = plan_file.read_bytes()
    terminal.keys("2")
    terminal.wait_for("21 of 21 items")
    terminal.keys("/", "Remus", "Enter")
    terminal.wait_for("1 item match 'Remus'")
    terminal.keys("]")
    terminal.wait_for("moved demo#remus")
    terminal.keys("q")
    terminal.wait_for("Quit without saving?")
    terminal.keys("y")
    terminal.wait_for("EXITED 0")
    assert plan_file.read_bytes() == before
