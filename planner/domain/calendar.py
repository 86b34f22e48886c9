"""The point-release calendar: from a cadence policy and recorded facts to every milestone date.

The train is a chain. The first point release that has a day of its own (an
actual or pinned release day) is the anchor; every later point release is
planned from the day the previous one shipped (or is planned to ship), so a
recorded slip moves everything after it. Each release's freeze, last posting
date and release candidates are counted back and forth from its release day.
Support ends come from what the project declares before the maintenance model
(:mod:`relplan.planner.domain.ends`), and shipped branches get their bug-fix
(maintenance) releases on a cadence of their own, never after their end of
security support; a series that has not shipped gets none planned.

The calendar never looks at today: a planned day moves only when the plan changes
(a slip, a recorded shipment and the catch-up rule), never because time passed,
so the same plan gives the same calendar, and the same file, on any day. A
release whose planned day has passed without a recorded shipment is *late*
(:func:`phase_on`, :func:`days_late`). A shipped release shows the day it was
planned for only when one was recorded (``ship`` records it); otherwise None.

A release the calendar cannot give a day is *unscheduled* (:func:`unscheduled`),
never an error: a point release before the anchor (or in a plan with no day
at all) without a day of its own, a maintenance release without a day when no
maintenance cadence is set, one whose series has no point release on the
train, and every release marked ``unscheduled`` that has no day of its own.
Items may target it; it joins the train once it gets a day. A maintenance
release with a day whose series has no point release is on the train by itself.

All dates are calendar days in the policy's time zone; only ``today_in`` looks
at the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from relplan.planner.domain.days import DAY, WEEK
from relplan.planner.domain.ends import (
    add_months,
    computed_source,
    resolve_ends,
    support_ended,
    support_on,
)
from relplan.planner.domain.errors import PlanError, Problem
from relplan.planner.domain.model import Phase, Plan, Release, ReleaseKind, ReleaseSpec
from relplan.planner.domain.policy import MAX_HORIZON, MaintenanceModel, Policy
from relplan.planner.domain.stages import ladder_milestones
from relplan.planner.domain.version import SERIES_DEPTH, Version, version_key

UNSCHEDULED = "unscheduled"
"""What calendar, status and export say in place of a phase for an unscheduled release."""

MAX_RELEASES = 5000
"""The most releases one calendar holds: beyond it the policy asks for something absurd
(bug-fix releases every week for centuries) and computing it would take minutes."""


def today_in(policy: Policy, now: dt.datetime | None = None) -> dt.date:
    """The date in the policy's time zone at ``now`` (an aware instant; default: the clock).

    The standard library's zoneinfo (the IANA database pendulum reads too; the plan file's
    time zone is checked with it): importing pendulum here cost every start on a real plan
    about 45 ms, a fifth of the dashboard's first frame."""
    zone = ZoneInfo(policy.timezone)
    local = now.astimezone(zone) if now else dt.datetime.now(zone)
    return local.date()


def next_point_version(version: str, depth: int = SERIES_DEPTH) -> str:
    """The version after a point release: the series' last number goes up, the width stays.

    ``3.4.0`` -> ``3.5.0``, ``4.9`` -> ``4.10``, ``253`` -> ``254``.
    """
    numbers = list(Version.parse(version).release)
    at = min(len(numbers), depth) - 1
    numbers[at:] = [numbers[at] + 1] + [0] * (len(numbers) - at - 1)
    return ".".join(map(str, numbers))


def next_maintenance_version(version: str, depth: int = SERIES_DEPTH) -> str:
    """The bug-fix release after ``version`` in its series: the number after the series goes up.

    ``3.4.0`` -> ``3.4.1``, ``4.0`` -> ``4.0.1``; with ``depth=1``, ``253`` -> ``253.1``.
    """
    release = Version.parse(version).release
    series = list(release[:depth]) + [0] * (depth - len(release[:depth]))
    patch = release[depth] if len(release) > depth else 0
    return ".".join(map(str, [*series, patch + 1]))


def is_new_major(version: str, previous: str | None) -> bool:
    """True for the first release of a new major train (``4.0`` after ``3.4``)."""
    if previous is None:
        return False
    return Version.parse(version).major != Version.parse(previous).major


