"""Release-day operations: record that a release shipped, pin or slip a date, and what if.

Like :mod:`relplan.planner.domain.ops` for items, each operation is pure: it takes the plan
and the train it was laid on and returns an undoable :class:`~relplan.planner.domain.ops.Change`.
:func:`date_moves` compares two trains date by date, which is how a slip is
previewed: the preview is the difference between the train now and the train
the changed plan gives, computed by the same calendar that will then apply it,
so it names exactly the dates that move (catch-up rule, blackouts and weekday
included).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.errors import PlanError, Problem
from relplan.planner.domain.model import Plan, Release, ReleaseSpec
from relplan.planner.domain.ops import Change
from relplan.planner.domain.rules import ship_refusals
from relplan.planner.domain.stages import find_stage, is_stage_pin, ladder
from relplan.planner.store.tables import PIN_NAMES, release_to_json

#: The dated fields of ``relplan calendar --format json`` a change can move.
DATE_FIELDS = (
    "development_start",
    "last_posting",
    "freeze_date",
    "rcs",
    "release_date",
    "actual",
    "maintained_until",
    "security_until",
)


@dataclass(frozen=True, slots=True)
class DateMove:
    """One date of one release that differs between two trains (None: not on that train)."""

    version: str
    field: str
    old: Any
    new: Any

    def to_json(self) -> dict[str, Any]:
        """``{version, field, old, new}`` with ISO dates (lists of them for ``rcs``)."""
        return {"version": self.version, "field": self.field, "old": self.old, "new": self.new}


def date_moves(before: Sequence[Release], after: Sequence[Release]) -> list[DateMove]:
    """Every date that differs between two trains, release by release in calendar order.

    Only what changes: a release new on the train (or gone from it) lists the dates it
    has, not an empty list of RCs where before there was none."""
    old = {r.version: release_to_json(r, None) for r in before}
    new = {r.version: release_to_json(r, None) for r in after}
    order = [r.version for r in after] + [r.version for r in before if r.version not in new]
    out = []
    for version in order:
        a, b = old.get(version, {}), new.get(version, {})
        for name in DATE_FIELDS:
            was, now = a.get(name) or None, b.get(name) or None  # [] (no RCs) is no date
            if was != now:
                out.append(DateMove(version, name, was, now))
    return out


def _release(train: Sequence[Release], version: str) -> Release:
    for r in train:
        if r.version == version:
            return r
    raise PlanError(Problem(f"no release {version!r} on the calendar"))


def _with_spec(plan: Plan, release: Release, **changes: Any) -> Plan:
    """The plan with ``release``'s spec changed (added when the calendar generated it)."""
    specs = list(plan.releases)
    for i, spec in enumerate(specs):
        if spec.version == release.version:
            specs[i] = replace(spec, **changes)
            break
    else:
        specs.append(replace(ReleaseSpec(release.version, release.kind), **changes))
    return plan.with_releases(specs)


def ship(
    plan: Plan,
    train: Sequence[Release],
    version: str,
    on: dt.date,
    today: dt.date,
    *,
    force: bool = False,
) -> Change:
    """Record that ``version`` shipped on ``on`` (not after ``today``).

    Refused (PlanError) when :func:`relplan.planner.domain.rules.ship_refusals` names a
    reason, unless ``force``. What is recorded: the day, the day it was planned for
    (``pins.release``), the milestones it went through, and the planned day of every
    later release already due on ``today`` that the shipment would otherwise move
    (a late release stays late on its day; only releases not yet due follow).
    """
    release = _release(train, version)
    if on > today:
        raise PlanError(
            Problem(
                f"{version} cannot have shipped on {on}, after today ({today})",
                field="--on",
                hint="record a shipment once it happened; to move a planned day use slip",
            )
        )
    if release.actual == on:
        return Change(plan, f"{version} already shipped on {on}")
    refusals = ship_refusals(plan.items, train, release, on)
    if refusals and not force:
        raise PlanError(
            [Problem(f"not shipped: {why}", field="VERSION") for why in refusals[:-1]]
            + [Problem(f"not shipped: {refusals[-1]}", field="VERSION",
                       hint="--force records it anyway")]
        )  # fmt: skip
    moved = _with_spec(plan, release, actual=on, **_passed_milestones(plan, release, on))
    moved = _keep_due_days(moved, train, version, today)
    what = (
        f"moved {version}'s release from {release.actual} to {on}"
        if release.shipped
        else (f"shipped {version} on {on}")
    )
    return Change(moved, what, (f"release:{version}",))


def _keep_due_days(plan: Plan, train: Sequence[Release], version: str, today: dt.date) -> Plan:
    """Pin the planned day of every other unshipped release already due on ``today`` that
    ``plan`` would move: time passing never moves a day, and neither does catching up."""
    after = {r.version: r for r in build_train(plan, today)}
    for r in train:
        moved = after.get(r.version)
        if r.version == version or r.shipped or r.release is None or r.release >= today:
            continue
        if moved is None or moved.release != r.release:  # moved, or dropped off the train
            spec = plan.spec(r.version)
            pins = {**(spec.pins if spec is not None else {}), "release": r.release}
            plan = _with_spec(plan, r, pins=pins)
    return plan


