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
    signal: str | None = None
    apply: str | None = None
    conflicts: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()

    def __reduce__(self) -> tuple[type[BackportRow], tuple[object, ...]]:
        # pickled by its fields (the scan cache): 3x faster to load than the dataclass default
        return (BackportRow, tuple(getattr(self, f) for f in self.__slots__))

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
            "signal": self.signal,
            "security": self.security,
            "apply": self.apply,
            "conflicts": list(self.conflicts),
            "needs": list(self.needs),
        }

    @property
    def apply_text(self) -> str:
        """``clean``, ``conflict: a.c, b.c``, ``needs 2: abc123456789, ...``, ``applied``, or
        ``""`` when not computed (a row that is not missing)."""
        if self.apply == "conflict" and self.conflicts:
            return "conflict: " + ", ".join(self.conflicts)
        if self.apply == "needs":
            return f"needs {len(self.needs)}: " + ", ".join(s[:12] for s in self.needs)
        return self.apply or ""


#: The answers of "will it apply?" (see :mod:`relplan.planner.git.applies`).
APPLY_STATES = ("clean", "conflict", "needs", "applied")


def missing_summary(rows: list[BackportRow]) -> str:
    """``12 missing: 9 clean, 2 conflict, 1 needs 3 prerequisites`` for the missing rows
    among ``rows`` (``0 missing``; without apply answers just the count)."""
    missing = [r for r in rows if r.state.is_pending]
    parts = []
    for state in APPLY_STATES:
        mine = [r for r in missing if r.apply == state]
        if not mine:
            continue
        if state == "needs":
            n = len({s for r in mine for s in r.needs})
            parts.append(f"{len(mine)} needs {n} prerequisite{'s' if n != 1 else ''}")
        elif state == "applied":
            parts.append(f"{len(mine)} already applied")
        else:
            parts.append(f"{len(mine)} {state}")
    unknown = sum(1 for r in missing if r.apply is None)
    if parts and unknown:
        parts.append(f"{unknown} not checked")
    return f"{len(missing)} missing" + (": " + ", ".join(parts) if parts else "")


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
    ``unreadable`` counts commits whose patch could not be read (patch-id skipped);
    ``signals`` counts the done rows per signal (marker, pr-number, patch-id, title);
    ``cached`` is True when the result came from the cache (no branch moved).
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
    signals: dict[str, int] = field(default_factory=dict)
    cached: bool = False

    def missing(self, branch: str) -> list[BackportRow]:
        """Rows of ``branch`` whose fix still has to reach it."""
        return [r for r in self.rows if r.branch == branch and r.state.is_pending]

    def summary(self, branch: str) -> str:
        """:func:`missing_summary` of ``branch``'s rows."""
        return missing_summary([r for r in self.rows if r.branch == branch])


def series_from_branch(name: str, pattern: str | None = None) -> str | None:
    """The series a branch name carries: by ``pattern`` (``stable-{series}``), else its
    last ``X.Y`` (``stable-4.19``, ``linux-5.10.y``, ``3.12``); None without one."""
    found = series_in(pattern, name) if pattern else None
    if found is not None:
        return found
    m = _SERIES.search(name)
    return m.group(1) if m else None
