"""Release history from a repository's tags, and the cadence and support it actually kept.

The tag scheme is read from the tags present: release tags such as
``RELEASE-4.22.0`` (Xen), ``v6.12`` / ``v6.12.3`` (Linux), ``v3.13.0`` (CPython)
or ``v253`` / ``v253.4`` (systemd, whose single-number releases make ``253.4`` a
maintenance release of series ``253``), under the pattern most release tags
follow; pre-release tags (``4.22.0-rc1``, ``v3.13.0rc1``, ``b2``, ``1.2.3-rc.1``)
under any of the patterns. RC and beta tags become the recorded milestones of the
release they precede; RCs of a release not tagged yet make it an upcoming one.
The gaps between point releases, between maintenance releases of each branch
and between RCs give a measured cadence; how long branches kept releasing gives
the support policy (:mod:`relplan.planner.git.lifetimes`); the branches that exist give
the branch naming pattern.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.errors import Problem, SourceError
from relplan.planner.domain.model import Phase, Plan, ReleaseKind, ReleaseSpec
from relplan.planner.domain.policy import Policy
from relplan.planner.domain.rules import branch_support
from relplan.planner.domain.series import PLACEHOLDER, fill
from relplan.planner.domain.version import SERIES_DEPTH, Version, is_version, version_key
from relplan.planner.git.lifetimes import BranchLife, SupportFit, branch_lives, fit_support
from relplan.planner.git.repo import Repo

DEFAULT_TAG_PATTERNS = (
    "RELEASE-{version}", "release-{version}", "v{version}", "{version}", "release/{version}",
)  # fmt: skip
"""The tag patterns tried when none is given; release tags follow the one most tags match."""
RECENT = 12
"""Cadence and support are measured on the newest this many point releases and branches:
what the project does now, not what it did in its first years."""
WEEKDAY_SHARE, WEEKDAY_LEAD = 0.35, 1.5
"""A weekday is the project's release day when this share of its newest releases land on
it, and this many times as many as on the next most common weekday."""
_BRANCH_NUMBER = re.compile(r"(?<![0-9.])[0-9]+(?:\.[0-9]+)*(?![0-9])")


@dataclass(frozen=True, slots=True)
class TaggedRelease:
    """A release found in the tags: version, kind, series, day, tag, branch, RC and beta days.

    ``shipped`` is False for a release whose pre-releases are tagged but not the release
    itself yet; its ``day`` is then the day of its newest pre-release tag.
    """

    version: str
    kind: ReleaseKind
    series: str
    day: dt.date
    tag: str
    branch: str | None = None
    rcs: tuple[dt.date, ...] = ()
    betas: tuple[dt.date, ...] = ()
    shipped: bool = True


@dataclass(frozen=True, slots=True)
class Spread:
    """Median and spread of gaps (quartiles and extremes); ``count`` gaps."""

    count: int
    median: float
    low: float
    high: float
    minimum: float
    maximum: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread | None:
        """The spread of ``values``, or None without any."""
        if not values:
            return None
        xs = sorted(values)
        q = statistics.quantiles(xs, n=4, method="inclusive") if len(xs) > 1 else [xs[0]] * 3
        return cls(len(xs), statistics.median(xs), q[0], q[2], xs[0], xs[-1])

    def __str__(self) -> str:
        return self.text("weeks")

    def text(self, unit: str) -> str:
        """``median 11.0 weeks, middle half 10.0-12.0, range 9.0-20.0 (4 gaps)``."""
        return (
            f"median {self.median:.1f} {unit}, middle half {self.low:.1f}-{self.high:.1f}, "
            f"range {self.minimum:.1f}-{self.maximum:.1f} ({self.count} gaps)"
        )


@dataclass(frozen=True, slots=True)
class TagScheme:
    """How the project tags: the release tag pattern(s), the pre-release ones, the series depth."""

    release_patterns: tuple[str, ...]
    prerelease_patterns: tuple[str, ...]
    depth: int
    tags_read: int
    release_tags: int
    prerelease_tags: int
    alphas: int = 0
    ignored: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line: ``RELEASE-{version} (153 tags), pre-releases {version} (201), series X.Y``."""
        pre = ", ".join(self.prerelease_patterns) or "none"
        series = "X (253.4 is a maintenance release of 253)" if self.depth == 1 else "X.Y"
        return (
            f"releases {', '.join(self.release_patterns)} ({self.release_tags} tags), "
            f"pre-releases {pre} ({self.prerelease_tags}), series {series}"
        )


