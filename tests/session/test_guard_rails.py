"""Guard rails in triage (issue 20, issue 21's "targetable release" and "deferring"): one
planner rule per guard, asked by the CLI (exit 2 unless --force) and the dashboard (a
confirmation naming the rule); deferring drops the target whichever way it is done."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from relplan.planner.domain import ops
from relplan.planner.domain.model import BackportState, Item, Kind, State
from relplan.planner.domain.rules import (
    EOL_RULE,
    FROZEN_RULE,
    SHIPPED_RULE,
    backport_refusal,
    target_refusal,
)
from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.store.planfile import load_plan
from relplan.planner.usecases.session import Session
from tests.session.test_release_verbs import DAY, cli, write_demo

SESSION = Session(demo_plan(), today=DEMO_TODAY)  # 4.0.0 froze 2009-08-18; 3.2 is EOL
FEATURE = Item("x#1", "a feature", Kind.FEATURE)
BUG = Item("x#2", "a bug", Kind.BUG)


@pytest.mark.parametrize(
    "item, version, rule",
    [
        (FEATURE, "4.1.0", None),  # in development: open to features
        (FEATURE, "4.0.0", FROZEN_RULE),  # frozen
        (FEATURE, "3.4.2", FROZEN_RULE),  # a maintenance release takes no features
        (BUG, "4.0.0", None),  # frozen releases still take fixes
        (BUG, "3.4.2", None),
        (BUG, "3.2.0", SHIPPED_RULE),
        (FEATURE, "3.4.1", SHIPPED_RULE),
    ],
)
def test_target_refusal_names_the_rule(item: Item, version: str, rule: str | None) -> None:
    why = target_refusal(item, SESSION.release(version), DEMO_TODAY)
    assert (why.split(":")[0] if why else None) == rule
    if why:
        assert version in why


@pytest.mark.parametrize(
    "series, state, refused",
    [
        ("3.2", BackportState.DONE, True),  # end of life 2009-02-24
        ("3.2", BackportState.REQUIRED, True),
        ("3.2", BackportState.DONTNEED, False),  # saying no is always fine
        ("3.3", BackportState.REQUIRED, False),  # security-only: still supported
        ("3.4", BackportState.DONE, False),
        ("9.9", BackportState.DONE, False),  # not on the train: not this rule's business
    ],
)
def test_backport_refusal_on_end_of_life_series(
    series: str, state: BackportState, refused: bool
) -> None:
    why = backport_refusal(series, state, SESSION.train(), DEMO_TODAY)
    assert (why is not None) == refused
    if why:
        assert why.startswith(EOL_RULE)


def test_set_refuses_a_shipped_target_with_exit_2_unless_forced(tmp_path: Path) -> None:
    path = write_demo(tmp_path)
    before = path.read_bytes()
    code, _, err = cli("--plan", str(path), "--today", DAY, "set", "demo#remus",
                       "--target", "3.2.0")  # fmt: skip
    assert code == 2 and SHIPPED_RULE in err and "--force" in err and "Traceback" not in err
    assert path.read_bytes() == before
    code, _, _ = cli("--plan", str(path), "--today", DAY, "set", "demo#remus",
                     "--target", "3.2.0", "--force")  # fmt: skip
    assert code == 0
    item = load_plan(path).plan.item("demo#remus")
    assert item is not None and item.target == "3.2.0"


def test_set_refuses_a_frozen_target_for_a_feature(tmp_path: Path) -> None:
    path = write_demo(tmp_path)
    code, _, err = cli("--plan", str(path), "--today", DAY, "set", "demo#bridge-switch",
                       "--target", "4.0.0", "--dry-run")  # fmt: skip
    assert code == 2 and FROZEN_RULE in err


def test_set_refuses_a_backport_mark_on_an_end_of_life_series(tmp_path: Path) -> None:
    path = write_demo(tmp_path)
    argv = ("--plan", str(path), "--today", DAY, "set", "demo#ioreq-overflow",
            "--backport", "3.2=done", "--dry-run")  # fmt: skip
    code, _, err = cli(*argv)
    assert code == 2 and EOL_RULE in err
    assert cli(*argv, "--force")[0] == 0


@pytest.mark.parametrize(
    "item_id, mark, why",
    [
        ("demo#ioreq-overflow", "9.99=required", "series 9.99 has no release"),
        ("demo#remus", "3.4=required", "demo#remus is a feature"),  # features are not backported
    ],
)
def test_set_refuses_a_backport_mark_that_cannot_be_made_even_forced(
    tmp_path: Path, item_id: str, mark: str, why: str
) -> None:
    path = write_demo(tmp_path)
    before = path.read_bytes()
    for force in ((), ("--force",)):
        code, _, err = cli("--plan", str(path), "--today", DAY, "set", item_id,
                             "--backport", mark, *force)  # fmt: skip
        assert code == 2 and why in err and mark in err and "Traceback" not in err
        assert path.read_bytes() == before


def test_a_mixed_selection_marks_its_fixes(tmp_path: Path) -> None:
    path = write_demo(tmp_path)
    code, _, _ = cli("--plan", str(path), "--today", DAY, "set", "demo#remus",
                     "demo#ioreq-overflow", "--backport", "3.4=required")  # fmt: skip
    plan = load_plan(path).plan
    assert code == 0 and plan.item("demo#ioreq-overflow").backports  # type: ignore[union-attr]
    assert not plan.item("demo#remus").backports  # type: ignore[union-attr]


def test_add_and_edit_refuse_the_same_targets(tmp_path: Path) -> None:
    path = write_demo(tmp_path)
    common = ("--plan", str(path), "--today", DAY)
    code, _, err = cli(*common, "add", "New feature", "--target", "4.0.0", "--dry-run")
    assert code == 2 and FROZEN_RULE in err
    assert cli(*common, "add", "New bug", "--kind", "bug", "--target", "4.0.0", "--dry-run")[0] == 0
    code, _, err = cli(*common, "edit", "demo#remus", "--target", "3.4.1", "--dry-run")
    assert code == 2 and SHIPPED_RULE in err
    # a target the item already has is no change: never refused
    assert cli(*common, "edit", "demo#remus", "--title", "R", "--target", "4.0.0")[0] == 0


def _deferred_everywhere() -> list[Item]:
    """The same targeted item deferred by d, by set --state and by the E form's edit."""
    plan = demo_plan()
    item = next(it for it in plan.items if it.target)
    by_key = ops.defer(plan, {item.id}).plan.item(item.id)
    by_state = ops.set_state(plan, {item.id}, State.DEFERRED).plan.item(item.id)
    by_form = ops.edit(plan, item.id, state=State.DEFERRED).plan.item(item.id)
    added = ops.add(plan, replace(item, id="x#new", state=State.DEFERRED)).plan.item("x#new")
    return [it for it in (by_key, by_state, by_form, added) if it is not None]


