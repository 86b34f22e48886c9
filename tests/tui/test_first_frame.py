"""The first frame: whole, and the collector given back once it is painted."""

from __future__ import annotations

import gc
import re
from typing import Any

from textual._compositor import CompositorUpdate

from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.usecases.session import Session
from relplan.tui.app import RelplanApp

ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def record_frames(app: RelplanApp) -> list[str]:
    """The text of every frame the app puts on screen (Textual drops the updates made while
    it batches its start-up: those never reach the terminal)."""
    frames: list[str] = []
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        if isinstance(renderable, CompositorUpdate) and not app._batch_count:
            frames.append(ESCAPES.sub("", renderable.render_segments(app.console)))
        original(screen, renderable)

    app._display = display  # type: ignore[method-assign]
    return frames


async def test_the_first_frame_holds_the_whole_start_view() -> None:
    """Textual lays the start view out while it batches its start-up and drops that frame;
    the first frame after the batch held only the few widgets changed since (the attention
    list, the key hints), and the table waited a timer tick for the next layout."""
    app = RelplanApp(Session(demo_plan(), today=DEMO_TODAY))
    frames = record_frames(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        first = frames[0]
        assert "relplan · Xen (demo, 2009)" in first  # the title
        assert re.search(r"series +phase +next release", first)  # the table's header
        assert re.search(r"3\.4 +maintained", first)  # and its rows


async def test_the_collector_paused_for_the_start_up_resumes_after_the_first_frame() -> None:
    app = RelplanApp(Session(demo_plan(), today=DEMO_TODAY))
    app.resume_gc = True  # as run_dashboard sets it, having paused the collector
    gc.disable()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


async def test_the_heap_frozen_for_the_start_up_is_given_back_after_the_first_frame() -> None:
    """The app takes the plan out of the collector's sight while it starts (a full collection
    over 100,000 items cost 0.2-0.5 s before the first frame); in a process that outlives it
    (tests, a bench) the collector sees everything again once the frame is painted."""
    gc.unfreeze()
    app = RelplanApp(Session(demo_plan(), today=DEMO_TODAY))
    assert gc.get_freeze_count() > 0
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert gc.get_freeze_count() == 0
