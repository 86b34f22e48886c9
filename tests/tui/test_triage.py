"""Triage keys in the Items view: every action, bulk marks, undo and redo chains."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from relplan.planner.domain.model import BackportState, Priority, State
from relplan.tui.app import RelplanApp
from relplan.tui.screens.dialogs import ChoiceScreen
from relplan.tui.screens.items import ItemsScreen

SIZE = (120, 40)


async def find(pilot: Pilot[None], text: str) -> None:
    """Items view, filter by ``text``, back to the list on the first match."""
    await pilot.press("2", "slash", *text, "enter")


def item(app: RelplanApp, item_id: str):  # type: ignore[no-untyped-def]
    found = app.session.plan.item(item_id)
    assert found is not None
    return found


async def test_filter_selects_the_first_match(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await find(pilot, "Remus")
        screen = demo_app.screen
        assert isinstance(screen, ItemsScreen)
        assert len(screen.rows) == 1
        assert screen.item_list.has_focus
        assert screen.current_item() is not None and screen.current_item().id == "demo#remus"
        await pilot.press("escape")
        assert len(screen.rows) == len(demo_app.session.plan.items)


async def test_accept_defer_reject_blocker(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await find(pilot, "rdma")
        await pilot.press("a")
        assert item(demo_app, "demo#rdma-migration").state is State.ACCEPTED
        await pilot.press("b")
        assert item(demo_app, "demo#rdma-migration").blocker
        await pilot.press("x")
        assert item(demo_app, "demo#rdma-migration").state is State.REJECTED
        await pilot.press("escape")
        await find(pilot, "remus")
        await pilot.press("d")
        remus = item(demo_app, "demo#remus")
        assert remus.state is State.DEFERRED and remus.target is None
        assert "deferred demo#remus" in demo_app.status_text


async def test_move_next_and_previous_release(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await find(pilot, "disk-io")
        assert item(demo_app, "demo#disk-io-limits").target == "4.1.0"
        await pilot.press("right_square_bracket")
        assert item(demo_app, "demo#disk-io-limits").target == "4.2.0"
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert item(demo_app, "demo#disk-io-limits").target == "4.1.0"  # 4.0.0 is frozen
        assert "no earlier release" in demo_app.status_text


async def test_priority_target_and_backport_dialogs(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await find(pilot, "credit-starve")
        await pilot.press("p")
        assert isinstance(demo_app.screen, ChoiceScreen)
        await pilot.press("home", "enter")  # first choice: critical
        assert item(demo_app, "demo#credit-starve").priority is Priority.CRITICAL
        await pilot.press("t")
        await pilot.press("home", "enter")  # first unshipped release: 3.4.2
        assert item(demo_app, "demo#credit-starve").target == "3.4.2"
        await pilot.press("B")
        await pilot.press("home", "enter")  # newest maintained branch: 3.4
        await pilot.press("home", "down", "enter")  # second state: required
        assert item(demo_app, "demo#credit-starve").backports["3.4"] is BackportState.REQUIRED
        await pilot.press("p", "escape")
        assert item(demo_app, "demo#credit-starve").priority is Priority.CRITICAL


async def test_backport_dialog_refuses_a_feature_as_set_does(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await find(pilot, "remus")
        before = item(demo_app, "demo#remus")
        await pilot.press("B")
        await pilot.press("home", "enter")  # newest maintained branch: 3.4
        await pilot.press("home", "down", "enter")  # required
        assert item(demo_app, "demo#remus") == before
        assert "only bugs and security fixes are backported" in demo_app.status_text
        assert "demo#remus is a feature" in demo_app.status_text


async def test_bulk_marks_apply_to_every_marked_item(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "f")  # preset: untriaged
        screen = demo_app.screen
        assert isinstance(screen, ItemsScreen) and screen.rows.preset == "untriaged"
        proposed = [screen.rows.item_at(i).id for i in range(3)]
        await pilot.press("g", "space", "space", "space")
        assert screen.item_list.marked == set(proposed)
        await pilot.press("a")
        assert all(item(demo_app, i).state is State.ACCEPTED for i in proposed)
        assert "accepted 3 items" in demo_app.status_text
        await pilot.press("u")
        assert all(item(demo_app, i).state is State.PROPOSED for i in proposed)


async def test_undo_redo_chain(demo_app: RelplanApp) -> None:
    original = demo_app.session.plan
    async with demo_app.run_test(size=SIZE) as pilot:
        await find(pilot, "remus")
        await pilot.press("right_square_bracket", "b", "p", "end", "enter")
        after = demo_app.session.plan
        assert demo_app.session.history.depth == (3, 0)
        await pilot.press("u", "u", "u")
        assert demo_app.session.plan is original and not demo_app.session.history.dirty
        await pilot.press("u")  # nothing left: the key is disabled
        assert demo_app.session.plan is original and not demo_app.session.history.can_undo
        await pilot.press("ctrl+r", "ctrl+r", "ctrl+r")
        assert demo_app.session.plan is after
        assert item(demo_app, "demo#remus").target == "4.1.0"


async def test_the_list_redraws_after_an_edit(
    demo_app: RelplanApp, screen_text: Callable[[RelplanApp], str]
) -> None:
    text_of = screen_text
    async with demo_app.run_test(size=SIZE) as pilot:
        await find(pilot, "remus")
        assert "4.0.0" in text_of(demo_app)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        row = next(line for line in text_of(demo_app).splitlines() if "demo#remus" in line)
        assert "4.1.0" in row and "moved demo#remus 4.0.0 -> 4.1.0" in text_of(demo_app)


async def test_escape_clears_marks_when_there_is_no_filter(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "space", "space")
        screen = demo_app.screen
        assert isinstance(screen, ItemsScreen) and len(screen.item_list.marked) == 2
        await pilot.press("escape")
        assert not screen.item_list.marked
        assert screen.selection() == {screen.item_list.current.id}  # type: ignore[union-attr]


def choice_labels(app: RelplanApp) -> list[str]:
    screen = app.screen
    assert isinstance(screen, ChoiceScreen)
    return [label for _, label in screen.choices]


async def test_the_target_picker_shows_phases_and_asks_before_crossing_a_rule(
    demo_app: RelplanApp,
) -> None:
    from relplan.planner.domain.rules import FROZEN_RULE, SHIPPED_RULE
    from relplan.tui.screens.dialogs import ConfirmScreen

    async with demo_app.run_test(size=SIZE) as pilot:
        await find(pilot, "credit-starve")  # a bug on 4.0.0
        await pilot.press("t")
        labels = choice_labels(demo_app)
        assert any(label.startswith("4.0.0") and "frozen" in label for label in labels)
        shipped = [label for label in labels if label.startswith("3.4.1")]
        assert shipped and "released" in shipped[0] and "asks" in shipped[0]
        screen = demo_app.screen
        assert isinstance(screen, ChoiceScreen)
        from textual.widgets import OptionList

        options = screen.query_one(OptionList)
        options.highlighted = next(i for i, (v, _) in enumerate(screen.choices) if v == "3.4.1")
        await pilot.press("enter")
        assert isinstance(demo_app.screen, ConfirmScreen)
        assert SHIPPED_RULE in str(demo_app.screen.question)
        await pilot.press("n")
        assert item(demo_app, "demo#credit-starve").target == "4.0.0"
        assert SHIPPED_RULE in demo_app.status_text
        await pilot.press("escape")
        await find(pilot, "bridge-switch")  # a feature on 4.1.0
        await pilot.press("t")
        labels = choice_labels(demo_app)
        assert any(label.startswith("4.0.0") and "asks" in label for label in labels)
        await pilot.press("home", "enter")  # 3.4.2: a maintenance release
        assert FROZEN_RULE in str(demo_app.screen.question)  # type: ignore[attr-defined]
        await pilot.press("y")
        assert item(demo_app, "demo#bridge-switch").target == "3.4.2"
        await pilot.press("u")
        assert item(demo_app, "demo#bridge-switch").target == "4.1.0"


async def test_a_backport_mark_on_an_end_of_life_series_asks(demo_app: RelplanApp) -> None:
    from relplan.planner.domain.rules import EOL_RULE
    from relplan.tui.screens.dialogs import ConfirmScreen

    async with demo_app.run_test(size=SIZE) as pilot:
        await find(pilot, "credit-starve")
        demo_app.edit_backport("demo#credit-starve", "3.2")  # a release view's old branch
        await pilot.pause()
        await pilot.press("home", "down", "enter")  # required
        assert isinstance(demo_app.screen, ConfirmScreen)
        assert EOL_RULE in demo_app.screen.question
        await pilot.press("n")
        assert "3.2" not in item(demo_app, "demo#credit-starve").backports


async def test_marks_show_their_count_and_a_bulk_move_says_where(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await find(pilot, "4.1.0")  # the features targeting 4.1.0
        await pilot.press("g", "space")
        assert "1 item marked" in demo_app.status_text
        await pilot.press("space")
        assert "2 items marked" in demo_app.status_text
        await pilot.press("right_square_bracket")
        assert demo_app.status_text.startswith("moved 2 items to 4.2.0")
        await pilot.press("escape", "2", "slash", *"credit", "enter", "enter")  # release view
        await pilot.press("space")
        assert "1 item marked" in demo_app.status_text
