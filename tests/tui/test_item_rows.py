"""The item list's row model (sort, presets, filter, incremental updates) and its line rendering."""

from __future__ import annotations

from dataclasses import replace

import pytest

from relplan.planner.domain.model import BackportState, Item, Kind, Priority, State, natural_key
from relplan.planner.domain.rules import Branch, needing_backport
from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.usecases.session import Session
from relplan.tui.app import RelplanApp
from relplan.tui.screens.items import ItemsScreen
from relplan.tui.widgets.item_list import ItemList, column_widths, plain_row
from relplan.tui.widgets.item_rows import ItemRows

ITEMS = [
    Item("t#1", "Remus fault tolerance", state=State.PROPOSED, priority=Priority.LOW),
    Item("t#2", "USB pass-through", state=State.ACCEPTED, target="4.1.0", blocker=True),
    Item("t#10", "Crash on resume", kind=Kind.BUG, state=State.ACCEPTED, target="4.0.0",
         backports={"3.4": BackportState.REQUIRED}),
    Item("t#3", "NAND flash", state=State.ACCEPTED, priority=Priority.CRITICAL),
]  # fmt: skip
ORDER = {"4.0.0": 0, "4.1.0": 1}


def ids(rows: ItemRows) -> list[str]:
    return [rows.item_at(i).id for i in range(len(rows))]


@pytest.mark.parametrize(
    "column, expected",
    [
        ("id", ["t#1", "t#2", "t#3", "t#10"]),
        ("priority", ["t#3", "t#2", "t#10", "t#1"]),
        ("target", ["t#10", "t#2", "t#1", "t#3"]),
        ("blocker", ["t#2", "t#1", "t#10", "t#3"]),
    ],
)
def test_sort_by_column_and_flip(column: str, expected: list[str]) -> None:
    rows = ItemRows(ITEMS, release_order=ORDER)
    rows.sort_by(column)
    assert ids(rows) == expected
    rows.sort_by(column)  # same column again: reversed
    assert rows.reverse and ids(rows)[-1] == expected[0]
    rows.sort_by(None)
    assert ids(rows) == [it.id for it in ITEMS]


@pytest.mark.parametrize(
    "preset, expected",
    [
        ("untriaged", ["t#1"]),
        ("unscheduled", ["t#3"]),
        ("blockers", ["t#2"]),
        ("needs-backport", ["t#10"]),
        ("at-risk", ["t#2"]),
    ],
)
def test_presets(preset: str, expected: list[str]) -> None:
    needing = needing_backport(ITEMS, [Branch("3.4", "stable-3.4")])  # the rule's answer
    rows = ItemRows(ITEMS, at_risk=lambda: {"t#2"}, needing=lambda: needing)
    rows.set_preset(preset)
    assert ids(rows) == expected


def test_filter_narrows_and_widens_and_keeps_the_sort() -> None:
    rows = ItemRows(ITEMS)
    rows.sort_by("priority")
    rows.set_filter("us")
    assert ids(rows) == ["t#2", "t#1"]  # "USB" (medium) before "Remus" (low)
    rows.set_filter("usb")
    assert ids(rows) == ["t#2"]
    rows.set_filter("")
    assert len(rows) == 4
    rows.set_filter("4.1.0")  # targets are searchable too
    assert ids(rows) == ["t#2"]


def test_set_items_reindexes_only_changed_items() -> None:
    rows = ItemRows(ITEMS)
    rows.sort_by("title")
    changed = list(ITEMS)
    changed[0] = replace(ITEMS[0], title="Zebra")
    rows.set_items(changed)
    assert ids(rows)[-1] == "t#1"
    rows.set_filter("zebra")
    assert ids(rows) == ["t#1"]


def test_targets_off_the_train_follow_it_in_version_order() -> None:
    targets = {"a": "4.10.0", "b": "4.9.0", "c": "4.1.0", "d": "4.0.0", "e": None, "f": "Backlog"}
    items = [Item(f"t#{k}", k, target=v) for k, v in targets.items()]
    rows = ItemRows(items, release_order=ORDER)
    rows.sort_by("target")
    assert ids(rows) == ["t#d", "t#c", "t#b", "t#a", "t#f", "t#e"]


