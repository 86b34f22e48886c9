"""Views by registry: each entry of relplan.tui.views.VIEWS is a mode, a key, a palette entry
and a keymap owner of the app, with nothing else to edit."""

from __future__ import annotations

import inspect

import pytest

from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.usecases.session import Session
from relplan.tui.app import RelplanApp, binding_ids, binding_owners
from relplan.tui.commands import RelplanCommands
from relplan.tui.views import VIEWS, start_view


def test_each_view_is_a_mode_a_binding_and_a_keymap_owner() -> None:
    assert [v.name for v in VIEWS] == list(RelplanApp.MODES)
    keys = {b.id: b.key for b in RelplanApp.BINDINGS if hasattr(b, "id")}
    owners = binding_owners()
    for view in VIEWS:
        assert keys[f"view_{view.name}"] == view.key
        assert view.screen_class() in owners
        assert f"view_{view.name}" in binding_ids()
    assert len({v.key for v in VIEWS}) == len(VIEWS)


@pytest.mark.parametrize("view", VIEWS, ids=[v.name for v in VIEWS])
async def test_each_views_key_and_palette_entry_open_it(view: object) -> None:
    app = RelplanApp(Session(demo_plan(), today=DEMO_TODAY))
    assert start_view(app.session) == "branches"  # the demo has supported branches
    async with app.run_test(size=(120, 40)) as pilot:
        other = next(v for v in VIEWS if v is not view)
        await pilot.press(other.key)
        await pilot.pause()
        await pilot.press(view.key)  # type: ignore[attr-defined]
        await pilot.pause()
        assert isinstance(app.screen, view.screen_class())  # type: ignore[attr-defined]
        await pilot.press(other.key)
        await pilot.pause()
        provider = RelplanCommands(app.screen)
        titles = {name: command for name, command, _ in provider._commands()}
        ran = titles[view.title]()  # type: ignore[attr-defined]
        if inspect.isawaitable(ran):
            await ran
        await pilot.pause()
        assert isinstance(app.screen, view.screen_class())  # type: ignore[attr-defined]
