"""The development update, both ways: what changed in the plan since a day (from the
plan file's own git history) for the update ``relplan report --kind update`` writes, and
a reply with edited lines applied to the plan (``relplan report --apply``).

The plan file's history is read with git (:mod:`relplan.planner.store.planhistory`); a
plan outside a repository, or younger than the day, says why nothing is known.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from relplan.planner.domain import ops
from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.model import Plan

if TYPE_CHECKING:
    from relplan.planner.outputs.devupdate import DevelopmentUpdate, UpdateResult
    from relplan.planner.store.planhistory import PlanChange
    from relplan.planner.usecases.session import Session


def changes_since(session: Session, since: dt.date) -> tuple[list[PlanChange] | None, str | None]:
    """What changed in the plan since the start of ``since`` (in the policy's time zone),
    from its git history; or None and why that is unknown."""
    # start-up cost: git is run only for the update report
    from relplan.planner.store.planhistory import plan_changes, read_history, start_of

    history = read_history(session.path)
    if history.missing:
        return None, history.missing
    base = history.as_of(start_of(since, session.plan.policy.timezone))
    if base is None:
        first = history.versions[0]
        return None, f"the plan file was first committed on {first.when:%Y-%m-%d}, after {since}"
    old_train = build_train(base.plan, session.today)
    return plan_changes(base.plan, old_train, session.plan, session.train()), None


def _plan_on(session: Session, day: dt.date) -> Plan | None:
    """The plan as committed by the end of ``day``, or None when its history does not say."""
    from relplan.planner.store.planhistory import read_history, start_of  # start-up, as above

    end = start_of(day + dt.timedelta(days=1), session.plan.policy.timezone)
    found = read_history(session.path).as_of(end)
    return found.plan if found is not None else None


def apply_reply(session: Session, text: str) -> tuple[DevelopmentUpdate, UpdateResult]:
    """A development update's reply (edited lines) applied to the session's plan, three-way
    against the plan as it was on the update's day when its history says, and saved when
    anything changed. Returns the update read and what it did."""
    # start-up cost: the update parser, only for --apply
    from relplan.planner.outputs.devupdate import apply_update, parse_update

    session.writable_path()  # the demo: say so before reading anything
    update = parse_update(text)
    base = _plan_on(session, update.day) if update.day is not None else None
    result = apply_update(session.plan, update, base)
    if result.changed:
        session.apply(ops.Change(result.plan, "applied the development update", ("*",)))
        session.save()
    return update, result
