"""Files relplan makes beside a plan (issue 23): locks, recovery files and journals are
never written through a symlink, carry the plan's permissions, go to the user's state
folder when the plan's folder is read-only, and journals name the plan absolutely."""

from __future__ import annotations

import signal
import stat
from pathlib import Path

import pytest
from runner import popen, relplan

from relplan.planner.store.cache import JOURNAL
from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.usecases.session import Session


def test_a_symlinked_lock_file_never_clobbers_its_target(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    made = relplan("--today", "2009-08-31", "export", "-o", "p.toml", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    (tmp_path / ".p.toml.lock").symlink_to(victim)
    done = relplan("--plan", "p.toml", "set", "demo#remus", "--priority", "low", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert victim.read_text() == "precious\n"
    assert 'priority = "low"' in (tmp_path / "p.toml").read_text()


def session_at(path: Path) -> Session:
    session = Session(demo_plan(), today=DEMO_TODAY, path=path)
    return session


def test_a_recovery_file_carries_the_plans_permissions(tmp_path: Path) -> None:
    plan = tmp_path / "p.toml"
    plan.write_text("")
    plan.chmod(0o600)
    written = session_at(plan).write_recovery()
    assert written.parent == tmp_path
    assert stat.S_IMODE(written.stat().st_mode) == 0o600


def test_a_recovery_file_is_never_written_through_a_symlink(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    class Fixed(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> Fixed:  # type: ignore[override]
            return cls(2026, 1, 2, 3, 4, 5)

    monkeypatch.setattr(dt, "datetime", Fixed)
    victim = tmp_path / "victim.txt"
    (tmp_path / "p.recovered-20260102-030405.toml").symlink_to(victim)  # dangling
    written = session_at(tmp_path / "p.toml").write_recovery()
    assert not victim.exists()
    assert written.name == "p.recovered-20260102-030405-2.toml" and not written.is_symlink()


def test_a_read_only_plan_folder_sends_the_recovery_to_the_state_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # /sys refuses new files to everyone, root included (a chmod'ed folder would not)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    written = session_at(Path("/sys/xen.toml")).write_recovery()
    assert written.parent == tmp_path / "state" / "relplan"
    assert 'name = "Xen (demo, 2009)"' in written.read_text(encoding="utf-8")


def test_a_journal_names_the_plan_absolutely(tmp_path: Path) -> None:
    # an import stopped after its journal, before the plan: run from elsewhere, the next
    # run must not report a write that never happened
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    made = relplan("--today", "2009-08-31", "export", "-o", "p.toml", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    (tmp_path / "road.md").write_text("- Something new !high\n")
    proc = popen("--plan", "p.toml", "import", "road.md", cwd=tmp_path,
                 env={**env, "RELPLAN_TEST_PAUSE_AFTER": JOURNAL})  # fmt: skip
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.strip() == f"RENAMED {JOURNAL}":
            break
    else:
        proc.wait(30)
        pytest.fail("the import never wrote its journal")
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    journal = tmp_path / "cache" / "relplan" / JOURNAL
    assert str(tmp_path / "p.toml") in journal.read_text()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = relplan("--plan", str(tmp_path / "p.toml"), "status", cwd=elsewhere, env=env)
    assert done.returncode == 0, done.stderr
    assert "interrupted before it wrote the plan" in done.stderr, done.stderr
