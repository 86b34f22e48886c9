"""The release calendar as an iCalendar feed (RFC 5545), written with the ``icalendar`` library.

One all-day event per milestone of every release on the calendar: last posting
date, feature freeze, each RC, release day and, for point releases, end of
maintenance and end of security support (:mod:`relplan.planner.domain.schedule`). Days are the
policy's calendar days (``DTSTART;VALUE=DATE``; the feed names the zone in
``X-WR-TIMEZONE``).

A subscribed calendar must update an event rather than add a second one, and
know that it changed:

- ``UID`` is made of the plan's name, the release version and the milestone key
  (``xen-4.0.0-freeze@relplan``): the same for as long as the milestone exists.
- ``SEQUENCE`` counts how many times that milestone's day changed across the plan
  file's committed history in git, plus once more when the plan as loaded
  (uncommitted edits included) differs from the last commit. The history is
  append-only, so the count never goes down, and every export of the same plan
  and day gives the same number. Each version's train is computed on the same
  ``today``, so only edits of the plan count, not the passing of time.
- ``LAST-MODIFIED`` (and ``DTSTAMP``) is the commit time of the version where the
  day last changed (first appeared, if it never did); an uncommitted change is
  dated the start of ``today`` in the policy's zone (or the last commit, if later).

Without git history (the demo, a plan outside a repository) every ``SEQUENCE`` is
0 and both times are the start of ``today``: nothing is known about earlier days.
``CATEGORIES`` is the phase the milestone opens (development, frozen, rc,
released) or closes (maintained, security-only); ``STATUS`` is ``TENTATIVE`` for
days the calendar computed that are still ahead, ``CONFIRMED`` otherwise.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from icalendar import Calendar, Event

from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.errors import PlanError
from relplan.planner.domain.model import Plan, Release
from relplan.planner.domain.schedule import Milestone, RungState, release_schedule, rung_state
from relplan.planner.domain.window import Window
from relplan.planner.outputs.escape import ics_text
from relplan.planner.store.planhistory import PlanHistory, start_of

if TYPE_CHECKING:
    from relplan.planner.usecases.session import Session

PRODID = "-//relplan//release calendar//EN"
Key = tuple[str, str]


def uid(plan_name: str, version: str, milestone: str) -> str:
    """The stable UID of one milestone of one release of a plan."""
    slug = re.sub(r"[^a-z0-9]+", "-", plan_name.casefold()).strip("-") or "plan"
    return f"{slug}-{version}-{milestone}@relplan"


def milestone_days(plan: Plan, train: Sequence[Release]) -> dict[Key, dt.date]:
    """Every milestone's day by (version, key), as the calendar feed lists them."""
    out: dict[Key, dt.date] = {}
    for r in train:
        for m in release_schedule(r, plan.spec(r.version), support=True, policy=plan.policy):
            out[(r.version, m.key)] = m.day
    return out


def revisions(
    history: PlanHistory, current: dict[Key, dt.date], today: dt.date, timezone: str
) -> dict[Key, tuple[int, dt.datetime]]:
    """(SEQUENCE, LAST-MODIFIED) per milestone of ``current`` (see the module docstring)."""
    snapshots: list[tuple[dt.datetime, dict[Key, dt.date]]] = []
    for version in history.versions:
        try:
            train = build_train(version.plan, today)
        except PlanError:
            continue  # a version the calendar cannot compute tells nothing about days
        snapshots.append((version.when, milestone_days(version.plan, train)))
    now = start_of(today, timezone)
    if snapshots:
        now = max(now, snapshots[-1][0])
    snapshots.append((now, current))
    seen: dict[Key, tuple[dt.date, int, dt.datetime]] = {}
    for when, days in snapshots:
        for key, day in days.items():
            known = seen.get(key)
            if known is None:
                seen[key] = (day, 0, when)
            elif known[0] != day:
                seen[key] = (day, known[1] + 1, when)
    return {key: (seen[key][1], seen[key][2]) for key in current}


def calendar_ics(
    session: Session, history: PlanHistory | None = None, window: Window | None = None
) -> bytes:
    """The feed for every release on the session's calendar (see the module docstring);
    with a ``window``, the events of its releases that fall within its dates."""
    plan, today = session.plan, session.today
    timezone = plan.policy.timezone
    train = session.train()
    current = milestone_days(plan, train)
    revised = revisions(history or PlanHistory(), current, today, timezone)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    name = ics_text(plan.name)  # outside text: no control character in any TEXT value
    cal.add("x-wr-calname", f"{name} releases")
    cal.add("x-wr-timezone", ics_text(timezone))
    cal.add("x-wr-caldesc", f"Release milestones of {name}, as planned on {today}")
    events: list[tuple[dt.date, str, str, Milestone, Release]] = []
    within = window or Window()
    for r in within.releases(train, today):
        for m in session.schedule(r.version, support=True):
            if within.holds(m.day):
                events.append((m.day, r.version, m.key, m, r))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    for day, version, key, m, r in events:
        sequence, modified = revised[(version, key)]
        ev = Event()
        ev.add("uid", ics_text(uid(plan.name, version, key)))
        ev.add("dtstamp", modified)
        ev.add("last-modified", modified)
        ev.add("sequence", sequence)
        ev.add("dtstart", day)
        ev.add("dtend", day + dt.timedelta(days=1))
        shown, title = ics_text(version), ics_text(m.title)
        ev.add("summary", f"{name} {shown}: {title}")
        decided = "tentative (computed from the cadence)" if m.tentative else "decided"
        ev.add("description", f"{shown} ({r.kind.value} release): {title}, {decided}.")
        ev.add("categories", [m.phase.value])
        # a computed day stays tentative until it happened (a late release's day too)
        tentative = m.tentative and rung_state(r, m.key, m.day, today).state is not RungState.PASSED
        ev.add("status", "TENTATIVE" if tentative else "CONFIRMED")
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    data: bytes = cal.to_ical()
    return data
