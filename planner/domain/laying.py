"""Laying roadmap items onto the release train.

Items with a target keep it. Accepted items without one go to the first
release still open to them on the plan's own present
(:func:`relplan.planner.domain.calendar.plan_present`: its latest recorded shipment or
the day it was made), never on the clock's today: the plan a file holds does not change
because time passed. Open features whose release froze without them are at risk (on the
day the views look at), with a proposal to move them to the next release that can still
take them.

A release "can take" an item by the same rule everywhere (laying, moving
with ``]``/``[``, proposals): see :func:`open_releases_for`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from relplan.planner.domain.calendar import plan_present
from relplan.planner.domain.model import Item, Kind, Plan, Release, ReleaseKind, natural_key
from relplan.planner.domain.rules import owners


def _open_to(item: Item, release: Release, today: dt.date) -> bool:
    """Whether ``release`` can still take ``item`` on ``today``."""
    if release.shipped or release.day < today:
        return False
    if item.kind.is_fix:
        return True
    return release.kind is ReleaseKind.POINT and (release.freeze is None or release.freeze > today)


def branch_of(item: Item, train: Sequence[Release]) -> str | None:
    """The series whose maintenance releases an item rides on, or None for the main line.

    An item targeting a maintenance release belongs to that branch; anything
    else belongs to the main line of point releases.
    """
    target = next((r for r in train if r.version == item.target), None)
    if target is not None and target.kind is ReleaseKind.MAINTENANCE:
        return target.series
    return None


def open_releases_for(item: Item, train: Sequence[Release], today: dt.date) -> list[Release]:
    """Releases that can take the item on ``today``, in calendar order.

    Features: point releases not yet frozen. Fixes: unshipped releases of
    their branch (point releases for the main line, the branch's maintenance
    releases for a fix that targets one).
    """
    branch = branch_of(item, train) if item.kind.is_fix else None
    out = []
    for release in train:
        if not _open_to(item, release, today):
            continue
        if branch is None and release.kind is not ReleaseKind.POINT:
            continue
        if branch is not None and release.series != branch:
            continue
        out.append(release)
    return out


def _reason(item: Item, release: Release, present: dt.date | None) -> str:
    on = f"laid {present}" if present is not None else "laid"
    if item.kind is Kind.FEATURE:
        return f"{on}: first release whose freeze ({release.freeze}) is still ahead"
    return f"{on}: first release still ahead ({release.day})"


def lay(plan: Plan, train: Sequence[Release]) -> Plan:
    """Give every accepted, unscheduled item a target and say why; keep explicit targets.

    The first release open to the item on the plan's present (:func:`plan_present`; the
    first of the train when the plan records no day at all): the same plan gives the same
    targets on any day. Whether that release can still take the item today is for the
    views to say (:func:`at_risk`).
    """
    present = plan_present(plan)
    on = present or dt.date.min
    items = []
    # Without a target an item's open releases depend on its kind alone (no branch): one
    # search per kind, not per item (100,000 items: 0.28 s of the dashboard's first frame).
    first: dict[Kind, tuple[Release, str] | None] = {}
    for item in plan.items:
        if item.target is None and item.state.is_open:
            if item.kind not in first:
                candidates = open_releases_for(item, train, on)
                found = candidates[0] if candidates else None
                first[item.kind] = (found, _reason(item, found, present)) if found else None
            laid = first[item.kind]
            if laid is not None:
                item = replace(item, target=laid[0].version, why=laid[1])
        items.append(item)
    return plan.with_items(items)


def at_risk(plan: Plan, train: Sequence[Release], today: dt.date) -> dict[str, str | None]:
    """Open items whose release can no longer take them -> the release proposed instead.

    A feature is at risk once its release froze without it; a fix once its
    release day passed. The proposal is the next release that can take the
    item, or None when the calendar has none.
    """
    by_version = {r.version: r for r in train}
    out: dict[str, str | None] = {}
    for item in plan.items:
        release = by_version.get(item.target or "")
        if release is None or not item.state.is_open or _open_to(item, release, today):
            continue
        later = [r for r in open_releases_for(item, train, today) if r.day >= release.day]
        out[item.id] = later[0].version if later else None
    return out


def step_target(
    item: Item, train: Sequence[Release], today: dt.date, direction: int
) -> Release | None:
    """The next (``direction`` = 1) or previous (-1) release that can take the item.

    From no target, "next" is the first release open to the item. None when
    there is nowhere to go.
    """
    candidates = open_releases_for(item, train, today)
    current = next((r for r in train if r.version == item.target), None)
    if current is None:
        return candidates[0] if direction > 0 and candidates else None
    key = (current.day, current.version)
    if direction > 0:
        return next((r for r in candidates if (r.day, r.version) > key), None)
    earlier = [r for r in candidates if (r.day, r.version) < key]
    return earlier[-1] if earlier else None


def schedule(plan: Plan, train: Sequence[Release], today: dt.date) -> dict[str, str]:
    """Targets for accepted, unscheduled items within the policy's capacity: item -> version.

    Most urgent first (priority, then id); each item goes to the first release open
    to it (:func:`open_releases_for`) that still has room for its kind and for each
    of its owners. Items no release has room for are left out. Without capacity
    limits this is what :func:`lay` does.
    """
    cap = plan.policy.capacity
    load: dict[tuple[str, str], int] = {}  # (version, "features"|"fixes"|"owner:NAME")

    def slots(item: Item) -> list[str]:
        return ["fixes" if item.kind.is_fix else "features"] + [f"owner:{o}" for o in owners(item)]

    def limit(slot: str) -> int | None:
        if slot.startswith("owner:"):
            return cap.per_owner
        return cap.fixes if slot == "fixes" else cap.features

    for it in plan.items:
        if it.target is not None and not it.state.is_closed:
            for slot in slots(it):
                load[(it.target, slot)] = load.get((it.target, slot), 0) + 1
    waiting = [it for it in plan.items if it.target is None and it.state.is_open]
    waiting.sort(key=lambda it: (it.priority.rank, natural_key(it.id)))
    out: dict[str, str] = {}
    for item in waiting:
        for release in open_releases_for(item, train, today):
            needed = [(release.version, s) for s in slots(item)]
            full = [
                k for k in needed if (cap_ := limit(k[1])) is not None and load.get(k, 0) >= cap_
            ]
            if not full:
                for k in needed:
                    load[k] = load.get(k, 0) + 1
                out[item.id] = release.version
                break
    return out
