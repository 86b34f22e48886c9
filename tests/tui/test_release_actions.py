"""Ship and slip from the dashboard: a what-if preview of every date, then confirm or cancel."""

from __future__ import annotations

import datetime as dt

from relplan.planner.usecases.releases import DATE_FIELDS, date_moves
from relplan.planner.usecases.session import Session
from relplan.tui.app import RelplanApp
from relplan.tui.screens.dialogs import ConfirmScreen, PathScreen
from relplan.tui.screens.timeline import TimelineScreen
from relplan.tui.widgets.timeline import Timeline

SIZE = (120, 40)


async def to_release(pilot, app: RelplanApp, version: str) -> None:  # type: ignore[no-untyped-def]
    screen = app.screen
    assert isinstance(screen, TimelineScreen)
    timeline = screen.query_one(Timeline)
    await pilot.press("g")
    while timeline.current is not None and timeline.current.version != version:
        await pilot.press("j")
    assert timeline.current is not None and timeline.current.version == version


async def test_slip_previews_then_applies_exactly_the_preview(demo_app: RelplanApp) -> None:
    before_train = demo_app.session.train()
    async with demo_app.run_test(size=SIZE) as pilot:
        await to_release(pilot, demo_app, "4.1.0")
        await pilot.press("L")
        assert isinstance(demo_app.screen, PathScreen)
        await pilot.press("ctrl+u", *"+2w", "enter")
        assert isinstance(demo_app.screen, ConfirmScreen)
        assert not demo_app.session.dirty  # a preview changes nothing
        question = demo_app.screen.question
        assert "Slip 4.1.0 from 2010-02-02 to 2010-02-16?" in question
        await pilot.press("y")
        assert demo_app.session.release("4.1.0").day == dt.date(2010, 2, 16)
        moved = date_moves(before_train, demo_app.session.train())
        assert f"{len(moved) + 1} dates of" in question  # and the pin the slip records
        await pilot.press("u")  # one undoable change
        assert demo_app.session.release("4.1.0").day == dt.date(2010, 2, 2)


async def test_slip_cancelled_at_the_preview_changes_nothing(demo_app: RelplanApp) -> None:
    plan = demo_app.session.plan
    async with demo_app.run_test(size=SIZE) as pilot:
        await to_release(pilot, demo_app, "4.1.0")
        await pilot.press("L", "ctrl+u", *"2010-03-02", "enter", "n")
        assert isinstance(demo_app.screen, TimelineScreen)
        await pilot.press("L", "escape")
        assert isinstance(demo_app.screen, TimelineScreen)
        assert demo_app.session.plan is plan and not demo_app.session.dirty
        assert "not" in demo_app.status_text


