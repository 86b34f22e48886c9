"""The branches query: one row per release series, newest first, for ``relplan branches`` and
the dashboard's Branches view (both faces call :func:`branch_rows`, nothing else).

A row answers what a release manager asks of a branch on one day: what phase is it in, until
when is it supported and who says so, what ships from it next and when, how many fixes still
have to reach it, how many features are late for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from relplan.planner.domain.calendar import phase_on
from relplan.planner.domain.ends import held_open_by, known_ends
from relplan.planner.domain.model import Phase, Release, ReleaseKind
from relplan.planner.domain.rules import missing_backports
from relplan.planner.domain.status import ReleaseStatus, Verdict
from relplan.planner.domain.support import SupportSource
from relplan.planner.domain.version import version_key

if TYPE_CHECKING:
    from relplan.planner.usecases.session import Session


@dataclass(frozen=True, slots=True)
class SupportEnd:
    """One end of a branch's support: its day (None: unknown) and where the day came from."""

    day: dt.date | None
    source: SupportSource
    until_shipped: str | None = None
    """The late release whose shipment ends it (:func:`~relplan.planner.domain.ends.held_open_by`);
    ``day`` is then None."""

    def text(self) -> str:
        """The end in words every face shows: ``2027-07-18``, ``when 9.2.0 ships`` (held
        open by a late release), or ``unknown``."""
        if self.until_shipped is not None:
            return f"when {self.until_shipped} ships"
        return str(self.day) if self.day else "unknown"

    def to_json(self) -> dict[str, str | None]:
        """``{"date": "YYYY-MM-DD" | null, "source": "policy" | ..., "until_shipped": ...}``."""
        return {
            "date": self.day.isoformat() if self.day else None,
            "source": self.source.value,
            "until_shipped": self.until_shipped,
        }


@dataclass(frozen=True, slots=True)
class BranchRow:
    """One release series on one day.

    ``phase`` is the phase of the series' point release (development, frozen, rc for a series
    not shipped yet; maintained, security-only, eol after). ``next_release`` is the series'
    first release not shipped, ``days_to_next`` its countdown (negative: its day has passed
    and nobody shipped or slipped it). ``missing`` counts the fixes still to reach the branch
    (:func:`relplan.planner.domain.rules.missing_backports`, None for a branch that takes no
    fixes); ``late`` the features still open after the freeze of its unshipped releases (the
    ``late`` column of ``relplan status``). ``counted`` is False for a row made without
    the counts (:func:`branch_rows` with ``counts=False``).
    """

    series: str
    branch: str | None
    point: str
    phase: Phase
    maintained_until: SupportEnd
    security_until: SupportEnd
    next_release: str | None
    next_day: dt.date | None
    days_to_next: int | None
    next_verdict: Verdict | None
    missing: int | None
    late: int
    counted: bool = True

    @property
    def supported(self) -> bool:
        """Shipped and still taking fixes (security-only included)."""
        return self.phase.is_supported

    def countdown(self, late: str = "late by") -> str:
        """``4.21.3 in 13d``, ``4.21.3 today``, ``4.21.3 late by 4d`` (``late`` names the
        overdue word), or empty without a next release."""
        if self.next_release is None or self.days_to_next is None:
            return ""
        days = self.days_to_next
        when = "today" if days == 0 else f"in {days}d" if days > 0 else f"{late} {-days}d"
        return f"{self.next_release} {when}"

    def to_json(self) -> dict[str, Any]:
        """One element of ``relplan branches --format json``."""
        return {
            "series": self.series,
            "branch": self.branch,
            "point_release": self.point,
            "phase": self.phase.value,
            "maintained_until": self.maintained_until.to_json(),
            "security_until": self.security_until.to_json(),
            "next_release": self.next_release,
            "next_date": self.next_day.isoformat() if self.next_day else None,
            "days_to_next": self.days_to_next,
            "next_verdict": self.next_verdict.value if self.next_verdict else None,
            "missing_backports": self.missing,
            "late_items": self.late,
        }


def support_sources(release: Release) -> tuple[SupportSource, SupportSource]:
    """Where a branch's two support ends came from, as the calendar recorded it on the point
    release (``maintained_source``, ``security_source``: declared, endoflife, plan,
    measured, policy); an end the calendar gives no source for is the policy's."""
    return (
        release.maintained_source or SupportSource.POLICY,
        release.security_source or SupportSource.POLICY,
    )


def _row(
    session: Session,
    point: Release,
    releases: Sequence[Release],
    statuses: dict[str, ReleaseStatus],
    missing: dict[str, int],
) -> BranchRow:
    today = session.today
    ahead = next((r for r in releases if not r.shipped), None)
    maintained_source, security_source = support_sources(point)
    late = sum(
        len(statuses[r.version].features_open_after_freeze)
        for r in releases
        if not r.shipped and r.version in statuses
    )
    status = statuses.get(ahead.version) if ahead else None
    maintained_until, security_until = known_ends(point, today)
    return BranchRow(
        series=point.series,
        branch=point.branch or session.plan.policy.branch_for(point.series),
        point=point.version,
        phase=phase_on(point, today),
        maintained_until=SupportEnd(
            maintained_until, maintained_source, held_open_by(point, today)
        ),
        security_until=SupportEnd(security_until, security_source),
        next_release=ahead.version if ahead else None,
        next_day=ahead.day if ahead else None,
        days_to_next=(ahead.day - today).days if ahead else None,
        next_verdict=status.verdict if status else None,
        missing=missing.get(point.series),
        late=late,
    )


def branch_rows(session: Session, *, every: bool = False, counts: bool = True) -> list[BranchRow]:
    """The release series that matter today, newest first (see :class:`BranchRow`); with
    ``every``, each series on the train, end-of-life and far-ahead ones included.

    Without ``counts`` the rows leave out what needs every item's status (``counted`` is
    False; ``missing`` and ``next_verdict`` None, ``late`` 0): the calendar alone, quick at
    any plan size, for a first frame that the counts follow.

    What matters today is what ``relplan status`` shows by default: a series with a release
    in :meth:`Session.window` (supported branches, what is stabilizing, the next releases).
    A series appears once its point release is on the train; maintenance releases of a
    series whose point release is not on the train are left out (nothing to say about
    its support)."""
    shown = None if every else {r.series for r in session.window()}
    by_series: dict[str, list[Release]] = {}
    for r in session.train():
        if shown is None or r.series in shown:
            by_series.setdefault(r.series, []).append(r)
    statuses: dict[str, ReleaseStatus] = {}
    missing: dict[str, int] = {}
    if counts:
        statuses = {s.version: s for s in session.statuses()}
        items = session.status_plan().items
        branches = session.maintained_branches()
        missing = {b.series: len(missing_backports(items, b)) for b in branches}
    rows = []
    for releases in by_series.values():
        point = next((r for r in releases if r.kind is ReleaseKind.POINT), None)
        if point is not None:
            row = _row(session, point, releases, statuses, missing)
            rows.append(row if counts else replace(row, counted=False))
    return sorted(rows, key=lambda row: version_key(row.series), reverse=True)