@dataclass(frozen=True, slots=True)
class _Placed:
    """A release day chosen for a point release, with what the calendar had to do."""

    day: dt.date
    notes: tuple[str, ...]


def _search(
    start: dt.date, stop: dt.date, step: int, ok: Callable[[dt.date], bool]
) -> dt.date | None:
    """First day from ``start`` towards ``stop`` (inclusive) for which ``ok`` holds."""
    day = start
    while (day <= stop) if step > 0 else (day >= stop):
        if ok(day):
            return day
        day += DAY * step
    return None


def _place_release(
    policy: Policy, earliest: dt.date, aim: dt.date, latest: dt.date, freeze_weeks: int
) -> _Placed:
    """Pick the release day nearest after ``aim`` inside ``[earliest, latest]``.

    Preference: the policy's weekday and a free release and freeze day; then any
    weekday; then the first free day after the window (noted).
    """
    weekday = policy.cadence.weekday

    def free(day: dt.date) -> bool:
        return not policy.blocked(day) and not policy.blocked(day - WEEK * freeze_weeks)

    def preferred(day: dt.date) -> bool:
        return (weekday is None or day.weekday() == weekday) and free(day)

    aim = min(max(aim, earliest), latest)
    for ok in (preferred, free):
        found = _search(aim, latest, 1, ok) or _search(aim, earliest, -1, ok)
        if found:
            return _Placed(found, () if ok is preferred else ("not on the preferred weekday",))
    late = _search(latest + DAY, latest + dt.timedelta(days=366), 1, preferred)
    if late is None:
        raise PlanError(Problem("no day in a year is free of blackouts", field="policy.blackouts"))
    return _Placed(late, (f"window exceeded by {(late - latest).days} days (blackouts)",))


def _unblock_back(policy: Policy, day: dt.date) -> dt.date:
    """Move a freeze earlier until it is off blackouts and holidays."""
    while policy.blocked(day):
        day -= DAY
    return day


def not_before_plan(
    spec: ReleaseSpec,
    computed: tuple[dt.date | None, dt.date | None, tuple[dt.date, ...]],
    planned_from: dt.date | None,
) -> tuple[dt.date | None, dt.date | None, tuple[dt.date, ...]]:
    """A release's freeze, last posting date and RCs without what the plan never planned.

    Before ``planned_from`` (the day the plan was made) there is only what was recorded
    (pins, tagged betas and RCs): a computed milestone that falls before it stays unknown
    (None), and only computed RCs on or after it are kept. A release whose cadence day had
    passed when the plan was made is due on that day (:func:`_point_days`); inventing a
    freeze weeks before it, or RCs nobody tagged, would claim the release went through
    stages it may never have had (a release manager records them: ``pin``/tags). That
    beats moving its day on by a whole freeze: it was due when the plan was made, and a
    release manager who starts a plan then is told it is due, not given seven new weeks.

    A release whose day a person pinned keeps the ladder counted back from that day: the
    decision came with its schedule (Xen's 4.0 planned for November with a 12-week freeze).
    """
    freeze, last_posting, rcs = computed
    planned_from = plan_floor(spec, planned_from)
    if planned_from is None:
        return computed
    recorded_freeze = spec.pins.get("freeze") or next(iter(spec.actual_betas), None)
    if freeze is not None and freeze < planned_from and freeze != recorded_freeze:
        freeze = None
    if last_posting is not None and last_posting < planned_from:
        last_posting = last_posting if "last_posting" in spec.pins else None
    recorded = {*spec.actual_rcs, *spec.pins.values()}
    kept = tuple(d for d in rcs if d in recorded or d >= planned_from)
    return freeze, last_posting, kept


def plan_floor(spec: ReleaseSpec, planned_from: dt.date | None) -> dt.date | None:
    """The day before which nothing is computed for ``spec`` (:func:`not_before_plan`):
    the plan's day for an unshipped release whose day the cadence computed, else None."""
    if spec.actual is not None or "release" in spec.pins:
        return None
    return planned_from


