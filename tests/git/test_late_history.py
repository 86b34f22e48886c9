"""A pytest-style history read by ``init --from-git``: the next minor is planned but never
tagged. As of a day well past its planned day it is late, the last real minor stays
maintained, and ``check`` fails naming it (real repositories built by the test)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from gitrepos import GitRepo
from test_git_cli import relplan

from relplan.planner.store.planfile import load_plan

MADE = ("--today", "2010-06-15")
"""The plan is made a few days after 9.1.2 (2010-06-10), before 9.2.0's planned day."""


def pytest_history(r: GitRepo) -> GitRepo:
    """9.0.0, 9.0.1, 9.0.2, 9.1.0, 9.1.1, 9.1.2: a minor every ~13 weeks, bug-fix releases
    every ~3 weeks on its branch (pytest keeps them on ``X.Y.x``)."""
    r.commit("Initial import", {"README": "pytest\n"})
    for minor in (0, 1):
        r.checkout("main") if minor else r.git("branch", "-M", "main")
        r.commit(f"9.{minor} work", days=70 if minor else 5)
        r.tag(f"9.{minor}.0")
        r.checkout(f"9.{minor}.x", new_at="HEAD")
        for patch in (1, 2):
            r.commit(f"9.{minor}.{patch} fixes", days=21)
            r.tag(f"9.{minor}.{patch}")
    r.checkout("main")
    return r


