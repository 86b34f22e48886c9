"""A re-import merges against the import *this plan* last took (issue 23): a second plan,
a plan put back to an older copy, or an import killed between the plan's write and its
cache record still gets every change the roadmap file made."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest
from runner import popen, relplan

from relplan.planner.domain.model import Item
from relplan.planner.store.cache import JOURNAL
from relplan.planner.store.planfile import load_plan

BEFORE = "- Live migration of big guests\n- Remus fault tolerance\n"
AFTER = "- Live migration of big guests !high [1.0]\n- Remus fault tolerance !blocker\n"
MIGRATION, REMUS = "roadmap#live-migration-of-big-guests", "roadmap#remus-fault-tolerance"


class User:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.roadmap = folder / "roadmap.md"
        self.roadmap.write_text(BEFORE, encoding="utf-8")
        self.env = {"XDG_CACHE_HOME": str(folder / "cache")}

    def import_(self, plan: str = "p.toml") -> str:
        done = relplan("--plan", plan, "import", "roadmap.md", cwd=self.folder, env=self.env)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        return done.stdout + done.stderr

    def item(self, ident: str, plan: str = "p.toml") -> Item:
        got = load_plan(self.folder / plan).plan.item(ident)
        assert got is not None
        return got

    def took_the_edit(self, plan: str = "p.toml") -> None:
        migration, remus = self.item(MIGRATION, plan), self.item(REMUS, plan)
        assert (migration.priority.value, migration.target) == ("high", "1.0")
        assert remus.blocker


@pytest.fixture
def user(tmp_path: Path) -> User:
    return User(tmp_path)


def test_a_plan_put_back_to_an_older_copy_gets_the_file_changes(user: User) -> None:
    # exactly the repro of issue 23
    user.import_()
    shutil.copy(user.folder / "p.toml", user.folder / "old.toml")
    user.roadmap.write_text(AFTER, encoding="utf-8")
    assert "updated 2" in user.import_()
    user.took_the_edit()
    shutil.copy(user.folder / "old.toml", user.folder / "p.toml")
    said = user.import_()
    assert "updated 2" in said and "kept the plan's value" not in said, said
    user.took_the_edit()


def test_a_second_plan_gets_the_file_changes(user: User) -> None:
    user.import_("p.toml")
    user.import_("q.toml")
    user.roadmap.write_text(AFTER, encoding="utf-8")
    user.import_("p.toml")
    said = user.import_("q.toml")
    assert "updated 2" in said and "kept the plan's value" not in said, said
    user.took_the_edit("q.toml")


def test_local_triage_still_wins_over_an_unchanged_file(user: User) -> None:
    user.import_()
    set_ = relplan("--plan", "p.toml", "set", REMUS, "--priority", "critical",
                   cwd=user.folder, env=user.env)  # fmt: skip
    assert set_.returncode == 0, set_.stderr
    user.import_()
    assert user.item(REMUS).priority.value == "critical"


def kill_import_after(user: User, name: str) -> None:
    """Start an import that stops right after renaming ``name`` into place, and kill it."""
    env = {**user.env, "RELPLAN_TEST_PAUSE_AFTER": name}
    proc = popen("--plan", "p.toml", "import", "roadmap.md", cwd=user.folder, env=env)
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.strip() == f"RENAMED {name}":
            break
    else:
        proc.wait(30)
        pytest.fail(f"the import never renamed {name} into place")
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)


def test_an_import_killed_after_the_plan_write_is_finished_next_time(user: User) -> None:
    user.import_()
    user.roadmap.write_text(AFTER, encoding="utf-8")
    kill_import_after(user, "p.toml")
    user.took_the_edit()  # the plan was written; its cache record was not
    assert (user.folder / "cache" / "relplan" / JOURNAL).exists()
    # the file moves on: the plan follows it, no conflict (its base is the edit it took)
    user.roadmap.write_text(AFTER.replace("!high [1.0]", "!low [1.1]"), encoding="utf-8")
    said = user.import_()
    assert "interrupted after it wrote" in said and "kept the plan's value" not in said, said
    migration = user.item(MIGRATION)
    assert (migration.priority.value, migration.target) == ("low", "1.1")
    assert not (user.folder / "cache" / "relplan" / JOURNAL).exists()


def test_an_import_killed_before_the_plan_write_is_undone_next_time(user: User) -> None:
    user.import_()
    user.roadmap.write_text(AFTER, encoding="utf-8")
    kill_import_after(user, JOURNAL)
    assert user.item(MIGRATION).priority.value == "medium"  # nothing written yet
    said = user.import_()
    assert "interrupted before it wrote the plan" in said, said
    user.took_the_edit()