def _stabilization(
    policy: Policy, spec: ReleaseSpec, day: dt.date, major: bool
) -> tuple[dt.date | None, dt.date | None, tuple[dt.date, ...]]:
    """Freeze, last posting date and release candidates before a point release day.

    A shipped release keeps what was recorded (pins, tagged betas and RCs) and nothing
    else: the first beta is its freeze when no freeze was recorded (a beta is a
    feature-frozen build), and a milestone nobody recorded stays unknown (None). An
    unshipped one is planned: its recorded RCs, then computed ones up to release day
    (:func:`not_before_plan` then drops those before the plan's day).
    """
    recorded_freeze = spec.pins.get("freeze") or next(iter(spec.actual_betas), None)
    if spec.actual is not None:
        return recorded_freeze, spec.pins.get("last_posting"), spec.actual_rcs
    st = policy.stabilization
    freeze = recorded_freeze or _unblock_back(policy, day - WEEK * st.freeze_weeks_for(major))
    if spec.actual_rcs and recorded_freeze is None:
        freeze = min(freeze, spec.actual_rcs[0])  # a tagged RC means the freeze is behind it
    last_posting = spec.pins.get("last_posting")
    if last_posting is None and st.last_posting_weeks > 0:
        last_posting = freeze - WEEK * st.last_posting_weeks
    rcs = list(spec.actual_rcs)
    rc = (
        rcs[-1] + dt.timedelta(days=st.rc_every_days)
        if rcs
        else freeze + dt.timedelta(days=st.rc1_after_days)
    )
    while rc < day and st.rc_every_days > 0:
        laid = _rc_day(policy, rc, max(rcs[-1] if rcs else freeze, freeze), day)
        if laid is not None:
            rcs.append(laid)
        rc += dt.timedelta(days=st.rc_every_days)
    return freeze, last_posting, tuple(rcs)


def _rc_day(policy: Policy, day: dt.date, after: dt.date, before: dt.date) -> dt.date | None:
    """A planned RC's day strictly between ``after`` (the freeze or the previous RC) and
    ``before`` (release day): RCs are cut on working days, as releases are. The policy's
    weekday of the same Monday-Sunday week (else ``day``), off weekends, blackouts and
    holidays: the nearest such day earlier, else later; None when there is none."""
    weekday = policy.cadence.weekday
    if weekday is not None and weekday < 5:
        day -= dt.timedelta(days=day.weekday() - weekday)

    def working(d: dt.date) -> bool:
        return after < d < before and d.weekday() < 5 and not policy.blocked(d)

    for step in range(7):
        for cand in (day - DAY * step, day + DAY * step):
            if working(cand):
                return cand
    return None


def _point_days(
    policy: Policy, specs: Sequence[ReleaseSpec], planned_from: dt.date | None = None
) -> Iterator[tuple[ReleaseSpec, _Placed, bool, dt.date | None]]:
    """Walk the chain of point releases: (spec, planned day, new major?, previous release day).

    A release the cadence plans (not shipped, no pinned day) is never planned before
    ``planned_from``, the day the plan was made (:attr:`Plan.planned_from`)."""
    cad, st = policy.cadence, policy.stabilization
    prev: ReleaseSpec | None = None
    prev_planned: dt.date | None = None
    for spec in specs:
        major = is_new_major(spec.version, prev.version if prev else None)
        if prev is None or prev_planned is None:
            anchor = spec.pins.get("release") or spec.actual
            assert anchor is not None, "the chain starts at a release with a day (_chain_specs)"
            placed, start = _Placed(anchor, ()), None
        else:
            start = prev.actual or prev_planned
            extra = (st.freeze_weeks_for(True) - st.freeze_weeks) if major else 0
            weeks = cad.planned_weeks + extra
            if cad.catch_up and prev.actual and prev.actual > prev_planned:
                slip = prev.actual - prev_planned
                weeks_td = max(WEEK * weeks - slip, WEEK * (cad.min_weeks + extra))
            else:
                weeks_td = WEEK * weeks
            pinned = spec.pins.get("release")
            earliest = start + WEEK * (cad.min_weeks + extra)
            aim, latest = start + weeks_td, start + WEEK * (cad.max_weeks + extra)
            if spec.actual_rcs and spec.actual is None:
                # It comes after the RCs tagged for it, however late they are.
                after = spec.actual_rcs[-1] + dt.timedelta(days=max(st.rc_every_days, 1))
                earliest, aim, latest = max(earliest, after), max(aim, after), max(latest, after)
            if planned_from is not None and spec.actual is None:
                # A new plan starts on its own day: what the cadence would have put before
                # it was never planned, so it is not late (it is due from that day on).
                earliest, aim = max(earliest, planned_from), max(aim, planned_from)
                latest = max(latest, planned_from)
            if pinned is not None:
                placed = _Placed(pinned, ("release day pinned",))
            else:
                placed = _place_release(policy, earliest, aim, latest, st.freeze_weeks_for(major))
        yield spec, placed, major, start
        prev, prev_planned = spec, placed.day