def test_an_untagged_planned_minor_is_late_and_the_last_minor_stays_maintained(
    make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    r = pytest_history(make_repo("pytest"))
    out = tmp_path / "pytest.toml"
    proc = relplan(tmp_path, "init", "--from-git", str(r.path), "--plan", str(out), *MADE)
    assert proc.returncode == 0, proc.stderr
    plan = load_plan(out).plan
    assert plan.spec("9.2.0") is None or plan.spec("9.2.0").actual is None  # type: ignore[union-attr]
    today = "2012-06-01"  # long after 9.2.0's planned day (late 2010)
    common = ("--plan", str(out), "--today", today)
    cal = json.loads(relplan(tmp_path, *common, "calendar", "--format", "json").stdout)
    by = {r["version"]: r for r in cal}
    assert by["9.2.0"]["phase"] == "late" and by["9.2.0"]["actual"] is None
    # history from tags: no invented planned day
    assert by["9.1.0"]["release_date"] is None and by["9.1.0"]["actual"] is not None
    assert by["9.1.0"]["phase"] == "maintained"  # until 9.2.0 ships
    assert not any(
        v.startswith("9.2.") and row["kind"] == "maintenance" for v, row in by.items()
    )  # nothing planned on a series that never shipped
    status = relplan(tmp_path, *common, "status", "--all", "--format", "json")
    rows = {s["version"]: s for s in json.loads(status.stdout)}
    assert rows["9.2.0"]["phase"] == "late" and rows["9.2.0"]["verdict"] == "no-go"
    assert rows["9.2.0"]["days_late"] > 300
    assert rows["9.2.0"]["reasons"][0].startswith("late by ")
    assert rows["9.1.0"]["phase"] == "maintained"
    for later in (v for v in rows if v.startswith("9.3.")):
        assert rows[later]["phase"] not in ("maintained", "security-only")
    table = relplan(tmp_path, *common, "status").stdout
    assert "9.2.0    late " in table
    check = relplan(tmp_path, *common, "check")
    assert check.returncode == 1
    assert "9.2.0: late by" in check.stdout
    # shipping it: the dry run lists every field it would write, the planned day included,
    # and no computed milestone turned into a record
    dry = relplan(tmp_path, *common, "ship", "9.2.0", "--dry-run", "--format", "json")
    assert dry.returncode == 0, dry.stderr
    fields = {
        row["field"]: row["new"] for row in json.loads(dry.stdout) if row["version"] == "9.2.0"
    }
    assert fields["actual"] == today and fields["pins.release"] == by["9.2.0"]["release_date"]
    # only what happened is recorded: nobody tagged an RC of 9.2.0 nor pinned its freeze
    assert not {"pins.freeze", "actual_rcs"} & set(fields)
    # ... and refuses to ship it before the release it follows, or twice
    early = relplan(tmp_path, *common, "ship", "9.3.0", "--dry-run")
    assert early.returncode == 2 and "9.2.0 has not shipped yet" in early.stderr
    twice = relplan(tmp_path, *common, "ship", "9.1.0", "--dry-run")
    assert twice.returncode == 2 and "already shipped on" in twice.stderr
    # the same plan read on another day gives the same file
    again = tmp_path / "again.toml"
    exported = relplan(tmp_path, *common, "export", "--format", "toml", "-o", str(again))
    assert exported.returncode == 0, exported.stderr
    later = tmp_path / "later.toml"
    common_later = ("--plan", str(again), "--today", "2026-12-03")
    relplan(tmp_path, *common_later, "export", "--format", "toml", "-o", str(later))
    assert later.read_bytes() == again.read_bytes()


def test_the_calendar_table_says_a_late_release_holds_the_branch_open(
    make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    """9.1 is maintained until 9.2.0 ships; while 9.2.0 is late, the calendar's end of
    maintenance for 9.1.0 is that shipment, not its planned day (already past)."""
    r = pytest_history(make_repo("pytest"))
    out = tmp_path / "pytest.toml"
    made = relplan(tmp_path, "init", "--from-git", str(r.path), "--plan", str(out), *MADE)
    assert made.returncode == 0
    common = ("--plan", str(out), "--today", "2012-06-01")
    by = {r["version"]: r for r in json.loads(
        relplan(tmp_path, *common, "calendar", "--format", "json").stdout)}  # fmt: skip
    planned = by["9.2.0"]["release_date"]
    table = relplan(tmp_path, *common, "calendar").stdout
    row = next(line for line in table.splitlines() if line.startswith("9.1.0 "))
    assert "when 9.2.0 ships" in row and planned not in row
    status = json.loads(relplan(tmp_path, *common, "status", "--all", "--format", "json").stdout)
    held = next(s for s in status if s["version"] == "9.1.0")
    assert held["phase"] == "maintained" and held["maintained_until"] is None
    assert held["maintained_until_source"] is None


def test_init_long_after_the_newest_tag_plans_nothing_in_its_own_past(
    make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    """As with pytest in December 2026 (newest tag in June): the cadence measured from the
    tags would put 9.1.3 in July and 9.2.0 in August, months before the day init runs.
    Planning starts on that day: nothing is late at birth and ``check`` passes; the plan
    file records the day, so the same releases are late once their own days pass."""
    r = pytest_history(make_repo("pytest"))
    out = tmp_path / "pytest.toml"
    made = "2011-01-11"
    proc = relplan(tmp_path, "init", "--from-git", str(r.path), "--plan", str(out),
                   "--today", made)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert load_plan(out).plan.planned_from == dt.date.fromisoformat(made)
    common = ("--plan", str(out), "--today", made)
    cal = json.loads(relplan(tmp_path, *common, "calendar", "--format", "json").stdout)
    planned = [row for row in cal if row["actual"] is None]
    assert planned and all(row["release_date"] >= made for row in planned)
    assert not [row["version"] for row in cal if row["phase"] == "late"]
    check = relplan(tmp_path, *common, "check")
    assert check.returncode == 0, check.stdout
    # the plan does not move with the clock: a year later its next minor is late
    later = ("--plan", str(out), "--today", "2012-01-10")
    cal_later = json.loads(relplan(tmp_path, *later, "calendar", "--format", "json").stdout)
    by = {row["version"]: row for row in cal_later}
    first = {row["version"]: row for row in cal}
    assert by["9.2.0"]["release_date"] == first["9.2.0"]["release_date"]
    assert by["9.2.0"]["phase"] == "late"
