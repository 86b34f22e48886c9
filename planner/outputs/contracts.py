"""The JSON contracts of the command line, in one place.

Scripts and CI pipelines read these shapes; the README documents them and
tests pin them. Every ``--format json`` output is built here (the plan's own
JSON export shares its field names with the TOML plan file, see
:func:`relplan.planner.store.planfile.plan_to_json`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from relplan.planner.domain.calendar import UNSCHEDULED, phase_on, unscheduled
from relplan.planner.domain.stages import ladder
from relplan.planner.domain.window import Window
from relplan.planner.store.planfile import plan_to_json
from relplan.planner.store.tables import release_to_json

if TYPE_CHECKING:
    from relplan.planner.domain.status import ReleaseStatus, UnscheduledStatus
    from relplan.planner.git.join import Conflict
    from relplan.planner.usecases.session import Session

__all__ = [
    "calendar_json",
    "conflict_json",
    "export_json",
    "status_json",
    "unscheduled_json",
]


def status_json(s: ReleaseStatus, conflicts: Sequence[Conflict] = ()) -> dict[str, Any]:
    """One release of ``relplan status --format json``; ``conflicts`` are the tracker-vs-git
    conflicts of the whole plan (those on the branches this release covers are listed)."""
    return {
        "version": s.version,
        "kind": s.kind.value,
        "phase": s.phase.value,
        "next_milestone": s.next_milestone,
        "next_date": s.next_date.isoformat() if s.next_date else None,
        "days_to_next": s.days_to_next,
        "items_total": s.items_total,
        "items_done": s.items_done,
        "open_by_kind": s.open_by_kind,
        "blockers_open": len(s.blockers_open),
        "blockers": s.blockers_open,
        "features_open_after_freeze": s.features_open_after_freeze,
        "at_risk": s.at_risk,
        "backports": s.backport_totals(),
        "backports_by_branch": s.backports,
        "backport_conflicts": [
            f"{c.item}: {c.message}" for c in conflicts if c.series in s.backports
        ],
        "verdict": s.verdict.value,
        "reasons": s.reasons,
        "owners": s.owners,
        "over_capacity": s.over_capacity,
        "stage": s.stage,
        "accepts": s.accepts.value if s.accepts else None,
        "days_late": s.days_late,
        "maintained_until": _iso(s.maintained_until),
        "maintained_until_source": s.maintained_source.value if s.maintained_source else None,
        "security_until": _iso(s.security_until),
        "security_until_source": s.security_source.value if s.security_source else None,
    }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def unscheduled_json(u: UnscheduledStatus) -> dict[str, Any]:
    """An unscheduled release in ``relplan status --format json``: the keys of
    :func:`status_json`, phase and verdict ``unscheduled``, why in ``reasons``."""
    return {
        "version": u.version,
        "kind": u.kind.value,
        "phase": UNSCHEDULED,
        "next_milestone": None,
        "next_date": None,
        "days_to_next": None,
        "items_total": u.items_total,
        "items_done": u.items_done,
        "open_by_kind": u.open_by_kind,
        "blockers_open": len(u.blockers_open),
        "blockers": u.blockers_open,
        "features_open_after_freeze": [],
        "at_risk": {},
        "backports": {},
        "backports_by_branch": {},
        "backport_conflicts": [],
        "verdict": UNSCHEDULED,
        "reasons": [u.reason],
        "stage": None,
        "accepts": None,
        "days_late": None,
        "maintained_until": None,
        "maintained_until_source": None,
        "security_until": None,
        "security_until_source": None,
    }


def calendar_json(
    session: Session, upcoming: int | None = None, window: Window | None = None
) -> list[dict[str, Any]]:
    """``relplan calendar --format json``: every release with every date, its phase and
    its ``stages`` (``[{name, date, accepts, tentative}]``, the release last), then the
    unscheduled ones (phase ``unscheduled``, no dates, no stages). A ``window`` limits the
    releases (:class:`relplan.planner.domain.window.Window`) and leaves out the unscheduled."""
    shown = window or Window()
    specs = {s.version: s for s in session.plan.releases}
    policy = session.plan.policy
    return [
        {
            **release_to_json(r, specs.get(r.version), phase_on(r, session.today).value),
            "stages": [s.to_json() for s in ladder(policy, r, specs.get(r.version))],
        }
        for r in shown.releases(session.train(upcoming), session.today)
    ] + [
        {**release_to_json(None, s, UNSCHEDULED), "stages": []}
        for s in (unscheduled(session.plan, session.train()) if shown.everything else ())
    ]


def conflict_json(c: Conflict) -> dict[str, str | None]:
    """One row of ``relplan backports --conflicts --format json``."""
    values = (c.item, c.series, c.branch, c.tracker, c.git, c.message)
    keys = ("item", "series", "branch", "tracker", "git", "message")
    return {k: (str(v) if v is not None else None) for k, v in zip(keys, values, strict=True)}


def export_json(session: Session) -> dict[str, Any]:
    """``relplan export --format json``: plan, policy, releases, items (laid, git joined)."""
    return plan_to_json(session.status_plan(), session.train(), session.today)
