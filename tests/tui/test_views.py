"""Timeline, release, backports and help views; keymap; sync status line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from relplan.planner.domain.model import BackportState
from relplan.planner.usecases.session import Session
from relplan.tui.app import RelplanApp
from relplan.tui.messages import SyncStatus
from relplan.tui.screens.backports import BackportsScreen
from relplan.tui.screens.help import HelpScreen
from relplan.tui.screens.release import ReleaseScreen
from relplan.tui.screens.timeline import TimelineScreen
from relplan.tui.widgets.timeline import Timeline

SIZE = (120, 40)
Text = Callable[[RelplanApp], str]


async def test_timeline_view_says_it_is_the_demo(demo_app: RelplanApp, screen_text: Text) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        assert isinstance(demo_app.screen, TimelineScreen)
        await demo_app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(demo_app)
        assert "DEMO" in text and "as of 2009-08-31" in text
        row = next(line for line in text.splitlines() if line.startswith(" 4.0.0"))
        assert "frozen" in row and "rc1 in 1d" in row and "◆" in row
        assert "●3.4 " in text  # a maintained branch stands out, its releases folded in
        # What needs me now comes first: the frozen 4.0 and the 3.4.2 RC are no-go.
        lines = text.splitlines()
        first = next(i for i, line in enumerate(lines) if "▲" in line)
        assert first < next(i for i, line in enumerate(lines) if line.startswith(" 4.0.0"))
        assert "▲ 4.0.0 frozen, rc1 in 1d: 4 feature(s) still open after the freeze" in text
        assert "▲ 3.4.2 rc, release in 8d: 1 open blocker(s): demo#pvhvm-migrate-hang" in text


async def test_timeline_scrolls_and_jumps_to_today(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        timeline = demo_app.screen.query_one(Timeline)
        start = timeline.start
        await pilot.press("l", "l")
        assert (timeline.start - start).days == 56
        await pilot.press("h")
        assert (timeline.start - start).days == 28
        await pilot.press("full_stop")
        assert timeline.start == start


async def test_enter_on_a_release_opens_the_release_view(
    demo_app: RelplanApp, screen_text: Text
) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        timeline = demo_app.screen.query_one(Timeline)
        row = next(i for i, r in enumerate(timeline.releases) if r.version == "4.0.0")
        timeline.action_jump(row)
        await pilot.press("enter")
        assert isinstance(demo_app.screen, ReleaseScreen)
        text = screen_text(demo_app)
        assert "phase frozen" in text and "NO-GO" in text
        assert "features open after freeze:" in text and "demo#remus" in text
        assert "freeze 2009-08-18" in text
        # triage works on the release's items too
        await pilot.press("g", "b")
        first = demo_app.screen.current_item()
        assert first is not None and demo_app.session.plan.item(first.id).blocker  # type: ignore[union-attr]
        await pilot.press("escape")
        assert isinstance(demo_app.screen, TimelineScreen)


async def test_backports_view_sets_a_cell(demo_app: RelplanApp, screen_text: Text) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        assert isinstance(demo_app.screen, BackportsScreen)
        assert "3.4 (xen-3.4-testing)" in screen_text(demo_app)
        await pilot.press("j", "l", "B")  # second fix (ioreq-overflow), second branch (3.3)
        await pilot.press("home", "down", "down", "down", "enter")  # done
        fix = demo_app.session.plan.item("demo#ioreq-overflow")
        assert fix is not None and fix.backports["3.3"] is BackportState.DONE
        await pilot.press("u")
        fix = demo_app.session.plan.item("demo#ioreq-overflow")
        assert fix is not None and fix.backports["3.3"] is BackportState.REQUIRED


async def test_help_lists_the_keys_of_the_current_view(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "question_mark")
        assert isinstance(demo_app.screen, HelpScreen)
        ids = {binding_id for _, _, binding_id in demo_app.screen.lines}
        assert {"accept", "defer", "next_release", "items_filter", "list_mark", "undo"} <= ids
        await pilot.press("escape", "1", "question_mark")
        ids = {binding_id for _, _, binding_id in demo_app.screen.lines}
        assert "timeline_today" in ids and "accept" not in ids


async def test_keymap_remaps_by_binding_id(demo_app: RelplanApp) -> None:
    from relplan.planner.store.demo import DEMO_TODAY

    app = RelplanApp(Session(demo_app.session.plan, today=DEMO_TODAY), keymap={"accept": "A"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "slash", *"rdma", "enter", "a")
        assert app.session.plan.item("demo#rdma-migration").state.value == "proposed"  # type: ignore[union-attr]
        await pilot.press("A")
        assert app.session.plan.item("demo#rdma-migration").state.value == "accepted"  # type: ignore[union-attr]


async def test_sync_status_line(demo_app: RelplanApp, screen_text: Text) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        demo_app.post_message(SyncStatus("sync ruby: 120/400 issues"))
        await pilot.pause()
        assert "sync ruby: 120/400 issues" in screen_text(demo_app)
        await pilot.press("2")
        assert "sync ruby: 120/400 issues" in screen_text(demo_app)


async def run_command(pilot: Pilot[None], app: RelplanApp, name: str) -> None:
    """Open the palette, type ``name``, wait until it is the first hit, run it."""
    from textual.command import CommandList

    await pilot.press("ctrl+p", *name)
    for _ in range(200):  # searches run in the background: wait for the hit, not a fixed time
        await pilot.pause()
        hits = app.screen.query(CommandList)
        if hits and hits.first().option_count:
            first = hits.first().get_option_at_index(0)
            if name in str(first.prompt):
                break
    await pilot.press("enter")
    await pilot.pause()


async def test_command_palette_goes_to_a_release(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await run_command(pilot, demo_app, "go to release 4.1.0")
        assert isinstance(demo_app.screen, ReleaseScreen) and demo_app.screen.version == "4.1.0"


async def test_sync_key_without_sources_says_how_to_add_one(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert "no [[sources]] in the config" in demo_app.sync_text
        assert "config.example.toml" in demo_app.sync_text
        assert not demo_app.session.dirty


async def test_command_palette_presets_and_sorting(demo_app: RelplanApp) -> None:
    from relplan.tui.screens.items import ItemsScreen

    async with demo_app.run_test(size=SIZE) as pilot:
        await run_command(pilot, demo_app, "items: blockers")
        screen = demo_app.screen
        assert isinstance(screen, ItemsScreen) and screen.rows.preset == "blockers"
        assert [screen.rows.item_at(i).id for i in range(len(screen.rows))] == [
            "demo#pvhvm-migrate-hang"
        ]
        await run_command(pilot, demo_app, "items: sort by priority")
        assert screen.rows.sort_column == "priority"


async def test_keymap_with_an_unknown_id_says_so(demo_app: RelplanApp) -> None:
    from relplan.planner.store.demo import DEMO_TODAY

    app = RelplanApp(Session(demo_app.session.plan, today=DEMO_TODAY), keymap={"acept": "A"})
    async with app.run_test(size=SIZE):
        assert "no binding with id 'acept' (did you mean 'accept'?)" in app.status_text


def test_dashboard_builds_the_app_from_the_command_line(
    plan_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import argparse
    import datetime as dt

    from relplan.tui.cli.dashboard import build_app

    config = tmp_path / "relplan-config.toml"
    config.write_text('[keymap]\naccept = "A"\n')
    args = argparse.Namespace(plan=str(plan_file), config=str(config), today="2009-09-15")
    app = build_app(args)
    assert app.session.path == plan_file and not app.session.is_demo and app.session.fingerprint
    assert app.session.today == dt.date(2009, 9, 15) and app._keymap_config == {"accept": "A"}
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)  # no ./relplan.toml here: the demo
    demo = build_app(argparse.Namespace(plan=None, config=None, today=None))
    assert demo.session.is_demo and demo.session.today == dt.date(2009, 8, 31)


def test_release_panel_lists_the_ladder_and_does_not_repeat_reasons() -> None:
    from relplan.planner.domain.calendar import build_train
    from relplan.planner.domain.stages import ladder
    from relplan.planner.domain.status import release_status
    from relplan.planner.store.demo import DEMO_TODAY, demo_plan
    from relplan.tui.screens.release import panel_text

    plan = demo_plan()
    train = build_train(plan, DEMO_TODAY)

    def panel(version: str) -> str:
        release = next(r for r in train if r.version == version)
        stages = ladder(plan.policy, release, plan.spec(version))
        return panel_text(release, release_status(plan, train, version, DEMO_TODAY), stages,
                          DEMO_TODAY)  # fmt: skip

    text = panel("4.0.0")
    # passed rungs marked, tentative days with ~, a long run of RCs summarised
    assert (
        "ladder: ✓ Last posting date 2009-08-04  ✓ Feature freeze 2009-08-18  "
        "RC1..RC10 ~2009-09-01..2009-11-03  Release 2009-11-10"
    ) in text
    assert "stage: [b]Feature freeze[/b] since 2009-08-18: bug fixes, no new features" in text
    assert "(in 1 day)" in text
    assert text.count("demo#remus") == 1  # the late-features line only, not again as a reason
    text = panel("3.4.2")
    assert "open blockers: demo#pvhvm-migrate-hang" in text
    assert "· 3 fix(es) still to backport to 3.4" in text
    assert "ladder: ✓ RC1 2009-08-25  Release 2009-09-08" in text  # no ~ once passed
