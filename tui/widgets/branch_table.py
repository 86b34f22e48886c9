"""The Branches table: one line per release series, newest first, columns by priority.

Rows are :class:`relplan.planner.usecases.branches.BranchRow` (the same query as ``relplan
branches``). A narrow terminal keeps the columns that answer "what needs me now" (series,
phase, the next release and its countdown, verdict, missing backports, late items) and
drops the support ends and their source, which the line under the table repeats for the
row under the cursor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from relplan.planner.domain.model import Phase
from relplan.planner.domain.status import Verdict
from relplan.planner.domain.text import printable
from relplan.planner.usecases.branches import BranchRow
from relplan.tui.palette import PHASE_COLOURS, style


def next_text(row: BranchRow) -> str:
    """``4.21.3 in 13d``, ``4.21.3 today``, ``4.21.3 late 4d``, or ``-``."""
    return printable(row.countdown(late="late")) or "-"


def support_end(row: BranchRow) -> str:
    """The support end ahead of the branch by its phase: ``2028-03-29 fixes`` (maintained,
    or not shipped yet), ``2029-08-04 security`` (security-only), ``ended`` (end of life);
    the detail line names each end's source."""
    if row.phase is Phase.EOL:
        return "ended"
    end, kind = (
        (row.security_until, "security")
        if row.phase is Phase.SECURITY_ONLY
        else (row.maintained_until, "fixes")
    )
    if end.until_shipped is not None:
        return end.text()
    return f"{end.day} {kind}" if end.day else "unknown"


def source_text(row: BranchRow) -> str:
    """``declared``, or ``declared/policy`` when the two ends came from different places."""
    fixes, security = row.maintained_until.source.value, row.security_until.source.value
    return fixes if fixes == security else f"{fixes}/{security}"


def _count(row: BranchRow, n: int | None) -> str:
    """``3``, ``·`` (none), ``-`` (does not apply), ``…`` (not counted yet)."""
    if not row.counted:
        return "…"
    return "-" if n is None else str(n) if n else "·"


Cell = Callable[[BranchRow], tuple[str, Style | None]]

COLUMNS: list[tuple[str, int, Cell]] = [
    ("series", 7, lambda r: (printable(r.series), Style(bold=r.supported))),
    ("phase", 14, lambda r: (r.phase.value, Style(color=PHASE_COLOURS[r.phase]))),
    ("next release", 16, lambda r: (next_text(r), None)),
    ("verdict", 8, lambda r: (
        r.next_verdict.value if r.next_verdict else "",
        style("backport-conflict", bold=True) if r.next_verdict is Verdict.NO_GO else None,
    )),
    ("missing", 8, lambda r: (
        _count(r, r.missing), style("backport-required", bold=True) if r.missing else None,
    )),
    ("late", 5, lambda r: (_count(r, r.late), style("backport-required") if r.late else None)),
    ("support ends", 20, lambda r: (support_end(r), None)),
    ("maintained", 11, lambda r: (r.maintained_until.text(), None)),
    ("security", 11, lambda r: (str(r.security_until.day or "unknown"), None)),
    ("source", 20, lambda r: (source_text(r), style("backport-none"))),
]  # fmt: skip
"""Header, width and cell of each column, most important first."""


def fitting_columns(width: int, rows: Sequence[BranchRow] = ()) -> list[tuple[str, int, Cell]]:
    """The leading columns that fit in ``width`` cells, each as wide as its longest cell of
    ``rows`` needs (``4.20.5 late 130d``), never narrower than its usual width."""
    out, used = [], 0
    for name, nominal, cell in COLUMNS:
        w = max([nominal, *(len(cell(r)[0]) + 1 for r in rows)])
        if used + w > width:
            break
        out.append((name, w, cell))
        used += w
    return out


class BranchTable(ScrollView, can_focus=True):
    """Release series as rows; ``enter`` opens the next release of the series (a branch with
    none ahead: its point release)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor(1)", "Down", show=False, id="branches_down"),
        Binding("k,up", "cursor(-1)", "Up", show=False, id="branches_up"),
        Binding("g,home", "jump(0)", "First", show=False, id="branches_first"),
        Binding("G,end", "jump(-1)", "Last", show=False, id="branches_last"),
        Binding("enter", "open", "Open", id="branches_open",
                tooltip="Open the series' next release (else its point release)"),
    ]  # fmt: skip
    COMPONENT_CLASSES: ClassVar[set[str]] = {"branch-table--cursor", "branch-table--header"}
    DEFAULT_CSS = """
    BranchTable { height: 1fr; overflow-x: hidden; }
    BranchTable > .branch-table--cursor { background: $primary 35%; }
    BranchTable > .branch-table--header { color: $text-muted; text-style: bold; }
    """

    cursor: reactive[int] = reactive(0, repaint=False)

    class Highlighted(Message):
        """The cursor moved to a row."""

        def __init__(self, row: BranchRow | None) -> None:
            self.row = row
            super().__init__()

    class Opened(Message):
        """Enter on a series: the release to open."""

        def __init__(self, version: str) -> None:
            self.version = version
            super().__init__()

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.rows: list[BranchRow] = []
        self._columns: tuple[int, list[tuple[str, int, Cell]]] = (-1, [])

    def show(self, rows: Sequence[BranchRow]) -> None:
        """Draw these rows (newest series first); the cursor stays on its series."""
        series = self.current.series if self.current else None
        self.rows = list(rows)
        self._columns = (-1, [])
        found = next((i for i, r in enumerate(self.rows) if r.series == series), 0)
        self.cursor = found
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)
        self.refresh()
        self.post_message(self.Highlighted(self.current))

    @property
    def current(self) -> BranchRow | None:
        """The row under the cursor."""
        return self.rows[self.cursor] if self.rows else None

    def action_cursor(self, delta: int) -> None:
        self.action_jump(self.cursor + delta)

    def action_jump(self, row: int) -> None:
        if not self.rows:
            return
        self.cursor = len(self.rows) - 1 if row < 0 else max(0, min(row, len(self.rows) - 1))
        self.refresh()
        self.scroll_to_region(Region(0, self.cursor + 1, 1, 1), animate=False, immediate=True)
        self.post_message(self.Highlighted(self.current))

    def action_open(self) -> None:
        row = self.current
        if row is not None:  # the next release, else the branch's point release
            self.post_message(self.Opened(row.next_release or row.point))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if self._columns[0] != width:  # once per width and rows, not per line
            self._columns = (width, fitting_columns(width, self.rows))
        columns = self._columns[1]
        if y == 0:
            # a segment per column: an SVG renderer places each at its own column
            head = base + self.get_component_rich_style("branch-table--header")
            cells = [Segment(f"{name[: w - 1]:<{w}}", head) for name, w, _ in columns]
            return Strip(cells).adjust_cell_length(width, base)
        index = self.scroll_offset.y + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[index]
        if index == self.cursor:
            base = base + self.get_component_rich_style("branch-table--cursor")
        segments = []
        for _, w, cell in columns:
            text, cell_style = cell(row)
            segments.append(Segment(f"{text:<{w - 1}}"[: w - 1] + " ", cell_style))
        return Strip(Segment.apply_style(segments, base)).adjust_cell_length(width, base)
