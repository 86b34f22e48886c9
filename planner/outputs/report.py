"""Reports for people outside the terminal: the schedule mail, the development update, a
status page. Pure functions from a :class:`~relplan.planner.usecases.session.Session` to text.

Every fact comes from the session (its train, schedules, statuses with git's
evidence joined in, maintained branches, the rules of :mod:`relplan.planner.domain.rules`), so a
report says what ``relplan status`` and the dashboard say. The layout follows
what release managers mail by hand: Xen's schedule mails (each milestone with
its day, ``PASSED`` for those behind, ``**tentative**`` for days the calendar
computed) and its development updates (``*  <title> (<prognosis>)`` with the
people on the next lines as ``-  Name``, grouped by area).

A report is built as a list of blocks (:class:`Block`) and rendered as plain
text for a mail or as Markdown for a wiki page, so both formats carry the same
facts.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from relplan.planner.domain.model import Item, Kind, Phase, Prognosis, natural_key, owners_of
from relplan.planner.domain.policy import Accepts
from relplan.planner.domain.rules import counts_for_release, missing_backports
from relplan.planner.domain.schedule import Milestone, RungState, rung_state
from relplan.planner.domain.window import Window
from relplan.planner.outputs.escape import Markup, escape_markdown, for_terminal

if TYPE_CHECKING:
    from relplan.planner.domain.model import Release
    from relplan.planner.domain.status import ReleaseStatus
    from relplan.planner.store.planhistory import PlanChange
    from relplan.planner.usecases.session import Session

KINDS = ("schedule", "update", "status")
FORMATS = ("text", "markdown")
DEFAULT_FORMAT = {"schedule": "text", "update": "text", "status": "markdown"}
"""Mails read best as plain text; the status page is a wiki page."""

PROGNOSIS_MEANING = {
    Prognosis.NONE: "nothing yet",
    Prognosis.FAIR: "still working on it, patches are prototypes or RFC",
    Prognosis.OK: "patches posted, acting on review",
    Prognosis.GOOD: "some last-minute pieces",
    Prognosis.DONE: "all done, might have bugs",
}
_KIND_GROUPS = {
    Kind.FEATURE: "Features",
    Kind.BUG: "Bugs",
    Kind.SECURITY: "Security fixes",
    Kind.TASK: "Tasks",
}
_ABOUT = {
    "last-posting": "New features must reach the list by this day to be considered; "
    "they need not be final yet.",
    "freeze": "New features must be committed by this day. Bug fixes only after it.",
    "release": "The release is tagged and announced.",
}
_ACCEPTS_ABOUT = {
    Accepts.FEATURES: "New features may still land.",
    Accepts.FIXES: "New features must be committed by this day. Bug fixes only after it.",
    Accepts.APPROVED_FIXES: "Bug fixes only, each approved by the release manager on the "
    "basis of a risk assessment.",
    Accepts.BLOCKERS: "Fixes for release blockers only: serious bugs, regressions, and "
    "low-risk fixes.",
    Accepts.DOCS: "Documentation and release preparation only.",
    Accepts.NOTHING: "Nothing more lands in this release.",
}
"""What a stage means in a schedule mail, by what it accepts (when that changes)."""
WIDTH = 72


# -- blocks -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Heading:
    """A section heading (level 1 or 2)."""

    text: str
    level: int = 1


@dataclass(frozen=True, slots=True)
class Para:
    """A paragraph, wrapped for a mail."""

    text: str


@dataclass(frozen=True, slots=True)
class Entries:
    """Bulleted entries, each with lines under it (``*  title`` / ``   -  Name``)."""

    rows: tuple[tuple[str, tuple[str, ...]], ...]
    empty: str = "none"
    compact: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """Rows under headers: aligned columns in text, a pipe table in Markdown."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Verbatim:
    """Lines kept as they are (a schedule laid out for a mail)."""

    lines: tuple[str, ...]


Block = Heading | Para | Entries | Table | Verbatim


@dataclass(slots=True)
class Document:
    """A title and its blocks."""

    title: str
    blocks: list[Block] = field(default_factory=list)