@dataclass(slots=True)
class History:
    """Releases from tags (oldest first), the measured cadence and support, the branch naming."""

    releases: list[TaggedRelease]
    point_gaps: Spread | None
    maintenance_gaps: dict[str, Spread] = field(default_factory=dict)
    all_maintenance_gaps: Spread | None = None
    branch_pattern: str | None = None
    scheme: TagScheme | None = None
    rc_lead: Spread | None = None  # weeks from the first RC to the release
    rc_every: Spread | None = None  # days between RCs
    lives: list[BranchLife] = field(default_factory=list)
    support: SupportFit | None = None
    abandoned: dict[str, int] = field(default_factory=dict)  # RC-only version -> tags
    orphans: list[str] = field(default_factory=list)  # maintenance tags without a point release

    @property
    def shipped(self) -> list[TaggedRelease]:
        """The releases that were tagged (not only their pre-releases)."""
        return [r for r in self.releases if r.shipped]

    def usual_weekday(self) -> int | None:
        """The weekday (0 Monday) the newest releases land on, when one clearly leads: at
        least :data:`WEEKDAY_SHARE` of them and :data:`WEEKDAY_LEAD` times the next weekday
        (Xen: Tuesday; ansible: Monday; pytest, any day: None)."""
        days = Counter(r.day.weekday() for r in self.shipped[-RECENT * 4 :])
        ranked = days.most_common(2) + [(None, 0)]
        (best, n), (_, second) = ranked[0], ranked[1]
        total = sum(days.values())
        if best is None or total < 4 or n < WEEKDAY_SHARE * total or n < WEEKDAY_LEAD * second:
            return None
        return int(best)

    def suggested_policy(self, base: Policy | None = None) -> Policy:
        """``base`` (default policy) with cadence, RC rhythm, support and branch naming as
        measured."""
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
        if (weekday := self.usual_weekday()) is not None:
            policy = replace(policy, cadence=replace(policy.cadence, weekday=weekday))
        if self.rc_lead and self.rc_every:
            st = policy.stabilization
            every = max(1, round(self.rc_every.median))
            freeze = max(1, math.ceil(self.rc_lead.median + st.rc1_after_days / 7))
            policy = replace(
                policy, stabilization=replace(st, freeze_weeks=freeze, rc_every_days=every)
            )
        maintenance = policy.maintenance
        if self.all_maintenance_gaps:
            every = max(1, round(self.all_maintenance_gaps.median))
            maintenance = replace(maintenance, release_every_weeks=every)
        if self.support:
            maintenance = self.support.apply(maintenance)
        return replace(policy, maintenance=maintenance)

    def plan(self, name: str, base: Policy | None = None) -> Plan:
        """A plan whose releases are the tagged ones (shipped on their tag's day, with their
        RC and beta days recorded), upcoming ones from RC tags, and the suggested policy."""
        policy = self.suggested_policy(base)
        specs = []
        for r in self.releases:
            if not r.shipped and r.kind is ReleaseKind.MAINTENANCE:
                if policy.maintenance.release_every_weeks is None:
                    continue  # no rhythm to place it on; it is listed in the report
            # The branch is the policy's pattern (``branch_pattern``): not an input.
            specs.append(
                ReleaseSpec(
                    r.version,
                    r.kind,
                    actual=r.day if r.shipped else None,
                    actual_rcs=r.rcs,
                    actual_betas=r.betas,
                )  # fmt: skip
            )
        return Plan(name, policy, tuple(specs))


def tag_regex(pattern: str) -> re.Pattern[str]:
    """A tag pattern such as ``RELEASE-{version}`` as a regex whose ``version`` group holds
    the version and any pre-release (``4.0.0-rc1``); check it with :func:`is_version`."""
    if "{version}" not in pattern:
        raise SourceError(
            Problem(
                f"tag pattern {pattern!r} has no {{version}}",
                field="--tag-pattern",
                hint="for example RELEASE-{version} or v{version}",
            )
        )
    head, _, tail = pattern.partition("{version}")
    return re.compile(re.escape(head) + r"(?P<version>[0-9][0-9A-Za-z.\-_]*?)" + re.escape(tail))


@dataclass(frozen=True, slots=True)
class _Tag:
    name: str
    version: Version
    day: dt.date
    pattern: str


