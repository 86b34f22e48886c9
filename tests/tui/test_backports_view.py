"""The Backports view at scale: moving keys, filter, presets, sorts, evidence pane, the
conflicts list, and column widths that follow the terminal (issue 9)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from relplan.planner.domain.model import BackportState, Item, Kind, Plan, ReleaseSpec
from relplan.planner.domain.policy import Maintenance, MaintenanceModel, Policy
from relplan.planner.domain.rules import backport_presets, in_backport_preset
from relplan.planner.git.join import Conflict, Evidence
from relplan.planner.git.rows import BackportRow, BranchTarget, ScanResult
from relplan.planner.usecases.session import Session
from relplan.tui.app import RelplanApp
from relplan.tui.screens.backports import BackportsScreen, ConflictsScreen
from relplan.tui.widgets.backport_matrix import BackportMatrix, matrix_layout

Text = Callable[[RelplanApp], str]
REQ, DONE, WIP, NA = (
    BackportState.REQUIRED,
    BackportState.DONE,
    BackportState.IN_PROGRESS,
    BackportState.DONTNEED,
)
SERIES = ("4.3", "4.2", "4.1")
TODAY = dt.date(2011, 1, 10)  # 4.3 shipped on 2011-01-04; 4.1 .. 4.3 maintained
GIT_ONLY = "f00d" * 10
LONG_ID = "bugzilla#1234567-a-very-long-identifier-for-one-fix"
LONG_TITLE = "x86/mm: keep shadow tables coherent on a guest's L4 remap"


def sha(n: int) -> str:
    return f"{n:040x}"


def three_branches(items: tuple[Item, ...]) -> Plan:
    policy = Policy(maintenance=Maintenance(model=MaintenanceModel.NEWEST, newest=3))
    releases = tuple(
        ReleaseSpec(s, actual=dt.date(2010, 1, 5) + dt.timedelta(weeks=26 * i))
        for i, s in enumerate(reversed(SERIES))
    )
    return Plan("xen", policy, releases, items)


def scanned_session() -> Session:
    """Five tracked fixes and one only git knows, with git's word joined in by hand (the
    join itself is tested in tests/git): every preset has rows in and rows out."""
    items = (
        Item("xen#1", "alpha crash", Kind.BUG, fix_commits=(sha(1),),
             backports={"4.3": REQ, "4.2": REQ}),
        Item("xen#2", "beta leak", Kind.SECURITY, fix_commits=(sha(2),), backports={"4.3": DONE}),
        Item("xen#3", "gamma race", Kind.BUG, fix_commits=(sha(3),), backports={"4.2": REQ}),
        Item("xen#10", "delta hang", Kind.BUG, backports={"4.1": WIP}),
        Item("xen#4", "epsilon", Kind.BUG, fix_commits=(sha(4),),
             backports={"4.3": DONE, "4.2": DONE, "4.1": NA}),
    )  # fmt: skip
    scan = ScanResult("master", [BranchTarget(f"stable-{s}", s) for s in SERIES])
    scan.resolved = {sha(n): sha(n) for n in (1, 2, 3, 4)}
    scan.rows.append(
        BackportRow(GIT_ONLY, "zeta overflow", "stable-4.2", "4.2", REQ,
                    "requested by 'Backport: 4.2+'", security=True)
    )  # fmt: skip
    scan.rows.append(BackportRow(sha(3), "x86: gamma race fix", "stable-4.2", "4.2", DONE, ""))
    picked = (
        f"{sha(3)[:12]}: picked as {'b' * 12} ('cherry picked from commit'); "
        f"patch-id matches {'b' * 12} (no marker)"
    )
    cells = {
        ("xen#1", "4.3"): (REQ, f"{sha(1)[:12]}: Fixes: {'c' * 12} ships in stable-4.3"),
        ("xen#1", "4.2"): (REQ, f"{sha(1)[:12]}: Fixes: {'c' * 12} ships in stable-4.2"),
        ("xen#2", "4.3"): (REQ, f"{sha(2)[:12]}: requested by 'Cc: stable'"),
        ("xen#3", "4.2"): (DONE, picked),
        ("xen#4", "4.3"): (DONE, f"{sha(4)[:12]} is in stable-4.3's own history"),
    }
    conflicts = [
        Conflict("xen#2", "4.3", "stable-4.3", DONE, REQ,
                 "tracker says DONE for 4.3, git finds no pick on stable-4.3"),
        Conflict("xen#3", "4.2", "stable-4.2", REQ, DONE,
                 f"git finds it done on stable-4.2 ({picked}), tracker says required"),
    ]  # fmt: skip
    session = Session(three_branches(items), today=TODAY)
    session.evidence = Evidence(scan, cells, conflicts)
    return session


async def open_view(app: RelplanApp, pilot: object) -> BackportMatrix:
    await pilot.press("3")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, BackportsScreen)
    return app.screen.query_one(BackportMatrix)


def shown_ids(matrix: BackportMatrix) -> list[str]:
    return [it.id for it in matrix.shown]


def pane(app: RelplanApp) -> str:
    return str(app.screen.query_one("#evidence").render())


def counts(app: RelplanApp) -> str:
    return str(app.screen.query_one("#presets").render())


GIT_ID = f"git#{GIT_ONLY[:12]}"
PRESETS = {
    "all": ["xen#1", "xen#2", "xen#3", "xen#10", "xen#4", GIT_ID],
    # pending as status counts it: git's word where it has one (xen#2 on 4.3), else the
    # tracker's (xen#10 on 4.1); xen#3 git finds done, xen#4 nothing pending
    "missing": ["xen#1", "xen#2", "xen#10", GIT_ID],
    "conflicts": ["xen#2", "xen#3"],
    "security": ["xen#2", GIT_ID],
    "missing on 4.3": ["xen#1", "xen#2"],
    "missing on 4.2": ["xen#1", GIT_ID],
    "missing on 4.1": ["xen#10"],
}


async def test_each_preset_shows_exactly_its_fixes(screen_text: Text) -> None:
    app = RelplanApp(scanned_session())
    async with app.run_test(size=(120, 40)) as pilot:
        matrix = await open_view(app, pilot)
        assert matrix.rows.presets == list(PRESETS)
        for name, expected in PRESETS.items():
            assert matrix.rows.preset == name
            assert shown_ids(matrix) == expected, name
            assert f"{len(expected)} of 6 fixes" in counts(app)
            assert f"preset {name} (f)" in counts(app)
            lines = screen_text(app).splitlines()
            for fix in PRESETS["all"]:  # drawn exactly when in the preset
                assert any(line.startswith(fix + " ") for line in lines) == (fix in expected)
            await pilot.press("f")
        assert matrix.rows.preset == "all"  # f cycles round
        await pilot.press("F")
        assert matrix.rows.preset == "missing on 4.1"


def test_backport_presets_are_planner_rules() -> None:
    session = scanned_session()
    fixes = {it.id: it for it in (*session.plan.items, *session.git_items())}
    for name, expected in PRESETS.items():
        found = [
            fix_id
            for fix_id, item in fixes.items()
            if in_backport_preset(
                name, item, [session.backport_cell(item, s) for s in SERIES], SERIES
            )
        ]
        assert found == expected, name
    assert backport_presets(SERIES)[-1] == "missing on 4.1"
    with pytest.raises(ValueError, match="expected one of all, missing"):
        in_backport_preset("missing on 9.9", fixes["xen#1"], [], SERIES)


async def test_sorts_cycle_and_keep_the_cursor_on_its_fix() -> None:
    app = RelplanApp(scanned_session())
    async with app.run_test(size=(120, 40)) as pilot:
        matrix = await open_view(app, pilot)
        await pilot.press("j", "j")  # xen#3
        expected = {
            "id": [GIT_ID, "xen#1", "xen#2", "xen#3", "xen#4", "xen#10"],
            "title": ["xen#1", "xen#2", "xen#10", "xen#4", "xen#3", GIT_ID],
            "missing": ["xen#1", "xen#2", "xen#10", GIT_ID, "xen#3", "xen#4"],
            "conflicts": ["xen#2", "xen#3", "xen#1", "xen#10", "xen#4", GIT_ID],
            "plan": PRESETS["all"],
        }
        for name, order in expected.items():
            await pilot.press("greater_than_sign")
            assert matrix.rows.sort == name
            assert shown_ids(matrix) == order, name
            current = matrix.current
            assert current is not None and current[0].id == "xen#3"
        await pilot.press("less_than_sign")
        assert matrix.rows.sort == "conflicts"
        assert "sort conflicts first (>)" in counts(app)


async def test_text_filter_searches_id_title_subject_branch_and_commit() -> None:
    app = RelplanApp(scanned_session())
    async with app.run_test(size=(120, 40)) as pilot:
        matrix = await open_view(app, pilot)
        cases = {
            "gamma": ["xen#3"],  # title
            "xen#1": ["xen#1", "xen#10"],  # id
            "overflow": [GIT_ID],  # git's subject of a git-only fix
            "gamma race fix": ["xen#3"],  # git's subject of a tracked fix
            "stable-4.1": ["xen#10", "xen#4"],  # a branch the fix has a state on
            sha(4)[-12:]: ["xen#4"],  # a fix commit
            "bbbbbbbbbbbb": ["xen#3"],  # the pick commit in git's evidence
        }
        for text, expected in cases.items():
            await pilot.press("slash", *text)
            assert shown_ids(matrix) == expected, text
            assert f"{len(expected)} of 6 fixes match {text!r}" in counts(app)
            await pilot.press("escape")
            assert shown_ids(matrix) == PRESETS["all"]
        # filter and preset together; enter goes back to the matrix
        await pilot.press("slash", *"xen#1", "enter", "f")
        assert shown_ids(matrix) == ["xen#1", "xen#10"]
        assert matrix.has_focus
        await pilot.press("f", "f")  # conflicts: neither
        assert shown_ids(matrix) == []
        assert "0 of 6 fixes" in counts(app) and pane(app) == "no fix shown"


async def test_the_evidence_pane_shows_every_reason_of_the_cursor_cell() -> None:
    app = RelplanApp(scanned_session())
    async with app.run_test(size=(120, 40)) as pilot:
        await open_view(app, pilot)
        await pilot.press("j", "j", "l")  # xen#3 on 4.2
        assert pane(app).splitlines() == [
            "xen#3  gamma race",
            "on 4.2 (stable-4.2): tracker says required; git says done",
            f"CONFLICT: git finds it done on stable-4.2 ({sha(3)[:12]}: picked as "
            f"{'b' * 12} ('cherry picked from commit'); patch-id matches {'b' * 12} "
            "(no marker)), tracker says required",
            f"· {sha(3)[:12]}: picked as {'b' * 12} ('cherry picked from commit')",
            f"· patch-id matches {'b' * 12} (no marker)",
        ]
        await pilot.press("G")  # the git-only fix on 4.2
        assert pane(app).splitlines() == [
            f"{GIT_ID}  zeta overflow",
            "on 4.2 (stable-4.2): tracker says nothing; git says required",
            "· requested by 'Backport: 4.2+'",
            "· only git knows this fix: + tracks it as a plan item",
        ]


async def test_c_lists_every_conflict_and_enter_goes_to_its_cell() -> None:
    app = RelplanApp(scanned_session())
    async with app.run_test(size=(120, 40)) as pilot:
        matrix = await open_view(app, pilot)
        assert "2 tracker-vs-git conflict(s) (c lists them)" in counts(app)
        await pilot.press("slash", *"alpha", "enter")  # hides both conflicting fixes
        await pilot.press("c")
        assert isinstance(app.screen, ConflictsScreen)
        lines = [text for _, _, text in app.screen.conflicts]
        assert lines[0] == (
            "xen#2 on 4.3: tracker says DONE for 4.3, git finds no pick on stable-4.3"
        )
        assert lines[1].startswith("xen#3 on 4.2: git finds it done on stable-4.2 (")
        await pilot.press("j", "enter")
        assert isinstance(app.screen, BackportsScreen)
        assert matrix.rows.preset == "conflicts" and matrix.rows.text == ""
        assert matrix.current is not None
        assert (matrix.current[0].id, matrix.current[1]) == ("xen#3", "4.2")
        assert pane(app).splitlines()[2].startswith("CONFLICT: git finds it done")
        await pilot.press("c", "escape")
        assert isinstance(app.screen, BackportsScreen)


async def test_without_conflicts_c_says_so() -> None:
    app = RelplanApp(Session(three_branches(()), today=TODAY))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_view(app, pilot)
        await pilot.press("c")
        assert isinstance(app.screen, BackportsScreen)
        assert app.status_text == "no git evidence yet: no conflicts"


def many_fixes(n: int) -> Session:
    items = tuple(
        Item(f"xen#{i}", f"fix number {i}", Kind.BUG, backports={"4.2": REQ}) for i in range(n)
    )
    return Session(three_branches(items), today=TODAY)


def cursor_visible(matrix: BackportMatrix) -> bool:
    top = matrix.scroll_offset.y
    return top <= matrix.row < top + matrix.visible_rows


async def test_moving_keys_move_the_cursor_and_keep_it_visible(screen_text: Text) -> None:
    app = RelplanApp(many_fixes(300))
    async with app.run_test(size=(80, 24)) as pilot:
        matrix = await open_view(app, pilot)
        page = matrix.visible_rows
        assert page > 5
        steps = [
            ("G", 299), ("g", 0), ("pagedown", page), ("pagedown", 2 * page),
            ("pageup", page), ("ctrl+d", 2 * page), ("ctrl+u", page), ("end", 299),
            ("k", 298), ("home", 0), ("j", 1), ("down", 2), ("up", 1),
        ]  # fmt: skip
        for key, row in steps:
            await pilot.press(key)
            assert matrix.row == row, key
            assert cursor_visible(matrix), key
            lines = screen_text(app).splitlines()
            assert any(line.startswith(f"xen#{row} ") for line in lines), key
            assert pane(app).startswith(f"xen#{row}  fix number {row}"), key
        await pilot.press("l", "l", "l")
        assert matrix.column == 2 and matrix.current == (matrix.shown[1], "4.1")


async def test_the_view_redraws_when_its_session_changes() -> None:
    app = RelplanApp(many_fixes(3))
    async with app.run_test(size=(120, 40)) as pilot:
        matrix = await open_view(app, pilot)
        await pilot.press("j", "B", "home", "down", "down", "down", "enter")  # done on 4.3
        assert app.session.plan.item("xen#1").backports["4.3"] is DONE  # type: ignore[union-attr]
        assert matrix.current is not None and matrix.current[0].id == "xen#1"
        assert matrix.rows.row_at(1).labels[0].full == "done"


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_ids_and_titles_use_the_width_there_is(
    size: tuple[int, int], screen_text: Text
) -> None:
    items = (
        Item(LONG_ID, LONG_TITLE, Kind.BUG, backports={"4.3": REQ}),
        Item("xen#7", "short", Kind.BUG, backports={"4.1": DONE}),
    )
    app = RelplanApp(Session(three_branches(items), today=TODAY))
    async with app.run_test(size=size) as pilot:
        matrix = await open_view(app, pilot)
        lines = screen_text(app).splitlines()
        header = next(line for line in lines if line.startswith("fix "))
        row = next(line for line in lines if line.startswith(LONG_ID[:5]))
        assert header.split()[-3:] == list(SERIES)  # every branch shown
        layout = matrix.layout_now()
        ident, title = row[: layout.id_width], row[layout.id_width :][: layout.title_width]
        assert ident.endswith(" ") and title.endswith(" ")  # a blank cell between columns
        if size[0] >= 160:
            assert ident.rstrip() == LONG_ID and title.rstrip() == LONG_TITLE
            assert "required" in row  # full state names
        else:
            head, _, tail = ident.rstrip().partition("…")  # the id loses its middle
            assert LONG_ID.startswith(head) and LONG_ID.endswith(tail) and head and tail
            assert title.rstrip().endswith("…") and LONG_TITLE.startswith(title[:8])
            assert " req " in row  # short states leave the title room
        assert pane(app).startswith(f"{LONG_ID}  {LONG_TITLE}")  # the pane has it all


def test_the_layout_shares_the_width() -> None:
    eight = [f"4.{n}" for n in range(8, 0, -1)]
    wide = matrix_layout(158, 50, eight, longest_title=80)
    assert wide.short and wide.count == 8  # abbreviated states: 8 x 7 cells
    assert (wide.id_width, wide.title_width) == (34, 68)  # the id a third, the title the rest
    roomy = matrix_layout(158, 50, eight, longest_title=40)
    assert (roomy.id_width, roomy.title_width) == (51, 41)  # short titles leave ids room
    full = matrix_layout(140, 10, ["4.3", "4.2"], longest_title=200)
    assert not full.short and (full.id_width, full.cell_width) == (11, 14)
    assert full.title_width == 140 - 11 - 28  # the title takes what is left
    narrow = matrix_layout(50, 30, eight, column=7)
    assert narrow.count < 8 and narrow.first + narrow.count == 8  # the cursor's branch shows
    assert narrow.id_width + narrow.title_width + narrow.count * narrow.cell_width <= 50


async def test_a_large_matrix_settles_the_heap_after_drawing() -> None:
    import gc

    gc.unfreeze()
    try:
        small = RelplanApp(many_fixes(3))
        async with small.run_test(size=(120, 40)) as pilot:
            await open_view(small, pilot)
            await pilot.pause()
            assert gc.get_freeze_count() == 0  # a few cells: the collector is left alone
        large = RelplanApp(many_fixes(700))  # 700 fixes x 3 branches
        async with large.run_test(size=(120, 40)) as pilot:
            await open_view(large, pilot)
            await pilot.pause()
            assert gc.get_freeze_count() > 0  # the cells are out of the collector's sight
    finally:
        gc.unfreeze()
