"""Merging imported items into a plan and three-way merging unsaved edits with the file on disk."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from relplan.planner.domain.merge import Conflict, ImportedItem, merge_items, three_way
from relplan.planner.domain.model import (
    BackportState,
    Item,
    Kind,
    Plan,
    Priority,
    ReleaseSpec,
    State,
)
from relplan.planner.domain.policy import Cadence, Policy

REQ, DONE = BackportState.REQUIRED, BackportState.DONE


def plan_with(*items: Item, releases: tuple[ReleaseSpec, ...] = ()) -> Plan:
    return Plan("p", Policy(), releases, items)


LOCAL = Item(
    "x#1",
    "Old title",
    priority=Priority.HIGH,
    state=State.ACCEPTED,
    target="4.0",
    why="triaged",
    blocker=True,
    labels=("net",),
    backports={"3.4": REQ, "3.3": DONE},
)


def test_new_ids_are_added_and_existing_ones_classified() -> None:
    plan = plan_with(LOCAL, Item("x#2", "Two"))
    result = merge_items(
        plan,
        [
            ImportedItem(Item("x#3", "Three", kind=Kind.BUG), frozenset({"id", "title", "kind"})),
            ImportedItem(Item("x#2", "Two"), frozenset({"id", "title"})),
            ImportedItem(Item("x#1", "New title"), frozenset({"id", "title"})),
        ],
    )
    assert (result.added, result.updated, result.unchanged) == (["x#3"], ["x#1"], ["x#2"])
    assert [it.id for it in result.plan.items] == ["x#1", "x#2", "x#3"]
    assert result.plan.item("x#3") == Item("x#3", "Three", kind=Kind.BUG)


def test_record_changes_only_the_fields_it_sets() -> None:
    record = ImportedItem(
        Item("x#1", "New title", url="https://example.org/1"), frozenset({"id", "title", "url"})
    )
    merged = merge_items(plan_with(LOCAL), [record]).plan.item("x#1")
    assert merged == replace(LOCAL, title="New title", url="https://example.org/1")


def test_record_setting_triage_fields_wins_and_backports_merge_per_series() -> None:
    incoming = Item("x#1", "Old title", state=State.DONE, backports={"3.4": DONE, "3.2": REQ})
    record = ImportedItem(incoming, frozenset({"id", "title", "state", "backports"}))
    merged = merge_items(plan_with(LOCAL), [record]).plan.item("x#1")
    assert merged is not None
    assert merged.state is State.DONE and merged.target == "4.0" and merged.blocker
    assert dict(merged.backports) == {"3.4": DONE, "3.3": DONE, "3.2": REQ}


def test_plain_items_keep_local_triage_but_replace_data() -> None:
    tracker = Item("x#1", "Tracker title", kind=Kind.BUG, labels=(), owner="keir")
    merged = merge_items(plan_with(LOCAL), [tracker]).plan.item("x#1")
    assert merged == replace(LOCAL, title="Tracker title", kind=Kind.BUG, labels=(), owner="keir")
    closed = merge_items(plan_with(LOCAL), [replace(tracker, state=State.REJECTED)])
    assert closed.plan.item("x#1").state is State.REJECTED  # type: ignore[union-attr]


def test_same_id_twice_in_incoming_applies_both() -> None:
    result = merge_items(
        plan_with(),
        [
            ImportedItem(Item("x#9", "a"), frozenset({"id", "title"})),
            ImportedItem(Item("x#9", "b", owner="o"), frozenset({"id", "owner"})),
        ],
    )
    assert result.added == ["x#9"] and result.plan.items == (Item("x#9", "a", owner="o"),)


def test_three_way_combines_changes_on_different_fields_and_items() -> None:
    other = Item("x#2", "Two")
    base = plan_with(LOCAL, other, releases=(ReleaseSpec("4.0"),))
    ours = plan_with(
        replace(LOCAL, priority=Priority.CRITICAL),
        other,
        Item("x#3", "mine"),
        releases=(ReleaseSpec("4.0", codename="ours"),),
    )
    theirs = Plan(
        "p",
        Policy(cadence=Cadence(weekday=1)),
        (ReleaseSpec("4.0", pins={"release": dt.date(2010, 4, 6)}), ReleaseSpec("4.1")),
        (replace(LOCAL, title="Renamed"), Item("x#4", "theirs")),
    )
    merged, conflicts = three_way(base, ours, theirs)
    assert conflicts == []
    assert merged.item("x#1") == replace(LOCAL, priority=Priority.CRITICAL, title="Renamed")
    assert merged.item("x#2") is None  # deleted on disk, untouched here
    assert [it.id for it in merged.items] == ["x#1", "x#3", "x#4"]
    assert merged.spec("4.0") == ReleaseSpec(
        "4.0", codename="ours", pins={"release": dt.date(2010, 4, 6)}
    )
    assert merged.spec("4.1") is not None and merged.policy.cadence.weekday == 1


def test_three_way_conflicts_keep_ours() -> None:
    base = plan_with(LOCAL, Item("x#2", "Two"))
    ours = plan_with(
        replace(LOCAL, target="4.1", backports={"3.4": DONE, "3.3": DONE}),
        Item("x#2", "Two", owner="me"),
    )
    theirs = plan_with(replace(LOCAL, target="4.2", backports={"3.4": REQ, "3.3": REQ}))
    merged, conflicts = three_way(base, ours, theirs)
    assert conflicts == [
        Conflict("item", "x#1", "target", "4.1", "4.2"),
        Conflict("item", "x#2", "*", Item("x#2", "Two", owner="me"), None),
    ]
    item = merged.item("x#1")
    assert item is not None and item.target == "4.1"
    assert dict(item.backports) == {"3.4": DONE, "3.3": REQ}  # per series: one side each
    assert merged.item("x#2") == Item("x#2", "Two", owner="me")
    assert "x#1.target: yours '4.1', on disk '4.2' (kept yours)" in str(conflicts[0])


def test_three_way_on_backports_of_the_same_series_and_added_on_both_sides() -> None:
    base = plan_with(LOCAL)
    ours = plan_with(replace(LOCAL, backports={"3.4": DONE}), Item("x#5", "same"))
    theirs = plan_with(
        replace(LOCAL, backports={"3.4": BackportState.WONTFIX}), Item("x#5", "same")
    )
    merged, conflicts = three_way(base, ours, theirs)
    assert conflicts == [Conflict("item", "x#1", "backports.3.4", DONE, BackportState.WONTFIX)]
    assert merged.item("x#5") == Item("x#5", "same")
    assert dict(merged.item("x#1").backports) == {"3.4": DONE}  # type: ignore[union-attr]


def test_three_way_policy_conflict() -> None:
    base = plan_with()
    ours = Plan("p", Policy(horizon=6), (), ())
    theirs = Plan("q", Policy(horizon=8), (), ())
    merged, conflicts = three_way(base, ours, theirs)
    assert conflicts == [Conflict("policy", "", "horizon", 6, 8)]
    assert merged.name == "q" and merged.policy.horizon == 6


def test_three_way_policy_merges_inside_cadence() -> None:
    base = plan_with()
    ours = Plan("p", Policy(cadence=Cadence(weekday=1, min_weeks=8)), (), ())
    theirs = Plan("p", Policy(cadence=Cadence(catch_up=True, min_weeks=9)), (), ())
    merged, conflicts = three_way(base, ours, theirs)
    assert merged.policy.cadence == Cadence(weekday=1, catch_up=True, min_weeks=8)
    assert conflicts == [Conflict("policy", "", "cadence.min_weeks", 8, 9)]


def test_three_way_keeps_the_day_the_plan_was_made() -> None:
    """A plan file re-made on disk (init --force) while the dashboard had it open: its
    ``planned_from`` comes through the merge, and two different new days are a conflict."""
    base = plan_with(LOCAL)
    theirs = replace(base, planned_from=dt.date(2026, 12, 3))
    merged, conflicts = three_way(base, base, theirs)
    assert merged.planned_from == dt.date(2026, 12, 3) and conflicts == []
    ours = replace(base, planned_from=dt.date(2026, 12, 1))
    merged, conflicts = three_way(base, ours, theirs)
    assert merged.planned_from == dt.date(2026, 12, 1)
    assert conflicts == [
        Conflict("plan", "", "planned_from", dt.date(2026, 12, 1), dt.date(2026, 12, 3))
    ]
