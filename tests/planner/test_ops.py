"""Triage operations and undo/redo, without Textual."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relplan.planner.domain import ops
from relplan.planner.domain.model import (
    BackportState,
    Item,
    Kind,
    Plan,
    Priority,
    Release,
    ReleaseKind,
    State,
    series_of,
)
from relplan.planner.domain.policy import Policy

TODAY = dt.date(2009, 8, 31)


def _release(version: str, day: dt.date, kind: ReleaseKind = ReleaseKind.POINT) -> Release:
    freeze = day - dt.timedelta(weeks=4) if kind is ReleaseKind.POINT else None
    return Release(
        version=version,
        kind=kind,
        series=series_of(version),
        branch=f"stable-{series_of(version)}",
        development_start=None,
        last_posting=None,
        freeze=freeze,
        rcs=(),
        release=day,
    )


TRAIN = [
    _release("3.4", dt.date(2009, 5, 18)),
    _release("3.4.1", dt.date(2009, 8, 5), ReleaseKind.MAINTENANCE),
    _release("3.4.2", dt.date(2009, 10, 5), ReleaseKind.MAINTENANCE),
    _release("4.0", dt.date(2009, 11, 30)),
    _release("4.1", dt.date(2010, 2, 22)),
    _release("4.2", dt.date(2010, 5, 17)),
]


def _plan(*items: Item) -> Plan:
    return Plan("test", Policy(), items=items)


REMUS = Item("demo#remus", "Remus fault tolerance", target="4.0", state=State.ACCEPTED)
USB = Item("demo#usb", "USB pass-through", priority=Priority.HIGH)
FIX = Item("demo#fix", "crash on resume", kind=Kind.BUG, target="3.4.2", state=State.ACCEPTED)
PLAN = _plan(REMUS, USB, FIX)


def test_accept_changes_only_proposed_items() -> None:
    change = ops.accept(PLAN, {"demo#usb", "demo#remus"})
    assert change.changed == ("demo#usb",)
    assert change.plan.item("demo#usb").state is State.ACCEPTED  # type: ignore[union-attr]
    assert change.description == "accepted demo#usb"


@pytest.mark.parametrize("op, state", [(ops.defer, State.DEFERRED), (ops.reject, State.REJECTED)])
def test_defer_and_reject_clear_target(op: Callable[..., ops.Change], state: State) -> None:
    change = op(PLAN, ["demo#remus", "demo#fix"])
    for item_id in ("demo#remus", "demo#fix"):
        item = change.plan.item(item_id)
        assert item is not None and item.state is state and item.target is None
    assert change.description.endswith("2 items")


def test_bulk_priority_and_unknown_ids_are_ignored() -> None:
    change = ops.set_priority(PLAN, {"demo#remus", "demo#fix", "nope#1"}, Priority.CRITICAL)
    assert set(change.changed) == {"demo#remus", "demo#fix"}
    assert all(it.priority is Priority.CRITICAL for it in change.plan.items if it.id != "demo#usb")


def test_noop_keeps_the_same_plan_object() -> None:
    change = ops.set_priority(PLAN, {"demo#usb"}, Priority.HIGH)
    assert change.is_noop and change.plan is PLAN


def test_toggle_blocker_sets_all_then_clears_all() -> None:
    mixed = _plan(replace_blocker(REMUS, True), USB)
    first = ops.toggle_blocker(mixed, {"demo#remus", "demo#usb"})
    assert all(it.blocker for it in first.plan.items)
    second = ops.toggle_blocker(first.plan, {"demo#remus", "demo#usb"})
    assert not any(it.blocker for it in second.plan.items)


def replace_blocker(item: Item, flag: bool) -> Item:
    from dataclasses import replace

    return replace(item, blocker=flag)


def test_set_backport_touches_fixes_only() -> None:
    change = ops.set_backport(PLAN, {"demo#fix", "demo#remus"}, "3.4", BackportState.REQUIRED)
    assert change.changed == ("demo#fix",)
    assert change.plan.item("demo#fix").backports == {"3.4": BackportState.REQUIRED}  # type: ignore[union-attr]
    assert FIX.backports == {}


def test_set_target_and_unschedule() -> None:
    change = ops.set_target(PLAN, {"demo#usb"}, "4.1")
    assert change.plan.item("demo#usb").target == "4.1"  # type: ignore[union-attr]
    back = ops.set_target(change.plan, {"demo#usb"}, None)
    assert back.plan.item("demo#usb").target is None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "item_id, step, expected",
    [
        ("demo#remus", 1, "4.1"),
        ("demo#remus", -1, None),  # 4.0 is the earliest point release not frozen yet
        ("demo#usb", 1, "4.0"),  # unscheduled -> first release that can take it
        ("demo#usb", -1, None),
        # a fix that targets a maintenance release rides its branch (relplan.planner.domain.laying's
        # one rule): the train has no later 3.4.x, so it stays
        ("demo#fix", 1, None),
        ("demo#fix", -1, None),
    ],
)
def test_move(item_id: str, step: int, expected: str | None) -> None:
    change = ops.move(PLAN, {item_id}, TRAIN, TODAY, step)
    before = PLAN.item(item_id)
    after = change.plan.item(item_id)
    assert before is not None and after is not None
    assert after.target == (expected if expected is not None else before.target)
    if expected is not None:
        assert after.why and "by hand" in after.why
        assert change.description.endswith(f"-> {expected}")
    else:
        assert change.is_noop and change.plan is PLAN


def test_move_from_a_target_that_is_no_longer_open() -> None:
    old = _plan(Item("demo#late", "late feature", target="3.4"))
    change = ops.move(old, {"demo#late"}, TRAIN, TODAY, 1)
    assert change.plan.items[0].target == "4.0"


def test_bulk_move_stops_at_the_end_of_the_train() -> None:
    plan = _plan(replace_target(REMUS, "4.2"), replace_target(USB, "4.1"))
    change = ops.move(plan, {"demo#remus", "demo#usb"}, TRAIN, TODAY, 1)
    assert [it.target for it in change.plan.items] == ["4.2", "4.2"]
    assert change.changed == ("demo#usb",)


def replace_target(item: Item, target: str) -> Item:
    from dataclasses import replace

    return replace(item, target=target)


def test_history_undo_redo_chain_and_dirty() -> None:
    history = ops.History(PLAN)
    assert not history.dirty and history.undo() is None and history.redo() is None
    history.record(ops.accept(history.plan, {"demo#usb"}))
    history.record(ops.move(history.plan, {"demo#remus"}, TRAIN, TODAY, 1))
    history.record(ops.toggle_blocker(history.plan, {"demo#fix"}))
    after = history.plan
    assert history.dirty and history.depth == (3, 0)
    assert history.undo() == "blocker set on demo#fix"
    assert history.undo() == "moved demo#remus 4.0 -> 4.1"
    assert history.undo() == "accepted demo#usb"
    assert history.plan is PLAN and not history.dirty
    assert history.redo() == "accepted demo#usb"
    history.redo(), history.redo()
    assert history.plan is after and history.depth == (3, 0)


def test_new_change_drops_redo_and_noops_are_not_recorded() -> None:
    history = ops.History(PLAN)
    history.record(ops.accept(history.plan, {"demo#usb"}))
    history.undo()
    assert history.can_redo
    assert not history.record(ops.accept(history.plan, {"demo#remus"}))  # already accepted
    assert history.can_redo
    history.record(ops.defer(history.plan, {"demo#usb"}))
    assert not history.can_redo and history.depth == (1, 0)


def test_mark_saved_and_reset() -> None:
    history = ops.History(PLAN)
    history.record(ops.defer(history.plan, {"demo#remus"}))
    history.mark_saved()
    assert not history.dirty
    history.undo()
    assert history.dirty
    history.reset(PLAN)
    assert not history.dirty and not history.can_undo and not history.can_redo


OPS = st.sampled_from(["accept", "defer", "reject", "blocker", "prio", "next", "prev"])


def _run(name: str, plan: Plan, ids: set[str]) -> ops.Change:
    if name in ("next", "prev"):
        return ops.move(plan, ids, TRAIN, TODAY, 1 if name == "next" else -1)
    if name == "prio":
        return ops.set_priority(plan, ids, Priority.LOW)
    simple = {"accept": ops.accept, "defer": ops.defer, "reject": ops.reject}
    return simple.get(name, ops.toggle_blocker)(plan, ids)


@given(st.lists(st.tuples(OPS, st.sets(st.sampled_from(["demo#remus", "demo#usb", "demo#fix"])))))
def test_undo_everything_returns_the_original_plan(steps: list[tuple[str, set[str]]]) -> None:
    history = ops.History(PLAN)
    plans = [PLAN]
    for name, ids in steps:
        if history.record(_run(name, history.plan, ids)):
            plans.append(history.plan)
    for expected in reversed(plans[:-1]):
        history.undo()
        assert history.plan == expected
    assert history.plan is PLAN and not history.dirty


def test_move_with_the_real_calendar_moves_remus_past_the_frozen_release() -> None:
    from relplan.planner.domain.calendar import build_train
    from relplan.planner.store.demo import DEMO_TODAY, demo_plan

    plan = demo_plan()
    train = build_train(plan, DEMO_TODAY)
    change = ops.move(plan, {"demo#remus"}, train, DEMO_TODAY, 1)
    assert change.description == "moved demo#remus 4.0.0 -> 4.1.0"
    back = ops.move(change.plan, {"demo#remus"}, train, DEMO_TODAY, -1)
    assert back.is_noop  # 4.0.0 is frozen: no earlier release can take a feature


def test_a_bulk_move_says_where_the_items_went() -> None:
    plan = _plan(REMUS, USB)  # remus on 4.0, usb unscheduled
    together = ops.move(plan, {"demo#remus", "demo#usb"}, TRAIN, TODAY, 1)
    assert together.description in ("moved 2 items: 1 to 4.1, 1 to 4.0",
                                    "moved 2 items: 1 to 4.0, 1 to 4.1")  # fmt: skip
    both = ops.move(_plan(replace_target(REMUS, "4.1"), replace_target(USB, "4.1")),
                    {"demo#remus", "demo#usb"}, TRAIN, TODAY, 1)  # fmt: skip
    assert both.description == "moved 2 items to 4.2"