def _point_releases(
    policy: Policy,
    specs: Sequence[ReleaseSpec],
    depth: int,
    planned_from: dt.date | None = None,
) -> list[Release]:
    """Every point release with its stabilization dates (support windows come later)."""
    out: list[Release] = []
    for spec, placed, major, _ in _point_days(policy, specs, planned_from):
        # A shipped release stabilized before the day it actually shipped.
        day = spec.actual or placed.day
        # The freeze ladder (relplan.planner.domain.stages) has the last word on freeze, posting
        # and RCs.
        computed = _stabilization(policy, spec, day, major)
        freeze, last_posting, rcs = not_before_plan(
            spec, ladder_milestones(policy, spec, day, computed), planned_from
        )
        # Work for a release starts when the one before it freezes and branches off;
        # when that freeze is unknown (not recorded), at the latest when it shipped.
        start = (out[-1].freeze or out[-1].day) if out else None
        series = Version.parse(spec.version).series(depth)
        notes = placed.notes + (("first release of a new major train",) if major else ())
        out.append(
            Release(
                version=spec.version,
                kind=ReleaseKind.POINT,
                series=series,
                branch=spec.branch or policy.branch_for(series),
                development_start=start,
                last_posting=last_posting,
                freeze=freeze,
                rcs=rcs,
                release=planned_day(spec, placed.day),
                actual=spec.actual,
                notes=notes,
                planned_from=plan_floor(spec, planned_from),
            )
        )
    return out


def planned_day(spec: ReleaseSpec, computed: dt.date) -> dt.date | None:
    """The planned day a release shows: computed while it is a plan; once shipped, only
    the one recorded (``pins["release"]``), None when nobody recorded it."""
    return computed if spec.actual is None else spec.pins.get("release")


def _with_support(plan: Plan, points: list[Release], beyond: list[Release]) -> list[Release]:
    """Fill each point release's support ends: declared, else the plan's, else the policy's.

    ``beyond`` holds the point releases after the last one shown, so the newest releases
    also get an end of support. The policy's ends run from the day a release shipped
    (its planned day while it is a plan); a general end that is the day a later release
    ships stays open while that release is not shipped
    (``maintained_until_shipped``).
    """
    policy = plan.policy
    m, source = policy.maintenance, computed_source(policy)
    chain, present = points + beyond, plan_present(plan)
    depth = plan.series_depth
    by_series: dict[str, list[ReleaseSpec]] = {}
    for s in sorted(
        plan.releases, key=lambda s: (s.kind is not ReleaseKind.POINT, version_key(s.version))
    ):
        by_series.setdefault(Version.parse(s.version).series(depth), []).append(s)
    out = []
    for i, r in enumerate(points):
        ender: Release | None = None
        if m.model is MaintenanceModel.WINDOWS:
            until: dt.date | None = add_months(r.day, m.general_months)
        else:
            ahead = 1 if m.model is MaintenanceModel.UNTIL_NEXT else max(m.newest, 1)
            ender = chain[i + ahead] if i + ahead < len(chain) else None
            until = ender.day if ender else None
        held = held_open_on_plan(ender, present)
        until = None if held else until
        security = add_months(until, m.security_months) if until and m.security_months else None
        computed = replace(
            r,
            maintained_until=until,
            security_until=security,
            maintained_source=source if until or held else None,
            security_source=source if security else None,
            maintained_ended=False if held else None,
            maintained_until_shipped=ender.version if ender and not ender.shipped else None,
        )
        specs = by_series.get(r.series, [])
        out.append(resolve_ends(computed, specs, plan.support, policy))
    return out