def test_deferring_drops_the_target_whichever_way_it_is_done() -> None:
    found = _deferred_everywhere()
    assert len(found) == 4
    assert {(it.state, it.target) for it in found} == {(State.DEFERRED, None)}


@pytest.mark.parametrize(
    "day, refused",
    [
        ("2010-02-20", "2010-02-20 is a Saturday; the policy releases on Tuesdays"),
        ("2010-02-19", "2010-02-19 is a Friday; the policy releases on Tuesdays"),
        ("2010-02-23", None),
    ],
)
def test_slip_refuses_a_day_off_the_policy_weekday_unless_forced(
    tmp_path: Path, day: str, refused: str | None
) -> None:
    path = write_demo(tmp_path)
    before = path.read_bytes()
    argv = ("--plan", str(path), "--today", DAY, "slip", "4.1.0", "--to", day)
    code, _, err = cli(*argv)
    if refused is None:
        assert code == 0
        return
    assert code == 2 and refused in err and 'weekday = "tuesday"' in err and "--force" in err
    assert "2010-02-16 or 2010-02-23" in err  # the policy's days either side
    assert path.read_bytes() == before
    assert cli(*argv, "--force")[0] == 0
    assert load_plan(path).plan.spec("4.1.0").pins["release"].isoformat() == day  # type: ignore[union-attr]
