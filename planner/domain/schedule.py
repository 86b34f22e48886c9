"""A release's schedule as a list of milestones: name, day, and whether the day is tentative.

The schedule mail, the development update's timeline and the calendar feed all
read this one list: the stages of the release's freeze ladder
(:mod:`relplan.planner.domain.stages`: last posting, freeze, each RC, release for a policy
without stages; code freeze, hard code freeze, branch-off... for one with them)
plus, for the calendar, its branch's support ends.

A day is *tentative* when the calendar computed it from the cadence: nothing in
the plan fixes it. A pinned day (``[releases.pins]``) or a recorded ``actual``
release day is decided, so it is not tentative. Whether a milestone has
passed depends on the day asked about and on what happened, not on the milestone:
see :func:`rung_state`, which the schedule mail, the status page, the calendar feed
and the dashboard's ladder all ask.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from relplan.planner.domain.calendar import abandoned, days_late
from relplan.planner.domain.model import Phase, Release, ReleaseKind, ReleaseSpec
from relplan.planner.domain.policy import Accepts, Policy
from relplan.planner.domain.stages import Stage, ladder


@dataclass(frozen=True, slots=True)
class Milestone:
    """One dated step of a release.

    ``key`` is stable across edits (``last-posting``, ``freeze``, ``rc3``, ``release``,
    a stage's key such as ``code-freeze``, ``end-of-maintenance``,
    ``end-of-security-support``): calendar UIDs are made of it. ``title`` is how a
    mail names it; ``phase`` the phase it opens (or, for the support ends, the phase
    it closes); ``accepts`` what may land from its day (None for the support ends).
    """

    key: str
    title: str
    day: dt.date
    tentative: bool
    phase: Phase
    accepts: Accepts | None = None


class RungState(enum.Enum):
    """Where one rung of a release's ladder (a milestone) stands on a day."""

    AHEAD = "ahead"
    """Its day has not passed (it may be today)."""
    PASSED = "passed"
    """It happened: the release shipped before today, or an earlier rung's day is behind."""
    LATE = "late"
    """The release rung of a release whose planned day passed without a shipment."""
    ABANDONED = "abandoned"
    """The release rung of a late maintenance release whose series' support ended."""


@dataclass(frozen=True, slots=True)
class RungMark:
    """A rung's :class:`RungState` on a day, with the days it is late (0 unless late)."""

    state: RungState
    days_late: int = 0

    @property
    def words(self) -> str:
        """``passed``, ``late 11 days``, ``abandoned``, or nothing for a rung ahead."""
        if self.state is RungState.LATE:
            return f"late {self.days_late} day{'' if self.days_late == 1 else 's'}"
        return "" if self.state is RungState.AHEAD else self.state.value


def rung_state(release: Release, key: str, day: dt.date | None, today: dt.date) -> RungMark:
    """Where the rung ``key`` of ``release`` (a stage or a milestone, on ``day``) stands on
    ``today``. The release rung has passed only once the release shipped (its ``actual``
    day is before ``today``): a planned day behind us without a shipment is late
    (:func:`~relplan.planner.domain.calendar.days_late`), or abandoned
    (:func:`~relplan.planner.domain.calendar.abandoned`), never passed. Every other rung
    has passed once its day is behind ``today``, as the phases have it
    (:func:`~relplan.planner.domain.calendar.phase_on` is frozen from the freeze day, in
    RC from the first RC day, and a late release stays in the stage before its release);
    a shipped release's ladder holds only the rungs someone recorded."""
    if day is None or day >= today:
        return RungMark(RungState.AHEAD)
    if key != "release" or release.shipped:
        return RungMark(RungState.PASSED)
    if abandoned(release, today):
        return RungMark(RungState.ABANDONED)
    late = days_late(release, today)
    return RungMark(RungState.LATE, late) if late is not None else RungMark(RungState.AHEAD)


def _phase(stage: Stage, rcs: tuple[dt.date, ...]) -> Phase:
    if stage.key == "release":
        return Phase.RELEASED
    if stage.day in rcs and stage.key.startswith("rc"):
        return Phase.RC
    return Phase.DEVELOPMENT if stage.accepts is Accepts.FEATURES else Phase.FROZEN


def release_schedule(
    release: Release,
    spec: ReleaseSpec | None,
    *,
    support: bool = False,
    policy: Policy | None = None,
) -> list[Milestone]:
    """The milestones of ``release`` in order: the stages of its freeze ladder
    (:func:`relplan.planner.domain.stages.ladder`; ``policy`` None: the implicit ladder) that have a
    day; with ``support``, a point release's end of maintenance and end of security
    support follow (maintenance releases repeat their branch's ends, so they get none
    of their own)."""
    out = [
        Milestone(s.key, s.name, s.day, s.tentative, _phase(s, release.rcs), s.accepts)
        for s in ladder(policy or Policy(), release, spec)
        if s.day is not None
    ]
    if support and release.kind is ReleaseKind.POINT:
        ends = (
            ("end-of-maintenance", "End of maintenance", release.maintained_until,
             Phase.MAINTAINED),
            ("end-of-security-support", "End of security support", release.security_until,
             Phase.SECURITY_ONLY),
        )  # fmt: skip
        out.extend(Milestone(k, t, d, True, p) for k, t, d, p in ends if d is not None)
    return out
