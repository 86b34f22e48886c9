"""What ``init`` and ``status`` say about a repository as a whole: the project's name, whether
its tags show a freeze ladder, and whether the clone looks stale (needs a fetch)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from relplan.planner.domain.model import ReleaseKind
from relplan.planner.domain.version import version_key
from relplan.planner.git.history import RECENT, History, release_tags
from relplan.planner.git.repo import Repo

STALE_FACTOR = 2.0
"""A repository whose newest release tag is older than this many point-release gaps (the
measured cadence) is probably a clone nobody fetched lately."""
LADDER_SHARE = 0.5
"""Tags show a freeze ladder when at least this share of the newest point releases have
pre-release (beta or RC) tags."""
_GENERIC = {"repo", "repository", "git", ".git", "src", "source", "mirror", "clone", ""}


def project_name(repo: Repo) -> str:
    """The project's name: the last part of the ``origin`` remote's URL (``…/xen.git`` ->
    ``xen``), else the repository's folder name; never a generic folder name such as
    ``repo`` (a bare clone's folder): then the folder above it."""
    url = (repo.try_git(["config", "--get", "remote.origin.url"]) or "").strip()
    if url:
        name = re.split(r"[/:]", url.rstrip("/"))[-1].removesuffix(".git")
        if name.lower() not in _GENERIC:
            return name
    path = repo.path.resolve()
    for part in (path, *path.parents):
        name = part.name.removesuffix(".git")
        if name.lower() not in _GENERIC:
            return name
    return "project"


def shows_freeze(history: History) -> bool:
    """True when most of the newest point releases were preceded by beta or RC tags (a
    project that tags none, such as pytest, has no freeze to suggest a ladder for)."""
    points = [r for r in history.shipped if r.kind is ReleaseKind.POINT][-RECENT:]
    if not points:
        return False
    with_pre = sum(1 for r in points if r.rcs or r.betas)
    return with_pre / len(points) >= LADDER_SHARE


@dataclass(frozen=True, slots=True)
class Staleness:
    """The newest release tag, how old it is, and the cadence it is measured against."""

    newest: dt.date
    tag: str
    age_days: int
    cadence_weeks: float

    def __str__(self) -> str:
        return (
            f"the newest release tag ({self.tag}, {self.newest}) is {self.age_days} days old, "
            f"more than {STALE_FACTOR:g} times the usual {self.cadence_weeks:.0f} weeks between "
            "point releases: the clone may need a `git fetch --tags`"
        )


def newest_release_tag(releases: Iterable[tuple[dt.date, str, str]]) -> tuple[dt.date, str] | None:
    """The newest of ``(day, version, tag)`` final releases as ``(day, tag)``: the latest
    day, on one day the higher version; None for none. ``init`` (from the history it read)
    and ``status`` (from :func:`relplan.planner.git.history.release_tags`) both name this
    one: a release tag, never an RC or beta (an RC newer than it is not a release)."""
    newest = max(releases, key=lambda r: (r[0], version_key(r[1])), default=None)
    return (newest[0], newest[2]) if newest is not None else None


def _staleness(
    newest: tuple[dt.date, str] | None, cadence_weeks: float, today: dt.date
) -> Staleness | None:
    """A :class:`Staleness` when ``newest`` is older than :data:`STALE_FACTOR` point-release
    gaps of ``cadence_weeks`` on ``today``."""
    if newest is None or cadence_weeks <= 0:
        return None
    day, tag = newest
    age = (today - day).days
    if age <= STALE_FACTOR * cadence_weeks * 7:
        return None
    return Staleness(day, tag, age, cadence_weeks)


def stale_tags(history: History, today: dt.date) -> Staleness | None:
    """A :class:`Staleness` when the newest shipped release is older than
    :data:`STALE_FACTOR` times the measured point-release gap on ``today``, else None."""
    if history.point_gaps is None:
        return None
    shipped = ((r.day, r.version, r.tag) for r in history.shipped)
    return _staleness(newest_release_tag(shipped), history.point_gaps.median, today)


def stale_repo(
    repo: Repo, cadence_weeks: float, today: dt.date, timezone: str = "UTC"
) -> Staleness | None:
    """:func:`stale_tags` for a plan's repository without reading its history: the newest
    release tag (one ``for-each-ref``) against the plan's cadence (weeks between point
    releases)."""
    if cadence_weeks <= 0:
        return None
    return _staleness(
        newest_release_tag(release_tags(repo, timezone=timezone)), cadence_weeks, today
    )
