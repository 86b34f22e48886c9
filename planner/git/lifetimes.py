"""How long release branches live, measured from their tags, and the support policy that fits.

A branch (series) lives from its point release to its last maintenance release.
Early in its life its releases come at the project's usual rhythm (general
support); many projects then keep a branch alive with sparse, security-only
releases (Xen: 18 months of general support, then security fixes only). From
the tags this module measures, per branch:

- how long it lived, and how long it kept releasing after the next series'
  first release (a branch that dies as the next one ships is "until next");
- where its late releases turn sparse: the release after which its gaps are (median)
  :data:`SPARSE_FACTOR` times its own earlier ones and longer than that factor
  times the project's usual gap between maintenance releases.

:func:`fit_support` turns the lives into a maintenance model: ``until-next``
(with a short tail) when branches stop as the next series ships, else
``windows`` whose general support is the median age at which late releases turn
sparse and whose general plus security-only support covers the longest life seen
plus the usual sparse gap, so a branch that released recently is never shown
end-of-life.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from relplan.planner.domain.policy import Maintenance, MaintenanceModel
from relplan.planner.domain.version import version_key

DAYS_PER_MONTH = 365.25 / 12
SPARSE_FACTOR = 1.5
"""A gap this many times the usual gap between maintenance releases is a sparse one."""
UNTIL_NEXT_SHARE = 0.25
"""Branches that release for at most this share of a point-release cycle after the next
series' first release are maintained until the next release (plus that short tail)."""


def months(days: float) -> float:
    """Days as months of average length."""
    return days / DAYS_PER_MONTH


@dataclass(frozen=True, slots=True)
class BranchLife:
    """One series as its tags tell it: first and last release day, how many releases,
    the next series' first release, and where its late releases turned sparse."""

    series: str
    first: dt.date
    last: dt.date
    releases: int
    next_first: dt.date | None = None
    dense_until: dt.date | None = None
    sparse_gaps: tuple[float, ...] = ()  # in weeks

    @property
    def lived_months(self) -> float:
        """From the point release to the last release of the branch."""
        return months((self.last - self.first).days)

    @property
    def after_next_months(self) -> float | None:
        """How long it kept releasing after the next series' first release (negative:
        it stopped before that), or None for the newest series."""
        return months((self.last - self.next_first).days) if self.next_first else None

    @property
    def general_months(self) -> float:
        """Age at its last release before releases turned sparse (its whole life if never)."""
        return months(((self.dense_until or self.last) - self.first).days)


def sparse_threshold(usual_gap_weeks: float | None) -> float | None:
    """The gap (weeks) beyond which releases of a branch count as sparse."""
    return usual_gap_weeks * SPARSE_FACTOR if usual_gap_weeks else None


def branch_lives(
    days_by_series: Mapping[str, Sequence[dt.date]], usual_gap_weeks: float | None
) -> list[BranchLife]:
    """The life of each series (its release days), oldest series first.

    ``usual_gap_weeks``: the project's usual gap between maintenance releases, which
    tells sparse late releases (:func:`sparse_threshold`) from regular ones.
    """
    sparse_weeks = sparse_threshold(usual_gap_weeks)
    order = sorted(days_by_series, key=version_key)
    lives = []
    for i, series in enumerate(order):
        days = sorted(days_by_series[series])
        nxt = next((min(days_by_series[s]) for s in order[i + 1 :] if days_by_series[s]), None)
        tail = _sparse_tail(days, sparse_weeks)
        late = days[tail - 1 :] if tail else []
        lives.append(
            BranchLife(
                series,
                days[0],
                days[-1],
                len(days),
                nxt,
                late[0] if late else None,
                tuple((b - a).days / 7 for a, b in zip(late, late[1:], strict=False)),
            )  # fmt: skip
        )
    return lives


