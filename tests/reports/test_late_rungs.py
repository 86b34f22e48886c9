"""A milestone is marked passed only if it happened: the release rung once the release
shipped; a planned release day behind us without a shipment reads late (or abandoned), in
the schedule mail, the status page and the dashboard's ladder alike (one rule:
:func:`relplan.planner.domain.schedule.rung_state`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.model import Plan, ReleaseKind, ReleaseSpec
from relplan.planner.domain.policy import Cadence, Maintenance, Policy
from relplan.planner.domain.schedule import RungMark, RungState, rung_state
from relplan.planner.domain.stages import ladder
from relplan.planner.domain.status import release_status
from relplan.planner.store.demo import demo_plan
from tests.reports.conftest import run

D = dt.date
LATER = D(2009, 11, 21)  # 4.0.0 was planned for 2009-11-10 and nobody recorded a shipment


def _release(version: str, today: dt.date, actual: dt.date | None = None):  # type: ignore[no-untyped-def]
    plan = demo_plan()
    if actual is not None:
        specs = tuple(replace(s, actual=actual) if s.version == version else s
                      for s in plan.releases)  # fmt: skip
        plan = replace(plan, releases=specs)
    train = build_train(plan, today)
    return plan, train, next(r for r in train if r.version == version)


def test_the_release_rung_passes_only_once_shipped() -> None:
    _, _, late = _release("4.0.0", LATER)
    assert rung_state(late, "release", late.day, LATER) == RungMark(RungState.LATE, 11)
    # the rungs before it happened by their day, as the phases have it
    assert rung_state(late, "rc10", D(2009, 11, 3), LATER).state is RungState.PASSED
    assert rung_state(late, "release", late.day, late.day).state is RungState.AHEAD
    _, _, shipped = _release("4.0.0", LATER, actual=D(2009, 11, 12))
    assert rung_state(shipped, "release", shipped.day, LATER).state is RungState.PASSED
    assert rung_state(shipped, "release", shipped.day, D(2009, 11, 12)).state is RungState.AHEAD


def test_a_late_maintenance_release_of_an_ended_series_is_abandoned() -> None:
    policy = Policy(
        cadence=Cadence(min_weeks=12, max_weeks=12, weekday=None),
        maintenance=Maintenance(security_months=6, release_every_weeks=4),
    )
    history = (
        ReleaseSpec("9.0.0", actual=D(2025, 1, 6)),
        ReleaseSpec("9.0.1", ReleaseKind.MAINTENANCE, pins={"release": D(2025, 2, 3)}),
        ReleaseSpec("9.1.0", actual=D(2025, 4, 7)),
    )
    plan = Plan("pytest", policy, history)
    during, after = D(2025, 5, 1), D(2026, 12, 3)  # 9.0's support ended on 2025-10-07
    fix = next(r for r in build_train(plan, after) if r.version == "9.0.1")
    assert rung_state(fix, "release", fix.day, during) == RungMark(RungState.LATE, 87)
    assert rung_state(fix, "release", fix.day, after).state is RungState.ABANDONED


def test_the_schedule_mail_says_late_not_passed(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--today", "2009-11-21", "report", "4.0.0", "--kind", "schedule")
    release = [ln for ln in out.splitlines() if ln.endswith("Release")][0]
    assert "Tuesday 10th November 2009" in release
    assert "LATE 11 days" in release and "PASSED" not in release
    assert all("PASSED" in ln for ln in out.splitlines() if ln.endswith(("RC10", "RC1")))
    _, md, _ = run(capsys, "--today", "2009-11-21", "report", "4.0.0", "--kind", "schedule",
                   "--format", "markdown")  # fmt: skip
    assert "| 2009-11-10 | LATE 11 days | Release |" in md


def test_the_status_page_says_late_not_passed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    site = tmp_path / "site"
    code, _, err = run(capsys, "--today", "2009-11-21", "report", "--kind", "status",
                       "--format", "html", "-o", f"{site}/")  # fmt: skip
    assert code == 0, err
    page = (site / "series-4.0.html").read_text(encoding="utf-8")
    row = page.split("4.0.0 schedule", 1)[1].split("2009-11-10", 1)[1].split("</tr>", 1)[0]
    assert ">late 11 days<" in row and "passed" not in row


def test_the_release_panel_ladder_says_late() -> None:
    from relplan.tui.screens.release import panel_text  # the dashboard's face of the rule

    plan, train, release = _release("4.0.0", LATER)
    stages = ladder(plan.policy, release, plan.spec("4.0.0"))
    text = panel_text(release, release_status(plan, train, "4.0.0", LATER), stages, LATER)
    assert "phase [$phase-late]late[/]" in text
    assert "✓ RC1..RC10 2009-09-01..2009-11-03  ✗ Release 2009-11-10 late 11d" in text
    assert "✓ Release" not in text
    plan, train, shipped = _release("4.0.0", LATER, actual=D(2009, 11, 12))
    stages = ladder(plan.policy, shipped, plan.spec("4.0.0"))
    text = panel_text(shipped, release_status(plan, train, "4.0.0", LATER), stages, LATER)
    assert "✓ Release 2009-11-12" in text