async def test_a_slip_off_the_policy_weekday_is_asked_naming_it(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await to_release(pilot, demo_app, "4.1.0")
        await pilot.press("L", "ctrl+u", *"2010-02-20", "enter")  # a Saturday
        assert isinstance(demo_app.screen, ConfirmScreen)
        question = demo_app.screen.question
        assert "Against the rule: 2010-02-20 is a Saturday" in question
        assert 'weekday = "tuesday"' in question and "Slip anyway?" in question
        await pilot.press("y")
        assert demo_app.session.release("4.1.0").day == dt.date(2010, 2, 20)


async def test_ship_records_the_actual_day(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await to_release(pilot, demo_app, "3.4.2")
        await pilot.press("S", "enter")  # today, 2009-08-31
        assert isinstance(demo_app.screen, ConfirmScreen)
        # 3.4.2 has an open blocker: the rule ship refuses on the command line is named
        question = demo_app.screen.question
        assert "Against the rule: 3.4.2 has 1 open blocker(s): demo#pvhvm-migrate-hang" in question
        await pilot.press("y")
        assert demo_app.session.release("3.4.2").actual == dt.date(2009, 8, 31)
        assert demo_app.session.dirty


async def test_a_bad_day_is_said_and_nothing_changes(demo_app: RelplanApp) -> None:
    plan = demo_app.session.plan
    async with demo_app.run_test(size=SIZE) as pilot:
        await to_release(pilot, demo_app, "3.4.2")
        await pilot.press("S", "ctrl+u", *"2009-09-30", "enter")  # after today
        assert "not shipped" in demo_app.status_text and "after today" in demo_app.status_text
        await pilot.press("L", "ctrl+u", *"soon", "enter")
        assert "not slipped" in demo_app.status_text
    assert demo_app.session.plan is plan


def test_the_preview_names_exactly_the_dates_the_slip_moves(
    tmp_path,
    capsys,  # type: ignore[no-untyped-def]
) -> None:
    """The dashboard's preview (``Session.writes``) against what really moves: the
    calendar ``relplan calendar --format json`` prints before and after ``relplan slip``
    wrote the plan file, compared key by key here (the preview once was checked against
    ``date_moves``, the function that computes it)."""
    import json

    from relplan.planner.store.demo import DEMO_TODAY
    from relplan.planner.store.planfile import load_plan
    from relplan.tui.cli import main

    plan = tmp_path / "plan.toml"
    common = ["--plan", str(plan), "--today", DEMO_TODAY.isoformat()]

    def calendar() -> dict[str, dict[str, object]]:
        capsys.readouterr()
        assert main([*common, "calendar", "--format", "json"]) == 0
        return {r["version"]: r for r in json.loads(capsys.readouterr().out)}

    assert main(["--today", DEMO_TODAY.isoformat(), "export", "-o", str(plan)]) == 0
    session = Session(load_plan(plan).plan, today=DEMO_TODAY)
    writes = session.writes(session.slip("4.1.0", by=dt.timedelta(weeks=2)))
    # the calendar's dates here; the recorded fields (pins.*) are the command line's rows,
    # checked against them in test_the_ship_preview_lists_every_field_the_command_line_lists
    preview = [m for m in writes if m.field in DATE_FIELDS]
    assert [m.field for m in writes if m.field not in DATE_FIELDS] == ["pins.release"]
    before = calendar()
    assert main([*common, "slip", "4.1.0", "--by", "2w"]) == 0
    after = calendar()

    def text(value: object) -> str:
        return json.dumps(value, sort_keys=True)

    moved = {
        (version, key, text(row.get(key)), text(after.get(version, {}).get(key)))
        for version, row in before.items()
        for key in DATE_FIELDS  # the calendar's dated fields (stages and notes say them again)
        if row.get(key) != after.get(version, {}).get(key)
    }
    assert moved  # the slip moved dates
    assert {(m.version, m.field, text(m.old), text(m.new)) for m in preview} == moved


async def test_c_confirms_the_next_tentative_stage_in_one_undoable_key(
    demo_app: RelplanApp, screen_text
) -> None:  # type: ignore[no-untyped-def]
    async with demo_app.run_test(size=SIZE) as pilot:
        await to_release(pilot, demo_app, "4.0.0")
        await pilot.press("C")
        assert demo_app.status_text == "confirmed 4.0.0 RC1 on 2009-09-01 (u undoes it)"
        assert demo_app.session.plan.spec("4.0.0").pins["rc1"] == dt.date(2009, 9, 1)  # type: ignore[union-attr]
        await pilot.press("C")
        assert "RC2 on 2009-09-08" in demo_app.status_text
        await pilot.press("u", "u")
        assert "rc1" not in demo_app.session.plan.spec("4.0.0").pins  # type: ignore[union-attr]
        await pilot.press("enter")  # the Release view lists the rungs, passed ones marked
        await pilot.pause()
        text = screen_text(demo_app)
        assert "✓ Feature freeze 2009-08-18" in text and "RC1..RC10 ~2009-09-01" in text
        await pilot.press("C")
        assert "confirmed 4.0.0 RC1" in demo_app.status_text
        await pilot.pause()
        assert "RC1 2009-09-01  RC2..RC10 ~2009-09-08..2009-11-03" in screen_text(demo_app)


def test_the_timeline_shades_stabilization_by_what_the_stage_accepts() -> None:
    from dataclasses import replace

    from relplan.planner.domain.model import Plan
    from relplan.planner.domain.stages import PRESETS
    from relplan.planner.store.demo import DEMO_TODAY, demo_plan
    from relplan.tui.widgets.timeline import legend, week_cell

    base = demo_plan()
    plan = Plan(base.name, replace(base.policy, stages=PRESETS["xen"]), base.releases)
    session = Session(plan, today=DEMO_TODAY)
    four = session.release("4.0.0")  # Xen ladder before 2009-11-10
    stages = session.stages("4.0.0")
    shades = {
        week_cell(four, start, stages)[0]
        for start in (dt.date(2009, 9, 21), dt.date(2009, 10, 12), dt.date(2009, 10, 19),
                      dt.date(2009, 11, 2))
    }  # fmt: skip
    assert shades == {"█", "▓", "▒", "░"}  # fixes, approved fixes, blockers, docs only
    assert week_cell(four, dt.date(2009, 8, 31), stages)[0] == "━"  # still development
    text = legend(session.ladders().values())
    assert "█ fixes  ▓ approved fixes  ▒ blockers  ░ docs only" in text
    assert "█ freeze/RC" in legend(Session(base, today=DEMO_TODAY).ladders().values())


async def test_the_slip_preview_has_no_literal_newline_and_m_shows_every_date(
    demo_app: RelplanApp,
) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await to_release(pilot, demo_app, "4.0.0")
        await pilot.press("L", "ctrl+u", *"+2w", "enter")
        screen = demo_app.screen
        assert isinstance(screen, ConfirmScreen)
        assert "\\n" not in screen.question and "more)" in screen.question
        count = int(screen.question.split(" dates of")[0].split()[-1])
        await pilot.press("m")  # every date, each on its own row
        whole = demo_app.screen
        assert isinstance(whole, ConfirmScreen) and whole is not screen
        assert "more)" not in whole.question and "\\n" not in whole.question
        assert sum(" -> " in line for line in whole.question.splitlines()) == count
        await pilot.press("y")
        assert demo_app.session.release("4.0.0").day == dt.date(2009, 11, 24)


async def test_the_ship_preview_has_no_literal_newline(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await to_release(pilot, demo_app, "3.4.2")
        await pilot.press("S", "enter")
        assert isinstance(demo_app.screen, ConfirmScreen)
        assert "\\n" not in demo_app.screen.question


async def test_the_ship_preview_lists_every_field_the_command_line_lists(
    demo_app: RelplanApp,
    capsys,  # type: ignore[no-untyped-def]
) -> None:
    """``S`` then ``m`` in the dashboard shows the rows ``relplan ship --dry-run`` prints,
    the recorded ones too (``actual``, ``pins.*``): one planner function
    (``Session.writes``) for both faces."""
    import json

    from relplan.tui.cli import main

    today = demo_app.session.today.isoformat()
    argv = ["--today", today, "ship", "3.4.2", "--dry-run", "--force", "--format", "json"]
    assert main(argv) == 0  # --force: 3.4.2 has an open blocker; the dialog asks instead
    cli = {(r["version"], r["field"]) for r in json.loads(capsys.readouterr().out)}
    assert ("3.4.2", "actual") in cli  # recorded: the day it shipped
    assert ("3.4.2", "actual_rcs") not in cli  # its planned RC was never tagged: no record
    async with demo_app.run_test(size=SIZE) as pilot:
        await to_release(pilot, demo_app, "3.4.2")
        await pilot.press("S", "enter")
        screen = demo_app.screen
        assert isinstance(screen, ConfirmScreen)
        if "show every date" in screen.question:
            await pilot.press("m")
        rows = [(ln[:9].strip(), ln[10:27].strip())
                for ln in demo_app.screen.question.splitlines() if " -> " in ln]  # fmt: skip
    names = {"release": "release_date"}
    shown = {(version, names.get(f, f.replace(" ", "_"))) for version, f in rows}
    assert len(rows) == len(cli) and shown == cli
