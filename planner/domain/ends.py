"""Support ends of each branch, declared before computed, and how a branch is supported on a day.

Order of trust per series: a declared record in the plan (``Plan.support``: the project's
own file such as Xen's ``SUPPORT.md``, then endoflife.date), then the ends a person wrote on
the series' point release in the plan (source ``plan``), then the maintenance policy
(``measured`` when ``init`` measured it from tags, else ``policy``). A series newer than
every declared one (Xen's next release, before its branch has a ``SUPPORT.md``) gets the
windows the newest declared series has (:func:`declared_windows`, source
``declared-policy``: Xen's policy changed in 2026, and 4.23 follows 4.22's three years
general and five of security, not a policy measured from older tags). Each end is filled
field by field, so a record that declares only the end of security support still gets a
computed end of general support, clamped to it.

Support runs from actual release days only: an unshipped release is never supported, and
a branch whose general support ends when a later release ships (``until-next`` and
``newest`` models) stays maintained while that release is late
(:attr:`~relplan.planner.domain.model.Release.maintained_until_shipped`).
:func:`support_on` is the one rule every face asks (through
:func:`relplan.planner.domain.rules.branch_support`).
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from relplan.planner.domain.model import Phase, Release, ReleaseKind, ReleaseSpec
from relplan.planner.domain.policy import Policy
from relplan.planner.domain.support import DeclaredSupport, SupportSource
from relplan.planner.domain.version import version_key

TRUST = (SupportSource.DECLARED, SupportSource.ENDOFLIFE, SupportSource.PLAN)
"""The sources that beat a computed end, most trusted first (a ``[[support]]`` table a
person wrote, and a release's own ends in the plan, are ``plan``)."""


def computed_source(policy: Policy) -> SupportSource:
    """What the policy's ends are: ``measured`` from tags or set by a person (``policy``)."""
    measured = policy.maintenance.measured_from is not None
    return SupportSource.MEASURED if measured else SupportSource.POLICY


@dataclass(frozen=True, slots=True)
class _Word:
    """What one source says about one end: a day, or ended without one (True/False)."""

    day: dt.date | None
    ended: bool | None
    source: SupportSource


def _words(
    records: Iterable[DeclaredSupport], specs: Sequence[ReleaseSpec], series: str, which: str
) -> list[_Word]:
    """Every trusted word on one end (``maintained`` or ``security``) of ``series``, most
    trusted first; a release's own end in the plan comes before a ``plan`` record."""
    out = []
    for r in records:
        day, ended = getattr(r, f"{which}_until"), getattr(r, f"{which}_ended")
        if r.series == series and r.source in TRUST and (day is not None or ended is not None):
            out.append(_Word(day, ended, r.source))
    for spec in specs:
        day = getattr(spec, f"{which}_until")
        if day is not None:
            out.append(_Word(day, None, SupportSource.PLAN))
            break
    rank = {SupportSource.PLAN: 2, SupportSource.ENDOFLIFE: 1, SupportSource.DECLARED: 0}
    return sorted(out, key=lambda w: rank[w.source])  # stable: spec before plan records


@dataclass(frozen=True, slots=True)
class DeclaredWindows:
    """The support windows the newest declared series has, as months after its release:
    the project's current policy, for series newer than any it has declared."""

    series: str
    general_months: int | None
    security_months: int | None
    origin: str

    def covers(self, series: str) -> bool:
        """Whether ``series`` is newer than the declared one (has no record of its own)."""
        return version_key(series) > version_key(self.series)

    def apply(self, release: Release) -> Release:
        """``release`` with these windows counted from its day (its planned day while it
        is a plan), in place of the policy's; its notes say where they came from."""
        general, security = self.general_months, self.security_months
        m_day = add_months(release.day, general) if general is not None else None
        s_day = add_months(release.day, security) if security is not None else None
        source = SupportSource.DECLARED_POLICY
        note = (
            f"support windows of {self.series} ({_months_text(general)} general, "
            f"{_months_text(security)} to the end of security support) from {self.origin}"
        )
        return replace(
            release,
            maintained_until=m_day if general is not None else release.maintained_until,
            maintained_source=source if general is not None else release.maintained_source,
            maintained_until_shipped=None if general is not None
            else release.maintained_until_shipped,
            security_until=s_day if security is not None else release.security_until,
            security_source=source if security is not None else release.security_source,
            notes=(*release.notes, note),
        )  # fmt: skip


def _months_text(months: int | None) -> str:
    return "unknown" if months is None else f"{months} months"


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (:func:`add_months` of it is not after ``end``)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if add_months(start, months) > end else months


def declared_windows(records: Iterable[DeclaredSupport]) -> DeclaredWindows | None:
    """The windows of the newest series a project declares with its release day and an end
    day (``SUPPORT.md``, else endoflife.date for the same series); None when none does."""
    best: DeclaredSupport | None = None
    for r in records:
        if r.source not in TRUST[:2] or r.released is None:
            continue
        if r.maintained_until is None and r.security_until is None:
            continue
        key = (version_key(r.series), -TRUST.index(r.source))
        if best is None or key > (version_key(best.series), -TRUST.index(best.source)):
            best = r
    if best is None or best.released is None:
        return None
    day = best.released
    general = months_between(day, best.maintained_until) if best.maintained_until else None
    security = months_between(day, best.security_until) if best.security_until else None
    return DeclaredWindows(best.series, general, security, best.origin)


def resolve_ends(
    release: Release,
    specs: Sequence[ReleaseSpec],
    records: Iterable[DeclaredSupport],
    policy: Policy,
) -> Release:
    """``release`` (a point release with the policy's ends) with the most trusted ends.

    ``specs``: the plan's releases of its series, the point release first (a person may
    write the ends on any of them); ``records``: the plan's declared support. The general
    end first: declared, endoflife, the plan's own, else (for a series newer than every
    declared one) the newest declared series' windows, else the policy's. The security end
    the same way; the policy's security end follows a better general end
    (``security_months`` after it). General support never outlasts security support.
    """
    records = list(records)
    windows = declared_windows(records)
    if windows is not None and windows.covers(release.series):
        release = windows.apply(release)
    m_day, m_ended = release.maintained_until, release.maintained_ended
    m_source, until_shipped = release.maintained_source, release.maintained_until_shipped
    general = _words(records, specs, release.series, "maintained")
    if general:
        m_day, m_ended, m_source, until_shipped = (
            general[0].day, general[0].ended, general[0].source, None,
        )  # fmt: skip
    s_day, s_ended, s_source = release.security_until, None, release.security_source
    security = _words(records, specs, release.series, "security")
    if security:
        s_day, s_ended, s_source = security[0].day, security[0].ended, security[0].source
    elif general:  # the policy's tail after a better end
        months = policy.maintenance.security_months
        s_day = add_months(m_day, months) if m_day and months else None
    if m_day is not None and s_day is not None and m_day > s_day:
        m_day = s_day
    if m_day is None and m_ended is None and s_ended is True:
        m_ended = True  # security support ended: general support did too
    return replace(
        release,
        maintained_until=m_day,
        security_until=s_day,
        maintained_source=m_source if m_day is not None or m_ended is not None else None,
        security_source=s_source if s_day is not None or s_ended is not None else None,
        maintained_ended=m_ended,
        security_ended=s_ended,
        maintained_until_shipped=until_shipped,
    )


def held_open_by(release: Release, today: dt.date) -> str | None:
    """The late release whose shipment ends ``release``'s general support, when its planned
    day (``maintained_until``) has passed on ``today`` without a shipment, or when the plan
    itself holds the branch open (no day, not ended: that release was due when the plan was
    made, :func:`relplan.planner.domain.calendar.held_open_on_plan`): the branch is still
    maintained and its end is not known. None when the end is a day still ahead, declared,
    or ended."""
    until = release.maintained_until
    if release.maintained_until_shipped is None:
        return None
    if until is None and release.maintained_ended is False:
        return release.maintained_until_shipped  # held open on the plan itself
    if until is None or today <= until:
        return None
    return release.maintained_until_shipped


def known_ends(release: Release, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """``release``'s ends of general and security support as known on ``today``: both
    None while a late release holds general support open (:func:`held_open_by`), except a
    security end a person or the project declared (it does not follow the late day)."""
    if held_open_by(release, today) is None:
        return release.maintained_until, release.security_until
    security = release.security_until if release.security_source in TRUST else None
    return None, security


def _maintained(release: Release, today: dt.date) -> bool:
    if release.maintained_until is not None:
        return today <= release.maintained_until or held_open_by(release, today) is not None
    return release.maintained_ended is False  # declared as not ended, no day given


def _secured(release: Release, today: dt.date) -> bool:
    if release.security_until is not None:
        return today <= release.security_until
    return release.security_ended is False


def support_ended(release: Release, today: dt.date) -> bool:
    """Whether the series of ``release`` (a point release or one of its maintenance releases,
    which carry its ends) is out of all support on ``today``: its ends are known (a day, or
    declared ended) and passed, and no late release holds its general support open. False
    while an end is unknown."""
    known = (
        release.maintained_until is not None
        or release.security_until is not None
        or release.maintained_ended is not None
        or release.security_ended is not None
    )
    return known and not _maintained(release, today) and not _secured(release, today)


def support_ended_day(release: Release) -> dt.date | None:
    """The last day the series of ``release`` is supported (security, else general), when
    a day is known; None when its source only says support ended."""
    if release.security_until is not None or release.security_ended is not None:
        return release.security_until  # None: security support ended on a day nobody gave
    return release.maintained_until


def support_on(release: Release, today: dt.date) -> Phase | None:
    """How a point release's branch is supported on ``today``.

    :attr:`Phase.MAINTAINED` from the day it actually shipped (the day itself included)
    until ``maintained_until`` (longer while the release that ends it is late, and with no
    end while its source says support has not ended), then :attr:`Phase.SECURITY_ONLY`
    until ``security_until``; None for a release not shipped (whatever was planned), before
    it shipped, after support ends, for maintenance releases, and for a point release
    whose support end nobody knows.
    """
    if release.kind is not ReleaseKind.POINT or release.actual is None or today < release.actual:
        return None
    if _maintained(release, today):
        return Phase.MAINTAINED
    if _secured(release, today):
        return Phase.SECURITY_ONLY
    return None


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months, clamped to the month's end (as pendulum's ``add(months=)``).

    Plain arithmetic: importing pendulum would cost every command a fifth of its start-up.
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, monthrange(year, month)[1]))
