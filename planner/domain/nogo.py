"""The no-go rules: why a release is not ready to ship, one function per rule.

Every face reads a release's verdict and reasons from its status
(:class:`~relplan.planner.domain.status.ReleaseStatus`): ``relplan status`` and ``check``,
the reports and the dashboard's Release panel all print :attr:`ReleaseStatus.reasons`, which
come from :data:`NO_GO_RULES` in order. A new rule is one function here, added to the list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from relplan.planner.domain.calendar import abandoned, days_late
from relplan.planner.domain.ends import support_ended_day
from relplan.planner.domain.model import BackportState, Release, ReleaseKind


@dataclass(frozen=True, slots=True)
class Facts:
    """What the rules look at for one unshipped release on ``today``."""

    release: Release
    today: dt.date
    blockers: Sequence[str]
    late_features: Sequence[str]
    backports: Mapping[str, Mapping[str, int]]


def open_blockers(f: Facts) -> str | None:
    """An open release blocker targets the release."""
    if not f.blockers:
        return None
    return f"{len(f.blockers)} open blocker(s): {', '.join(f.blockers)}"


def features_after_freeze(f: Facts) -> str | None:
    """A feature is still open after the release's freeze."""
    if not f.late_features:
        return None
    ids = ", ".join(f.late_features)
    return f"{len(f.late_features)} feature(s) still open after the freeze: {ids}"


def backports_pending(f: Facts) -> str | None:
    """A maintenance release's branch still needs fixes (the counts hold only what
    :func:`~relplan.planner.domain.rules.needs_backport` says is missing)."""
    if f.release.kind is not ReleaseKind.MAINTENANCE:
        return None
    pending = sum(
        n
        for counts in f.backports.values()
        for state, n in counts.items()
        if BackportState(state).is_pending
    )
    return f"{pending} fix(es) still to backport to {f.release.series}" if pending else None


def release_late(f: Facts) -> str | None:
    """The release is late: its day passed and nobody recorded that it shipped
    (:func:`relplan.planner.domain.calendar.days_late`)."""
    late = days_late(f.release, f.today)
    return late_reason(f.release, late) if late is not None else None


def release_abandoned(f: Facts) -> str | None:
    """The release never shipped and its series' support has ended
    (:func:`relplan.planner.domain.calendar.abandoned`): it will not ship from that branch."""
    if not abandoned(f.release, f.today):
        return None
    end = support_ended_day(f.release)
    when = f" on {end}" if end is not None else ""
    return (
        f"never shipped; series {f.release.series} ended{when} (planned for "
        f"{f.release.release}: abandoned, not late)"
    )


def late_reason(release: Release, days: int) -> str:
    """Why a late release is no-go, in words: by how much, and what ends it."""
    return (
        f"late by {days} day{'s' if days != 1 else ''}: planned for {release.release}, "
        "no shipment recorded (ship it, or slip it to a new day)"
    )


#: Every no-go rule, in the order its reason is listed.
NO_GO_RULES: tuple[Callable[[Facts], str | None], ...] = (
    release_late,
    release_abandoned,
    open_blockers,
    features_after_freeze,
    backports_pending,
)


def no_go_reasons(facts: Facts) -> list[str]:
    """The reasons the release is a no-go (empty: a go), one per rule that holds."""
    return [reason for rule in NO_GO_RULES if (reason := rule(facts)) is not None]