def _sparse_tail(days: Sequence[dt.date], sparse_weeks: float | None) -> int | None:
    """Index of the first release of a branch's sparse tail, or None.

    The tail is where the branch's gaps, from some release on, are (median) at least
    :data:`SPARSE_FACTOR` times its own earlier gaps (at least two of them) and longer
    than ``sparse_weeks``; of several such places, the one with the largest ratio.
    """
    if sparse_weeks is None:
        return None
    gaps = [(b - a).days / 7 for a, b in zip(days, days[1:], strict=False)]
    best, best_ratio = None, SPARSE_FACTOR
    for split in range(2, len(gaps)):
        head, tail = statistics.median(gaps[:split]), statistics.median(gaps[split:])
        ratio = tail / head if head > 0 else math.inf
        if tail > sparse_weeks and ratio >= best_ratio:
            best, best_ratio = split, ratio
    return best + 1 if best is not None else None


@dataclass(frozen=True, slots=True)
class SupportFit:
    """The maintenance model the lives suggest, with the figures it was chosen from."""

    model: MaintenanceModel
    general_months: int
    security_months: int
    lives: tuple[BranchLife, ...]
    sparse_weeks: float | None
    reasons: tuple[str, ...]

    def apply(self, maintenance: Maintenance) -> Maintenance:
        """``maintenance`` with this model and these months, measured from the branches
        that had maintenance releases."""
        return replace(
            maintenance,
            model=self.model,
            general_months=self.general_months,
            security_months=self.security_months,
            measured_from=sum(1 for b in self.lives if b.releases > 1),
        )


def fit_support(
    lives: Sequence[BranchLife], usual_gap_weeks: float | None, point_gap_weeks: float | None
) -> SupportFit | None:
    """The maintenance model and months that fit the lives; None with fewer than two series
    that had maintenance releases (nothing to measure)."""
    maintained = [b for b in lives if b.releases > 1]
    overlaps = [b.after_next_months for b in maintained if b.after_next_months is not None]
    if len(maintained) < 2 or not overlaps:
        return None
    sparse_weeks = sparse_threshold(usual_gap_weeks)
    overlap = statistics.median(overlaps)
    cycle = months(point_gap_weeks * 7) if point_gap_weeks else None
    if cycle is not None and overlap <= cycle * UNTIL_NEXT_SHARE:
        tail = max(0, math.ceil(overlap))
        return SupportFit(
            MaintenanceModel.UNTIL_NEXT, 0, tail, tuple(lives), sparse_weeks,
            (f"branches {_overlap_text(overlap)} (a point release every {cycle:.1f} "
             f"months): until the next one, then {tail} months security-only",),
        )  # fmt: skip
    longest = max(maintained, key=lambda b: b.lived_months)
    tails = [b for b in maintained if b.dense_until is not None]
    sparse_gaps = [g for b in tails for g in b.sparse_gaps]
    grace = (
        months(statistics.median(sparse_gaps) * 7)
        if sparse_gaps
        else months((usual_gap_weeks or 0) * 7)
    )
    total = math.ceil(longest.lived_months + grace)
    reasons = [
        f"branches {_overlap_text(overlap)}: support windows, not until-next",
        f"longest life {longest.lived_months:.1f} months ({longest.series}) + {grace:.1f} "
        f"months (usual {'sparse ' if sparse_gaps else ''}gap) = {total} months of support",
    ]
    if tails:
        general = min(total, round(statistics.median(b.general_months for b in tails)))
        reasons.append(
            f"late releases turn sparse (gaps over {sparse_weeks:.1f} weeks) after a median "
            f"{general} months ({len(tails)} of {len(maintained)} branches): general support "
            f"{general} months, then {total - general} months security-only"
        )
    else:
        general = total
        reasons.append("no branch's late releases turn sparse: no security-only tail")
    return SupportFit(
        MaintenanceModel.WINDOWS, general, total - general, tuple(lives), sparse_weeks,
        tuple(reasons),
    )  # fmt: skip


def _overlap_text(overlap: float) -> str:
    """How long branches keep releasing after the next series' first release, in words that
    never show a negative duration."""
    if overlap < 0:
        return (
            f"stop releasing a median {-overlap:.1f} months before the next series' first release"
        )
    return f"release for a median {overlap:.1f} months after the next series' first release"