def held_open_on_plan(ender: Release | None, present: dt.date | None) -> bool:
    """Whether a branch whose general support ends when ``ender`` ships (``until-next``,
    ``newest``) is maintained with no end on the plan itself: ``ender`` has not shipped and
    its planned day is not after the plan's present (:func:`plan_present`; it was due, or
    late, when the plan was made or last recorded a shipment).

    Its planned day is then no end at all: the branch stays maintained until it ships, and
    bug-fix releases keep being planned for it. Decided from the plan alone (never the
    clock), so every face and every export says the same on any day.
    """
    return ender is not None and not ender.shipped and present is not None and ender.day <= present


def _maintenance_releases(
    policy: Policy,
    point: Release,
    specs: Sequence[ReleaseSpec],
    horizon_end: dt.date,
    since: dt.date,
    depth: int,
    taken: frozenset[str],
    room: int = MAX_RELEASES,
) -> list[Release]:
    """Listed bug-fix releases of a branch, then generated ones while it is maintained.

    A listed release without a day is left out (unscheduled) unless the
    maintenance cadence may plan it: only on a branch that shipped, and not after
    its end of security support. The cadence plans from the branch's previous
    release, never before ``since`` (:func:`plan_present`: before it lies what the
    plan records, so nothing is invented there). Generated versions skip ``taken``
    ones. At most ``room`` releases in all: more is a PlanError (see MAX_RELEASES).
    """
    m = policy.maintenance
    every = WEEK * m.release_every_weeks if m.release_every_weeks else None
    if not point.shipped:
        every = None  # nothing is planned on a branch that does not exist yet
    last = point.security_until or point.maintained_until
    out: list[Release] = []
    prev_day, prev_version = point.day, point.version
    for spec in specs:
        day = spec.actual or spec.pins.get("release")
        if day is None:
            if every is None or spec.unscheduled:
                continue  # unscheduled: no day of its own and none the cadence may give
            # Planned like the generated ones, so a plan file written with them reads
            # back to the same days.
            day = _next_free(policy, max(prev_day + every, since))
            if last is not None and day > last:
                continue  # the branch is out of support by then: unscheduled
        out.append(_maintenance(policy, point, spec, day, prev_day, since))
        prev_day, prev_version = out[-1].day, spec.version
    stop = _generated_stop(point, horizon_end)
    if every is None or stop is None:
        return out
    if point.maintained_until is None and point.maintained_until_shipped is not None:
        # Held open by a late release: the next bug-fix release is planned, one at a time
        # (each shipment moves the plan's present on), not a train to the horizon for a
        # branch that ends the day that release ships.
        shipped = max((r.day for r in out if r.shipped), default=point.day)
        stop = min(stop, _next_free(policy, max(shipped + every, since)) + DAY)
    # Generated bug-fix releases are plans from the branch's last release on.
    day = _next_free(policy, max(prev_day + every, since))
    while day < stop:
        if len(out) >= room:
            raise _too_many()
        version = _untaken(lambda v: next_maintenance_version(v, depth), prev_version, taken)
        spec = ReleaseSpec(version, ReleaseKind.MAINTENANCE)
        out.append(_maintenance(policy, point, spec, day, prev_day, since))
        prev_day, prev_version = day, version
        day = _next_free(policy, day + every)
    return out


def plan_present(plan: Plan) -> dt.date | None:
    """The plan's own present: the latest shipment it records, or the day it was made
    (:attr:`~relplan.planner.domain.model.Plan.planned_from`) when later; None when it
    records neither.

    Bug-fix releases are planned from it on, never into the history before it, and items
    are laid onto the releases still open on it (:func:`relplan.planner.domain.laying.lay`);
    never the clock, so the plan gives the same days and targets whenever it is read.
    """
    days = [s.actual for s in plan.releases if s.actual is not None]
    if plan.planned_from is not None:
        days.append(plan.planned_from)
    return max(days, default=None)


