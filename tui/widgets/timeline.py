"""The release timeline: one row per release on a week scale, bars in phase colours.

Each row: version, phase, countdown to the next milestone, then one cell per
week. Development is a thin bar, the weeks of stabilization are shaded by the
stage of the freeze ladder in force (solid for fixes, lighter as it tightens:
approved fixes, blockers, docs only), the release day a diamond, maintenance
and security support thin lines after it. A column marks today. Supported
branches (point releases still maintained) are in bold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
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
from relplan.tui.palette import PHASE_COLOURS

LABEL = 40  # version 9, phase 14, countdown 17
TODAY_STYLE = Style(color="#e0e0e0", bold=True)
RULER_STYLE = Style(color="#8a8a8a")


_BAR_STYLES: dict[tuple[Phase, bool], Style] = {}


def _bar_style(phase: Phase, today: bool) -> Style:
    style = _BAR_STYLES.get((phase, today))
    if style is None:
        style = _BAR_STYLES[(phase, today)] = Style(color=PHASE_COLOURS[phase], underline=today)
    return style


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
        Binding("enter", "open", "Open", id="timeline_open", tooltip="Open the release view"),
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
        self.releases: list[Release] = []
        self.ladders: dict[str, Sequence[Stage]] = {}
        self.maintained: set[str] = set()
        self.set_reactive(Timeline.start, monday(today) - 12 * WEEK)

    def show(
        self, releases: Sequence[Release], ladders: Mapping[str, Sequence[Stage]] | None = None
    ) -> None:
        """Draw these releases (calendar order), stabilization shaded by their ``ladders``."""
        self.releases = list(releases)
        self.ladders = dict(ladders or {})
        self.maintained = {
            r.series
            for r in self.releases
            if r.kind is ReleaseKind.POINT and phase_on(r, self.today).is_supported
        }
        self.virtual_size = Size(self.size.width, len(self.releases) + 1)
        if self.cursor == 0 and self.releases:
            self.cursor = self._first_unshipped()
            self.call_after_refresh(self._scroll_to_present)
        self.refresh()

    def _scroll_to_present(self) -> None:
        """Open on the present: the releases that matter today
        (relplan.planner.domain.rules.current_window)
        from the top when they fit, else today's row in the middle; not years of history."""
        window = {r.version for r in current_window(self.releases, self.today)}
        first = next((i for i, r in enumerate(self.releases) if r.version in window), None)
        rows = max(1, self.scrollable_content_region.height - 1)  # below the ruler
        top = self.cursor - rows // 2
        if first is not None and self.cursor - first < rows:
            top = first
        self.scroll_to(y=max(0, top), animate=False, immediate=True)

    def _first_unshipped(self) -> int:
        for i, r in enumerate(self.releases):
            if r.day >= self.today:
                return i
        return len(self.releases) - 1

    @property
    def current(self) -> Release | None:
        """The release under the cursor."""
        return self.releases[self.cursor] if self.releases else None

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
        if self.current is not None:
            self.post_message(self.Opened(self.current.version))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        weeks = max(0, width - LABEL)
        if y == 0:
            return Strip([Segment(self._ruler(weeks), base + RULER_STYLE)]).adjust_cell_length(
                width, base
            )
        row = self.scroll_offset.y + y - 1
        if row >= len(self.releases):
            return Strip.blank(width, base)
        if row == self.cursor:
            base = base + self.get_component_rich_style("timeline--cursor")
        segments = self._label(self.releases[row]) + self._bars(self.releases[row], weeks)
        return Strip(Segment.apply_style(segments, base)).adjust_cell_length(width, base)

    def _ruler(self, weeks: int) -> str:
        cells = [" "] * weeks
        for w in range(weeks):
            day = self.start + w * WEEK
            if day.day <= 7:
                label = day.strftime("%b") if day.month != 1 else day.strftime("%Y")
                for i, ch in enumerate(label):
                    if w + i < weeks:
                        cells[w + i] = ch
        today_col = (monday(self.today) - self.start).days // 7
        if 0 <= today_col < weeks:
            cells[today_col] = "▼"
        return " " * LABEL + "".join(cells)

    def _label(self, release: Release) -> list[Segment]:
        phase = phase_on(release, self.today)
        stages = self.ladders.get(release.version, ())
        supported = release.kind is ReleaseKind.POINT and release.series in self.maintained
        mark = "●" if supported and phase.is_supported else " "
        version = Style(bold=supported or release.kind is ReleaseKind.POINT)
        return [
            Segment(f"{mark}{printable(release.version):<8}", version),
            Segment(f"{phase.value:<14}", Style(color=PHASE_COLOURS[phase])),
            Segment(f"{printable(countdown(release, self.today, stages)):<16}"[:16] + " "),
        ]

    def _bars(self, release: Release, weeks: int) -> list[Segment]:
        today_col = (monday(self.today) - self.start).days // 7
        stages = self.ladders.get(release.version, ())
        out: list[Segment] = []
        for w in range(weeks):
            ch, phase = week_cell(release, self.start + w * WEEK, stages)
            if w == today_col and phase is None:
                out.append(Segment("│", TODAY_STYLE))
            elif phase is None:
                out.append(Segment(" "))
            else:
                out.append(Segment(ch, _bar_style(phase, w == today_col)))
        return list(Segment.simplify(out))
