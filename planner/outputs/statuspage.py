"""The status page: the plan as one self-contained HTML file for a project's website.

``relplan report --kind status --format html`` writes it: the next releases with their stage
and countdown, go/no-go and the reasons, the timeline as inline SVG, the branches with their
support ends, the backports each branch still misses and what is late. With a folder as the
output, one more page per series (its releases, their schedules, its items) beside
``index.html``.

Every fact is a session query, the ones ``relplan status`` and the dashboard use
(:meth:`~relplan.planner.usecases.session.Session.window_statuses`, ``maintained_branches``,
``schedule``, :func:`~relplan.planner.domain.rules.missing_backports`, the support rows of
:mod:`relplan.planner.outputs.supportdata`); nothing is recomputed here. Every outside text
goes through :func:`~relplan.planner.outputs.html.escape_html` (the element helpers do it).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from relplan.planner.domain.model import ReleaseKind, natural_key, owners_of
from relplan.planner.domain.rules import missing_backports
from relplan.planner.domain.schedule import Milestone, RungState, rung_state
from relplan.planner.outputs.html import Cell, Markup, bullets, element, page, table
from relplan.planner.outputs.report import in_days, release_items
from relplan.planner.outputs.supportdata import SeriesSupport, series_support
from relplan.planner.outputs.timeline import Bar, timeline_svg

if TYPE_CHECKING:
    from relplan.planner.domain.rules import Branch
    from relplan.planner.domain.status import ReleaseStatus
    from relplan.planner.usecases.session import Session

__all__ = ["series_file", "site_pages", "status_page"]

INDEX = "index.html"


def series_file(series: str) -> str:
    """The file name of a series' page (``series-4.0.html``); anything but letters, digits,
    dots and dashes in a series name becomes ``_`` (it names a file)."""
    return f"series-{re.sub(r'[^A-Za-z0-9.-]', '_', series)}.html"


def status_page(session: Session, *, links: bool = False) -> str:
    """The whole status page; ``links``: series names link to their pages (folder form)."""
    statuses = session.window_statuses()
    rows = series_support(session)
    title = f"{session.plan.name}: release status"
    body: list[Cell] = [
        element("h1", title),
        element("p", f"As of {session.today.isoformat()}.", class_="asof"),
        element("h2", "Next releases"),
        _status_table(session, statuses, links),
        element("h2", "Go / no-go"),
        _verdicts(statuses),
        element("h2", "Timeline"),
        _timeline(session, rows, statuses),
        element("h2", "Branches"),
        _branches_table(session, rows, links),
        element("h2", "Backports still missing"),
        *_missing(session, session.maintained_branches()),
        element("h2", "Late"),
        _late(session, statuses),
        *_conflicts(session),
    ]
    return page(title, element("main", *body))


def site_pages(session: Session) -> dict[str, str]:
    """The folder form: ``index.html`` (linking to each series) and one page per series
    shown there, by file name."""
    pages = {INDEX: status_page(session, links=True)}
    shown = {s.version for s in session.window_statuses()}
    series = {r.series for r in session.train() if r.version in shown}
    series |= set(session.maintained_series())
    for name in sorted(series):
        pages[series_file(name)] = series_page(session, name)
    return pages


def series_page(session: Session, series: str) -> str:
    """One series: its releases on the train with their status and schedule, the items
    they hold, and the backports its branch still misses."""
    releases = [r for r in session.train() if r.series == series]
    versions = {r.version for r in releases}
    statuses = [s for s in session.statuses() if s.version in versions]
    title = f"{session.plan.name} {series}"
    body: list[Cell] = [
        element("p", element("a", "All releases", href=INDEX), class_="asof"),
        element("h1", title),
        element("p", f"As of {session.today.isoformat()}.", class_="asof"),
        _status_table(session, statuses, links=False),
        _verdicts(statuses),
    ]
    for r in releases:
        if r.actual is not None and r.kind is ReleaseKind.MAINTENANCE:
            continue  # a shipped bug-fix release: its day is in the table above
        body += [element("h2", f"{r.version} schedule"), _schedule(session, r.version)]
        body += [element("h3", f"Items of {r.version}"), _items(session, r.version)]
    branches = [b for b in session.maintained_branches() if b.series == series]
    if branches:
        body += [element("h2", "Backports still missing"), *_missing(session, branches)]
    return page(title, element("main", *body))


# -- sections -------------------------------------------------------------------------------


def _series_link(series: str, links: bool) -> Cell:
    return element("a", series, href=series_file(series)) if links else series


def _status_table(session: Session, statuses: Sequence[ReleaseStatus], links: bool) -> Markup:
    series = {r.version: r.series for r in session.train()}
    rows = []
    for s in statuses:
        nxt = ""
        if s.next_milestone and s.next_date is not None and s.days_to_next is not None:
            nxt = f"{s.next_milestone} {s.next_date.isoformat()} ({in_days(s.days_to_next)})"
        stage = f"{s.stage}: {s.accepts.value}" if s.stage and s.accepts else ""
        version: Cell = (
            element("a", s.version, href=series_file(series[s.version])) if links
            else s.version
        )  # fmt: skip
        rows.append((
            version, s.phase.value, stage, nxt, f"{s.items_done}/{s.items_total}",
            str(len(s.blockers_open) or ""), str(len(s.features_open_after_freeze) or ""),
            str(s.backports_pending() or ""), element("span", s.verdict.value,
                                                      class_=f"verdict {s.verdict.value}"),
        ))  # fmt: skip
    headers = ("release", "phase", "stage: accepts", "next", "done", "blockers", "late",
               "backports", "verdict")  # fmt: skip
    return table(headers, rows, class_="status")


def _verdicts(statuses: Sequence[ReleaseStatus]) -> Markup:
    nogo = [s for s in statuses if s.verdict.value == "no-go"]
    rows = [
        Markup(element("strong", f"{s.version} is a no-go") + bullets(s.reasons, "no reason"))
        for s in nogo
    ]
    return bullets(rows, "Every release shown is a go (or shipped).")


def _timeline(
    session: Session, rows: Sequence[SeriesSupport], statuses: Sequence[ReleaseStatus]
) -> Markup:
    shown = {r.series for r in session.train() if r.version in {s.version for s in statuses}}
    shown |= set(session.maintained_series())
    points = {r.series: r for r in session.train() if r.kind is ReleaseKind.POINT}
    bars = [
        Bar(r.series, points[r.series].development_start, r.first_release,
            session.today if r.open_until else r.maintained_until, r.security_until, r.shipped)
        for r in sorted(rows, key=lambda r: r.first_release)
        if r.series in shown
    ]  # fmt: skip
    svg = timeline_svg(bars, session.today, f"{session.plan.name} as of {session.today}")
    legend = element(
        "p",
        *(element("span", word, class_=f"key {cls}") for cls, word in
          (("dev", "development"), ("bugfix", "bug fixes"), ("security", "security fixes"),
           ("today", "today"))),
        class_="legend",
    )  # fmt: skip
    return element("figure", svg, legend)


def _branches_table(session: Session, rows: Sequence[SeriesSupport], links: bool) -> Markup:
    supported = {b.series: b for b in session.maintained_branches()}
    cells = [
        (
            _series_link(r.series, links), supported[r.series].name,
            "security fixes only" if supported[r.series].security_only else "bug fixes",
            r.first_release.isoformat(), r.latest or "",
            f"when {r.open_until} ships" if r.open_until else _day(r.maintained_until),
            _day(r.security_until),
        )
        for r in rows
        if r.series in supported
    ]  # fmt: skip
    headers = ("series", "branch", "takes", "released", "latest", "bug fixes until",
               "security fixes until")  # fmt: skip
    if not cells:
        return element("p", "No branch is maintained today.", class_="none")
    return table(headers, cells, class_="branches")


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else "unknown"


def _missing(session: Session, branches: Sequence[Branch]) -> list[Markup]:
    plan = session.status_plan()
    out = []
    for branch in branches:
        fixes = sorted(missing_backports(plan.items, branch), key=lambda it: natural_key(it.id))
        label = f"{branch.series} ({branch.name})"
        out.append(element("h3", label))
        rows = [
            (it.id, it.title, it.backports[branch.series].value, ", ".join(owners_of(it.owner)))
            for it in fixes
        ]
        out.append(
            table(("item", "title", "backport", "owner"), rows, class_="items") if rows
            else element("p", "Nothing missing.", class_="none")
        )  # fmt: skip
    if not branches:
        out.append(element("p", "No branch is maintained today.", class_="none"))
    return out


def _late(session: Session, statuses: Sequence[ReleaseStatus]) -> Markup:
    """Releases in a ``late`` phase (past their day, not shipped) and the items still open
    after their release's freeze, as the statuses report them."""
    titles = {it.id: it.title for it in session.status_plan().items}
    rows: list[tuple[str, str, str]] = [
        (s.version, "", f"the release is {s.phase.value}: past its day, not shipped")
        for s in statuses
        if s.phase.value == "late"
    ]
    rows += [
        (s.version, f"{item} {titles.get(item, '')}".strip(), "still open after the freeze")
        for s in statuses
        for item in s.features_open_after_freeze
    ]
    if not rows:
        return element("p", "Nothing is late.", class_="none")
    return table(("release", "item", "why"), rows, class_="items")


