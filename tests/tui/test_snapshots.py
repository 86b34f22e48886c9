"""Snapshots of the main views on the demo as of 2009-08-31: at 120x40, and at 80x24 and 160x50.

Update after an intended change: .venv/bin/pytest tests/tui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from typing import Any

import pytest

from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.usecases.session import Session
from relplan.tui.app import RelplanApp

SIZE = (120, 40)


def app() -> RelplanApp:
    return RelplanApp(Session(demo_plan(), today=DEMO_TODAY), start="timeline")


@pytest.mark.parametrize(
    "name, keys",
    [
        ("timeline", []),
        ("items", ["2"]),
        ("items_untriaged_marked", ["2", "f", "space", "space"]),
        ("release", ["2", "slash", *"remus", "enter", "enter"]),
        ("backports", ["3"]),
        ("help", ["2", "question_mark"]),
    ],
)
def test_view(snap_compare: Any, name: str, keys: list[str]) -> None:
    async def settle(pilot: Any) -> None:
        await pilot.app.workers.wait_for_complete()  # the timeline's attention list
        await pilot.pause()

    assert snap_compare(app(), press=keys, terminal_size=SIZE, run_before=settle)


@pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])
@pytest.mark.parametrize(
    "name, keys",
    [
        ("timeline", []),
        ("items", ["2"]),
        ("release", ["2", "slash", *"remus", "enter", "enter"]),
        ("backports", ["3"]),
        # forms with text typed: the focused field (owner) shows its text and its hint
        ("form_new", ["2", "n", *"NUMA placement", *["tab"] * 5, *"Keir Fraser"]),
        (
            "form_edit",
            ["2", "slash", *"remus", "enter", "E", "tab", "tab", *["backspace"] * 6, *"high"],
        ),
        ("help", ["2", "question_mark"]),
    ],
)
def test_view_at_size(snap_compare: Any, name: str, keys: list[str], size: tuple[int, int]) -> None:
    """The main views at the smallest size relplan is built for and at a large one: at 80x24
    ids lose their middle, titles keep the room, the footer keeps ? Help and q Quit."""

    async def settle(pilot: Any) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app(), press=keys, terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])
def test_branches_view_at_size(snap_compare: Any, size: tuple[int, int]) -> None:
    """The demo's first screen (it has supported branches): what needs you, then one row per
    series with its next release; at 80 columns the support end ahead, at 160 both ends and
    their source."""

    async def settle(pilot: Any) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    start = RelplanApp(Session(demo_plan(), today=DEMO_TODAY))
    assert snap_compare(start, terminal_size=size, run_before=settle)


def test_stale_clone_at_80x24(snap_compare: Any) -> None:
    """A clone nobody fetched: the warning is a line of its own under the title, whole at 80
    columns (after the title it was cut off)."""
    from tests.tui.test_branches_view import stale_clone_app

    async def settle(pilot: Any) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(stale_clone_app(), terminal_size=(80, 24), run_before=settle)