def _generated_stop(point: Release, horizon_end: dt.date) -> dt.date | None:
    """Until when bug-fix releases are generated: the end of general support (the horizon
    while support has no announced end), never after security support ends."""
    if point.maintained_until is not None:
        stop = min(point.maintained_until, horizon_end)
    elif point.maintained_ended is False:
        stop = horizon_end
    else:
        return None
    return min(stop, point.security_until) if point.security_until else stop


def _too_many() -> PlanError:
    return PlanError(
        Problem(
            f"the policy puts more than {MAX_RELEASES:,} releases on the calendar",
            field="policy",
            hint="lower horizon or maintenance.general_months, or raise "
            "maintenance.release_every_weeks",
        )
    )


def _next_free(policy: Policy, day: dt.date) -> dt.date:
    """The first day on or after ``day`` on the preferred weekday and off blackouts."""
    weekday = policy.cadence.weekday
    while policy.blocked(day) or (weekday is not None and day.weekday() != weekday):
        day += DAY
    return day


def _maintenance(
    policy: Policy,
    point: Release,
    spec: ReleaseSpec,
    day: dt.date,
    start: dt.date,
    since: dt.date = dt.date.min,
) -> Release:
    """A bug-fix release: recorded RCs, else (unshipped only) one ``rc_days`` before it,
    not before the plan's present ``since`` unless its day was pinned (as
    :func:`not_before_plan` for point releases)."""
    rc_days = policy.maintenance.rc_days
    rc = day - dt.timedelta(days=rc_days)
    floor = since if plan_floor(spec, since) is not None else dt.date.min
    if spec.actual_rcs or spec.actual is not None:
        rcs = spec.actual_rcs
    else:
        rcs = (rc,) if rc_days and rc > start and rc >= floor else ()
    return Release(
        version=spec.version,
        kind=ReleaseKind.MAINTENANCE,
        series=point.series,
        branch=spec.branch or point.branch,
        development_start=start,
        last_posting=None,
        freeze=None,
        rcs=rcs,
        release=planned_day(spec, day),
        actual=spec.actual,
        maintained_until=point.maintained_until,
        security_until=point.security_until,
        maintained_source=point.maintained_source,
        security_source=point.security_source,
        maintained_ended=point.maintained_ended,
        security_ended=point.security_ended,
        maintained_until_shipped=point.maintained_until_shipped,
    )


def _check_versions(plan: Plan) -> None:
    """Every release's version must read as one (the chain orders and bumps them)."""
    problems = [
        Problem(str(exc), field=f"releases[{s.version}].version", hint="e.g. 4.0, 3.4.1 or 253")
        for s in plan.releases
        if (exc := _not_a_version(s.version))
    ]
    if problems:
        raise PlanError(problems)


def _not_a_version(text: str) -> ValueError | None:
    try:
        Version.parse(text)
    except ValueError as exc:
        return exc
    return None


def _untaken(bump: Callable[[str], str], version: str, taken: frozenset[str]) -> str:
    """The next version after ``version`` by ``bump`` that the plan does not name already.

    The plan names it when it is unscheduled (shipped on an unknown day, say):
    the calendar then plans the one after it instead of a second release of that name.
    """
    nxt = bump(version)
    while nxt in taken:
        nxt = bump(nxt)
    return nxt


def _orphan(policy: Policy, spec: ReleaseSpec, series: str, day: dt.date) -> Release:
    """A maintenance release with a day whose series has no point release on the train."""
    return Release(
        version=spec.version,
        kind=ReleaseKind.MAINTENANCE,
        series=series,
        branch=spec.branch or policy.branch_for(series),
        development_start=None,
        last_posting=None,
        freeze=None,
        rcs=(),
        release=planned_day(spec, day),
        actual=spec.actual,
        notes=(f"series {series} has no point release on the calendar",),
    )