def _read_tags(
    repo: Repo, patterns: Sequence[str], zone: ZoneInfo
) -> tuple[list[_Tag], list[str], int]:
    """Tags that name a version under one of ``patterns`` (the first that matches), the
    names of the others, and how many tags were read."""
    regexes = [(p, tag_regex(p)) for p in patterns]
    found: list[_Tag] = []
    ignored: list[str] = []
    tags = repo.tags()
    for name, _commit, stamp in tags:
        tag = None
        for pattern, rx in regexes:
            m = rx.fullmatch(name)
            text = packaged_version(m.group("version")) if m else None
            if text and stamp and is_version(text):
                day = dt.datetime.fromtimestamp(stamp, zone).date()
                tag = _Tag(name, Version.parse(text), day, pattern)
                break
        if tag is None:
            ignored.append(name)
        else:
            found.append(tag)
    return found, ignored, len(tags)


def release_tags(
    repo: Repo, patterns: Sequence[str] | None = None, timezone: str = "UTC"
) -> list[tuple[dt.date, str, str]]:
    """Every final release tag (no beta, RC or other tag) as ``(day, version, name)``: the
    tags under the release tag pattern (``patterns``, else the one most release tags
    follow), read as :func:`history_from_tags` reads them (one ``for-each-ref``)."""
    tried = list(dict.fromkeys([*(patterns or ()), *DEFAULT_TAG_PATTERNS]))
    tags, _, _ = _read_tags(repo, tried, ZoneInfo(timezone))
    chosen, _ = detect_tag_scheme(tags, patterns)
    return [
        (t.day, str(t.version), t.name)
        for t in tags
        if t.pattern in chosen and not t.version.is_prerelease
    ]


_PACKAGED = re.compile(r"(?P<version>[0-9]+(?:\.[0-9]+)+)-(?P<build>[1-9][0-9]*)")
_PACKAGED_PRE = re.compile(
    r"(?P<version>[0-9]+(?:\.[0-9]+)+)-0\.[0-9]+\.(?P<pre>(?:alpha|beta|rc)[0-9]+)"
)


def packaged_version(text: str) -> str:
    """The version of a tag in the packaging form ansible used until 2.4 (an RPM release
    after the dash): ``2.0.0-1`` / ``2.0.0.0-1`` are the releases ``2.0.0`` / ``2.0.0.0``,
    ``2.0.0-0.5.beta3`` is ``2.0.0-beta3``; any other text is returned as it is."""
    if m := _PACKAGED.fullmatch(text):
        return m.group("version")
    if m := _PACKAGED_PRE.fullmatch(text):
        return f"{m.group('version')}-{m.group('pre')}"
    return text


def _numbers(version: Version) -> tuple[int, ...]:
    """The release numbers without trailing zeros: ``4.12`` and ``4.12.0`` are one release."""
    numbers = version.release
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers = numbers[:-1]
    return numbers


def _series_depth(finals: Iterable[Version]) -> int:
    """1 when the project still releases single numbers (systemd ``v256`` after ``v255.13``),
    else 2; a stray old ``v1`` among ``3.x`` releases does not count."""
    versions = list(finals)
    singles = [v.major for v in versions if len(v.release) == 1]
    newest = max((v.major for v in versions), default=0)
    return 1 if singles and max(singles) >= newest else SERIES_DEPTH


def detect_tag_scheme(
    tags: Sequence[_Tag], given: Sequence[str] | None
) -> tuple[tuple[str, ...], int]:
    """The release tag patterns (``given``, else the one most release tags follow) and the
    series depth."""
    counts: dict[str, int] = {}
    for t in tags:
        if not t.version.is_prerelease:
            counts[t.pattern] = counts.get(t.pattern, 0) + 1
    if given:
        chosen = tuple(given)
    else:
        order = list(DEFAULT_TAG_PATTERNS)
        best = max(counts, key=lambda p: (counts[p], -order.index(p)), default=None)
        chosen = (best,) if best else ()
    finals = [t.version for t in tags if t.pattern in chosen and not t.version.is_prerelease]
    return chosen, _series_depth(finals)


