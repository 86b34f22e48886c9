"""The timeline opens on the present: today's releases on screen, not years of history."""

from __future__ import annotations

import datetime as dt

from relplan.planner.domain.model import Plan, ReleaseKind, ReleaseSpec
from relplan.planner.domain.policy import Cadence, Maintenance, MaintenanceModel, Policy
from relplan.planner.domain.rules import current_window
from relplan.planner.usecases.session import Session
from relplan.tui.app import RelplanApp
from relplan.tui.widgets.timeline import Timeline

TODAY = dt.date(2026, 11, 29)


def long_history() -> Plan:
    """Twenty years of point releases 8 months apart (the last in July 2026), each with two
    maintenance releases."""
    specs = []
    for n in range(30):
        day = dt.date(2026, 7, 29) - dt.timedelta(days=240 * (29 - n))
        specs.append(ReleaseSpec(f"4.{n}.0", actual=day))
        for k in (1, 2):
            specs.append(
                ReleaseSpec(
                    f"4.{n}.{k}", ReleaseKind.MAINTENANCE, actual=day + dt.timedelta(90 * k)
                )
            )
    policy = Policy(
        cadence=Cadence(33, 37),
        maintenance=Maintenance(MaintenanceModel.WINDOWS, 20, 18, release_every_weeks=12),
    )
    return Plan("long", policy, tuple(specs))


async def test_the_timeline_opens_scrolled_to_today() -> None:
    session = Session(long_history(), today=TODAY)
    app = RelplanApp(session, start="timeline")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        timeline = app.screen.query_one(Timeline)
        top = timeline.scroll_offset.y
        rows = timeline.scrollable_content_region.height - 1
        visible = [r.version for r in timeline.releases[top : top + rows]]
        assert "4.0.0" not in visible  # not 2006: scrolled past, or folded away
        assert timeline.current is not None and timeline.current.version in visible
        window = [r.version for r in current_window(session.train(), TODAY)]
        assert window[0] in visible  # the oldest supported branch opens the view
        assert timeline.current.day >= TODAY  # the cursor is on the first release ahead


async def test_a_short_plan_opens_at_its_first_row(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert demo_app.screen.query_one(Timeline).scroll_offset.y == 0


async def test_end_of_life_series_fold_into_one_row_that_enter_opens() -> None:
    session = Session(long_history(), today=TODAY)
    app = RelplanApp(session, start="timeline")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        timeline = app.screen.query_one(Timeline)
        top = timeline.scroll_offset.y
        assert timeline.rows[top].history > 1  # history is one row, at the top
        first_window = current_window(session.train(), TODAY)[0].series
        assert timeline.rows[top + 1].label == first_window  # then the supported series
        assert "4.0" not in [row.label for row in timeline.rows]
        folded = timeline.rows[top].history
        await pilot.press("g", "enter")
        assert timeline.current is None and timeline.cursor == 0
        labels = [row.label for row in timeline.rows]
        assert labels[1] == "4.0" and len(labels) == len(set(labels))
        assert len([r for r in timeline.rows[1 : folded + 1] if r.branch]) == folded
        await pilot.press("enter")
        assert "4.0" not in [row.label for row in timeline.rows]