def _chain_specs(plan: Plan) -> list[ReleaseSpec]:
    """The point releases the chain is computed from: from the anchor on, in version order.

    Before the anchor (the first point release with a day of its own) nothing
    can be planned; after it, releases without a day are planned by the
    cadence unless marked unscheduled.
    """
    points = sorted(
        (s for s in plan.releases if s.kind is ReleaseKind.POINT),
        key=lambda s: version_key(s.version),
    )
    anchor = next((i for i, s in enumerate(points) if s.has_day), None)
    if anchor is None:
        return []
    return [s for s in points[anchor:] if s.has_day or not s.unscheduled]


def build_train(plan: Plan, today: dt.date, upcoming: int | None = None) -> list[Release]:
    """Every release of the plan with all dates, extended to ``upcoming`` unshipped point releases.

    ``upcoming`` defaults to the policy's horizon. Releases are sorted by day.
    Releases that cannot be given a day are left out: see :func:`unscheduled`.
    ``today`` moves no date (a plan does not change because time passed); it only
    stands for the horizon's end in a plan with no point release.
    """
    _check_versions(plan)
    policy, depth = plan.policy, plan.series_depth
    want = policy.horizon if upcoming is None else upcoming
    if want > MAX_HORIZON:
        raise PlanError(
            Problem(
                f"{want:,} upcoming point releases asked for",
                field="count",
                hint=f"relplan computes at most {MAX_HORIZON} ahead",
            )
        )
    taken = frozenset(s.version for s in plan.releases)

    def bump(version: str) -> str:
        return _untaken(lambda v: next_point_version(v, depth), version, taken)

    specs = _chain_specs(plan)
    points: list[Release] = []
    if specs:
        while sum(1 for s in specs if s.actual is None) < want:
            specs.append(ReleaseSpec(bump(specs[-1].version)))
        # A few hidden releases past the last one give the newest branches an end of support.
        hidden = [ReleaseSpec(bump(specs[-1].version))]
        for _ in range(max(policy.maintenance.newest, 1) - 1):
            hidden.append(ReleaseSpec(bump(hidden[-1].version)))
        chain = _point_releases(policy, specs + hidden, depth, plan.planned_from)
        points = _with_support(plan, chain[: len(specs)], chain[len(specs) :])
    horizon_end = max((r.day for r in points), default=today)
    since = plan_present(plan) or dt.date.min
    train: list[Release] = list(points)
    series_of = {s.version: Version.parse(s.version).series(depth) for s in plan.releases}
    for point in points:
        listed = sorted(
            (
                s
                for s in plan.releases
                if s.kind is ReleaseKind.MAINTENANCE and series_of[s.version] == point.series
            ),
            key=lambda s: version_key(s.version),
        )
        room = MAX_RELEASES - len(train)
        train.extend(
            _maintenance_releases(policy, point, listed, horizon_end, since, depth, taken, room)
        )
    on_train = {p.series for p in points}
    for spec in plan.releases:
        day = spec.actual or spec.pins.get("release")
        series = series_of[spec.version]
        if spec.kind is ReleaseKind.MAINTENANCE and series not in on_train and day is not None:
            train.append(_orphan(policy, spec, series, day))
    train.sort(key=lambda r: (r.day, version_key(r.version)))
    return train


def without_computed_ends(plan: Plan) -> Plan:
    """The plan without the support ends its release tables repeat from the calendar.

    A plan file writes every release's support ends for people to read, and reads them
    back as the plan's own (source ``plan``) only where they differ from what the
    calendar computes without them: a person edited them. Equal ones are dropped, so a
    later slip still moves the computed ends.
    """
    if not any(s.maintained_until or s.security_until for s in plan.releases):
        return plan
    bare = [replace(s, maintained_until=None, security_until=None) for s in plan.releases]
    try:
        train = {r.version: r for r in build_train(plan.with_releases(bare), dt.date.min)}
    except PlanError:
        return plan  # the calendar cannot be computed: the caller will say why
    specs = []
    for spec in plan.releases:
        computed = train.get(spec.version)
        if computed is not None:
            if spec.maintained_until == computed.maintained_until:
                spec = replace(spec, maintained_until=None)
            if spec.security_until == computed.security_until:
                spec = replace(spec, security_until=None)
        specs.append(spec)
    return plan.with_releases(specs)