def history_from_tags(
    repo: Repo, patterns: Sequence[str] | None = None, timezone: str = "UTC"
) -> History:
    """Read every release tag (one ``git for-each-ref``) into a history with measured
    cadence and support. ``patterns`` overrides the release tag pattern detected."""
    tried = list(dict.fromkeys([*(patterns or ()), *DEFAULT_TAG_PATTERNS]))
    tags, ignored, read = _read_tags(repo, tried, ZoneInfo(timezone))
    chosen, depth = detect_tag_scheme(tags, patterns)
    finals: dict[tuple[int, ...], _Tag] = {}
    pres: dict[tuple[int, ...], list[_Tag]] = {}
    for t in tags:
        key = _numbers(t.version)
        if t.version.is_prerelease:
            pres.setdefault(key, []).append(t)
        elif t.pattern in chosen and (key not in finals or t.day < finals[key].day):
            finals[key] = t
    if not finals:
        raise SourceError(
            Problem(
                f"no release tags match {', '.join(patterns or DEFAULT_TAG_PATTERNS)}",
                file=str(repo.path),
                hint="pass --tag-pattern, e.g. RELEASE-{version}",
            )
        )
    releases = [_release(t, pres.get(k, []), depth) for k, t in finals.items()]
    points = {r.series for r in releases if r.kind is ReleaseKind.POINT}
    orphans = sorted((r.version for r in releases if r.series not in points), key=version_key)
    releases = [r for r in releases if r.series in points]
    if not releases:
        raise SourceError(
            Problem(
                f"release tags {', '.join(orphans[:3])} ... are all maintenance releases",
                file=str(repo.path),
                hint="a plan starts at a point release (X.Y.0 or X); pass --tag-pattern",
            )
        )
    upcoming, abandoned = _upcoming(pres, finals, releases, depth)
    existing = {b.removeprefix("origin/") for b in repo.branches()}
    all_series = {r.series for r in releases}
    pattern = detect_branch_pattern(sorted(existing), all_series)
    releases = [_with_branch(r, pattern, existing) for r in releases + upcoming]
    releases.sort(key=lambda r: (not r.shipped, r.day, version_key(r.version)))
    scheme = TagScheme(
        chosen,
        tuple(p for p in tried if any(t.pattern == p and t.version.is_prerelease for t in tags)),
        depth, read, sum(1 for t in tags if t.pattern in chosen and not t.version.is_prerelease),
        sum(len(v) for v in pres.values()),
        sum(1 for v in pres.values() for t in v if t.version.prerelease and
            t.version.prerelease.kind == "alpha"),
        tuple(sorted(ignored) + sorted(t.name for t in tags if t.pattern not in chosen
                                        and not t.version.is_prerelease)),
    )  # fmt: skip
    history = _measure(releases, pattern)
    history.scheme, history.abandoned, history.orphans = scheme, abandoned, orphans
    return history


def branch_states(plan: Plan, today: dt.date) -> dict[str, Phase | None]:
    """How each series' branch is supported on ``today`` under the plan's policy
    (maintained, security-only, or None: end of life or not released yet)."""
    return {
        r.series: branch_support(r, today)
        for r in build_train(plan, today)
        if r.kind is ReleaseKind.POINT and r.shipped
    }


def _release(final: _Tag, pre: list[_Tag], depth: int) -> TaggedRelease:
    version = final.version
    kind = ReleaseKind.POINT if version.is_series_start(depth) else ReleaseKind.MAINTENANCE
    rcs, betas = _milestones(t for t in pre if t.day <= final.day)
    return TaggedRelease(
        version.text, kind, version.series(depth), final.day, final.name, None, rcs, betas
    )


def _milestones(pre: Iterable[_Tag]) -> tuple[tuple[dt.date, ...], tuple[dt.date, ...]]:
    """Days of the RC tags and of the beta (and preview) tags; alphas are not milestones."""
    rcs: list[dt.date] = []
    betas: list[dt.date] = []
    for t in pre:
        kind = t.version.prerelease.kind if t.version.prerelease else None
        if kind == "rc":
            rcs.append(t.day)
        elif kind in ("beta", "preview"):
            betas.append(t.day)
    return tuple(sorted(rcs)), tuple(sorted(betas))


