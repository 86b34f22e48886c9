"""One item from the dashboard: details, its tracker page, add and edit forms."""

from __future__ import annotations

from relplan.planner.domain.model import Kind
from relplan.tui.app import RelplanApp
from relplan.tui.screens.item import ItemForm, ItemScreen
from relplan.tui.screens.items import ItemsScreen

SIZE = (120, 40)


async def test_details_show_why_and_backports_with_evidence(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "slash", *"ioreq", "enter", "i")
        screen = demo_app.screen
        assert isinstance(screen, ItemScreen)
        from relplan.tui.screens.item import item_text

        text = item_text(demo_app.session, screen.item).plain
        assert "demo#ioreq-overflow" in text and "backports" in text
        assert "3.4  tracker:" in text  # every maintained branch, tracker and git
        await pilot.press("escape")
        assert isinstance(demo_app.screen, ItemsScreen)


async def test_o_opens_the_tracker_page_or_says_there_is_none(demo_app: RelplanApp) -> None:
    opened: list[str] = []
    demo_app.open_url = lambda url, new_tab=True: opened.append(url)  # type: ignore[method-assign]
    async with demo_app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "slash", *"remus", "enter", "o")
        assert opened == [] and "has no tracker link" in demo_app.status_text
        await pilot.press("E")
        assert isinstance(demo_app.screen, ItemForm)
        url = demo_app.screen.query_one("#field-url")
        url.focus()  # type: ignore[attr-defined]
        await pilot.press(*"https://lists.xen.org/remus", "enter")
        await pilot.press("o")
        assert opened == ["https://lists.xen.org/remus"]


async def test_new_item_form_checks_fields_and_adds_one_undoable_item(
    demo_app: RelplanApp,
) -> None:
    count = len(demo_app.session.plan.items)
    async with demo_app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "n")
        form = demo_app.screen
        assert isinstance(form, ItemForm)
        await pilot.press(*"NUMA placement", "tab", "ctrl+u", *"featur", "enter")
        assert isinstance(demo_app.screen, ItemForm)  # a bad kind keeps the form open
        assert "is not one of feature" in str(form.query_one("#problems").render())
        await pilot.press(
            "backspace", "backspace", "backspace", "backspace", "backspace", "backspace"
        )
        await pilot.press(*"bug", "enter")
        assert isinstance(demo_app.screen, ItemsScreen)
        added = demo_app.session.plan.item("local#numa-placement")
        assert added is not None and added.kind is Kind.BUG
        assert len(demo_app.session.plan.items) == count + 1
        await pilot.press("u")
        assert len(demo_app.session.plan.items) == count


async def test_escape_in_a_form_changes_nothing(demo_app: RelplanApp) -> None:
    plan = demo_app.session.plan
    async with demo_app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "slash", *"remus", "enter", "E", *" HA", "escape")
        assert isinstance(demo_app.screen, ItemsScreen)
        await pilot.press("n", *"x", "escape")
        assert isinstance(demo_app.screen, ItemsScreen)
    assert demo_app.session.plan is plan and not demo_app.session.dirty


def _burst(app: RelplanApp, text: str) -> None:
    """Keys as a terminal delivers a fast typist's or a paste's: all queued at once, no
    waiting between them (pilot.press waits for each key to be handled)."""
    from textual import events

    for ch in text:
        key = "tab" if ch == "\t" else ch
        app.post_message(events.Key(key, None if key == "tab" else ch))


async def test_keys_typed_right_after_tab_land_in_the_next_field(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "n", *"NUMA", "tab", "tab", "tab", "tab", "tab")
        form = demo_app.screen
        assert isinstance(form, ItemForm)
        _burst(demo_app, "Jan\tok\t")
        await pilot.pause()
        texts = form.texts()
        assert (texts["owner"], texts["prognosis"]) == ("Jan", "ok")


async def test_the_focused_field_shows_its_text_at_80x24(demo_app: RelplanApp) -> None:
    from tests.tui.conftest import text_of

    async with demo_app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "n", *"NUMA placement", "tab", "tab", "tab", "tab", "tab")
        await pilot.press(*"Keir Fraser")
        lines = text_of(demo_app).splitlines()
        assert any("title" in line and "NUMA placement" in line for line in lines)
        assert any("owner" in line and "Keir Fraser" in line for line in lines)  # focused
        assert any("owner(s), separated by" in line for line in lines)  # its hint


async def test_the_edit_form_asks_before_a_feature_targets_a_frozen_release(
    demo_app: RelplanApp,
) -> None:
    from relplan.planner.domain.rules import FROZEN_RULE
    from relplan.tui.screens.dialogs import ConfirmScreen

    async with demo_app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "slash", *"bridge-switch", "enter", "E")
        await pilot.press(*["tab"] * 4, *["backspace"] * 5, *"4.0.0", "enter")
        assert isinstance(demo_app.screen, ConfirmScreen)
        assert FROZEN_RULE in demo_app.screen.question
        await pilot.press("n")
        found = demo_app.session.plan.item("demo#bridge-switch")
        assert found is not None and found.target == "4.1.0"


async def test_deferring_in_the_edit_form_drops_the_target(demo_app: RelplanApp) -> None:
    from relplan.planner.domain.model import State

    async with demo_app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "slash", *"bridge-switch", "enter", "E")
        await pilot.press(*["tab"] * 3, *["backspace"] * 8, *"deferred", "enter")
        found = demo_app.session.plan.item("demo#bridge-switch")
        assert found is not None and (found.state, found.target) == (State.DEFERRED, None)
        assert "(deferred: no target)" in demo_app.status_text
