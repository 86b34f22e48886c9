"""The release timeline: rows grouped by series on a week scale, bars in phase colours.

One row per branch (a series that shipped): its point release's development and
stabilization, every shipped release of the series as a diamond (point releases folded
into their branch's row), its support as lines. Each release not shipped yet has a row of
its own under its branch. Each row: version, phase, countdown to the next milestone, then
one cell per week. Development is a thin bar, the weeks of stabilization are shaded by the
stage of the freeze ladder in force (solid for fixes, lighter as it tightens:
approved fixes, blockers, docs only), the release day a diamond, maintenance
and security support thin lines after it. A column marks today. Supported
branches (point releases still maintained) are in bold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from relplan.planner.domain.calendar import days_late, phase_on
from relplan.planner.domain.days import WEEK
from relplan.planner.domain.model import Phase, Release, ReleaseKind
from relplan.planner.domain.policy import Accepts
from relplan.planner.domain.rules import current_window
from relplan.planner.domain.stages import Stage, next_milestone, next_step, stage_on
from relplan.planner.domain.text import printable
from relplan.planner.domain.version import version_key
from relplan.tui.palette import PHASE_COLOURS, style

LABEL = 40  # version 9, phase 14, countdown 17


_BAR_STYLES: dict[tuple[str, bool], Style] = {}


def _bar_style(phase: Phase, today: bool) -> Style:
    colour = PHASE_COLOURS[phase]  # the current theme's
    found = _BAR_STYLES.get((colour, today))
    if found is None:
        found = _BAR_STYLES[(colour, today)] = Style(color=colour, underline=today)
    return found


def monday(day: dt.date) -> dt.date:
    """The Monday of the week holding ``day``."""
    return day - dt.timedelta(days=day.weekday())


def countdown(release: Release, today: dt.date, stages: Sequence[Stage] = ()) -> str:
    """``rc2 in 8d``, ``release today``, or empty when nothing is ahead (the next stage of
    ``stages`` when given, :func:`relplan.planner.domain.stages.next_step`); ``late 12d``
    for a release whose day passed without a shipment."""
    late = days_late(release, today)
    if late is not None:
        return f"late {late}d"
    nxt = next_step(release, stages, today) if stages else next_milestone(release, today)
    if nxt is None:
        return ""
    name, day = nxt
    days = (day - today).days
    short = {
        "end of maintenance": "eom",
        "end of security support": "eos",
        "last posting": "posting",
    }.get(name, name)
    return f"{short} today" if days == 0 else f"{short} in {days}d"


STAGE_SHADES: dict[Accepts, str] = {
    Accepts.FEATURES: "━",
    Accepts.FIXES: "█",
    Accepts.APPROVED_FIXES: "▓",
    Accepts.BLOCKERS: "▒",
    Accepts.DOCS: "░",
    Accepts.NOTHING: "░",
}
"""The shade of a stabilization week by what its stage accepts: the tighter, the lighter."""
SHADE_WORDS: dict[Accepts, str] = {
    Accepts.FIXES: "fixes",
    Accepts.APPROVED_FIXES: "approved fixes",
    Accepts.BLOCKERS: "blockers",
    Accepts.DOCS: "docs only",
}


def legend(ladders: Iterable[Sequence[Stage]]) -> str:
    """The timeline's key: the stage shades the ladders use (the implicit ladder's freeze
    and RCs are one shade, ``freeze/RC``), the release and support marks."""
    used = {s.accepts for stages in ladders for s in stages if s.key != "release"}
    shades = [a for a in SHADE_WORDS if a in used]
    stages = (
        "█ freeze/RC"
        if shades in ([], [Accepts.FIXES])
        else "  ".join(f"{STAGE_SHADES[a]} {SHADE_WORDS[a]}" for a in shades)
    )
    return (
        f"━ development  {stages}  ◆ release  ─ maintained  ┄ security only"
        "  │ today  ● supported branch"
    )


def week_cell(
    release: Release, start: dt.date, stages: Sequence[Stage] = ()
) -> tuple[str, Phase | None]:
    """What to draw for one release in the week starting ``start``; a stabilization week
    is shaded by what the stage in force at its end accepts (:data:`STAGE_SHADES`)."""
    end = start + WEEK
    if start <= release.day < end:
        return "◆", Phase.RELEASED
    if release.day < start:
        phase = phase_on(release, start)
        if phase is Phase.MAINTAINED:
            return "─", phase
        if phase is Phase.SECURITY_ONLY:
            return "┄", phase
        return " ", None
    phase = phase_on(release, end - dt.timedelta(days=1))
    if phase is Phase.DEVELOPMENT:
        return "━", phase
    if phase in (Phase.FROZEN, Phase.RC):
        stage = stage_on(stages, end - dt.timedelta(days=1)) if stages else None
        return (STAGE_SHADES[stage.accepts] if stage else "█"), phase
    return " ", None


@dataclass(frozen=True, slots=True)
class Row:
    """One timeline row: a branch (``folded`` holds its other shipped releases, drawn as
    diamonds on it) or a release not shipped yet (``nested`` under its branch's row).
    ``release`` is what the row opens: the branch's point release, or the release."""

    release: Release
    folded: tuple[Release, ...] = ()
    branch: bool = False
    nested: bool = False
    history: int = 0
    """On the row that stands for the end-of-life series before the supported ones: how
    many (enter shows or hides them)."""

    @property
    def label(self) -> str:
        """``3.4`` for a branch, ``└3.4.2`` under one, else the version."""
        if self.history:
            return f"{self.history} end-of-life series"
        if self.branch:
            return self.release.series
        return ("└" if self.nested else "") + self.release.version


def timeline_rows(train: Sequence[Release]) -> list[Row]:
    """The train grouped by series (oldest series first): a series whose point release
    shipped is one branch row with its shipped releases folded in, then a row per release
    of it not shipped (a release past its day but not shipped keeps its own row: it is
    late, not history); a series not shipped yet is a row per release."""
    by_series: dict[str, list[Release]] = {}
    for r in train:
        by_series.setdefault(r.series, []).append(r)
    out: list[Row] = []
    for series in sorted(by_series, key=version_key):
        releases = by_series[series]
        point = next((r for r in releases if r.kind is ReleaseKind.POINT), None)
        if point is None or not point.shipped:
            out += [Row(r) for r in releases]
            continue
        folded = tuple(r for r in releases if r.shipped and r is not point)
        out.append(Row(point, folded, branch=True))
        out += [Row(r, nested=True) for r in releases if not r.shipped]
    return out


def fold_history(rows: Sequence[Row], today: dt.date, shown: bool = False) -> list[Row]:
    """``rows`` with the leading run of end-of-life branches (oldest first, nothing of
    theirs still to ship) behind one row that says how many, so the view opens on the
    supported series and not on years of history; ``shown``: that row, then the branches.
    Fewer than two are left as they are: a row for one row hides nothing."""
    n = 0
    while n < len(rows) and rows[n].branch and phase_on(rows[n].release, today) is Phase.EOL:
        n += 1
    if n < 2:
        return list(rows)
    header = Row(rows[n - 1].release, history=n)
    return [header, *rows[:n], *rows[n:]] if shown else [header, *rows[n:]]


def ruler_labels(start: dt.date, weeks: int, today_col: int) -> list[tuple[int, str]]:
    """(column, text) of the month axis over ``weeks`` weeks from the Monday ``start``:
    ``▼`` on today's week, a month's name on the week holding its first day (the year for
    January), each label kept only with a blank column before the next one and clear of
    today's mark (a word may touch it: ``▼Sep``), so labels never run together
    (``2010Feb``)."""
    marks: list[tuple[int, str]] = []
    if 0 <= today_col < weeks:
        marks.append((today_col, "▼"))
    for w in range(weeks):
        day = start + w * WEEK
        if day.day <= 7:
            marks.append((w, day.strftime("%Y") if day.month == 1 else day.strftime("%b")))
    out: list[tuple[int, str]] = []
    # today first, then years, then months: what matters most keeps its place
    for at, text in sorted(marks, key=lambda m: (m[1] != "▼", not m[1].isdigit(), m[0])):
        end = at + len(text)
        if end <= weeks and not any(
            _crowd(at, end, o, o + len(t), "▼" in (text, t)) for o, t in out
        ):
            out.append((at, text))
    return sorted(out)


def _crowd(begin: int, end: int, other: int, other_end: int, beside_today: bool) -> bool:
    """Two labels overlap, or touch with no blank between (a word may touch ``▼``)."""
    gap = 0 if beside_today else 1
    return begin < other_end + gap and other < end + gap


class Timeline(ScrollView, can_focus=True):
    """Releases on a week scale; ``h``/``l`` scroll time, ``.`` jumps to today."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor(1)", "Down", show=False, id="timeline_down"),
        Binding("k,up", "cursor(-1)", "Up", show=False, id="timeline_up"),
        Binding("g,home", "jump(0)", "First", show=False, id="timeline_first"),
        Binding("G,end", "jump(-1)", "Last", show=False, id="timeline_last"),
        Binding("h,left", "shift(-4)", "Earlier", id="timeline_earlier",
                tooltip="Scroll four weeks back"),
        Binding("l,right", "shift(4)", "Later", id="timeline_later",
                tooltip="Scroll four weeks ahead"),
        Binding("full_stop", "today", "Today", id="timeline_today",
                tooltip="Jump to today"),
        Binding("enter", "open", "Open", id="timeline_open",
                tooltip="Open the release view (on the end-of-life row: show or hide them)"),
    ]  # fmt: skip
    COMPONENT_CLASSES = {"timeline--cursor"}
    DEFAULT_CSS = """
    Timeline { height: 1fr; overflow-x: hidden; }
    Timeline > .timeline--cursor { background: $primary 35%; }
    """

    cursor: reactive[int] = reactive(0, repaint=False)
    start: reactive[dt.date] = reactive(dt.date(2000, 1, 3), layout=False)

    class Opened(Message):
        """Enter on a release."""

        def __init__(self, version: str) -> None:
            self.version = version
            super().__init__()

    def __init__(self, today: dt.date, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.today = today
        self.rows: list[Row] = []
        self.releases: list[Release] = []  # what each row opens, row by row
        self._shipped_weeks: dict[int, frozenset[dt.date]] = {}
        self.ladders: dict[str, Sequence[Stage]] = {}
        self.maintained: set[str] = set()
        self.history_shown = False
        self._all_rows: list[Row] = []
        self.set_reactive(Timeline.start, monday(today) - 12 * WEEK)

    def show(
        self, releases: Sequence[Release], ladders: Mapping[str, Sequence[Stage]] | None = None
    ) -> None:
        """Draw these releases (calendar order) grouped by series (:func:`timeline_rows`),
        stabilization shaded by their ``ladders``."""
        self._all_rows = timeline_rows(releases)
        self._lay_rows()
        self.ladders = dict(ladders or {})
        self.maintained = {
            r.series
            for r in releases
            if r.kind is ReleaseKind.POINT and phase_on(r, self.today).is_supported
        }
        if self.cursor == 0 and self.releases:
            self.cursor = self._first_unshipped()
            self.call_after_refresh(self._scroll_to_present)
        self.refresh()

    def _lay_rows(self) -> None:
        """The rows drawn: the end-of-life series folded unless shown."""
        self.rows = fold_history(self._all_rows, self.today, self.history_shown)
        self.releases = [row.release for row in self.rows]
        self._shipped_weeks = {
            i: frozenset(monday(r.day) for r in row.folded)
            for i, row in enumerate(self.rows)
            if row.folded
        }
        self.virtual_size = Size(self.size.width, len(self.releases) + 1)

    def toggle_history(self) -> None:
        """Show or hide the end-of-life series behind their row; the cursor stays on it."""
        at = next((i for i, row in enumerate(self.rows) if row.history), None)
        if at is None:
            return
        self.history_shown = not self.history_shown
        self._lay_rows()
        self.cursor = at
        self.refresh()

    def _scroll_to_present(self) -> None:
        """Open on the present: the releases that matter today
        (relplan.planner.domain.rules.current_window)
        from the top when they fit, else today's row in the middle; not years of history."""
        window = {r.version for r in current_window(self.releases, self.today)}
        first = next((i for i, r in enumerate(self.releases) if r.version in window), None)
        if first and self.rows[first - 1].history:
            first -= 1  # the row of the end-of-life series before them opens the view too
        rows = max(1, self.scrollable_content_region.height - 1)  # below the ruler
        top = self.cursor - rows // 2
        if first is not None and self.cursor - first < rows:
            top = first
        self.scroll_to(y=max(0, top), animate=False, immediate=True)

    def _first_unshipped(self) -> int:
        for i, r in enumerate(self.releases):
            if not r.shipped and r.day >= self.today:
                return i
        return len(self.releases) - 1

    @property
    def current(self) -> Release | None:
        """The release under the cursor (none on the end-of-life series' row)."""
        if not self.releases or self.rows[self.cursor].history:
            return None
        return self.releases[self.cursor]

    def watch_start(self) -> None:
        self.refresh()

    def action_cursor(self, delta: int) -> None:
        self.action_jump(self.cursor + delta)

    def action_jump(self, row: int) -> None:
        if not self.releases:
            return
        row = len(self.releases) - 1 if row < 0 else max(0, min(row, len(self.releases) - 1))
        self.cursor = row
        self.refresh()
        self.scroll_to_region(Region(0, row + 1, 1, 1), animate=False, immediate=True)

    def action_shift(self, weeks: int) -> None:
        self.start = self.start + weeks * WEEK

    def action_today(self) -> None:
        self.start = monday(self.today) - 12 * WEEK

    def action_open(self) -> None:
        if self.releases and self.rows[self.cursor].history:
            self.toggle_history()
            return
        if self.current is not None:
            self.post_message(self.Opened(self.current.version))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        weeks = max(0, width - LABEL)
        if y == 0:
            return Strip(Segment.apply_style(self._ruler(weeks), base)).adjust_cell_length(
                width, base
            )
        row = self.scroll_offset.y + y - 1
        if row >= len(self.releases):
            return Strip.blank(width, base)
        if row == self.cursor:
            base = base + self.get_component_rich_style("timeline--cursor")
        segments = self._label(self.rows[row]) + self._bars(row, weeks)
        return Strip(Segment.apply_style(segments, base)).adjust_cell_length(width, base)

    def _ruler(self, weeks: int) -> list[Segment]:
        """The month axis: a segment per label (each drawn at its own column, so an SVG
        renderer whose font is wider or narrower than the terminal's cannot shift it)."""
        today_col = (monday(self.today) - self.start).days // 7
        ticks = ruler_labels(self.start, weeks, today_col)
        ruler = style("timeline-ruler")
        out, col = [Segment(" " * LABEL)], 0
        for at, text in ticks:
            if at > col:
                out.append(Segment(" " * (at - col)))
            out.append(Segment(text, ruler))
            col = at + len(text)
        if weeks > col:
            out.append(Segment(" " * (weeks - col)))
        return out

    def _label(self, row: Row) -> list[Segment]:
        if row.history:
            sign = "▾" if self.history_shown else "▸"
            words = f"{sign}{row.label} (enter: {'hide' if self.history_shown else 'show'})"
            return [
                Segment(
                    f"{printable(words):<{LABEL - 1}}"[: LABEL - 1] + " ", style("timeline-ruler")
                )
            ]
        release = row.release
        phase = phase_on(release, self.today)
        stages = self.ladders.get(release.version, ())
        supported = release.kind is ReleaseKind.POINT and release.series in self.maintained
        mark = "●" if supported and phase.is_supported else " "
        version = Style(bold=supported or release.kind is ReleaseKind.POINT)
        return [
            Segment(f"{mark}{printable(row.label):<8}"[:9], version),
            Segment(f"{phase.value:<14}", Style(color=PHASE_COLOURS[phase])),
            Segment(f"{printable(countdown(release, self.today, stages)):<16}"[:16] + " "),
        ]

    def _bars(self, index: int, weeks: int) -> list[Segment]:
        if self.rows[index].history:  # no bars of its own: today's column only
            today_col = (monday(self.today) - self.start).days // 7
            if not 0 <= today_col < weeks:
                return [Segment(" " * weeks)]
            today = Segment("│", style("timeline-today", bold=True))
            return [Segment(" " * today_col), today, Segment(" " * (weeks - today_col - 1))]
        release = self.releases[index]
        shipped = self._shipped_weeks.get(index, frozenset())
        today_col = (monday(self.today) - self.start).days // 7
        stages = self.ladders.get(release.version, ())
        out: list[Segment] = []
        for w in range(weeks):
            day = self.start + w * WEEK
            if day in shipped:  # a folded release shipped that week: a diamond on the branch
                out.append(Segment("◆", _bar_style(Phase.RELEASED, w == today_col)))
                continue
            ch, phase = week_cell(release, day, stages)
            if w == today_col and phase is None:
                out.append(Segment("│", style("timeline-today", bold=True)))
            elif phase is None:
                out.append(Segment(" "))
            else:
                out.append(Segment(ch, _bar_style(phase, w == today_col)))
        return list(Segment.simplify(out))