def unscheduled(plan: Plan, train: Sequence[Release]) -> list[ReleaseSpec]:
    """The plan's releases that are not on ``train`` (no day, and none the cadence may give).

    In version order. Items may target them; status, calendar and export list
    them without dates.
    """
    placed = {r.version for r in train}
    return sorted(
        (s for s in plan.releases if s.version not in placed), key=lambda s: version_key(s.version)
    )


def why_unscheduled(plan: Plan, spec: ReleaseSpec) -> str:
    """Why an unscheduled release has no day, and what gives it one (one line)."""
    if spec.unscheduled:
        return "closed without a recorded day: set `actual = YYYY-MM-DD` in the plan to place it"
    if spec.kind is ReleaseKind.MAINTENANCE:
        depth = plan.series_depth
        series = Version.parse(spec.version).series(depth)
        chain = {Version.parse(s.version).series(depth): s for s in _chain_specs(plan)}
        if series not in chain:
            return (
                f"series {series} has no point release on the calendar: pin a release day "
                "([releases.pins] release = YYYY-MM-DD) or record `actual`"
            )
        if chain[series].actual is None:
            return (
                f"{chain[series].version} has not shipped: bug-fix releases of {series} are "
                "planned once it has (or pin a release day)"
            )
        if plan.policy.maintenance.release_every_weeks:
            return (
                f"after the end of support of {series}: no bug-fix release is planned then "
                "(pin a release day to plan one anyway)"
            )
        return (
            "no release day: pin one ([releases.pins] release = YYYY-MM-DD) or set "
            "policy.maintenance.release_every_weeks"
        )
    return (
        "no release day, and no earlier point release with one to plan it from: record "
        "`actual` or pin a release day ([releases.pins] release = YYYY-MM-DD)"
    )


def _past_due(release: Release, today: dt.date) -> bool:
    """Its planned day has passed and no shipment is recorded."""
    return release.actual is None and release.release is not None and today > release.release


def abandoned(release: Release, today: dt.date) -> bool:
    """A maintenance release past its planned day, never shipped, whose series is out of
    all support on ``today`` (:func:`~relplan.planner.domain.ends.support_ended`): nothing
    ships from an end-of-life branch, so it is not late any more but abandoned. A point
    release stays late: its series' support only starts when it ships."""
    return (
        release.kind is ReleaseKind.MAINTENANCE
        and _past_due(release, today)
        and support_ended(release, today)
    )


def days_late(release: Release, today: dt.date) -> int | None:
    """How many days a release is late on ``today``: its planned day has passed and no
    shipment is recorded; None when it is not late (nor when :func:`abandoned`)."""
    if not _past_due(release, today) or abandoned(release, today):
        return None
    assert release.release is not None  # _past_due
    return (today - release.release).days


def phase_on(release: Release, today: dt.date) -> Phase:
    """The phase of a release on ``today``: :attr:`Phase.LATE` once its planned day has
    passed without a recorded shipment (:attr:`Phase.ABANDONED` for a maintenance release
    whose series' support has ended by then); a shipped point release's support by
    :func:`relplan.planner.domain.ends.support_on`."""
    if abandoned(release, today):
        return Phase.ABANDONED
    if days_late(release, today) is not None:
        return Phase.LATE
    if release.actual is not None and today >= release.actual:
        if release.kind is ReleaseKind.MAINTENANCE or today == release.actual:
            return Phase.RELEASED
        support = support_on(release, today)
        if support is not None:
            return support
        known = _known_end(release)
        return Phase.EOL if known else Phase.RELEASED
    if release.rcs and today >= release.rcs[0]:
        return Phase.RC
    if release.freeze and today >= release.freeze:
        return Phase.FROZEN
    if release.development_start is None or today >= release.development_start:
        return Phase.DEVELOPMENT
    return Phase.PLANNING


def _known_end(release: Release) -> bool:
    return release.maintained_until is not None or release.maintained_ended is not None


def find(train: Sequence[Release], version: str) -> Release | None:
    """The release with this version in a train, or None."""
    return next((r for r in train if r.version == version), None)
