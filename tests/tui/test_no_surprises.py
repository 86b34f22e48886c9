"""Keys that used to surprise (issue: "triage that never surprises"); each test failed before."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from relplan.planner.domain.model import BackportState, Priority, State
from relplan.planner.usecases.session import Session
from relplan.tui.app import RelplanApp
from relplan.tui.screens.dialogs import ChoiceScreen
from relplan.tui.screens.help import HelpScreen
from relplan.tui.screens.items import ItemsScreen

SIZE = (120, 40)


def item(app: RelplanApp, item_id: str):  # type: ignore[no-untyped-def]
    found = app.session.plan.item(item_id)
    assert found is not None
    return found


async def test_marks_end_with_the_action_that_used_them(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "f")  # untriaged
        screen = demo_app.screen
        assert isinstance(screen, ItemsScreen)
        marked = [screen.rows.item_at(i).id for i in range(3)]
        await pilot.press("g", "space", "space", "space", "d")
        assert all(item(demo_app, i).state is State.DEFERRED for i in marked)
        assert screen.item_list.marked == set()
        # the next key acts on the item under the cursor, not on the old marks
        await pilot.press("F", "G")  # back to "all", last row
        first = screen.current_item()
        assert first is not None and first.id not in marked
        before = first.state
        await pilot.press("a")
        assert all(item(demo_app, i).state is State.DEFERRED for i in marked)
        assert item(demo_app, first.id).state is (
            State.ACCEPTED if before is State.PROPOSED else before
        )


async def test_marks_hidden_by_the_filter_are_left_alone_and_said(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "slash", *"gallium", "enter", "space")
        await pilot.press("escape", "slash", *"nand", "enter")  # gallium now hidden
        screen = demo_app.screen
        assert isinstance(screen, ItemsScreen)
        assert screen.item_list.marked == {"demo#gallium-remoting"}
        await pilot.press("x")
        assert item(demo_app, "demo#nand-flash").state is State.REJECTED
        assert item(demo_app, "demo#gallium-remoting").state is State.PROPOSED
        assert "1 marked item hidden by the filter left alone" in demo_app.status_text


async def test_choice_dialogs_open_on_the_current_value(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "slash", *"credit-starve", "enter")
        assert item(demo_app, "demo#credit-starve").priority is Priority.MEDIUM
        await pilot.press("p", "enter")  # enter on the current value changes nothing
        assert item(demo_app, "demo#credit-starve").priority is Priority.MEDIUM
        assert not demo_app.session.dirty
        await pilot.press("p", "h", "enter")  # a first letter jumps: high
        assert item(demo_app, "demo#credit-starve").priority is Priority.HIGH
        await pilot.press("p", "j", "enter")  # j moves down from high: medium
        assert item(demo_app, "demo#credit-starve").priority is Priority.MEDIUM


async def test_backport_dialog_moves_with_j_and_k_from_the_current_state(
    demo_app: RelplanApp,
) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "slash", *"credit-starve", "enter")
        assert item(demo_app, "demo#credit-starve").backports.get("3.4") is BackportState.UNKNOWN
        await pilot.press("B")
        assert isinstance(demo_app.screen, ChoiceScreen)
        await pilot.press("enter")  # the newest maintained branch first: 3.4
        await pilot.press("j", "j", "j", "enter")  # unknown -> required -> in-progress -> done
        assert item(demo_app, "demo#credit-starve").backports["3.4"] is BackportState.DONE
        await pilot.press("B", "enter", "k", "enter")
        assert item(demo_app, "demo#credit-starve").backports["3.4"] is BackportState.IN_PROGRESS


async def test_export_writes_over_an_existing_file_only_when_told(
    demo_app: RelplanApp, tmp_path: Path
) -> None:
    target = tmp_path / "roadmap.md"
    target.write_text("- a Markdown roadmap\n")
    async with demo_app.run_test(size=SIZE) as pilot:
        await pilot.press("e", *str(target), "enter")
        await pilot.pause()
        await pilot.press("n")  # the question: replace it?
        assert demo_app.status_text == f"not exported: {target} exists and was kept"
    assert target.read_text() == "- a Markdown roadmap\n"


async def test_a_keymap_clash_is_named_at_start(demo_app: RelplanApp) -> None:
    session = Session(demo_app.session.plan, today=demo_app.session.today)
    app = RelplanApp(session, keymap={"quit": "a"})
    async with app.run_test(size=SIZE):
        assert "'a' is bound to both quit and accept" in app.status_text


async def test_help_renders_brackets_and_lists_relplan_keys_only(
    demo_app: RelplanApp, screen_text: Callable[[RelplanApp], str]
) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "question_mark")
        help_screen = demo_app.screen
        assert isinstance(help_screen, HelpScreen)
        ids = [binding_id for _, _, binding_id in help_screen.lines]
        assert "app.focus_next" not in ids and "focus_next" not in ids
        keys = {binding_id: keys for keys, _, binding_id in help_screen.lines}
        assert keys["prev_release"] == "[" and keys["next_release"] == "]"
        assert ids.index("accept") < ids.index("list_down")  # relplan's actions first
        await pilot.pause()
        shown = screen_text(demo_app)
        assert "[[/b]" not in shown and "Prev rel" in shown


async def test_the_palette_offers_relplan_commands_first(demo_app: RelplanApp) -> None:
    from relplan.tui.commands import RelplanCommands

    async with demo_app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        provider = RelplanCommands(demo_app.screen)
        names = [name for name, _, _ in provider._commands()]
        assert names[0] == "Help" and "Accept" in names[:12]
        assert all(not n.lower().startswith(("focus", "scroll")) for n in names)
        assert demo_app.COMMANDS == {next(iter(demo_app.COMMANDS))}  # no generic provider


async def test_accepting_work_in_progress_says_why_nothing_changed(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "slash", *"remus", "enter", "a")
        assert demo_app.status_text == "nothing to accept: already accepted, in progress or done"