def render(doc: Document, fmt: str) -> str:
    """The document as ``text`` (a mail) or ``markdown``; always ends with one newline.

    Every string of every block is outside text until it says otherwise
    (:class:`~relplan.planner.outputs.escape.Markup`): it goes through the output
    guard of the format, so no title can bring a control character, an escape
    sequence, a line of its own or (in Markdown) markup or raw HTML.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    md = fmt == "markdown"
    esc = _escape_md if md else for_terminal
    out = [f"# {esc(doc.title)}" if md else esc(doc.title), ""]
    for block in doc.blocks:
        out.extend(_render_block(block, md, esc))
        out.append("")
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def _escape_md(text: str) -> str:
    return text if isinstance(text, Markup) else escape_markdown(text)


def _render_block(block: Block, md: bool, esc: Callable[[str], str]) -> list[str]:
    if isinstance(block, Heading):
        if md:
            return ["#" * (block.level + 1) + " " + esc(block.text)]
        mark = "=" * block.level
        return [f"{mark} {esc(block.text)} {mark}"]
    if isinstance(block, Para):
        return [esc(block.text)] if md else _wrap(esc(block.text)) or [""]
    if isinstance(block, Entries):
        if not block.rows:
            return [f"_{esc(block.empty)}_" if md else f"  {esc(block.empty)}"]
        lines: list[str] = []
        for main, subs in block.rows:
            lines.append(f"- {esc(main)}" if md else f"*  {esc(main)}")
            lines.extend(f"  - {esc(s)}" if md else f"   -  {esc(s)}" for s in subs)
            if not md and not block.compact:
                lines.append("")
        return lines[:-1] if lines and lines[-1] == "" else lines
    if isinstance(block, Table):
        table = Table(tuple(map(esc, block.headers)), tuple(tuple(map(esc, r)) for r in block.rows))
        return _md_table(table) if md else _text_table(table)
    lines = [for_terminal(line) for line in block.lines]
    if not md:
        return lines
    # a fence longer than any run of backticks inside: no line can close it early
    fence = "`" * max(3, 1 + max((len(r) for ln in lines for r in _TICKS.findall(ln)), default=0))
    return [fence, *lines, fence]


_TICKS = re.compile("`+")


def _text_table(t: Table) -> list[str]:
    cells = [list(t.headers), *(list(r) for r in t.rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(t.headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in cells]  # fmt: skip
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def _md_table(t: Table) -> list[str]:
    def row(cells: Sequence[str]) -> str:  # cells are escaped already (| too)
        return "| " + " | ".join(cells) + " |"

    return [row(t.headers), "|" + "|".join(" --- " for _ in t.headers) + "|",
            *(row(r) for r in t.rows)]  # fmt: skip


# -- words ----------------------------------------------------------------------------------


def long_day(day: dt.date, *, year: bool = True) -> str:
    """A day as a mail says it: ``Tuesday 1st September 2009``."""
    n = day.day
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    text = f"{day:%A} {n}{suffix} {day:%B}"
    return f"{text} {day.year}" if year else text


def span(days: int) -> str:
    """``(2 weeks)``, ``(1 week)``, ``(10 days)``: the gap to the next milestone."""
    if days % 7 == 0:
        weeks = days // 7
        return f"({weeks} week{'s' if weeks != 1 else ''})"
    return f"({days} day{'s' if days != 1 else ''})"


def in_days(days: int) -> str:
    """``today``, ``in 1 day``, ``in 8 days``, ``3 days ago``."""
    if days == 0:
        return "today"
    unit = "day" if abs(days) == 1 else "days"
    return f"in {days} {unit}" if days > 0 else f"{-days} {unit} ago"


def item_line(item: Item) -> str:
    """``<title> [<id>] (<prognosis>)``, without the prognosis when nobody gave one. The
    id is how a reply's line is matched to its item (:mod:`.devupdate`), whatever the
    title says."""
    line = f"{item.title} [{item.id}]"
    return f"{line} ({item.prognosis})" if item.prognosis else line


def _mark(m: Milestone, release: Release, today: dt.date) -> str:
    """``PASSED`` for what happened, ``LATE n days`` for a release day behind us without a
    shipment (``ABANDONED`` once its series ended), else ``**tentative**`` or nothing."""
    rung = rung_state(release, m.key, m.day, today)
    if rung.state is not RungState.AHEAD:
        state, _, days = rung.words.partition(" ")
        return f"{state.upper()} {days}".rstrip()
    return Markup("**tentative**") if m.tentative else ""


# -- schedule -----------------------------------------------------------------------------------


def schedule_lines(
    milestones: Sequence[Milestone], release: Release, today: dt.date, rc_every: int
) -> list[str]:
    """The schedule of ``release`` laid out as in a mail: day, PASSED, LATE or **tentative**
    (:func:`_mark`), the milestone; under the main milestones what they mean and the gap to
    the next milestone."""
    days = [long_day(m.day) for m in milestones]
    width = max((len(d) for d in days), default=0) + 2
    lines: list[str] = []
    for i, (m, day) in enumerate(zip(milestones, days, strict=True)):
        about = _about(m, rc_every, milestones[i - 1] if i else None)
        if lines and lines[-1] != "" and about:
            lines.append("")
        lines.append(f"  {day.ljust(width)}{_mark(m, release, today).ljust(15)}{m.title}".rstrip())
        if not about:
            continue
        lines.append("")
        lines.extend(_wrap(about, "    "))
        if i + 1 < len(milestones):
            lines.append("    " + span((milestones[i + 1].day - m.day).days))
            lines.append("")
    return lines


def _wrap(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(
        text, WIDTH, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
    )


def _about(m: Milestone, rc_every: int, previous: Milestone | None) -> str:
    """What a milestone means: its own words (last posting, freeze, RC1, release), else
    what its stage accepts when that changes from the stage before."""
    if m.key == "rc1" and rc_every:
        return (
            f"The first release candidate; the next ones follow every {rc_every} days "
            "until the release."
        )
    if m.key == "rc1" and (previous is None or previous.accepts is m.accepts):
        return "The release candidate: please test it and report what breaks."
    key = "last-posting" if m.key.startswith("last-posting") else m.key
    if key in _ABOUT:
        return _ABOUT[key]
    if m.accepts is not None and (previous is None or previous.accepts is not m.accepts):
        return _ACCEPTS_ABOUT[m.accepts]
    return ""


def regular_rcs(milestones: Sequence[Milestone]) -> int:
    """Days between release candidates when there are several at one interval, else 0."""
    rcs = [m.day for m in milestones if m.phase is Phase.RC]
    gaps = {(b - a).days for a, b in zip(rcs, rcs[1:], strict=False)}
    return gaps.pop() if len(gaps) == 1 else 0


def schedule_report(session: Session, version: str, fmt: str) -> str:
    """The release schedule of ``version``: every milestone with its day, PASSED or
    tentative, in the layout of a schedule mail (text) or as a table (Markdown)."""
    today = session.today
    milestones = session.schedule(version)
    release = session.release(version)
    doc = Document(f"{session.plan.name} {version} release schedule")
    doc.blocks.append(Para(f"The release schedule of {version}, as of {long_day(today)}:"))
    if fmt == "markdown":
        doc.blocks.append(_timeline(milestones, release, today, fmt))
    else:
        rc_every = regular_rcs(milestones)
        lines = schedule_lines(milestones, release, today, rc_every)
        doc.blocks.append(Verbatim(tuple(lines)))
    states = {rung_state(release, m.key, m.day, today).state for m in milestones}
    late = "; a LATE release is past its day, not shipped." if RungState.LATE in states else "."
    doc.blocks.append(
        Para(
            Markup(
                "Days marked **tentative** are computed from the release cadence and may "
                "still move; the others are decided. PASSED ones are behind us" + late
            )
        )
    )
    return render(doc, fmt)


# -- development update -------------------------------------------------------------------------


def release_items(session: Session, version: str) -> list[Item]:
    """The items of a release as its status counts them (git-joined), ordered for reading:
    priority, then id."""
    items = [it for it in session.status_plan().items if counts_for_release(it, version)]
    return sorted(items, key=lambda it: (it.priority.rank, natural_key(it.id)))


def _entry(item: Item, extra: str = "") -> tuple[str, tuple[str, ...]]:
    return item_line(item) + extra, tuple(owners_of(item.owner))


def _grouped(items: Sequence[Item]) -> list[tuple[str, list[Item]]]:
    areas = sorted({it.area for it in items if it.area}, key=str.casefold)
    groups = [(a, [it for it in items if it.area == a]) for a in areas]
    for kind, name in _KIND_GROUPS.items():
        rest = [it for it in items if not it.area and it.kind is kind]
        if rest:
            groups.append((name, rest))
    return groups


def _headline(s: ReleaseStatus) -> str:
    text = f"{s.version} is {s.phase.value}"
    if s.next_milestone and s.next_date is not None and s.days_to_next is not None:
        text += f"; {s.next_milestone} {in_days(s.days_to_next)} ({long_day(s.next_date)})"
    text += f". {s.items_done} of {s.items_total} items done. Verdict: {s.verdict}"
    return text + (": " + "; ".join(s.reasons) + "." if s.reasons else ".")


def update_report(
    session: Session,
    version: str,
    fmt: str,
    changes: Sequence[PlanChange] | None = None,
    since: dt.date | None = None,
    changes_missing: str | None = None,
) -> str:
    """The development update of ``version``: where it stands, the timeline, each item with
    its prognosis and people grouped by area (else kind), open blockers, features at
    risk, backports still missing per maintained branch, and with ``since`` what changed
    (``changes``; ``changes_missing`` says why they are not known)."""
    status = session.status(version)
    plan = session.status_plan()
    titles = {it.id: it for it in plan.items}
    doc = Document(f"{session.plan.name} {version} development update")
    doc.blocks += [
        Para(f"As of {long_day(session.today)}. {_headline(status)}"),
        Para(
            "Please reply with your lines edited: the prognosis in brackets after the "
            "title, and the people working on the item under it, one per line. Please "
            f"also tell me about regressions, and about work at risk of missing {version}."
        ),
        Heading("Prognosis"),
        Verbatim(tuple(f"  {p.value:<4} - {PROGNOSIS_MEANING[p]}" for p in Prognosis)),
        Heading("Timeline"),
        _timeline(session.schedule(version), session.release(version), session.today, fmt),
        Heading("Items"),
    ]
    items = release_items(session, version)
    for name, group in _grouped(items):
        doc.blocks += [Heading(name, 2), Entries(tuple(_entry(it) for it in group))]
    if not items:
        doc.blocks.append(Entries((), f"no items target {version}"))
    doc.blocks += [
        Heading("Open blockers"),
        Entries(tuple(_entry(titles[i]) for i in status.blockers_open if i in titles)),
        Heading("Features at risk"),
        Entries(tuple(_at_risk(status, titles))),
        Heading("Backports still missing"),
    ]
    branches = session.maintained_branches()
    for branch in branches:
        fixes = sorted(missing_backports(plan.items, branch), key=lambda it: natural_key(it.id))
        only = ", security fixes only" if branch.security_only else ""
        rows = tuple(
            (f"{it.title} [{it.id}]: {it.backports[branch.series].value}",
             tuple(owners_of(it.owner)))
            for it in fixes
        )  # fmt: skip
        label = f"{branch.series} ({branch.name}{only})"
        doc.blocks += [Heading(label, 2), Entries(rows)]
    if not branches:
        doc.blocks.append(Entries((), "no branch is maintained"))
    if since is not None:
        doc.blocks.append(Heading(f"Changes since {since.isoformat()}"))
        if changes is None:
            doc.blocks.append(Para(f"Not available: {changes_missing or 'no history'}."))
        else:
            rows = tuple((f"{c.key}: {c.text}", ()) for c in changes)
            doc.blocks.append(Entries(rows, "nothing changed", compact=True))
    return render(doc, fmt)


def _timeline(milestones: Sequence[Milestone], release: Release, today: dt.date, fmt: str) -> Block:
    """The schedule in short: one line per milestone (text), or a table (Markdown)."""
    if fmt == "markdown":
        rows = tuple((m.day.isoformat(), _mark(m, release, today), m.title) for m in milestones)
        return Table(("day", "", "milestone"), rows)
    days = [long_day(m.day) for m in milestones]
    width = max((len(d) for d in days), default=0) + 2
    return Verbatim(
        tuple(
            f"  {d.ljust(width)}{_mark(m, release, today).ljust(15)}{m.title}".rstrip()
            for m, d in zip(milestones, days, strict=True)
        )
    )


def _at_risk(s: ReleaseStatus, items: dict[str, Item]) -> list[tuple[str, tuple[str, ...]]]:
    out = []
    late = set(s.features_open_after_freeze)
    for item_id in [*s.features_open_after_freeze, *(i for i in s.at_risk if i not in late)]:
        item = items.get(item_id)
        if item is None:
            continue
        why = []
        if item_id in late:
            why.append("still open after the freeze")
        if item_id in s.at_risk:
            proposed = s.at_risk[item_id]
            why.append(f"proposed for {proposed}" if proposed else "no release can take it")
        out.append(_entry(item, f": {', '.join(why)}"))
    return out


# -- status page ------------------------------------------------------------------------------


def status_report(
    session: Session, fmt: str, version: str | None = None, window: Window | None = None
) -> str:
    """The whole train (or one release, or the releases in a ``window``) as a page: the
    facts that need attention first (why each release that is not a go is not, where the
    tracker and git disagree), then ``relplan status``'s table with every release's dates."""
    statuses = [session.status(version)] if version else session.statuses()
    if window is not None and not version:
        shown = {r.version for r in window.releases(session.train(), session.today)}
        statuses = [s for s in statuses if s.version in shown]
    releases = {r.version: r for r in session.train()}
    doc = Document(f"{session.plan.name}: release status as of {session.today.isoformat()}")
    rows = []
    for s in statuses:
        r = releases[s.version]
        nxt = (
            f"{s.next_milestone} {s.next_date} ({in_days(s.days_to_next)})"
            if s.next_milestone and s.days_to_next is not None
            else ""
        )
        pending = sum(
            n for st, n in s.backport_totals().items() if st in ("required", "in-progress")
        )
        rows.append((
            s.version, s.kind.value, s.phase.value,
            str(r.freeze or ""), f"{r.day} ({'shipped' if r.shipped else 'planned'})",
            nxt, f"{s.items_done}/{s.items_total}", str(len(s.blockers_open) or ""),
            str(len(s.features_open_after_freeze) or ""), str(pending or ""), s.verdict,
        ))  # fmt: skip
    headers = ("release", "kind", "phase", "freeze", "release day", "next", "done",
               "blockers", "late", "backports", "verdict")  # fmt: skip
    doc.blocks += _not_a_go(statuses)
    conflicts = session.conflicts()
    if conflicts:
        doc.blocks += [
            Heading("Tracker and git disagree"),
            Entries(tuple((f"{c.item}: {c.message}", ()) for c in conflicts)),
        ]
    doc.blocks += [Heading("Releases"), Table(headers, tuple(rows))]
    hidden = len(session.train()) - len(statuses) if window and not window.everything else 0
    if hidden and not version:
        doc.blocks.append(Para(f"{hidden} more releases are outside this window."))
    return render(doc, fmt)


def _not_a_go(statuses: Sequence[ReleaseStatus]) -> list[Block]:
    """Why each release that is not a go is not, each reason said once: a branch's backports
    still missing hold every planned release of the branch, but are said under its next
    one (the first in calendar order); the later ones are named in one line."""
    said: set[str] = set()
    rows: list[tuple[str, tuple[str, ...]]] = []
    same: list[str] = []
    for s in (s for s in statuses if s.verdict == "no-go"):
        new = tuple(r for r in s.reasons if r not in said)
        said.update(s.reasons)
        if new or not s.reasons:
            rows.append((f"{s.version} ({s.phase.value})", new))
        else:
            same.append(s.version)
    blocks: list[Block] = [Heading("Not a go"), Entries(tuple(rows), "every release ahead is a go")]
    if same:
        blocks.append(Para(f"Held by the same reasons as an earlier release: {', '.join(same)}."))
    return blocks
