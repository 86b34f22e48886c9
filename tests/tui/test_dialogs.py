"""Escape closes every dialog and changes nothing: back on the view, the same plan object.

Each test types into or moves inside the dialog first where it can, so an escape that
answered with what is there (the typed path, the highlighted choice) would show.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.screen import Screen

from relplan.tui.app import RelplanApp
from relplan.tui.screens.dialogs import ChoiceScreen, ConfirmScreen, PathScreen
from relplan.tui.widgets.timeline import Timeline

SIZE = (120, 40)


async def escape_from(
    pilot: Pilot[None],
    keys: Sequence[str],
    dialog: type[Screen[object]],
    question: str,
    inside: Sequence[str] = (),
) -> None:
    """Open a dialog with ``keys``, press ``inside`` in it, then escape: the screen stack
    is what it was (the view the dialog was opened from on top) and the app still runs."""
    app = pilot.app
    stack = list(app.screen_stack)
    await pilot.press(*keys)
    shown = app.screen
    assert isinstance(shown, dialog), f"{keys} opened {type(shown).__name__}"
    assert question in str(getattr(shown, "question", "")), getattr(shown, "question", "")
    await pilot.press(*inside, "escape")
    await pilot.pause()
    assert app.screen_stack == stack, f"escape left {type(app.screen).__name__} on top"
    assert app.return_code is None  # not quit


CREDIT = ["2", "slash", *"credit", "enter"]  # the Items view, on demo#credit-starve


@pytest.mark.parametrize(
    "before, keys, question",
    [
        (CREDIT, ["p"], "Priority"),
        (CREDIT, ["t"], "Target release"),
        (CREDIT, ["B"], "Backport to which branch"),
        (CREDIT, ["B", "enter"], "Backport state on 3.4"),
        (["3"], ["enter"], "Backport state on"),  # a cell of the backports view
    ],
    ids=["priority", "target", "backport-branch", "backport-state", "backport-cell"],
)
async def test_escape_closes_a_choice_and_changes_nothing(
    demo_app: RelplanApp,
    before: list[str],
    keys: list[str],
    question: str,
) -> None:
    plan = demo_app.session.plan
    async with demo_app.run_test(size=SIZE) as pilot:
        await pilot.press(*before)
        await escape_from(pilot, keys, ChoiceScreen, question, inside=["down"])
        assert demo_app.session.plan is plan and not demo_app.session.dirty


async def test_escape_on_the_quit_question_stays_with_the_edits(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "slash", *"Remus", "enter", "right_square_bracket")
        edited = demo_app.session.plan
        assert demo_app.session.dirty
        await escape_from(pilot, ["q"], ConfirmScreen, "Quit without saving?")
        assert demo_app.session.plan is edited and demo_app.session.dirty


async def test_escape_on_changed_on_disk_writes_nothing(
    file_app: RelplanApp, plan_file: Path
) -> None:
    async with file_app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "slash", *"Remus", "enter", "right_square_bracket")
        edited = file_app.session.plan
        theirs = plan_file.read_text().replace("Per-disk I/O limits", "Per-disk I/O caps")
        plan_file.write_text(theirs)
        await escape_from(pilot, ["ctrl+s"], ConfirmScreen, "changed on disk")
        assert file_app.session.plan is edited and file_app.session.dirty
    assert plan_file.read_text() == theirs


@pytest.mark.parametrize(
    "key, question",
    [("ctrl+s", "Save the plan as"), ("e", "Export the plan to (.toml, .json")],
    ids=["save-as", "export"],
)
async def test_escape_on_a_path_writes_nothing(
    demo_app: RelplanApp,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    key: str,
    question: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    plan = demo_app.session.plan
    async with demo_app.run_test(size=SIZE) as pilot:
        # a path typed, then cancelled: escape is not an answer
        await escape_from(pilot, [key], PathScreen, question, inside=list("x.toml"))
        assert (
            demo_app.session.plan is plan
            and demo_app.session.is_demo
            and demo_app.session.path is None
        )
        assert not demo_app.session.dirty
    assert list(tmp_path.iterdir()) == []


async def on_release(pilot: Pilot[None], version: str) -> None:
    """The timeline's cursor on a release."""
    timeline = pilot.app.screen.query_one(Timeline)
    await pilot.press("g")
    while timeline.current is not None and timeline.current.version != version:
        await pilot.press("j")
    assert timeline.current is not None and timeline.current.version == version


@pytest.mark.parametrize(
    "key, question",
    [("S", "4.1.0 shipped on"), ("L", "Slip 4.1.0 (now 2010-02-02)")],
    ids=["ship", "slip"],
)
async def test_escape_on_a_release_day_changes_nothing(
    demo_app: RelplanApp, key: str, question: str
) -> None:
    plan = demo_app.session.plan
    async with demo_app.run_test(size=SIZE) as pilot:
        await on_release(pilot, "4.1.0")
        # the dialog opens on a valid answer (today, +1w): escape must not take it
        await escape_from(pilot, [key], PathScreen, question)
        assert demo_app.session.plan is plan and not demo_app.session.dirty


async def test_escape_on_the_what_if_preview_changes_nothing(demo_app: RelplanApp) -> None:
    plan = demo_app.session.plan
    async with demo_app.run_test(size=SIZE) as pilot:
        await on_release(pilot, "4.1.0")
        slip = ["L", "ctrl+u", *"+2w", "enter"]
        await escape_from(pilot, slip, ConfirmScreen, "Slip 4.1.0 from 2010-02-02 to 2010-02-16")
        assert demo_app.session.plan is plan and not demo_app.session.dirty