def _passed_milestones(plan: Plan, release: Release, on: dt.date) -> dict[str, Any]:
    """The planned milestones a release went through before shipping on ``on``, as records.

    Once shipped, the calendar computes nothing into a release's past, so the day it was
    planned for is kept as a pin. Only what happened is recorded: the freeze, last posting
    day and RCs someone pinned or tagged stay; computed ones (a plan, not an event) are
    not turned into records (``pin``/``confirm`` or a tag records them).
    """
    if release.shipped:
        return {}
    spec = plan.spec(release.version)
    pins = dict(spec.pins) if spec is not None else {}
    if release.release is not None:
        pins.setdefault("release", release.release)
    rcs = spec.actual_rcs if spec is not None else ()
    return {"pins": pins, "actual_rcs": rcs}


def spec_moves(before: Plan, after: Plan) -> list[DateMove]:
    """The recorded fields of release specs that differ between two plans, beyond the
    calendar's dates (:func:`date_moves`): ``actual_rcs``, ``actual_betas`` and each
    ``pins.<name>``, so a dry run lists every field it would write."""
    out = []
    old = {s.version: s for s in before.releases}
    for spec in after.releases:
        prev = old.get(spec.version)
        for name in ("actual_rcs", "actual_betas"):
            a, b = getattr(prev, name) if prev else (), getattr(spec, name)
            if a != b:
                out.append(DateMove(spec.version, name, _iso_days(a), _iso_days(b)))
        pins = dict(prev.pins) if prev else {}
        for name in sorted({*pins, *spec.pins}):
            a_day, b_day = pins.get(name), spec.pins.get(name)
            if a_day != b_day:
                out.append(DateMove(spec.version, f"pins.{name}", _iso(a_day), _iso(b_day)))
    return out


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _iso_days(days: Sequence[dt.date]) -> list[str]:
    return [d.isoformat() for d in days]


def pin(plan: Plan, train: Sequence[Release], version: str, name: str, day: dt.date) -> Change:
    """Pin a computed date of a release (``release``, ``freeze``, ``last_posting`` or a
    stage of the freeze ladder, by its pin name)."""
    if name not in PIN_NAMES and not is_stage_pin(name, plan.policy):
        raise PlanError(
            Problem(f"{name!r} cannot be pinned", hint="one of " + ", ".join(PIN_NAMES))
        )
    release = _release(train, version)
    if release.shipped:
        raise PlanError(
            Problem(
                f"{version} shipped on {release.actual}; its dates are history",
                hint="to correct the day it shipped, run ship again with --on",
            )
        )
    spec = next((s for s in plan.releases if s.version == version), None)
    pins = dict(spec.pins) if spec is not None else {}
    if pins.get(name) == day:
        return Change(plan, f"{version} {name} is already pinned to {day}")
    pins[name] = day
    moved = _with_spec(plan, release, pins=pins)
    return Change(
        moved, f"pinned {version} {name.replace('_', ' ')} to {day}", (f"release:{version}",)
    )


def slip(
    plan: Plan,
    train: Sequence[Release],
    version: str,
    today: dt.date,
    *,
    to: dt.date | None = None,
    by: dt.timedelta | None = None,
) -> Change:
    """Move a release's day to ``to`` (or by ``by``) and pin it there; later releases follow.

    Milestones of the release already passed on ``today`` (a freeze that happened)
    stay where they were: they are pinned at their day, never moved into the future.
    """
    release = _release(train, version)
    if (to is None) == (by is None):
        raise PlanError(Problem("slip needs exactly one of --to DATE or --by N[d|w]"))
    day = to if to is not None else release.day + (by or dt.timedelta())
    if day < today:
        raise PlanError(
            Problem(
                f"{version} cannot slip to {day}, before today ({today})",
                hint="a release that happened is recorded with ship --on",
            )
        )
    change = pin(plan, train, version, "release", day)
    if change.is_noop:
        return change
    passed = {"freeze": release.freeze, "last_posting": release.last_posting}
    if plan.policy.explicit_ladder:  # every stage behind us stays where it was
        rungs = ladder(plan.policy, release, plan.spec(version))
        passed.update((s.pin, s.day) for s in rungs if s.key != "release")
    for name, when in passed.items():
        if when is not None and when <= today:
            change = pin(change.plan, train, version, name, when)
    return Change(
        change.plan, f"slipped {version} from {release.day} to {day}", (f"release:{version}",)
    )


def confirm(plan: Plan, train: Sequence[Release], version: str, stage_name: str) -> Change:
    """Confirm a tentative stage of a release: its day is pinned where it is now, so it is
    decided (no longer tentative) and stays there when the release moves."""
    release = _release(train, version)
    rungs = ladder(plan.policy, release, plan.spec(version))
    stage = find_stage(rungs, stage_name)
    if stage is None:
        keys = [s.key for s in rungs]
        close = difflib.get_close_matches(stage_name.lower(), keys, n=1, cutoff=0.5)
        raise PlanError(
            Problem(
                f"{version} has no stage {stage_name!r}",
                field="STAGE",
                hint=(f"did you mean {close[0]}? " if close else "") + "stages: " + ", ".join(keys),
            )
        )
    if stage.day is None:
        raise PlanError(
            Problem(f"{version} {stage.name} has no day to confirm", field="STAGE",
                    hint="nobody recorded it; pin its day in [releases.pins]")
        )  # fmt: skip
    if not stage.tentative:
        return Change(plan, f"{version} {stage.name} on {stage.day} is decided already")
    if stage.key == "release" and release.shipped:
        return Change(plan, f"{version} shipped on {release.actual}")
    change = pin(plan, train, version, stage.pin, stage.day)
    return Change(change.plan, f"confirmed {version} {stage.name} on {stage.day}", change.changed)
