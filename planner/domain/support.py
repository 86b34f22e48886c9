"""Declared support: the end dates a project publishes for a release series, and their source.

What a project declares beats what relplan measures: Xen keeps ``SUPPORT.md`` on each stable
branch (``Initial-Release``, ``Supported-Until``, ``Security-Support-Until``), endoflife.date
publishes per product ``eoas`` / ``eol``, and a release manager can write the dates into the
plan. A policy measured from tags or computed from the cadence is only the fallback. Every end
date relplan shows says which of these it came from (:class:`SupportSource`).

This module is the shared vocabulary: readers (``planner.git`` for SUPPORT.md,
``planner.trackers`` for endoflife.date) produce :class:`DeclaredSupport` records, the plan
keeps them per series, and the calendar fills each branch's support ends from them before any
policy.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from relplan.planner.domain.version import version_key


class SupportSource(StrEnum):
    """Where a support end date came from, most trusted first."""

    DECLARED = "declared"  # a file the project keeps in its repository (SUPPORT.md)
    ENDOFLIFE = "endoflife"  # endoflife.date's product data
    PLAN = "plan"  # written in the plan file by a person
    DECLARED_POLICY = "declared-policy"  # the newest declared series' windows, for a later one
    MEASURED = "measured"  # a policy measured from the repository's tags (a guess)
    POLICY = "policy"  # computed from the plan's cadence policy

    @property
    def brief(self) -> str:
        """How a table names this source beside a date (``decl``); the policy's: nothing."""
        return _BRIEF[self]

    @property
    def words(self) -> str:
        """This source in words, for a line that explains a date."""
        return _WORDS[self]


_BRIEF = {
    SupportSource.DECLARED: "decl",
    SupportSource.ENDOFLIFE: "eol.d",
    SupportSource.PLAN: "plan",
    SupportSource.DECLARED_POLICY: "decl.p",
    SupportSource.MEASURED: "meas",
    SupportSource.POLICY: "",
}
_WORDS = {
    SupportSource.DECLARED: "declared by the project",
    SupportSource.ENDOFLIFE: "from endoflife.date",
    SupportSource.PLAN: "written in the plan",
    SupportSource.DECLARED_POLICY: "the newest declared series' policy",
    SupportSource.MEASURED: "measured from the tags (a guess)",
    SupportSource.POLICY: "computed from the plan's cadence",
}


@dataclass(frozen=True, slots=True)
class DeclaredSupport:
    """The support a project declares for one release series.

    ``maintained_until`` is the end of general (bug-fix) support, ``security_until`` the end
    of security support. A date is None when the source gives none. endoflife.date may say
    only that support has ended or not, without a day: ``maintained_ended`` /
    ``security_ended`` keep that (True: ended on an unknown day; False: not ended, no end
    day announced; None: the source says nothing). ``origin`` names the exact place read
    (``SUPPORT.md on stable-4.20``, ``endoflife.date products/xen.md``) for messages and JSON.
    """

    series: str
    source: SupportSource
    origin: str
    released: dt.date | None = None
    maintained_until: dt.date | None = None
    security_until: dt.date | None = None
    maintained_ended: bool | None = None
    security_ended: bool | None = None
    lts: bool = False
    latest: str | None = None


ENDOFLIFE_PRODUCT = re.compile(r"^[a-z0-9][a-z0-9.\-_+]*$")
"""An endoflife.date product name (``ansible-core``, ``python``): its ``products/NAME.md``."""

TRUST = tuple(SupportSource)
"""Sources in order of trust, most trusted first (the order of :class:`SupportSource`)."""


def merge_support(
    current: Iterable[DeclaredSupport],
    fresh: Iterable[DeclaredSupport],
    refreshed: Iterable[SupportSource] = (),
) -> tuple[DeclaredSupport, ...]:
    """One record per series: ``current`` updated with ``fresh`` records.

    Records of a source in ``refreshed`` are dropped from ``current`` first (a product file
    read again replaces what it said before, a series it no longer names included). A fresh
    record replaces a series' record from the same or a less trusted source, never a more
    trusted one (a ``SUPPORT.md`` on the branch beats endoflife.date). Sorted by series.
    """
    gone = set(refreshed)
    kept = {r.series: r for r in current if r.source not in gone}
    for r in fresh:
        old = kept.get(r.series)
        if old is None or TRUST.index(r.source) <= TRUST.index(old.source):
            kept[r.series] = r
    return tuple(kept[s] for s in sorted(kept, key=version_key))