def _conflicts(session: Session) -> list[Markup]:
    conflicts = session.conflicts()
    if not conflicts:
        return []
    rows = [f"{c.item}: {c.message}" for c in conflicts]
    return [element("h2", "Tracker and git disagree"), bullets(rows, "")]


def _schedule(session: Session, version: str) -> Markup:
    today, release = session.today, session.release(version)

    def state(m: Milestone) -> str:
        rung = rung_state(release, m.key, m.day, today)  # passed only if it happened
        if rung.state is not RungState.AHEAD:
            return rung.words
        return "tentative" if m.tentative else "decided"

    rows = [(m.day.isoformat(), m.title, state(m)) for m in session.schedule(version, support=True)]
    return table(("day", "milestone", "state"), rows, class_="schedule")


def _items(session: Session, version: str) -> Markup:
    items = release_items(session, version)
    rows = [
        (it.id, it.title, it.kind.value, it.state.value, it.prognosis.value if it.prognosis
         else "", "yes" if it.blocker else "", ", ".join(owners_of(it.owner)))
        for it in items
    ]  # fmt: skip
    if not rows:
        return element("p", f"No items target {version}.", class_="none")
    return table(("item", "title", "kind", "state", "prognosis", "blocker", "owner"), rows,
                 class_="items")  # fmt: skip
