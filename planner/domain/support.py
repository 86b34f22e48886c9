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
from dataclasses import dataclass
from enum import StrEnum


class SupportSource(StrEnum):
    """Where a support end date came from, most trusted first."""

    DECLARED = "declared"  # a file the project keeps in its repository (SUPPORT.md)
    ENDOFLIFE = "endoflife"  # endoflife.date's product data
    PLAN = "plan"  # written in the plan file by a person
    MEASURED = "measured"  # a policy measured from the repository's tags (a guess)
    POLICY = "policy"  # computed from the plan's cadence policy


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
