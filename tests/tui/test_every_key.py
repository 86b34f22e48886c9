"""Every key help lists works by its key (issue 20): pressed as a terminal sends it (a
printable key as its character, which Textual names: ``+`` arrives as ``plus``), it
reaches its binding's action, and something visible happens."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from textual.binding import ActiveBinding
from textual.keys import _get_unicode_name_from_key
from textual.widgets import Input

from relplan.tui.app import RelplanApp
from relplan.tui.screens.base import ViewScreen
from relplan.tui.screens.help import GLOBAL_KEYS, HelpScreen, key_lines
from tests.tui.test_backports_view import scanned_session

#: How to reach each view, and where its cursor starts (mid-list: up and down both move).
VIEWS = {
    "timeline": ["1"],
    "items": ["2", "j", "j"],
    "backports": ["3", "j"],
    "release": ["2", "slash", *"credit", "enter", "enter", "j"],
}
#: Moves back to a cursor mid-list after each key.
RESET = {"timeline": ["g", "j", "j"], "items": ["g", "j", "j"], "backports": ["g", "j"],
         "release": ["g", "j"]}  # fmt: skip
#: What a key needs first to have anything to do (escape clears marks or a filter).
PREPARE = {("items", "escape"): ["space"], ("backports", "escape"): ["slash", "z", "enter"],
           ("timeline", "full_stop"): ["right"],  # away from today first
           ("backports", "left"): ["l"], ("backports", "h"): ["l"]}  # fmt: skip
#: Keys that leave on purpose.
LEAVES = {"q", "ctrl+q"}  # quit: checked on its own below


def typed(key: str) -> str:
    """The key as the terminal sends it: a printable character itself (the driver, like
    the pilot, names it), any other key by its name."""
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(key))
    except KeyError:
        return key
    return char if char.isprintable() else key  # "escape" names a control character


def state(app: RelplanApp) -> tuple[Any, ...]:
    return (
        tuple(type(s).__name__ for s in app.screen_stack), app.focused, app.status_text,
        len(app.messages), app.revision, drawn(app),
    )  # fmt: skip


def drawn(app: RelplanApp) -> list[tuple[tuple[str, str], ...]]:
    """The screen with its styles: a cursor that moves changes only a style."""
    strips = app.screen._compositor.render_strips()
    return [tuple((seg.text, str(seg.style)) for seg in strip) for strip in strips]


def listed(app: RelplanApp) -> list[tuple[str, ActiveBinding]]:
    """Every (key, binding) the help screen lists for the view on screen."""
    bindings = app.screen.active_bindings
    ids = {binding_id for _, _, binding_id in key_lines(bindings, app.get_key_display)}
    return [(k, a) for k, a in bindings.items() if (a.binding.id or a.binding.action) in ids]


async def back_to(app: RelplanApp, pilot: Any, view: str) -> None:
    """Close what a key opened and go back to the view under test, cursor as it was."""
    while not isinstance(app.screen, ViewScreen):
        app.pop_screen()
        await pilot.pause()
    if app.screen.view_name.split()[0] != view:
        await pilot.press(*VIEWS[view])
    screen = app.screen
    for box in screen.query(Input):  # a key that focused the filter: empty it, leave it
        box.value = ""
    if isinstance(screen.AUTO_FOCUS, str):
        screen.query_one(screen.AUTO_FOCUS).focus()
    await pilot.press(*RESET[view])
    app.set_status("")  # a key that only says something counts


@pytest.mark.parametrize("view", list(VIEWS))
async def test_every_key_listed_in_help_does_something(view: str) -> None:
    app = scanned_app() if view == "backports" else _demo()
    ran: list[str] = []
    run_action = app.run_action

    async def spy(action: Any, *args: Any, **kwargs: Any) -> bool:
        ran.append(str(action))
        return await run_action(action, *args, **kwargs)

    app.run_action = spy  # type: ignore[method-assign]
    dead: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*VIEWS[view])
        await pilot.pause()
        await pilot.press("a")  # one change, so undo has something to undo
        await pilot.press(*VIEWS[view])
        for key, active in listed(app):
            binding = active.binding
            if key in LEAVES or not active.enabled:
                continue
            if (
                binding.action == f"view('{view}')"
                or view == "release"
                and "view(" in binding.action
            ):
                continue  # the view on screen already; the release view is left by design
            await pilot.press(*PREPARE.get((view, key), []))
            before, ran[:] = state(app), []
            await pilot.press(typed(key))
            await pilot.pause()
            if binding.action not in ran or state(app) == before:
                dead.append(f"{key} ({binding.action})")
            await back_to(app, pilot, view)
    assert dead == [], f"{len(dead)} keys did nothing: {dead}"


async def test_help_lists_the_palette_and_tab_and_q_quits() -> None:
    app = _demo()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = [keys for keys, _, _ in app.screen.lines]
        assert "ctrl+p" in keys and any("tab" in k for k in keys)
        assert [k for k, *_ in GLOBAL_KEYS] == keys[-len(GLOBAL_KEYS) :]
        await pilot.press("escape", "q")
    assert app.return_code == 0 or app._exit_renderables == []


def scanned_app() -> RelplanApp:
    return RelplanApp(scanned_session())


def _demo() -> RelplanApp:
    from relplan.planner.store.demo import DEMO_TODAY, demo_plan
    from relplan.planner.usecases.session import Session

    return RelplanApp(Session(demo_plan(), today=DEMO_TODAY))