def _upcoming(
    pres: dict[tuple[int, ...], list[_Tag]],
    finals: dict[tuple[int, ...], _Tag],
    releases: list[TaggedRelease],
    depth: int,
) -> tuple[list[TaggedRelease], dict[str, int]]:
    """Releases whose pre-releases are tagged but not themselves: upcoming while no point
    release shipped after their last pre-release and they are newer than every release of
    their series (or, for a point release, every point release); abandoned otherwise."""
    point_days = [r.day for r in releases if r.kind is ReleaseKind.POINT]
    newest: dict[str, Version] = {}
    for r in releases:
        v = Version.parse(r.version)
        newest[r.series] = max(newest.get(r.series, v), v)
    newest_point = max(Version.parse(r.version) for r in releases if r.kind is ReleaseKind.POINT)
    upcoming: list[TaggedRelease] = []
    abandoned: dict[str, int] = {}
    for key, tags in pres.items():
        if key in finals:
            continue
        version = tags[0].version.final
        last = max(t.day for t in tags)
        series = version.series(depth)
        point = version.is_series_start(depth)
        ahead = version > newest_point if point else series in newest and version > newest[series]
        if ahead and not any(day > last for day in point_days):
            kind = ReleaseKind.POINT if point else ReleaseKind.MAINTENANCE
            newest_tag = max(tags, key=lambda t: t.day).name
            rcs, betas = _milestones(tags)
            upcoming.append(
                TaggedRelease(version.text, kind, series, last, newest_tag, None, rcs, betas, False)
            )
        else:
            abandoned[version.text] = len(tags)
    return upcoming, abandoned


def _with_branch(r: TaggedRelease, pattern: str | None, existing: set[str]) -> TaggedRelease:
    name = fill(pattern, r.series) if pattern else None
    return replace(r, branch=name if name in existing else None)


def detect_branch_pattern(branches: Sequence[str], series: Iterable[str]) -> str | None:
    """The naming pattern of the release branches that exist: each branch naming a known
    series as a number of its own (``stable-4.22``, ``stable/6.12``, ``v253-stable``,
    ``3.13``, ``release-1.30``, ``linux-6.12.y``) votes for its name with ``{series}``
    in place; the pattern naming most series wins, a stable branch before a staging one."""
    known = set(series)
    votes: dict[str, set[str]] = {}
    for name in {b.removeprefix("origin/") for b in branches}:
        for m in _BRANCH_NUMBER.finditer(name):
            if m.group() in known:
                pattern = name[: m.start()] + PLACEHOLDER + name[m.end() :]
                votes.setdefault(pattern, set()).add(m.group())
    if not votes:
        return None

    def rank(pattern: str) -> tuple[int, bool, bool, str]:
        return (-len(votes[pattern]), "stable" not in pattern, "staging" in pattern, pattern)

    return min(votes, key=rank)


def _gaps(releases: Sequence[TaggedRelease]) -> list[float]:
    """Weeks between consecutive releases (in version order)."""
    return [(b.day - a.day).days / 7 for a, b in zip(releases, releases[1:], strict=False)]


def _measure(releases: list[TaggedRelease], pattern: str | None) -> History:
    shipped = [r for r in releases if r.shipped]
    points = [r for r in shipped if r.kind is ReleaseKind.POINT]
    recent = points[-RECENT - 1 :]
    point_weeks = [(b.day - a.day).days / 7 for a, b in zip(recent, recent[1:], strict=False)]
    by_series: dict[str, list[TaggedRelease]] = {}
    for r in shipped:
        by_series.setdefault(r.series, []).append(r)
    spreads: dict[str, Spread] = {}
    for series, rs in by_series.items():
        rs.sort(key=lambda r: version_key(r.version))
        gaps = [(b.day - a.day).days / 7 for a, b in zip(rs, rs[1:], strict=False)]
        if (spread := Spread.of(gaps)) is not None:
            spreads[series] = spread
    branches = sorted((s for s in by_series if s in spreads), key=version_key)[-RECENT:]
    every = [g for s in branches for g in _gaps(by_series[s])]
    lead = [(r.day - r.rcs[0]).days / 7 for r in recent if r.rcs]
    rc_days = [(b - a).days for r in recent for a, b in zip(r.rcs, r.rcs[1:], strict=False)]
    all_gaps, point_gaps = Spread.of(every), Spread.of(point_weeks)
    usual = all_gaps.median if all_gaps else None
    lives = branch_lives({s: [r.day for r in rs] for s, rs in by_series.items()}, usual)
    measured = [b for b in lives if b.series in branches]
    support = fit_support(measured, usual, point_gaps.median if point_gaps else None)
    return History(
        releases, point_gaps, spreads, all_gaps, pattern, None, Spread.of(lead),
        Spread.of(rc_days), lives, support,
    )  # fmt: skip
