"""The data a backport scan produces: branch targets, rows with evidence, scan results."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from relplan.planner.domain.model import BackportState
from relplan.planner.domain.series import series_in
from relplan.planner.git.conventions import ConventionUse

_SERIES = re.compile(r"(\d+\.\d+)(?!.*\d+\.\d+)")


@dataclass(frozen=True, slots=True)
class BranchTarget:
    """A stable branch to check, its release series, and whether it takes security fixes only."""

    name: str
    series: str | None = None
    security_only: bool = False


@dataclass(frozen=True, slots=True)
class BackportRow:
    """The state of one upstream fix on one stable branch, with the evidence for it."""

    fix: str
    subject: str
    branch: str
    series: str | None
    state: BackportState
    evidence: str
    pick: str | None = None
    marker: str | None = None
    security: bool = False

    def to_json(self) -> dict[str, object]:
        """The row as the ``relplan backports --format json`` object."""
        return {
            "fix": self.fix,
            "subject": self.subject,
            "branch": self.branch,
            "series": self.series,
            "state": str(self.state),
            "evidence": self.evidence,
            "pick": self.pick,
            "marker": self.marker,
            "security": self.security,
        }


@dataclass(frozen=True, slots=True)
class TrackerRequest:
    """What a tracker says about a fix commit: series -> backport state (from an item)."""

    commit: str
    item: str
    states: Mapping[str, BackportState]


@dataclass(slots=True)
class ScanResult:
    """Every row of a scan plus warnings (for example ``Fixes:`` naming unknown commits).

    ``resolved`` maps tracker-named commits to full ids; ``native`` lists, per such
    commit, the branches that have it in their own history (no backport needed).
    ``upstream_reason`` says why that branch is upstream when the user did not name
    it; ``conventions`` counts the commits each convention's patterns matched;
    ``unreadable`` counts commits whose patch could not be read (patch-id skipped).
    """

    upstream: str
    branches: list[BranchTarget]
    rows: list[BackportRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    resolved: dict[str, str | None] = field(default_factory=dict)
    native: dict[str, set[str]] = field(default_factory=dict)
    upstream_reason: str = ""
    conventions: ConventionUse = field(default_factory=ConventionUse)
    unreadable: int = 0

    def missing(self, branch: str) -> list[BackportRow]:
        """Rows of ``branch`` whose fix still has to reach it."""
        return [r for r in self.rows if r.branch == branch and r.state.is_pending]


def series_from_branch(name: str, pattern: str | None = None) -> str | None:
    """The series a branch name carries: by ``pattern`` (``stable-{series}``), else its
    last ``X.Y`` (``stable-4.19``, ``linux-5.10.y``, ``3.12``); None without one."""
    found = series_in(pattern, name) if pattern else None
    if found is not None:
        return found
    m = _SERIES.search(name)
    return m.group(1) if m else None
