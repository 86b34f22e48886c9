"""Nothing planned before the plan's own day (``planned_from``), on histories built by the
tests as pytest's and ansible's look: a minor due by the cadence long before ``init`` ran
gets no invented freeze or RCs, a release already in RC by its tags gets no invented
later ones, ``ship`` records only what happened, and the branch before a late minor stays
maintained "until it ships" on every face, with its next bug-fix release planned."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from gitrepos import GitRepo
from test_git_cli import relplan
from test_late_history import pytest_history

MADE = "2011-01-11"
"""init runs months after the newest tag (9.1.2, 2010-06-10): 9.2.0 was due long before."""
LATER = "2012-01-10"


def _init(r: GitRepo, tmp_path: Path) -> tuple[str, ...]:
    out = tmp_path / "plan.toml"
    proc = relplan(tmp_path, "init", "--from-git", str(r.path), "--plan", str(out),
                   "--today", MADE)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return ("--plan", str(out))


def _calendar(tmp_path: Path, plan: tuple[str, ...], today: str) -> dict[str, dict]:  # type: ignore[type-arg]
    proc = relplan(tmp_path, *plan, "--today", today, "calendar", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return {row["version"]: row for row in json.loads(proc.stdout)}


def _ship_fields(tmp_path: Path, plan: tuple[str, ...], version: str) -> dict[str, object]:
    proc = relplan(tmp_path, *plan, "--today", MADE, "ship", version, "--dry-run",
                   "--format", "json")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return {
        row["field"]: row["new"] for row in json.loads(proc.stdout) if row["version"] == version
    }


def test_a_minor_due_before_the_plan_gets_no_invented_freeze_or_rcs(
    make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    plan = _init(pytest_history(make_repo("pytest")), tmp_path)
    due = _calendar(tmp_path, plan, MADE)["9.2.0"]
    assert due["actual"] is None and due["release_date"] == MADE  # due the day the plan starts
    assert due["freeze_date"] is None or due["freeze_date"] >= MADE
    assert all(day >= MADE for day in due["rcs"])
    status = json.loads(relplan(tmp_path, *plan, "--today", MADE, "status", "--all",
                                "--format", "json").stdout)  # fmt: skip
    assert next(s for s in status if s["version"] == "9.2.0")["phase"] not in ("rc", "frozen")
    fields = _ship_fields(tmp_path, plan, "9.2.0")
    assert fields["actual"] == MADE
    assert not {"actual_rcs", "pins.freeze"} & set(fields)  # nothing of it was recorded


def test_a_release_in_rc_by_its_tags_gets_no_later_rcs_in_the_past(
    make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    """As ansible 2.18.0: rc1 tagged, never shipped, init runs long after."""
    r = pytest_history(make_repo("ansible"))
    r.commit("9.2 work", days=30)
    r.tag("9.2.0rc1")
    plan = _init(r, tmp_path)
    cal = _calendar(tmp_path, plan, MADE)
    rcs = cal["9.2.0"]["rcs"]
    assert len(rcs) == 1 and rcs[0] < MADE  # the tagged one, and no weekly RCs up to today
    assert cal["9.2.0"]["phase"] == "rc"
    fields = _ship_fields(tmp_path, plan, "9.2.0")
    assert "actual_rcs" not in fields  # already recorded, nothing added


def test_the_branch_before_a_late_minor_stays_open_on_every_face(
    make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    plan = _init(pytest_history(make_repo("pytest")), tmp_path)
    cal = _calendar(tmp_path, plan, LATER)
    days = ("release_date", "freeze_date", "rcs", "maintained_until", "security_until")

    def plan_days(c: dict[str, dict]) -> dict[str, list[object]]:  # type: ignore[type-arg]
        return {v: [row[k] for k in days] for v, row in c.items()}

    assert plan_days(cal) == plan_days(_calendar(tmp_path, plan, MADE))  # not the clock's
    assert cal["9.2.0"]["phase"] == "late"
    assert cal["9.1.0"]["phase"] == "maintained" and cal["9.1.0"]["maintained_until"] is None
    fixes = [row for v, row in cal.items() if v.startswith("9.1.") and row["actual"] is None]
    assert fixes and all(row["release_date"] >= MADE for row in fixes)  # planned, not past
    branches = json.loads(relplan(tmp_path, *plan, "--today", LATER, "branches",
                                  "--format", "json").stdout)  # fmt: skip
    row = next(b for b in branches if b["series"] == "9.1")
    assert row["maintained_until"]["date"] is None
    assert row["maintained_until"]["until_shipped"] == "9.2.0"
    table = relplan(tmp_path, *plan, "--today", LATER, "branches").stdout
    assert "when 9.2.0 ships" in next(x for x in table.splitlines() if x.startswith("9.1 "))
    eol = relplan(tmp_path, *plan, "--today", LATER, "export", "--format", "endoflife").stdout
    block = eol.split('releaseCycle: "9.1"')[1].split("releaseCycle")[0]
    assert "eoas: false" in block and "eol: false" in block
    cycle = json.loads(relplan(tmp_path, *plan, "--today", LATER, "export",
                               "--format", "release-cycle").stdout)  # fmt: skip
    assert cycle["9.1"]["end_of_life"] is None


def test_an_explicit_ladder_computes_no_stage_before_the_plan(
    make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    """With Xen's ladder (``stages = "xen"``) the due minor's stages all fall before the
    plan's day: none is shown as a day (the Release panel and schedule read them)."""
    plan = _init(pytest_history(make_repo("pytest")), tmp_path)
    path = Path(plan[1])
    text = path.read_text()
    path.write_text(text.replace("[policy]\n", '[policy]\nstages = "xen"\n', 1))
    cal = _calendar(tmp_path, plan, MADE)
    stages = {s["name"]: s["date"] for s in cal["9.2.0"]["stages"]}
    assert stages.pop("Release") == MADE
    assert all(day is None or day >= MADE for day in stages.values()), stages
    assert cal["9.2.0"]["freeze_date"] is None and cal["9.2.0"]["rcs"] == []
    later = {s["name"]: s["date"] for s in cal["9.3.0"]["stages"]}
    assert all(day is not None and day >= MADE for day in later.values())  # planned ahead
