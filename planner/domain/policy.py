"""The cadence policy of a release train: how often, how long to stabilize, how long to maintain.

Plain data read from the ``[policy]`` table of a plan; :mod:`relplan.planner.domain.calendar`
turns it into dates. Defaults are the 2009 Xen model: a point release every
10-12 weeks, each maintained until the next one ships.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum

from relplan.planner.domain.series import fill

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_HORIZON = 100
"""The most upcoming point releases a calendar is computed for (``horizon``, ``--count``)."""
FIRST_YEAR, LAST_YEAR = 1900, 2999
"""Years a day range may name (as every other date relplan reads)."""

_DAY = re.compile(r"^(?:(\d{4})-)?(\d{2})-(\d{2})$")


@dataclass(frozen=True, slots=True)
class DayRange:
    """A span of days no release or freeze may land on: once, or every year.

    Written as ``"12-18..12-31"`` (every year; may wrap the year end, as in
    ``"12-20..01-05"``), ``"2009-12-24..2010-01-03"`` (once), or a single day
    ``"12-25"`` / ``"2010-04-02"``.
    """

    start: tuple[int, int]
    end: tuple[int, int]
    start_year: int | None = None
    end_year: int | None = None

    @classmethod
    def parse(cls, text: str) -> DayRange:
        """Parse the written form; raises ValueError naming what was expected."""
        first, _, last = text.strip().partition("..")
        a = _DAY.match(first.strip())
        b = _DAY.match((last or first).strip())
        if not a or not b or bool(a.group(1)) != bool(b.group(1)):
            raise ValueError(
                f"{text!r} is not a day or range; expected MM-DD, YYYY-MM-DD or A..B of one form"
            )
        ya, yb = (
            (int(a.group(1)) if a.group(1) else None),
            (int(b.group(1)) if b.group(1) else None),
        )
        for year in (ya, yb):
            if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
                raise ValueError(f"{text!r}: year {year} is outside {FIRST_YEAR}..{LAST_YEAR}")
        rng = cls((int(a.group(2)), int(a.group(3))), (int(b.group(2)), int(b.group(3))), ya, yb)
        try:
            if ya is not None and yb is not None:
                if dt.date(ya, *rng.start) > dt.date(yb, *rng.end):
                    raise ValueError(f"{text!r} ends before it starts")
            else:
                dt.date(2000, *rng.start), dt.date(2000, *rng.end)  # leap year admits 02-29
        except ValueError as exc:
            raise ValueError(f"{text!r}: {exc}") from None
        return rng

    def __str__(self) -> str:
        def one(md: tuple[int, int], year: int | None) -> str:
            return (f"{year:04d}-" if year is not None else "") + f"{md[0]:02d}-{md[1]:02d}"

        a, b = one(self.start, self.start_year), one(self.end, self.end_year)
        return a if a == b else f"{a}..{b}"

    def contains(self, day: dt.date) -> bool:
        """True when ``day`` falls inside the range (inclusive)."""
        if self.start_year is not None and self.end_year is not None:
            return dt.date(self.start_year, *self.start) <= day <= dt.date(self.end_year, *self.end)
        md = (day.month, day.day)
        if self.start <= self.end:
            return self.start <= md <= self.end
        return md >= self.start or md <= self.end  # wraps the year end


class MaintenanceModel(StrEnum):
    """How long a point release's branch gets bug fixes."""

    UNTIL_NEXT = "until-next"  # until the next point release ships (Xen 2009, Linux stable)
    WINDOWS = "windows"  # general support for N months (Xen today, CPython)
    NEWEST = "newest"  # the newest N branches are maintained


@dataclass(frozen=True, slots=True)
class Cadence:
    """How far apart point releases are, and on which weekday they prefer to land.

    ``target_weeks`` is the planned gap (default ``min_weeks``); the gap never
    leaves ``[min_weeks, max_weeks]`` unless blackouts leave no day in it.
    With ``catch_up``, a release that shipped late shortens the next cycle by
    the slip, but not below ``min_weeks`` (Xen's rule).
    """

    min_weeks: int = 10
    max_weeks: int = 12
    target_weeks: int | None = None
    weekday: int | None = None
    catch_up: bool = False

    @property
    def planned_weeks(self) -> int:
        """The gap aimed for."""
        return self.target_weeks if self.target_weeks is not None else self.min_weeks


@dataclass(frozen=True, slots=True)
class Stabilization:
    """The phase before a point release: last posting, feature freeze, release candidates.

    ``major_freeze_weeks`` is the longer stabilization before the first release
    of a new major train (an ``x.0``); the cycle grows by the difference.
    """

    freeze_weeks: int = 4
    last_posting_weeks: int = 0
    rc1_after_days: int = 7
    rc_every_days: int = 7
    major_freeze_weeks: int | None = None

    def freeze_weeks_for(self, major: bool) -> int:
        """Weeks of freeze before a release (longer before a new major train)."""
        if major and self.major_freeze_weeks is not None:
            return self.major_freeze_weeks
        return self.freeze_weeks


