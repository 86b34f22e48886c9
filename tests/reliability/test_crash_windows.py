"""Plan and cache are one unit: a sync killed (kill -9, ctrl+c, a full disk) between the
plan's rename and the cache commit is finished by the next run, which says so; a ctrl+c
message says exactly what was written."""

from __future__ import annotations

import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from runner import popen, relplan
from tracker import Tracker, serve

from relplan.planner.domain.model import State
from relplan.planner.store.cache import JOURNAL
from relplan.planner.store.planfile import load_plan


@dataclass
class Setup:
    folder: Path
    tracker: Tracker

    @property
    def plan(self) -> Path:
        return self.folder / "plan.toml"

    @property
    def journal(self) -> Path:
        return self.folder / "cache" / JOURNAL

    def args(self, *more: str) -> list[str]:
        return ["--config", str(self.folder / "c.toml"), "--plan", str(self.plan), *more]

    def run(
        self, *more: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return relplan(*self.args(*more), cwd=self.folder, env=env)

    def stop_after_rename(
        self, name: str, how: signal.Signals, pause: float = 60
    ) -> subprocess.Popen[str]:
        """Run a sync that pauses right after renaming ``name`` into place, then signal it."""
        env = {"RELPLAN_TEST_PAUSE_AFTER": name, "RELPLAN_TEST_PAUSE_SECONDS": str(pause)}
        proc = popen(*self.args("sync"), cwd=self.folder, env=env)
        assert proc.stderr is not None
        seen = []
        for line in proc.stderr:
            seen.append(line)
            if line.strip() == f"RENAMED {name}":
                break
        else:
            proc.wait(30)
            pytest.fail(f"the sync never renamed {name} into place: {''.join(seen)}")
        proc.send_signal(how)
        proc.wait(30)
        return proc


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    with serve() as tracker:
        (tmp_path / "c.toml").write_text(
            f'[cache]\ndir = "cache"\n\n[[sources]]\nname = "xen"\nkind = "redmine"\n'
            f'url = "{tracker.url}"\nproject = "xen"\n'
            '[sources.states]\nClosed = "done"\n'
        )
        yield Setup(tmp_path, tracker)


def test_kill_after_the_plan_rename_is_finished_by_the_next_run(setup: Setup) -> None:
    setup.stop_after_rename("plan.toml", signal.SIGKILL)
    assert len(load_plan(setup.plan).plan.items) == 3  # the plan is new...
    assert setup.journal.exists()  # ...the cache is not, and the journal says so

    status = setup.run("sync", "--status")
    assert status.returncode == 0, status.stderr
    assert "interrupted after it wrote" in status.stderr and str(setup.plan) in status.stderr
    assert "xen: synced" in status.stdout and "3 items" in status.stdout
    assert not setup.journal.exists()

    # The tracker moves on: the plan follows it (the cache's base is the right one).
    setup.tracker.issues[0] = {
        **setup.tracker.issues[0],
        "status": {"id": 5, "name": "Closed", "is_closed": True},
        "updated_on": "2026-02-01T00:00:00Z",
    }
    again = setup.run("sync")
    assert again.returncode == 0, again.stderr
    assert "conflict" not in again.stdout
    assert load_plan(setup.plan).plan.item("xen#1").state is State.DONE  # type: ignore[union-attr]


def test_kill_before_the_plan_rename_keeps_nothing_and_says_so(setup: Setup) -> None:
    setup.stop_after_rename(JOURNAL, signal.SIGKILL)
    assert not setup.plan.exists() and setup.journal.exists()
    status = setup.run("sync", "--status")
    assert "interrupted before it wrote the plan" in status.stderr
    assert "never synced" in status.stdout and not setup.journal.exists()


def test_ctrl_c_after_the_plan_rename_says_what_was_written(setup: Setup) -> None:
    # The sync writes inside its event loop, which takes ctrl+c at its next await: the
    # plan and the cache are both written first (no await between them), then it stops
    # or finishes. Either way no message may claim that nothing was written.
    proc = setup.stop_after_rename("plan.toml", signal.SIGINT, pause=2)
    assert proc.stderr is not None and proc.stdout is not None
    err, out = proc.stderr.read(), proc.stdout.read()
    assert proc.returncode in (0, 130), err
    assert "nothing was written" not in err and "Traceback" not in err
    if proc.returncode == 130:
        assert f"wrote {setup.plan} before it stopped" in err
    else:
        assert f"wrote {setup.plan}" in out
    status = setup.run("sync", "--status")
    assert "3 items" in status.stdout and not setup.journal.exists()


def test_ctrl_c_during_an_import_after_the_rename_says_what_was_written(tmp_path: Path) -> None:
    items = tmp_path / "roadmap.md"
    items.write_text("- one\n- two\n")
    plan = tmp_path / "p.toml"
    proc = popen("--plan", str(plan), "import", str(items), cwd=tmp_path,
                 env={"RELPLAN_TEST_PAUSE_AFTER": "p.toml"})  # fmt: skip
    assert proc.stderr is not None
    assert proc.stderr.readline().strip() == "RENAMED p.toml"
    proc.send_signal(signal.SIGINT)
    err = proc.stderr.read()
    assert proc.wait(30) == 130
    assert f"relplan: interrupted; wrote {plan} before it stopped" in err


def test_a_full_disk_at_the_cache_commit_is_a_clear_error_and_finished_later(
    setup: Setup,
) -> None:
    done = setup.run("sync", env={"RELPLAN_TEST_FAIL_CACHE": "commit"})
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "was written, but recording the sync in the cache failed" in done.stderr
    assert "database or disk is full" in done.stderr
    status = setup.run("sync", "--status")
    assert "interrupted after it wrote" in status.stderr and "3 items" in status.stdout


def test_a_full_disk_while_staging_the_cache_writes_nothing(setup: Setup) -> None:
    done = setup.run("sync", env={"RELPLAN_TEST_FAIL_CACHE": "write"})
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "cannot write the cache: database or disk is full" in done.stderr
    assert not setup.plan.exists() and not setup.journal.exists()
