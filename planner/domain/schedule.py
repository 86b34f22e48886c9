"""A release's schedule as a list of milestones: name, day, and whether the day is tentative.

The schedule mail, the development update's timeline and the calendar feed all
read this one list: the stages of the release's freeze ladder
(:mod:`relplan.planner.domain.stages`: last posting, freeze, each RC, release for a policy
without stages; code freeze, hard code freeze, branch-off... for one with them)
plus, for the calendar, its branch's support ends.

A day is *tentative* when the calendar computed it from the cadence: nothing in
the plan fixes it. A pinned day (``[releases.pins]``) or a recorded ``actual``
release day is decided, so it is not tentative. Whether a milestone has
passed depends on the day asked about, not on the milestone: see
:meth:`Milestone.passed`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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

    def passed(self, today: dt.date) -> bool:
        """True for a milestone strictly before ``today``."""
        return self.day < today


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
