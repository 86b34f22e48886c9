"""Exporting the plan: one registry of formats that both faces use.

``relplan export --format NAME`` renders :data:`FORMATS` by name; the dashboard's ``e``
picks the format by the extension of the path typed (:func:`format_for_path`). Both write
the release plan itself, laid onto the train: never git's backport states or its ``git#``
items, which are evidence read at run time, not plan (the JSON export is the exception:
it is the plan as every status counts it, git joined, and says so).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from relplan.planner.domain.errors import PlanError, Problem

if TYPE_CHECKING:
    from relplan.planner.domain.window import Window
    from relplan.planner.usecases.session import Session


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """One export format: its name (``--format``), the file extensions that pick it, what
    it writes, and how."""

    name: str
    suffixes: tuple[str, ...]
    description: str
    render: Callable[[Session], bytes]


# The renderers import what they write with when they run: every command's parser reads
# FORMATS, and the writers (the JSON contracts, the plan history, icalendar) cost start-up.


def _toml(session: Session) -> bytes:
    return session.export_toml().encode("utf-8")


def _json(session: Session) -> bytes:
    import json  # start-up: ~1.5 ms the dashboard's first frame does not need

    from relplan.planner.outputs.contracts import export_json  # start-up cost

    return (json.dumps(export_json(session), indent=2) + "\n").encode("utf-8")


def _endoflife(session: Session) -> bytes:
    from relplan.planner.outputs import supportdata  # start-up cost

    rows = supportdata.series_support(session)
    return supportdata.endoflife_front_matter(rows, session.plan.name).encode("utf-8")


def _release_cycle(session: Session) -> bytes:
    import json  # start-up: as in _json

    from relplan.planner.outputs import supportdata  # start-up cost

    rows = supportdata.series_support(session)
    cycles = supportdata.release_cycle_json(rows, _main_line(session))
    return (json.dumps(cycles, indent=2) + "\n").encode("utf-8")


def _main_line(session: Session) -> str:
    """The main line's branch name: the linked repository's (``[git] repo``, the config's
    ``upstream`` first), else ``main``."""
    git = session.config.git
    repo = session.git_repo()
    if repo is None:
        return git.upstream or "main"
    from relplan.planner.git.upstream import main_line_name  # start-up: git only when linked

    return main_line_name(repo, git.upstream, git.branch_pattern)


def _ics(session: Session) -> bytes:
    return calendar_feed(session)


def calendar_feed(session: Session, window: Window | None = None) -> bytes:
    """The calendar feed (iCalendar), limited to a ``window`` when given (``export --format
    ics --since/--until/--current``; :class:`relplan.planner.domain.window.Window`)."""
    from relplan.planner.outputs.ics import calendar_ics  # start-up cost
    from relplan.planner.store.planhistory import read_history  # start-up cost

    return calendar_ics(session, read_history(session.path, items=False), window)


#: Every export format, the default first.
FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("toml", (".toml",), "the release plan, laid onto the train", _toml),
        ExportFormat(
            "json", (".json",), "plan, policy, releases and items (git's states joined)", _json
        ),
        ExportFormat("ics", (".ics", ".ical"), "the calendar feed (iCalendar)", _ics),
        ExportFormat(
            "endoflife",
            (".md",),
            "endoflife.date product front matter (support per series)",
            _endoflife,
        ),
        ExportFormat(
            "release-cycle", (), "the CPython devguide's release-cycle.json", _release_cycle
        ),
    )
}


def export(session: Session, name: str) -> bytes:
    """The plan in the format ``name`` (a key of :data:`FORMATS`)."""
    return FORMATS[name].render(session)


def format_for_path(path: Path) -> ExportFormat:
    """The format a path's extension names (no extension: the default, TOML); a PlanError
    naming the known extensions for any other."""
    suffix = path.suffix.lower()
    if not suffix:
        return FORMATS["toml"]
    for fmt in FORMATS.values():
        if suffix in fmt.suffixes:
            return fmt
    known = ", ".join(s for f in FORMATS.values() for s in f.suffixes)
    raise PlanError(Problem(f"no export format for {suffix!r}", str(path), hint=f"one of {known}"))
