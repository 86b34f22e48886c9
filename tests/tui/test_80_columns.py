"""At 80x24 nothing that needs reading is cut off: the attention lines and the Branches
detail wrap, the title keeps its unsaved marker, columns fit their cells, a long message
takes a second line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.usecases.session import Session
from relplan.tui.app import RelplanApp

Text = Callable[[RelplanApp], str]
SIZE = (80, 24)


async def test_attention_and_the_branch_detail_are_read_whole(screen_text: Text) -> None:
    app = RelplanApp(Session(demo_plan(), today=DEMO_TODAY))  # the demo's Branches view
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "demo#vga-passthrough" in text  # the end of the frozen release's list
        assert "fix(es) still to backport to 3.4" in text
        assert "security until 2010-10-20 (computed from the plan's cadence)" in text
        assert "…" not in text.split("─" * 20)[0].split("\n", 1)[1]  # no attention line cut


async def test_a_late_count_fits_its_column(screen_text: Text) -> None:
    today = dt.date(2012, 6, 4)  # 3.4.2 (2009-09-08) 1000 days late: 16 cells
    app = RelplanApp(Session(demo_plan(), today=today))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "3.4.2 late 1000d " in screen_text(app)


async def test_the_title_never_cuts_the_unsaved_marker(screen_text: Text) -> None:
    app = RelplanApp(Session(demo_plan(), today=DEMO_TODAY), start="timeline")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "slash", *"Remus", "enter", "right_square_bracket")
        await pilot.press("1")
        assert app.session.dirty
        title = screen_text(app).splitlines()[0]
        assert "● unsaved changes" in title


async def test_a_long_message_takes_a_second_line(screen_text: Text) -> None:
    app = RelplanApp(Session(demo_plan(), today=DEMO_TODAY), start="timeline")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("L", "ctrl+u", *"2009-01-01", "enter")
        await pilot.pause()
        assert app.status_text.startswith("not slipped") and len(app.status_text) > 80
        flat = " ".join(line.strip() for line in screen_text(app).splitlines())
        assert app.status_text in flat
