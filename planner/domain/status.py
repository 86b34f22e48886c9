"""Stabilization and backport status of each release, as plain data.

A status answers, for one release on one day: which phase is it in, what is
the next milestone and how far away, how much of its work is done, what
blocks it, which features are still open after its freeze, which fixes still
have to reach the branches it covers, and whether it is a go.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from relplan.planner.domain.calendar import days_late, phase_on, unscheduled, why_unscheduled
from relplan.planner.domain.ends import known_ends
from relplan.planner.domain.errors import PlanError, Problem
from relplan.planner.domain.laying import at_risk
from relplan.planner.domain.model import (
    BackportState,
    Item,
    Kind,
    Phase,
    Plan,
    Release,
    ReleaseKind,
    State,
)
from relplan.planner.domain.nogo import Facts, no_go_reasons
from relplan.planner.domain.policy import Accepts
from relplan.planner.domain.rules import (
    Branch,
    counts_for_release,
    is_open_blocker,
    maintained_branches,
    needs_backport,
    over_capacity,
    owner_load,
)
from relplan.planner.domain.stages import ladder, next_step, stage_in_force
from relplan.planner.domain.support import SupportSource


class Verdict(StrEnum):
    """Can the release ship? ``go``, ``no-go`` (with reasons), or ``shipped`` already."""

    GO = "go"
    NO_GO = "no-go"
    SHIPPED = "shipped"


GO, NO_GO, SHIPPED = Verdict.GO, Verdict.NO_GO, Verdict.SHIPPED


@dataclass(frozen=True, slots=True)
class ReleaseStatus:
    """Everything a release manager asks about one release on one day.

    ``stage`` is the rung of the freeze ladder it is on (:mod:`relplan.planner.domain.stages`),
    since
    ``stage_since``, and ``accepts`` what may still land in it. ``days_late``: how late it
    is (phase ``late``), else None. Its branch's support ends come with their sources.
    """

    version: str
    kind: ReleaseKind
    phase: Phase
    next_milestone: str | None
    next_date: dt.date | None
    days_to_next: int | None
    items_total: int
    items_done: int
    open_by_kind: dict[str, int]
    blockers_open: list[str]
    features_open_after_freeze: list[str]
    at_risk: dict[str, str | None]
    backports: dict[str, dict[str, int]]
    verdict: Verdict
    reasons: list[str] = field(default_factory=list)
    owners: dict[str, int] = field(default_factory=dict)
    over_capacity: list[str] = field(default_factory=list)
    stage: str | None = None
    accepts: Accepts | None = None
    stage_since: dt.date | None = None
    days_late: int | None = None
    maintained_until: dt.date | None = None
    maintained_source: SupportSource | None = None
    security_until: dt.date | None = None
    security_source: SupportSource | None = None

    def backports_pending(self) -> int:
        """Fixes still to reach the branches this release covers (required or in progress)."""
        return sum(
            n for state, n in self.backport_totals().items() if BackportState(state).is_pending
        )

    def backport_totals(self) -> dict[str, int]:
        """Backport counts per state, summed over the branches this release covers."""
        total: Counter[str] = Counter()
        for counts in self.backports.values():
            total.update(counts)
        return {s.value: total[s.value] for s in BackportState if total[s.value]}


def covered_series(
    release: Release, train: Sequence[Release], today: dt.date, maintained: Sequence[str]
) -> list[str]:
    """Branches whose backports this release answers for.

    A maintenance release, or a shipped point release, answers for its own
    branch while that branch is maintained; an upcoming point release for
    every branch maintained today (``maintained``, from
    :func:`relplan.planner.domain.rules.maintained_series`).
    """
    if release.kind is ReleaseKind.MAINTENANCE or today >= release.day:
        return [release.series] if release.series in maintained else []
    return list(maintained)  # newest first, as the dashboard lists branches


def _backport_counts(
    items: Sequence[Item], branches: Mapping[str, Branch]
) -> dict[str, Counter[str]]:
    """Backport states counted per maintained series, in one pass over the items. A pending
    state counts only where :func:`~relplan.planner.domain.rules.needs_backport` holds, so
    "still to backport" is the Backports view's "missing" and the development update's."""
    out: dict[str, Counter[str]] = {}
    for it in items:
        for series, state in it.backports.items():
            branch = branches.get(series)
            if branch is None or (state.is_pending and not needs_backport(it, branch, state)):
                continue
            out.setdefault(series, Counter())[state.value] += 1
    return out


def _backports(counts: dict[str, Counter[str]], series: list[str]) -> dict[str, dict[str, int]]:
    return {
        s: {b.value: counts[s][b.value] for b in BackportState if counts[s][b.value]}
        for s in series
        if s in counts
    }


def _verdict(
    release: Release,
    today: dt.date,
    blockers: list[str],
    late_features: list[str],
    backports: dict[str, dict[str, int]],
) -> tuple[Verdict, list[str]]:
    if release.shipped:
        return SHIPPED, [f"shipped {release.actual}"]
    reasons = no_go_reasons(Facts(release, today, blockers, late_features, backports))
    return (NO_GO if reasons else GO), reasons


def release_status(
    plan: Plan, train: Sequence[Release], version: str, today: dt.date
) -> ReleaseStatus:
    """The status of one release on ``today``; raises PlanError for an unknown version."""
    release = next((r for r in train if r.version == version), None)
    if release is None:
        known = ", ".join(r.version for r in train)
        raise PlanError(Problem(f"no release {version!r} in the plan", hint=f"known: {known}"))
    return _Statuses(plan, train, today).of(release)


def all_status(plan: Plan, train: Sequence[Release], today: dt.date) -> list[ReleaseStatus]:
    """The status of every release in the train, in calendar order."""
    statuses = _Statuses(plan, train, today)
    return [statuses.of(r) for r in train]


class _Statuses:
    """What every release's status needs, computed once per plan: items by target,
    backport counts per series, at-risk proposals."""

    def __init__(self, plan: Plan, train: Sequence[Release], today: dt.date) -> None:
        self.train, self.today = train, today
        self.by_target: dict[str, list[Item]] = {}
        for it in plan.items:
            if it.target is not None and counts_for_release(it, it.target):
                self.by_target.setdefault(it.target, []).append(it)
        branches = {b.series: b for b in maintained_branches(plan.policy, train, today)}
        self.counts = _backport_counts(plan.items, branches)
        self.risky = at_risk(plan, train, today)
        self.maintained = list(branches)
        self.capacity = plan.policy.capacity
        self.policy = plan.policy
        self.specs = {s.version: s for s in plan.releases}

    def of(self, release: Release) -> ReleaseStatus:
        today = self.today
        phase = phase_on(release, today)
        mine = self.by_target.get(release.version, [])
        still_open = [it for it in mine if not it.state.is_closed]
        blockers = [it.id for it in mine if is_open_blocker(it)]
        frozen = release.freeze is not None and today >= release.freeze
        late = [
            it.id for it in still_open if it.kind is Kind.FEATURE and frozen and not release.shipped
        ]
        backports = _backports(
            self.counts, covered_series(release, self.train, today, self.maintained)
        )
        verdict, reasons = _verdict(release, today, blockers, late, backports)
        stages = ladder(self.policy, release, self.specs.get(release.version))
        nxt = next_step(release, stages, today)
        stage = stage_in_force(release, stages, today)
        maintained_until, security_until = known_ends(release, today)  # none past, held open
        return ReleaseStatus(
            version=release.version,
            kind=release.kind,
            phase=phase,
            next_milestone=nxt[0] if nxt else None,
            next_date=nxt[1] if nxt else None,
            days_to_next=(nxt[1] - today).days if nxt else None,
            items_total=len(mine),
            items_done=sum(1 for it in mine if it.state is State.DONE),
            open_by_kind=dict(Counter(it.kind.value for it in still_open)),
            blockers_open=blockers,
            features_open_after_freeze=late,
            at_risk={it.id: self.risky[it.id] for it in mine if it.id in self.risky},
            backports=backports,
            verdict=verdict,
            reasons=reasons,
            owners=owner_load(mine),
            over_capacity=[] if release.shipped else over_capacity(mine, self.capacity),
            stage=stage.name,
            accepts=stage.accepts,
            stage_since=stage.day,
            days_late=days_late(release, today),
            maintained_until=maintained_until,
            maintained_source=release.maintained_source if maintained_until else None,
            security_until=security_until,
            security_source=release.security_source if security_until else None,
        )


@dataclass(frozen=True, slots=True)
class UnscheduledStatus:
    """A release the calendar has no day for (see
    :func:`relplan.planner.domain.calendar.unscheduled`):
    the items that target it, and why it has no day."""

    version: str
    kind: ReleaseKind
    items_total: int
    items_done: int
    open_by_kind: dict[str, int]
    blockers_open: list[str]
    reason: str


def unscheduled_status(plan: Plan, train: Sequence[Release]) -> list[UnscheduledStatus]:
    """Every unscheduled release with the items targeting it, in version order."""
    out = []
    for spec in unscheduled(plan, train):
        mine = [
            it for it in plan.items if it.target == spec.version and it.state is not State.REJECTED
        ]
        still_open = [it for it in mine if not it.state.is_closed]
        out.append(
            UnscheduledStatus(
                version=spec.version,
                kind=spec.kind,
                items_total=len(mine),
                items_done=sum(1 for it in mine if it.state is State.DONE),
                open_by_kind=dict(Counter(it.kind.value for it in still_open)),
                blockers_open=[it.id for it in mine if is_open_blocker(it)],
                reason=why_unscheduled(plan, spec),
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class Attention:
    """One thing that needs the release manager now, most urgent first."""

    version: str
    urgent: bool
    text: str


def needs_attention(statuses: Sequence[ReleaseStatus], within_days: int = 30) -> list[Attention]:
    """What needs someone now: late releases first (longest late first), then unshipped
    releases that are stabilizing or due soon and are not a go, then branches whose
    support ends soon. Sorted by how soon."""
    out: list[tuple[int, Attention]] = []
    for s in statuses:
        days = s.days_to_next if s.days_to_next is not None else 10**6
        if s.phase is Phase.LATE:  # first of all, the longest late first
            text = f"{s.version} late: " + "; ".join(s.reasons)
            out.append((-(s.days_late or 0) - 10**6, Attention(s.version, True, text)))
        elif s.verdict == NO_GO and (s.phase.is_stabilizing or days <= within_days):
            text = f"{s.version} {s.phase.value}, {s.next_milestone} in {days}d: " + "; ".join(
                s.reasons
            )
            out.append((days, Attention(s.version, s.phase.is_stabilizing, text)))
        elif s.phase.is_supported and s.next_milestone and days <= within_days * 3:
            text = f"{s.version}: {s.next_milestone} in {days}d ({s.next_date})"
            out.append((days, Attention(s.version, False, text)))
        if s.over_capacity:  # a planning aid: after what is due, soonest first
            text = f"{s.version} over capacity: " + "; ".join(s.over_capacity)
            out.append((days, Attention(s.version, False, text)))
    return [a for _, a in sorted(out, key=lambda pair: (not pair[1].urgent, pair[0]))]
