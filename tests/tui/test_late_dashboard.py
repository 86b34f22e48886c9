"""The dashboard on a plan read years later: late releases first in what needs you now."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Static

from relplan.planner.store.demo import demo_plan
from relplan.planner.usecases.session import Session
from relplan.tui.app import RelplanApp
from relplan.tui.widgets.timeline import Timeline


async def test_late_releases_come_first_in_what_needs_you_now() -> None:
    app = RelplanApp(Session(demo_plan(), today=dt.date(2026, 12, 3)), start="timeline")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        text = str(app.screen.query_one("#attention", Static).render())
        rows = "\n".join(
            "".join(seg.text for seg in app.screen.query_one(Timeline).render_line(y))
            for y in range(app.screen.query_one(Timeline).size.height)
        )
    assert "late 6232d" in rows  # 4.0.0's countdown says how late it is
    lines = text.splitlines()
    assert lines[0].startswith("▲ 3.4.2 late: late by 6295 days: planned for 2009-09-08")
    assert "nothing needs you now" not in text
