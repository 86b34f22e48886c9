"""The domain model: roadmap items, releases, the plan, and the words for their states.

Everything here is plain, immutable data. Operations return new values
(``dataclasses.replace``), which is what makes every edit undoable and every
view a pure function of a plan.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from relplan.planner.domain.policy import Policy
from relplan.planner.domain.support import DeclaredSupport, SupportSource
from relplan.planner.domain.version import SERIES_DEPTH, Version, series_depth


class Kind(StrEnum):
    """What a roadmap item is."""

    FEATURE = "feature"
    BUG = "bug"
    SECURITY = "security"
    TASK = "task"

    @property
    def is_fix(self) -> bool:
        """Bugs and security fixes may land up to release day and get backported."""
        return self in (Kind.BUG, Kind.SECURITY)


class State(StrEnum):
    """Where an item stands in triage and work."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    DEFERRED = "deferred"
    REJECTED = "rejected"

    @property
    def is_open(self) -> bool:
        """Accepted work not finished yet: what a release still waits for."""
        return self in (State.ACCEPTED, State.IN_PROGRESS)

    @property
    def is_closed(self) -> bool:
        """No more work will happen on it in this plan."""
        return self in (State.DONE, State.REJECTED)


class Priority(StrEnum):
    """How much an item matters; ``rank`` orders them, most urgent first."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """0 for critical up to 3 for low."""
        return list(Priority).index(self)


class Phase(StrEnum):
    """The phase a release is in on a given day.

    ``late``: its planned day has passed and no shipment is recorded (until someone ships
    or slips it); never supported, whatever the calendar planned after it. ``abandoned``:
    a maintenance release that would be late, but its series' support has ended (declared
    or by the policy): it never shipped and never will from that branch.
    """

    PLANNING = "planning"
    DEVELOPMENT = "development"
    FROZEN = "frozen"
    RC = "rc"
    LATE = "late"
    ABANDONED = "abandoned"
    RELEASED = "released"
    MAINTAINED = "maintained"
    SECURITY_ONLY = "security-only"
    EOL = "eol"

    @property
    def is_stabilizing(self) -> bool:
        """Between feature freeze and release day."""
        return self in (Phase.FROZEN, Phase.RC)

    @property
    def is_supported(self) -> bool:
        """A shipped branch that still takes fixes (security-only takes security fixes)."""
        return self in (Phase.MAINTAINED, Phase.SECURITY_ONLY)


class BackportState(StrEnum):
    """State of one fix on one maintained branch (Ruby's Redmine uses these in capitals)."""

    UNKNOWN = "unknown"
    REQUIRED = "required"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    DONTNEED = "dontneed"
    WONTFIX = "wontfix"

    @property
    def is_pending(self) -> bool:
        """The fix still has to reach the branch."""
        return self in (BackportState.REQUIRED, BackportState.IN_PROGRESS)

    @property
    def short(self) -> str:
        """The state's word cut to four letters at most, for columns too narrow for the
        word (the item list, the backport matrix); everywhere else the word itself. The
        only short forms: ``?``, ``req``, ``prog``, ``done``, ``dont``, ``wont``."""
        return _BACKPORT_SHORT[self]


_BACKPORT_SHORT = {
    BackportState.UNKNOWN: "?",
    BackportState.REQUIRED: "req",
    BackportState.IN_PROGRESS: "prog",
    BackportState.DONE: "done",
    BackportState.DONTNEED: "dont",
    BackportState.WONTFIX: "wont",
}


class Prognosis(StrEnum):
    """How likely an item is to make its release, in the words of Xen's development updates.

    none: nothing yet; fair: still working on it, patches are prototypes or RFC;
    ok: patches posted, acting on review; good: some last-minute pieces; done: all
    done, might have bugs.
    """

    NONE = "none"
    FAIR = "fair"
    OK = "ok"
    GOOD = "good"
    DONE = "done"


class ReleaseKind(StrEnum):
    """``point``: a new x.y release on the train; ``maintenance``: an x.y.z bug-fix release."""

    POINT = "point"
    MAINTENANCE = "maintenance"


@dataclass(frozen=True, slots=True)
class Item:
    """One roadmap item: a feature request, a bug, a security fix or a task.

    ``id`` is ``<source>#<key>`` (``demo#remus``, ``ruby#4211``) and never changes.
    ``target`` is a release version or None (unscheduled); ``why`` says how the
    item came to be there. ``backports`` maps a series ("3.4") to the state of
    this fix on that branch. ``prognosis`` is what the people working on it expect
    (see :class:`Prognosis`); ``area`` groups items in a development update
    ("x86", "toolstack"). ``owner`` may name several people, separated by ``;``
    (see :func:`owners_of`).
    """

    id: str
    title: str
    kind: Kind = Kind.FEATURE
    priority: Priority = Priority.MEDIUM
    state: State = State.PROPOSED
    labels: tuple[str, ...] = ()
    url: str | None = None
    owner: str | None = None
    target: str | None = None
    why: str | None = None
    blocker: bool = False
    estimate_days: int | None = None
    depends_on: tuple[str, ...] = ()
    fix_commits: tuple[str, ...] = ()
    backports: Mapping[str, BackportState] = field(default_factory=dict)
    updated: dt.datetime | None = None
    prognosis: Prognosis | None = None
    area: str | None = None

    @property
    def source(self) -> str:
        """The source name before ``#`` in the id."""
        return self.id.split("#", 1)[0]

    @property
    def key(self) -> str:
        """The tracker's own key after ``#`` in the id."""
        return self.id.split("#", 1)[-1]


@dataclass(frozen=True, slots=True)
class ReleaseSpec:
    """What the plan says about a release; the calendar derives every date from it.

    ``actual`` is the day it shipped (a recorded fact that shifts later dates).
    ``actual_rcs`` and ``actual_betas`` are the days its release candidates and
    betas were tagged (recorded facts, oldest first): the calendar shows them
    instead of computed ones. ``pins`` overrides computed dates by name
    (``release``, ``freeze``, ``last_posting``). A shipped release has only the
    milestones recorded or pinned: nothing is computed into its past.
    ``unscheduled`` keeps a release without a day off the calendar: the cadence
    never plans it (a tracker closed it without saying when, so any computed day
    would be made up). A day of its own (``actual`` or a pinned release) wins.
    A shipped release's ``pins["release"]`` is the day it was planned for when it
    shipped (recorded by ``ship``); without it nobody knows what was planned.
    ``maintained_until`` / ``security_until`` are support ends a person wrote into the
    plan for this release's series (source ``plan``); None: the calendar computes them.
    """

    version: str
    kind: ReleaseKind = ReleaseKind.POINT
    actual: dt.date | None = None
    pins: Mapping[str, dt.date] = field(default_factory=dict)
    branch: str | None = None
    codename: str | None = None
    actual_rcs: tuple[dt.date, ...] = ()
    actual_betas: tuple[dt.date, ...] = ()
    unscheduled: bool = False
    maintained_until: dt.date | None = None
    security_until: dt.date | None = None

    @property
    def has_day(self) -> bool:
        """True when the plan itself says the release day: shipped, or its day pinned."""
        return self.actual is not None or "release" in self.pins


@dataclass(frozen=True, slots=True)
class Release:
    """A release on the calendar with every milestone date computed.

    ``release`` is the planned release day; ``actual`` the day it shipped, if it
    did. A shipped release's planned day is what was recorded when it shipped, None
    when nobody recorded one (a release read from tags): never a computed day.
    ``development_start`` is when work for it began (the previous point
    release). Support ends are per branch and repeated on its maintenance releases,
    each with its :class:`SupportSource` (``maintained_source``, ``security_source``).
    ``maintained_ended`` / ``security_ended`` keep a source's word without a day (True:
    ended, False: not ended, None: nothing said). ``maintained_until_shipped`` names the
    unshipped release whose shipment ends general support (its planned day is
    ``maintained_until``): while it is late, this branch stays maintained.
    ``planned_from`` is the plan's day when nothing before it is planned for this release
    (unshipped, its day computed by the cadence): no stage of its ladder is computed
    before it (:func:`relplan.planner.domain.calendar.not_before_plan`).
    """

    version: str
    kind: ReleaseKind
    series: str
    branch: str | None
    development_start: dt.date | None
    last_posting: dt.date | None
    freeze: dt.date | None
    rcs: tuple[dt.date, ...]
    release: dt.date | None
    actual: dt.date | None = None
    maintained_until: dt.date | None = None
    security_until: dt.date | None = None
    notes: tuple[str, ...] = ()
    maintained_source: SupportSource | None = None
    security_source: SupportSource | None = None
    maintained_ended: bool | None = None
    security_ended: bool | None = None
    maintained_until_shipped: str | None = None
    planned_from: dt.date | None = None

    def __post_init__(self) -> None:
        if self.actual is None and self.release is None:
            raise ValueError(f"release {self.version} has neither a planned nor an actual day")

    @property
    def shipped(self) -> bool:
        """True once an actual release date is recorded."""
        return self.actual is not None

    @property
    def day(self) -> dt.date:
        """The release day that counts: actual if shipped, else planned."""
        day = self.actual if self.actual is not None else self.release
        assert day is not None  # __post_init__
        return day

    def milestones(self) -> list[tuple[str, dt.date]]:
        """Named milestone dates in order (last posting, freeze, rc1.., release)."""
        out: list[tuple[str, dt.date]] = []
        if self.last_posting:
            out.append(("last posting", self.last_posting))
        if self.freeze:
            out.append(("freeze", self.freeze))
        out.extend((f"rc{i}", d) for i, d in enumerate(self.rcs, start=1))
        out.append(("release", self.day))
        return out


@dataclass(frozen=True, slots=True)
class Plan:
    """A project's release plan: cadence policy, the releases it names, its items, and the
    support its project declares per series (``support``, ``[[support]]`` in the file).

    ``planned_from`` is the day the plan was made (``init`` records it): nothing not yet
    shipped is planned before it, so a new plan has nothing late that the project did not
    miss itself. A recorded day, not the clock: the plan reads the same on any later day.
    """

    name: str
    policy: Policy
    releases: tuple[ReleaseSpec, ...] = ()
    items: tuple[Item, ...] = ()
    support: tuple[DeclaredSupport, ...] = ()
    planned_from: dt.date | None = None

    def item(self, item_id: str) -> Item | None:
        """The item with this id, or None."""
        for it in self.items:
            if it.id == item_id:
                return it
        return None

    def spec(self, version: str) -> ReleaseSpec | None:
        """The release spec with this version, or None."""
        for r in self.releases:
            if r.version == version:
                return r
        return None

    @property
    def series_depth(self) -> int:
        """How many numbers name a series here: 1 when a point release is a bare number
        (systemd ``253``, whose ``253.4`` is a maintenance release), else 2 (``3.4.1`` -> ``3.4``).

        See :func:`relplan.planner.domain.version.series_depth`.
        """
        return series_depth(s.version for s in self.releases if s.kind is ReleaseKind.POINT)

    def with_items(self, items: Iterable[Item]) -> Plan:
        """A copy of the plan with these items."""
        return replace(self, items=tuple(items))

    def with_releases(self, releases: Iterable[ReleaseSpec]) -> Plan:
        """A copy of the plan with these release specs."""
        return replace(self, releases=tuple(releases))

    def with_planned_from(self, day: dt.date) -> Plan:
        """A copy of the plan made on ``day``: nothing unshipped is planned before it."""
        return replace(self, planned_from=day)


def series_of(version: str, depth: int = SERIES_DEPTH) -> str:
    """The release series of a version: ``"3.4.1"`` -> ``"3.4"``, ``"4.0"`` -> ``"4.0"``.

    See :meth:`relplan.planner.domain.version.Version.series` (``depth``); ValueError if not a
    version.
    """
    return Version.parse(version).series(depth)


_DIGIT_RUNS = re.compile(r"([0-9]+)")


def natural_key(text: str) -> tuple[tuple[tuple[int, int | str], ...], str]:
    """Sort key that orders digit runs by value: ``demo#2`` before ``demo#10``, 3.9 before 3.10.

    The order of item ids (plan file, item list). Ties (``demo#01`` and ``demo#1``) are
    broken by the text itself, so the order is total.
    """
    runs = tuple(
        (0, int(part)) if part.isascii() and part.isdigit() else (1, part)
        for part in _DIGIT_RUNS.split(text)
        if part
    )
    return runs, text


OWNER_SEPARATOR = "; "
"""Between the people of :attr:`Item.owner` when several work on an item (a semicolon,
because names such as "Jiang, Xiao" carry commas)."""


def owners_of(owner: str | None) -> list[str]:
    """The people named by an item's ``owner`` field, in order (empty for None)."""
    if not owner:
        return []
    return [name.strip() for name in owner.split(";") if name.strip()]


def owner_field(names: Iterable[str]) -> str | None:
    """The ``owner`` field for these people (None for nobody); inverse of :func:`owners_of`."""
    kept = [n.strip() for n in names if n.strip()]
    return OWNER_SEPARATOR.join(kept) if kept else None