@dataclass(frozen=True, slots=True)
class Maintenance:
    """Support of released branches and the bug-fix releases made from them.

    ``security_months`` adds a security-only tail after general support in every
    model. ``release_every_weeks`` schedules maintenance releases of each
    maintained branch (None: only those listed in the plan); ``rc_days`` gives
    each a release candidate that many days before it (0: none). ``measured_from`` is how
    many branches the months were measured from (``init --from-git``); None when a person
    set them: support ends say ``measured`` or ``policy`` by it.
    """

    model: MaintenanceModel = MaintenanceModel.UNTIL_NEXT
    general_months: int = 18
    security_months: int = 0
    newest: int = 2
    release_every_weeks: int | None = None
    rc_days: int = 0
    measured_from: int | None = None


@dataclass(frozen=True, slots=True)
class Capacity:
    """How much a release can hold, as a planning aid (None: no limit).

    ``features`` and ``fixes`` count open items per release (fixes: bugs and
    security fixes); ``per_owner`` counts one person's open items per release.
    """

    features: int | None = None
    fixes: int | None = None
    per_owner: int | None = None


class Accepts(StrEnum):
    """What may still land in a release from a stage's day on, loosest first.

    ``features``: anything (development); ``fixes``: bug fixes, no new features
    (feature freeze); ``approved-fixes``: bug fixes the release manager approved
    (code freeze); ``blockers``: fixes for release blockers only (hard code
    freeze, late RCs); ``docs``: documentation and release preparation only
    (final commits); ``nothing``: the release is cut.
    """

    FEATURES = "features"
    FIXES = "fixes"
    APPROVED_FIXES = "approved-fixes"
    BLOCKERS = "blockers"
    DOCS = "docs"
    NOTHING = "nothing"

    @property
    def rank(self) -> int:
        """0 for features up to 5 for nothing: how tight the stage is."""
        return list(Accepts).index(self)


@dataclass(frozen=True, slots=True)
class StageRule:
    """One rung of the freeze ladder as the policy writes it (``[[policy.stages]]``).

    Its day is counted back from the release day (``weeks_before_release`` or
    ``days_before_release``) or forward from the previous rung
    (``after_previous_days``); ``weekday`` then moves it to that weekday of the
    same Monday-to-Sunday week (Xen's "Friday of the week", OpenStack's
    "Thursday of R-5"). ``tentative`` rungs are marked so until confirmed.
    ``accepts`` is what may land from that day on. :mod:`relplan.planner.domain.stages` computes
    the days.
    """

    name: str
    weeks_before_release: int | None = None
    days_before_release: int | None = None
    after_previous_days: int | None = None
    weekday: int | None = None
    tentative: bool = True
    accepts: Accepts = Accepts.FIXES


@dataclass(frozen=True, slots=True)
class Policy:
    """Everything the calendar needs to compute a release train.

    ``stages`` is the freeze ladder when the policy writes one out (else the
    implicit ladder of ``stabilization``); ``stages_preset`` names the preset it
    came from (``xen``, ``cpython``...), which is what the plan file then writes.
    """

    timezone: str = "UTC"
    branch_pattern: str = "stable-{series}"
    horizon: int = 4
    cadence: Cadence = field(default_factory=Cadence)
    stabilization: Stabilization = field(default_factory=Stabilization)
    maintenance: Maintenance = field(default_factory=Maintenance)
    capacity: Capacity = field(default_factory=Capacity)
    blackouts: tuple[DayRange, ...] = ()
    holidays: tuple[DayRange, ...] = ()
    stages: tuple[StageRule, ...] = ()
    stages_preset: str | None = None

    @property
    def explicit_ladder(self) -> bool:
        """True when the policy lists its stages; else the ladder is the implicit one of
        :class:`Stabilization` (last posting, feature freeze, RCs, release)."""
        return bool(self.stages)

    def blocks_every_day(self) -> bool:
        """True when the yearly blackouts and holidays cover every day of a leap year,
        or one dated range spans a whole year: no release could ever be placed."""
        ranges = (*self.blackouts, *self.holidays)
        for r in ranges:
            if r.start_year is not None and r.end_year is not None:
                if (dt.date(r.end_year, *r.end) - dt.date(r.start_year, *r.start)).days >= 365:
                    return True
        yearly = [r for r in ranges if r.start_year is None]
        if not yearly:
            return False
        day = dt.date(2000, 1, 1)  # a leap year: 02-29 too
        while day.year == 2000:
            if not any(r.contains(day) for r in yearly):
                return False
            day += dt.timedelta(days=1)
        return True

    def blocked(self, day: dt.date) -> bool:
        """True when no release or freeze may land on ``day``."""
        return any(r.contains(day) for r in self.blackouts) or any(
            r.contains(day) for r in self.holidays
        )

    def branch_for(self, series: str) -> str:
        """The branch name of a series by the configured pattern."""
        return fill(self.branch_pattern, series)
