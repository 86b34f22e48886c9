"""What ``relplan check`` reports: a plan that contradicts itself or a release that cannot ship.

The loader already refuses files it cannot read; these are the problems of a
well-formed plan: items pointing at releases or items that do not exist,
dependency cycles, work scheduled before what it depends on, late releases (planned
day passed, no shipment recorded), releases past their freeze that still have open
blockers, and open items that the current stage of their release no longer accepts
(:func:`relplan.planner.domain.rules.breaches`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from relplan.planner.domain.calendar import days_late, phase_on
from relplan.planner.domain.model import Item, Plan, Release
from relplan.planner.domain.nogo import late_reason
from relplan.planner.domain.rules import breaches, open_blockers


def _reference_problems(plan: Plan, by_version: dict[str, Release]) -> Iterator[str]:
    ids = {it.id for it in plan.items}
    series = {r.series for r in by_version.values()}
    named = {s.version for s in plan.releases}  # unscheduled releases may be targeted too
    for it in plan.items:
        if it.target and it.target not in by_version and it.target not in named:
            yield f"{it.id}: targets release {it.target}, which is not on the calendar"
        for dep in it.depends_on:
            if dep not in ids:
                yield f"{it.id}: depends on {dep}, which is not in the plan"
        for s in it.backports:
            if s not in series:
                yield f"{it.id}: has a backport state for series {s}, which has no release"


def _cycles(items: Sequence[Item]) -> Iterator[str]:
    """Each dependency cycle once, as ``a -> b -> a``."""
    deps = {it.id: [d for d in it.depends_on] for it in items}
    done: set[str] = set()
    for start in deps:
        path: list[str] = []
        on_path: set[str] = set()
        stack = [(start, iter(deps[start]))]
        if start in done:
            continue
        path.append(start)
        on_path.add(start)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                on_path.discard(node)
                done.add(node)
            elif child in on_path:
                loop = path[path.index(child) :] + [child]
                yield "dependency cycle: " + " -> ".join(loop)
            elif child not in done and child in deps:
                stack.append((child, iter(deps[child])))
                path.append(child)
                on_path.add(child)


def _order_problems(plan: Plan, by_version: dict[str, Release]) -> Iterator[str]:
    by_id = {it.id: it for it in plan.items}
    for it in plan.items:
        mine = by_version.get(it.target or "")
        for dep_id in it.depends_on:
            dep = by_id.get(dep_id)
            theirs = by_version.get(dep.target or "") if dep else None
            if mine and theirs and theirs.day > mine.day and not dep.state.is_closed:  # type: ignore[union-attr]
                yield (
                    f"{it.id}: scheduled for {mine.version} ({mine.day}) "
                    f"before {dep_id}, which it depends on ({theirs.version}, {theirs.day})"
                )


def _release_problems(plan: Plan, train: Sequence[Release], today: dt.date) -> Iterator[str]:
    for r in train:
        if r.shipped:
            for it in plan.items:
                if it.target == r.version and it.state.is_open:
                    yield f"{it.id}: still {it.state.value}, but {r.version} shipped on {r.actual}"
            continue
        late = days_late(r, today)
        if late is not None:
            yield f"{r.version}: {late_reason(r, late)}"
        if phase_on(r, today).is_stabilizing or today >= r.day:
            blockers = open_blockers(plan.items, r.version)
            if blockers:
                yield f"{r.version}: past its freeze with open blocker(s): {', '.join(blockers)}"


def check_plan(plan: Plan, train: Sequence[Release], today: dt.date) -> list[str]:
    """Every inconsistency of the plan, every release past its freeze with open blockers,
    every open item its release's current stage does not accept."""
    by_version = {r.version: r for r in train}
    return [
        *_reference_problems(plan, by_version),
        *_cycles(plan.items),
        *_order_problems(plan, by_version),
        *_release_problems(plan, train, today),
        *breaches(plan, train, today),
    ]