def test_ids_sort_as_the_plan_file_orders_them() -> None:
    names = ["x#10", "x#9", "x#b", "x#aa", "ruby#4211", "ruby#99"]
    rows = ItemRows([Item(n, n) for n in names])
    rows.sort_by("id")
    assert ids(rows) == sorted(names, key=natural_key)
    assert ids(rows) == ["ruby#99", "ruby#4211", "x#9", "x#10", "x#aa", "x#b"]


def test_backports_in_a_row_in_version_order() -> None:
    item = replace(ITEMS[2], backports={"4.10": BackportState.REQUIRED, "4.9": BackportState.DONE})
    row = plain_row(item, width=160, marked=False)
    assert row.index("4.9 ") < row.index("4.10 ")


def test_unknown_preset_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown preset"):
        ItemRows(ITEMS).set_preset("nope")


def test_a_row_shows_every_column() -> None:
    from dataclasses import replace

    row = plain_row(replace(ITEMS[2], owner="Keir"), width=140, marked=True)
    for text in ("●", "t#10", "Crash on resume", "bug", "medium", "accepted", "4.0.0", "Keir"):
        assert text in row
    assert "3.4 req" in row and len(row) == 140


@pytest.mark.parametrize("width", [80, 100])
def test_on_a_narrow_terminal_every_column_still_fits(width: int) -> None:
    """At 80 columns kind, priority and state are abbreviated so the title keeps the room."""
    row = plain_row(ITEMS[2], width=width, marked=True)
    assert len(row) == width
    for text in ("t#10", "bug", "med", "acc", "4.0.0", "3.4 req"):
        assert text in row
    title = dict(column_widths(width))["title"]
    assert title >= 24 and ITEMS[2].title[: title - 2] in row


def test_on_a_wide_terminal_words_are_whole() -> None:
    row = plain_row(ITEMS[2], width=140)
    for text in ("medium", "accepted", "3.4 req"):
        assert text in row


def test_a_long_id_loses_its_middle_not_its_end() -> None:
    item = Item("roadmap-4-23#alpha-numa-placement", "NUMA")
    row = plain_row(item, width=80)
    assert "roadmap…cement" in row  # both ends kept, the middle cut


async def test_only_visible_rows_are_rendered_with_many_items() -> None:
    plan = demo_plan()
    many = tuple(Item(f"bulk#{i}", f"item {i}") for i in range(20_000))
    app = RelplanApp(Session(replace(plan, items=many), today=DEMO_TODAY))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2", "G")
        screen = app.screen
        assert isinstance(screen, ItemsScreen)
        lst = screen.query_one(ItemList)
        assert lst.current is not None and lst.current.id == "bulk#19999"
        assert len(lst._strips) <= 2 * lst.size.height + 2
        await pilot.press(">", ">")  # sort by title
        assert screen.rows.sort_column == "title"
        assert lst.current is not None and lst.current.id == "bulk#19999"  # cursor kept its item


def test_backport_states_have_one_set_of_names() -> None:
    """The model's words everywhere; a short form (the word cut, defined once on the
    model) only in the narrow item-list column and the matrix's narrow cells."""
    from relplan.tui.widgets.backport_rows import label
    from relplan.tui.widgets.item_list import row_segments

    for state in BackportState:
        assert state is BackportState.UNKNOWN or state.short in state.value
        cell = label(state, "")
        assert (cell.full, cell.short) == (state.value, state.short)
    fix = Item("x#1", "a fix", Kind.BUG, backports={"3.4": BackportState.REQUIRED,
                                                     "3.3": BackportState.DONTNEED})  # fmt: skip
    row = "".join(s.text for s in row_segments(fix, [("backports", 20)], False))
    assert "3.3 dont 3.4 req" in row
    assert not any(old in row for old in ("REQ", "n/a", "WIP", ":"))
