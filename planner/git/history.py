"""Release history from a repository's tags, and the cadence it actually kept.

Tags such as ``RELEASE-4.0.0`` (Xen), ``v5.10`` / ``v5.10.3`` (Linux) or
``v3.12.1`` (CPython) become past releases with the day they were tagged;
``-rcN`` tags (``4.0.0-rc1``, ``v5.10-rc1``, ``v3.12.0rc1``) are that release's
candidates. The gaps between point releases, and between maintenance releases
of each branch, give a measured cadence to suggest as the plan's policy.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from planner.errors import Problem, SourceError
from planner.git.repo import Repo
from planner.model import Plan, ReleaseKind, ReleaseSpec, series_of
from planner.policy import Policy
from planner.version import Version, version_key

DEFAULT_TAG_PATTERNS = ("RELEASE-{version}", "v{version}", "{version}")
BRANCH_PATTERNS = (
    "stable-{series}",
    "staging-{series}",
    "release/{series}",
    "release-{series}",
    "linux-{series}.y",
    "stable/{series}",
    "xen-{series}-testing",
    "branch-{series}",
    "{series}",
    "v{series}",
    "{series}.x",
)
_VERSION = r"(?P<version>\d+\.\d+(?:\.\d+)?)(?:-?(?P<pre>rc|a|b|alpha|beta)(?P<n>\d+))?"


@dataclass(frozen=True, slots=True)
class TaggedRelease:
    """A release found in the tags: its version, kind, day, tag, branch and RC days."""

    version: str
    kind: ReleaseKind
    day: dt.date
    tag: str
    branch: str | None = None
    rcs: tuple[dt.date, ...] = ()

    @property
    def series(self) -> str:
        """``"4.0"`` for ``4.0.3``."""
        return series_of(self.version)


@dataclass(frozen=True, slots=True)
class Spread:
    """Median and spread of gaps in weeks (quartiles and extremes); ``count`` gaps."""

    count: int
    median: float
    low: float
    high: float
    minimum: float
    maximum: float

    @classmethod
    def of(cls, weeks: Sequence[float]) -> Spread | None:
        """The spread of ``weeks``, or None without any gap."""
        if not weeks:
            return None
        xs = sorted(weeks)
        q = statistics.quantiles(xs, n=4, method="inclusive") if len(xs) > 1 else [xs[0]] * 3
        return cls(len(xs), statistics.median(xs), q[0], q[2], xs[0], xs[-1])

    def __str__(self) -> str:
        return (
            f"median {self.median:.1f} weeks, middle half {self.low:.1f}-{self.high:.1f}, "
            f"range {self.minimum:.1f}-{self.maximum:.1f} ({self.count} gaps)"
        )


@dataclass(slots=True)
class History:
    """Releases from tags (oldest first), the measured cadence, and the branch naming found."""

    releases: list[TaggedRelease]
    point_gaps: Spread | None
    maintenance_gaps: dict[str, Spread] = field(default_factory=dict)
    all_maintenance_gaps: Spread | None = None
    branch_pattern: str | None = None

    def suggested_policy(self, base: Policy | None = None) -> Policy:
        """``base`` (default policy) with cadence and maintenance rhythm as measured."""
        policy = base or Policy()
        if self.branch_pattern:
            policy = replace(policy, branch_pattern=self.branch_pattern)
        if self.point_gaps:
            g = self.point_gaps
            lo, hi = max(1, math.floor(g.low)), max(1, math.ceil(g.high))
            target = min(max(round(g.median), lo), hi)
            policy = replace(
                policy,
                cadence=replace(policy.cadence, min_weeks=lo, max_weeks=hi, target_weeks=target),
            )
        if self.all_maintenance_gaps:
            every = max(1, round(self.all_maintenance_gaps.median))
            policy = replace(
                policy, maintenance=replace(policy.maintenance, release_every_weeks=every)
            )
        return policy

    def plan(self, name: str, base: Policy | None = None) -> Plan:
        """A plan whose past releases are the tagged ones, with the suggested policy."""
        specs = tuple(
            ReleaseSpec(r.version, r.kind, actual=r.day, branch=r.branch) for r in self.releases
        )
        return Plan(name, self.suggested_policy(base), specs)


def tag_regex(pattern: str) -> re.Pattern[str]:
    """A tag pattern such as ``RELEASE-{version}`` as a regex with version and pre-release."""
    if "{version}" not in pattern:
        raise SourceError(
            Problem(
                f"tag pattern {pattern!r} has no {{version}}",
                field="--tag-pattern",
                hint="for example RELEASE-{version} or v{version}",
            )
        )
    head, _, tail = pattern.partition("{version}")
    return re.compile(re.escape(head) + _VERSION + re.escape(tail))


def history_from_tags(
    repo: Repo, patterns: Sequence[str] = DEFAULT_TAG_PATTERNS, timezone: str = "UTC"
) -> History:
    """Read every release tag (one ``git for-each-ref``) into a history with measured gaps."""
    regexes = [tag_regex(p) for p in patterns]
    zone = ZoneInfo(timezone)
    finals: dict[str, tuple[dt.date, str]] = {}
    rcs: dict[str, list[dt.date]] = {}
    for name, _commit, stamp in repo.tags():
        m = next((m for rx in regexes if (m := rx.fullmatch(name))), None)
        if not m:
            continue
        day = dt.datetime.fromtimestamp(stamp, zone).date()
        version = m.group("version")
        if m.group("pre") == "rc":
            rcs.setdefault(series_of(version), []).append(day)
        elif not m.group("pre") and (version not in finals or day < finals[version][0]):
            finals[version] = (day, name)
    if not finals:
        raise SourceError(
            Problem(
                f"no release tags match {', '.join(patterns)}",
                file=str(repo.path),
                hint="pass --tag-pattern, e.g. RELEASE-{version}",
            )
        )
    existing = {b.removeprefix("origin/") for b in repo.branches()}
    pattern = detect_branch_pattern(sorted(existing), {series_of(v) for v in finals})
    releases = [_release(v, day, tag, pattern, rcs) for v, (day, tag) in finals.items()]
    releases = [r if r.branch in existing else replace(r, branch=None) for r in releases]
    releases.sort(key=lambda r: (r.day, version_key(r.version)))
    return _measure(releases, pattern)


def _release(
    version: str, day: dt.date, tag: str, pattern: str | None, rcs: dict[str, list[dt.date]]
) -> TaggedRelease:
    parsed = Version.parse(version)
    point = parsed.is_series_start()
    kind = ReleaseKind.POINT if point else ReleaseKind.MAINTENANCE
    series = parsed.series()
    branch = pattern.format(series=series) if pattern else None
    candidates = tuple(sorted(d for d in rcs.get(series, []) if d <= day)) if point else ()
    return TaggedRelease(version, kind, day, tag, branch, candidates)


def detect_branch_pattern(branches: Sequence[str], series: set[str]) -> str | None:
    """The naming pattern most of the release series' branches follow, if any."""
    names = {b.removeprefix("origin/") for b in branches}
    best, hits = None, 0
    for pattern in BRANCH_PATTERNS:
        n = sum(1 for s in series if pattern.format(series=s) in names)
        if n > hits:
            best, hits = pattern, n
    return best


def _measure(releases: list[TaggedRelease], pattern: str | None) -> History:
    points = [r for r in releases if r.kind is ReleaseKind.POINT]
    point_weeks = [(b.day - a.day).days / 7 for a, b in zip(points, points[1:], strict=False)]
    per_branch: dict[str, list[float]] = {}
    by_series: dict[str, list[TaggedRelease]] = {}
    for r in releases:
        by_series.setdefault(r.series, []).append(r)
    for series, rs in by_series.items():
        rs.sort(key=lambda r: version_key(r.version))
        gaps = [(b.day - a.day).days / 7 for a, b in zip(rs, rs[1:], strict=False)]
        if gaps:
            per_branch[series] = gaps
    spreads = {s: sp for s, g in per_branch.items() if (sp := Spread.of(g))}
    every = [g for gaps in per_branch.values() for g in gaps]
    return History(releases, Spread.of(point_weeks), spreads, Spread.of(every), pattern)
