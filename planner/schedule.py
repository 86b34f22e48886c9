"""A release's schedule as a list of milestones: name, day, and whether the day is tentative.

The schedule mail, the development update's timeline and the calendar feed all
read this one list. Today a release's milestones are those of
:meth:`planner.model.Release.milestones` (last posting, freeze, each RC, release)
plus, for the calendar, its branch's support ends; richer freeze ladders
(code freeze, hard code freeze, branch-off...) slot in as more entries of the
same shape.

A day is *tentative* when the calendar computed it from the cadence: nothing in
the plan fixes it. A pinned day (``[releases.pins]``) or a recorded ``actual``
release day is decided, so it is not tentative. Whether a milestone has
passed depends on the day asked about, not on the milestone: see
:meth:`Milestone.passed`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.model import Phase, Release, ReleaseKind, ReleaseSpec

_PIN_OF = {"last posting": "last_posting", "freeze": "freeze", "release": "release"}
_TITLES = {"last posting": "Last posting date", "freeze": "Feature freeze", "release": "Release"}
_PHASES = {"last posting": Phase.DEVELOPMENT, "freeze": Phase.FROZEN, "release": Phase.RELEASED}


@dataclass(frozen=True, slots=True)
class Milestone:
    """One dated step of a release.

    ``key`` is stable across edits (``last-posting``, ``freeze``, ``rc3``, ``release``,
    ``end-of-maintenance``, ``end-of-security-support``): calendar UIDs are made of it.
    ``title`` is how a mail names it; ``phase`` the phase it opens (or, for the
    support ends, the phase it closes).
    """

    key: str
    title: str
    day: dt.date
    tentative: bool
    phase: Phase

    def passed(self, today: dt.date) -> bool:
        """True for a milestone strictly before ``today``."""
        return self.day < today


def release_schedule(
    release: Release, spec: ReleaseSpec | None, *, support: bool = False
) -> list[Milestone]:
    """The milestones of ``release`` in order; with ``support``, a point release's end of
    maintenance and end of security support follow (maintenance releases repeat their
    branch's ends, so they get none of their own)."""
    pins = spec.pins if spec is not None else {}
    out: list[Milestone] = []
    for name, day in release.milestones():
        if name.startswith("rc") and name[2:].isdigit():
            out.append(Milestone(name, name.upper(), day, True, Phase.RC))
            continue
        fixed = _PIN_OF[name] in pins or (name == "release" and release.actual is not None)
        key = name.replace(" ", "-")
        out.append(Milestone(key, _TITLES[name], day, not fixed, _PHASES[name]))
    if support and release.kind is ReleaseKind.POINT:
        ends = (
            ("end-of-maintenance", "End of maintenance", release.maintained_until,
             Phase.MAINTAINED),
            ("end-of-security-support", "End of security support", release.security_until,
             Phase.SECURITY_ONLY),
        )  # fmt: skip
        out.extend(Milestone(k, t, d, True, p) for k, t, d, p in ends if d is not None)
    return out
