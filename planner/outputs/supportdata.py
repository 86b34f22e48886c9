"""Support data in the shapes others read: endoflife.date's product front matter and the
CPython devguide's ``release-cycle.json``.

Both are one row per release series (branch) with its first release, its latest release and
its support ends. :func:`series_support` gathers those rows from the session (its train and
the phases of its statuses), so an export says what ``relplan calendar`` and ``relplan
status`` say; the two writers only rename and format.

- endoflife.date (``products/<name>.md``): YAML front matter whose ``releases:`` list holds
  per cycle ``releaseCycle``, ``releaseDate``, ``eoas`` (end of active support: the end of
  bug fixes; the field was called ``support`` before 2023), ``eol`` (end of security fixes),
  ``latest``, ``latestReleaseDate`` and ``lts`` when set. Only released cycles are listed,
  newest first, as the site lists them.
- ``release-cycle.json``: an object keyed by series, newest first, each with ``branch``
  (the main line for the series in development: ``main`` in CPython, ``master`` in Xen),
  ``status`` (``feature``, ``prerelease``, ``bugfix``, ``security``, ``end-of-life``),
  ``first_release`` and ``end_of_life`` (ISO dates), and ``release_manager`` where the plan
  names one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from relplan.planner.domain.ends import held_open_by, known_ends
from relplan.planner.domain.model import Phase, Release, ReleaseKind
from relplan.planner.domain.version import version_key

if TYPE_CHECKING:
    from relplan.planner.usecases.session import Session

__all__ = ["SeriesSupport", "endoflife_front_matter", "release_cycle_json", "series_support"]

_CYCLE_STATUS = {
    Phase.PLANNING: "feature",
    Phase.DEVELOPMENT: "feature",
    Phase.FROZEN: "prerelease",
    Phase.RC: "prerelease",
    Phase.RELEASED: "bugfix",
    Phase.MAINTAINED: "bugfix",
    Phase.SECURITY_ONLY: "security",
    Phase.EOL: "end-of-life",
}
"""The devguide's status of a series, by the phase of its point release. A phase not named
here (a release past its day and not shipped: ``late``) is still a pre-release."""


@dataclass(frozen=True, slots=True)
class SeriesSupport:
    """One release series as support data: what shipped, what is supported until when.

    ``phase`` is the phase of the series' point release as the session's status reports it
    (it carries the branch's support: maintained, security-only, eol). The ends are those
    known on the session's day: while a late release holds general support open,
    ``open_until`` names it and the ends it would have fixed are None. ``lts`` and
    ``release_manager`` are None where the plan does not say.
    """

    series: str
    branch: str
    phase: str
    first_release: dt.date
    shipped: bool
    latest: str | None
    latest_day: dt.date | None
    maintained_until: dt.date | None
    security_until: dt.date | None
    open_until: str | None = None
    lts: bool | None = None
    release_manager: str | None = None


def series_support(session: Session) -> list[SeriesSupport]:
    """Every series on the session's train that has a point release, newest first."""
    train = session.train()
    phases = {s.version: s.phase.value for s in session.statuses()}
    rows = []
    for point in (r for r in train if r.kind is ReleaseKind.POINT):
        shipped = [r for r in train if r.series == point.series and r.shipped]
        latest = max(shipped, key=lambda r: version_key(r.version), default=None)
        maintained_until, security_until = known_ends(point, session.today)
        rows.append(
            SeriesSupport(
                series=point.series,
                branch=point.branch or session.plan.policy.branch_for(point.series),
                phase=phases.get(point.version, Phase.PLANNING.value),
                first_release=point.day,
                shipped=point.shipped,
                latest=latest.version if latest else None,
                latest_day=_shipped_day(latest),
                maintained_until=maintained_until,
                security_until=security_until,
                open_until=held_open_by(point, session.today),
            )
        )
    return sorted(rows, key=lambda s: version_key(s.series), reverse=True)


def _shipped_day(release: Release | None) -> dt.date | None:
    return release.actual if release is not None else None


# -- endoflife.date --------------------------------------------------------------------------


def _yaml_string(text: str) -> str:
    """A YAML double-quoted scalar: JSON's string escapes are YAML's (``\\"``, ``\\\\``,
    ``\\n``, ``\\uXXXX``), so nothing in the text can end the string or start a new key."""
    return json.dumps(text, ensure_ascii=True)


def endoflife_front_matter(rows: Sequence[SeriesSupport], title: str) -> str:
    """The front matter of an endoflife.date product page (``products/<name>.md``) for the
    released series in ``rows``; a series without a support end gets ``eol: false`` (not
    announced), as the site writes it."""
    out = ["---", f"title: {_yaml_string(title)}", "", "releases:"]
    released = [r for r in rows if r.shipped]
    for i, r in enumerate(released):
        if i:
            out.append("")
        out.append(f"  - releaseCycle: {_yaml_string(r.series)}")
        if r.lts is not None:
            out.append(f"    lts: {'true' if r.lts else 'false'}")
        out.append(f"    releaseDate: {r.first_release.isoformat()}")
        out.append(f"    eoas: {_yaml_date(r.maintained_until)}")
        out.append(f"    eol: {_yaml_date(r.security_until or r.maintained_until)}")
        if r.latest is not None and r.latest_day is not None:
            out.append(f"    latest: {_yaml_string(r.latest)}")
            out.append(f"    latestReleaseDate: {r.latest_day.isoformat()}")
    if not released:
        out[-1] = "releases: []"
    out += ["", "---", ""]
    return "\n".join(out)


def _yaml_date(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else "false"


# -- release-cycle.json ---------------------------------------------------------------------


def release_cycle_json(
    rows: Sequence[SeriesSupport], main: str = "main"
) -> dict[str, dict[str, Any]]:
    """The devguide's ``release-cycle.json`` object for ``rows`` (newest first): every
    released series, those stabilizing, and the one in development (the calendar's later
    ones are not named yet: the devguide lists one ``feature`` series, on the main line,
    ``main``: the project's own name for it, such as Xen's ``master``)."""
    out: dict[str, dict[str, Any]] = {}
    statuses = [(r, _cycle_status(r.phase)) for r in rows]
    features = [r.series for r, status in statuses if status == "feature"]
    for r, status in statuses:
        if status == "feature" and r.series != features[-1]:
            continue  # oldest first: features[-1] is the next one
        entry: dict[str, Any] = {
            "branch": main if status == "feature" else r.branch,
            "status": status,
            "first_release": r.first_release.isoformat(),
            "end_of_life": _iso(r.security_until or r.maintained_until),
        }
        if r.release_manager:
            entry["release_manager"] = r.release_manager
        out[r.series] = entry
    return out


def _cycle_status(phase: str) -> str:
    """The devguide's status for a phase; a phase it has no word for (``late``: past its day,
    not shipped) is a pre-release."""
    try:
        return _CYCLE_STATUS[Phase(phase)]
    except (ValueError, KeyError):
        return "prerelease"


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None
