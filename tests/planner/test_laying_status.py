"""Laying items onto the train, at-risk proposals, moves, per-release status and consistency."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.consistency import check_plan
from relplan.planner.domain.errors import PlanError
from relplan.planner.domain.laying import at_risk, lay, open_releases_for, step_target
from relplan.planner.domain.model import BackportState, Item, Kind, Plan, Release, State
from relplan.planner.domain.status import all_status, needs_attention, release_status
from relplan.planner.store.demo import DEMO_TODAY, demo_plan

TODAY = DEMO_TODAY


@pytest.fixture
def plan() -> Plan:
    return demo_plan()


@pytest.fixture
def train(plan: Plan) -> list[Release]:
    return build_train(plan, TODAY)


def with_item(plan: Plan, item: Item) -> Plan:
    return plan.with_items([*plan.items, item])


def test_explicit_targets_are_kept_and_accepted_items_are_laid(
    plan: Plan, train: list[Release]
) -> None:
    laid = lay(plan, train)
    before = {it.id: it for it in plan.items}
    for it in laid.items:
        if before[it.id].target is not None:
            assert it.target == before[it.id].target and it.why == before[it.id].why
    bridge = laid.item("demo#bridge-switch")
    assert bridge is not None and bridge.target == "4.1.0"  # 4.0 froze on 2009-08-18
    assert bridge.why is not None and "freeze (2010-01-05)" in bridge.why
    assert laid.item("demo#rdma-migration").target is None  # proposed
    assert laid.item("demo#nand-flash").target is None  # deferred


def test_fixes_go_to_the_first_release_still_ahead_even_after_its_freeze(
    plan: Plan,
    train: list[Release],
) -> None:
    fix = Item("t#1", "crash", Kind.BUG, state=State.ACCEPTED)
    laid = lay(with_item(plan, fix), train)
    assert laid.item("t#1").target == "4.0.0"  # frozen, not released
    feature = Item("t#2", "shiny", Kind.FEATURE, state=State.ACCEPTED)
    laid = lay(with_item(plan, feature), train)
    assert laid.item("t#2").target == "4.1.0"


def test_laying_is_idempotent(plan: Plan, train: list[Release]) -> None:
    once = lay(plan, train)
    assert lay(once, train) == once


def test_open_features_after_freeze_are_at_risk_with_a_proposal(
    plan: Plan,
    train: list[Release],
) -> None:
    risky = at_risk(plan, train, TODAY)
    assert risky["demo#remus"] == "4.1.0"
    assert "demo#vlan-per-nic" not in risky  # done
    assert "demo#disk-io-limits" not in risky  # 4.1 has not frozen
    # A month before the freeze nothing of 4.0 is at risk.
    assert not [i for i in at_risk(plan, train, dt.date(2009, 7, 1)) if i.startswith("demo#remus")]


def test_moves_follow_the_releases_that_can_take_the_item(plan: Plan, train: list[Release]) -> None:
    remus = plan.item("demo#remus")
    assert remus is not None
    assert step_target(remus, train, TODAY, +1).version == "4.1.0"
    moved = replace(remus, target="4.1.0")
    assert step_target(moved, train, TODAY, +1).version == "4.2.0"
    assert step_target(moved, train, TODAY, -1) is None  # 4.0 is frozen: features can't go back
    blocker = plan.item("demo#pvhvm-migrate-hang")  # a fix on the 3.4 branch
    assert blocker is not None
    assert step_target(blocker, train, TODAY, +1).version == "3.4.3"
    assert all(r.series == "3.4" for r in open_releases_for(blocker, train, TODAY))


def test_status_of_the_frozen_release(plan: Plan, train: list[Release]) -> None:
    s = release_status(lay(plan, train), train, "4.0.0", TODAY)
    assert s.phase.value == "frozen"
    assert (s.next_milestone, s.days_to_next) == ("rc1", 1)
    assert s.items_total == 9 and s.items_done == 4
    assert set(s.features_open_after_freeze) == {
        "demo#pv-usb-pci",
        "demo#remus",
        "demo#memory-overcommit",
        "demo#vga-passthrough",
    }
    assert s.verdict == "no-go" and any("after the freeze" in r for r in s.reasons)
    assert set(s.backports) == {"3.3", "3.4"}  # the branches supported today


def test_status_of_the_maintenance_release_counts_its_branch_backports(
    plan: Plan,
    train: list[Release],
) -> None:
    s = release_status(plan, train, "3.4.2", TODAY)
    expected: dict[str, int] = {}
    for it in plan.items:
        if "3.4" in it.backports:
            state = it.backports["3.4"].value
            expected[state] = expected.get(state, 0) + 1
    assert s.backports == {"3.4": expected}
    assert s.blockers_open == ["demo#pvhvm-migrate-hang"]
    assert s.verdict == "no-go"
    assert any("still to backport to 3.4" in r for r in s.reasons)


def test_go_when_nothing_blocks(plan: Plan, train: list[Release]) -> None:
    fixed = plan.with_items(
        replace(it, state=State.DONE, backports={k: BackportState.DONE for k in it.backports})
        for it in plan.items
    )
    s = release_status(fixed, train, "3.4.2", TODAY)
    assert (s.verdict, s.reasons) == ("go", [])
    assert release_status(fixed, train, "3.4.0", TODAY).verdict == "shipped"


def test_unknown_release_is_a_clear_error(plan: Plan, train: list[Release]) -> None:
    with pytest.raises(PlanError, match="no release '5.5.5'"):
        release_status(plan, train, "5.5.5", TODAY)


def test_all_status_covers_the_train_in_order(plan: Plan, train: list[Release]) -> None:
    assert [s.version for s in all_status(plan, train, TODAY)] == [r.version for r in train]


def test_consistency_finds_cycles_order_and_stale_items(plan: Plan, train: list[Release]) -> None:
    a = Item("t#a", "A", state=State.ACCEPTED, target="4.1.0", depends_on=("t#b",))
    b = Item("t#b", "B", state=State.ACCEPTED, target="4.2.0", depends_on=("t#a",))
    c = Item("t#c", "C", state=State.ACCEPTED, target="3.4.0")
    problems = check_plan(plan.with_items([*plan.items, a, b, c]), train, TODAY)
    assert "dependency cycle: t#a -> t#b -> t#a" in problems
    assert any(p.startswith("t#a: scheduled for 4.1.0") for p in problems)
    assert "t#c: still accepted, but 3.4.0 shipped on 2009-05-18" in problems
    assert "3.4.2: past its freeze with open blocker(s): demo#pvhvm-migrate-hang" in problems


def test_needs_attention_puts_stabilizing_no_go_releases_first(
    plan: Plan, train: list[Release]
) -> None:
    found = needs_attention(all_status(lay(plan, train), train, TODAY))
    assert [a.version for a in found] == ["4.0.0", "3.4.2", "3.4.0", "3.3.0"]
    assert [a.urgent for a in found] == [True, True, False, False]
    assert found[1].text.startswith("3.4.2 rc, release in 8d: 1 open blocker(s)")
    assert found[2].text == "3.4.0: end of maintenance in 71d (2009-11-10)"
    calm = plan.with_items(
        replace(it, state=State.DONE, backports={k: BackportState.DONE for k in it.backports})
        for it in plan.items
    )
    assert all(not a.urgent for a in needs_attention(all_status(calm, train, TODAY)))


def test_unscheduled_releases_count_their_items_and_may_be_targeted() -> None:
    from relplan.planner.domain.model import ReleaseSpec
    from relplan.planner.domain.policy import Policy
    from relplan.planner.domain.status import unscheduled_status

    anchor = ReleaseSpec("1.0.0", actual=dt.date(2021, 3, 2))
    shipped = ReleaseSpec("0.9.0", unscheduled=True)
    items = [
        Item("t#1", "done", state=State.DONE, target="0.9.0"),
        Item("t#2", "open blocker", state=State.ACCEPTED, target="0.9.0", blocker=True),
        Item("t#3", "nowhere", state=State.ACCEPTED, target="7.7.7"),
    ]
    plan = Plan("t", Policy(), (anchor, shipped), tuple(items))
    train = build_train(plan, dt.date(2021, 4, 1))
    [u] = unscheduled_status(plan, train)
    assert (u.version, u.items_total, u.items_done, u.blockers_open) == ("0.9.0", 2, 1, ["t#2"])
    assert "set `actual = YYYY-MM-DD`" in u.reason
    problems = check_plan(plan, train, dt.date(2021, 4, 1))
    assert problems == ["t#3: targets release 7.7.7, which is not on the calendar"]
    laid = lay(plan, train)
    assert laid.item("t#2").target == "0.9.0"  # an explicit target is kept
