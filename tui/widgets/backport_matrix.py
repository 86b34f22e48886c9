"""The backport matrix: fixes down, maintained branches across, one coloured state per cell.

A line-API scroll view over a :class:`~relplan.tui.widgets.backport_rows.BackportRows`: every
cell is computed once per session revision (see there), a keypress renders the lines it
changed and nothing else, and row strips are cached. Column widths follow the widget's
width: cells abbreviate when the branches would leave the titles too little room, ids
lose their middle, and when even abbreviated cells do not fit, the branch columns
scroll with the cursor. The first line is a sticky header.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from relplan.planner.domain.model import Item
from relplan.planner.domain.rules import BackportCell
from relplan.planner.domain.text import printable
from relplan.tui.widgets.backport_rows import BackportRows, CellInfo, Label, MatrixRow
from relplan.tui.widgets.item_list import fit, fit_middle

__all__ = ["BackportMatrix", "CellInfo", "Layout", "matrix_layout"]

ID_MIN, ID_MAX = 10, 40
TITLE_MIN = 10
#: Full cell labels only when the title keeps at least this much room.
TITLE_ROOM = 30
FULL_CELL, SHORT_CELL = len("in-progress !"), len("wont !")


@dataclass(frozen=True, slots=True)
class Layout:
    """Column widths for one widget width (each includes its blank gutter cell), whether
    cells are abbreviated, and which branch columns are shown (``first`` .. ``first +
    count``)."""

    id_width: int
    title_width: int
    cell_width: int
    short: bool
    first: int
    count: int


def matrix_layout(
    width: int,
    longest_id: int,
    series: Sequence[str],
    column: int = 0,
    longest_title: int | None = None,
) -> Layout:
    """Widths for ``width`` cells: branch cells first (abbreviated when full ones would
    leave the title less than :data:`TITLE_ROOM`), then ids and titles share the rest: the
    id at most a third unless the titles leave it more, the title no wider than the
    longest (so the branches stay near). When not every branch fits, the shown ones
    scroll so that ``column`` is among them."""
    n = len(series)
    widest = max((len(s) for s in series), default=0)
    id_want = max(ID_MIN, min(longest_id, ID_MAX) + 1)
    full, short = max(FULL_CELL, widest) + 1, max(SHORT_CELL, widest) + 1
    abbreviate = width - n * full < id_want + TITLE_ROOM
    cell = short if abbreviate else full
    count = n
    if width - n * cell < ID_MIN + TITLE_MIN:
        count = max(1, min(n, (width - ID_MIN - TITLE_MIN) // cell))
    first = max(0, min(column - count + 1, n - count))
    rest = max(0, width - count * cell)
    id_full = max(ID_MIN, longest_id + 1)
    id_width = min(rest, id_full, max(ID_MIN, rest // 3))
    title = rest - id_width
    if longest_title is not None:
        title = min(title, max(TITLE_MIN, longest_title + 1))
        id_width = min(id_full, rest - title)  # what the titles leave goes to the ids
    return Layout(id_width, title, cell, abbreviate, first, count)


class BackportMatrix(ScrollView, can_focus=True):
    """Fixes x branches; move with arrows or hjkl, g/G and the page keys; ``B``/enter
    sets the state of a cell."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "move(1, 0)", "Down", show=False, id="matrix_down"),
        Binding("k,up", "move(-1, 0)", "Up", show=False, id="matrix_up"),
        Binding("h,left", "move(0, -1)", "Left", show=False, id="matrix_left"),
        Binding("l,right", "move(0, 1)", "Right", show=False, id="matrix_right"),
        Binding("g,home", "jump(0)", "Top", show=False, id="matrix_top"),
        Binding("G,end", "jump(-1)", "Bottom", show=False, id="matrix_bottom"),
        Binding("pagedown,ctrl+d", "page(1)", "Page down", show=False, id="matrix_page_down"),
        Binding("pageup,ctrl+u", "page(-1)", "Page up", show=False, id="matrix_page_up"),
        Binding("B,enter", "set_cell", "Set state", id="matrix_set",
                tooltip="Set the backport state of this fix on this branch"),
    ]  # fmt: skip
    COMPONENT_CLASSES = {"matrix--cursor", "matrix--cursor-row", "matrix--header"}
    DEFAULT_CSS = """
    BackportMatrix { height: 1fr; overflow-x: hidden; }
    BackportMatrix > .matrix--cursor { background: $primary 70%; }
    BackportMatrix > .matrix--cursor-row { background: $primary 20%; }
    BackportMatrix > .matrix--header { text-style: bold; }
    """

    row: reactive[int] = reactive(0, repaint=False)
    column: reactive[int] = reactive(0, repaint=False)

    class CellHighlighted(Message):
        """The cursor is on a new cell: which fix, which branch."""

        def __init__(self, item_id: str, series: str) -> None:
            self.item_id = item_id
            self.series = series
            super().__init__()

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, BackportMatrix.CellHighlighted)

    class CellChosen(Message):
        """``B`` or enter on a cell: which fix, which branch."""

        def __init__(self, item_id: str, series: str) -> None:
            self.item_id = item_id
            self.series = series
            super().__init__()

    def __init__(self, rows: BackportRows | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.rows = rows if rows is not None else BackportRows()
        self.cell_info: CellInfo | None = None
        self.scanned = False
        self._longest_id = self._longest_title = 0
        self._layout: tuple[int, int, Layout] | None = None  # (width, column, layout)
        self._styles: tuple[Style, Style, Style, Style] | None = None
        self._cell_texts: dict[tuple[Label, bool, int], str] = {}
        self._cell_styles: dict[tuple[Style, bool, bool], Style] = {}
        # row strips by (row object, cursor column or -1, focus, layout): scrolling by one
        # line renders one new row; cleared with the rows, on resize and restyle.
        self._strips: dict[tuple[int, int, bool, Layout], tuple[MatrixRow, Strip]] = {}

    # -- data ---------------------------------------------------------------------------
    @property
    def fixes(self) -> list[Item]:
        """Every fix the matrix was given, in plan order (shown or not)."""
        return [r.item for r in self.rows.rows]

    @property
    def shown(self) -> list[Item]:
        """The fixes the preset and filter show, in display order."""
        return [self.rows.rows[i].item for i in self.rows.view]

    @property
    def series(self) -> list[str]:
        """The branch series across."""
        return self.rows.series

    def show(
        self,
        fixes: Sequence[Item],
        series: Sequence[str],
        cell_info: CellInfo | None = None,
        *,
        branches: Sequence[str] | None = None,
        token: object = None,
        subject: Callable[[Item], str] | None = None,
        scanned: bool | None = None,
    ) -> None:
        """Draw these fixes against these branch series (``cell_info`` makes each cell: the
        session's adds git's word once ``scanned``, default: a ``cell_info`` was given; see
        :meth:`BackportRows.set_fixes` for the rest). The cursor stays on its fix."""
        keep = self.current
        self.cell_info = cell_info
        self.scanned = cell_info is not None if scanned is None else scanned
        self.rows.set_fixes(
            fixes, series, cell_info, branches=branches, token=token, subject=subject
        )
        self._longest_id = max((len(r.item.id) for r in self.rows.rows), default=0)
        self._longest_title = max((cell_len(r.item.title) for r in self.rows.rows), default=0)
        self.reload(keep[0].id if keep else None)

    def reload(self, keep: str | None = None) -> None:
        """The rows changed (fixes, preset, filter or sort): redraw, with the cursor on
        ``keep`` when it is still shown, else at the same position (clamped)."""
        self._strips.clear()
        self._layout = None
        found = self.rows.row_of(keep) if keep is not None else None
        self.column = min(self.column, max(0, len(self.series) - 1))
        self.virtual_size = Size(self.row_width, len(self.rows) + 1)
        self.move_to(found if found is not None else self.row, self.column)
        self.refresh()

    @property
    def current(self) -> tuple[Item, str] | None:
        """The fix and series under the cursor."""
        if not self.rows.view or not self.series:
            return None
        return self.rows.row_at(self.row).item, self.series[self.column]

    @property
    def current_cell(self) -> BackportCell | None:
        """The cell under the cursor (tracker, git, evidence, conflict)."""
        if not self.rows.view or not self.series:
            return None
        return self.rows.row_at(self.row).cells[self.column]

    @property
    def row_width(self) -> int:
        """Cells available for a line (the widget minus its scrollbar)."""
        return self.scrollable_content_region.width or self.size.width

    @property
    def visible_rows(self) -> int:
        """How many fixes fit under the header."""
        return max(1, self.scrollable_content_region.height - 1)

    def layout_now(self) -> Layout:
        """The column layout for the current width and cursor column."""
        width, column = self.row_width, self.column
        if self._layout is None or self._layout[:2] != (width, column):
            layout = matrix_layout(
                width, self._longest_id, self.series, column, self._longest_title
            )
            self._layout = (width, column, layout)
        return self._layout[2]

    # -- moving ---------------------------------------------------------------------------
    def action_move(self, rows: int, columns: int) -> None:
        self.move_to(self.row + rows, self.column + columns)

    def action_jump(self, row: int) -> None:
        self.move_to(row if row >= 0 else len(self.rows) - 1)

    def action_page(self, direction: int) -> None:
        page = self.visible_rows
        self.scroll_to(y=self.scroll_offset.y + direction * page, animate=False, immediate=True)
        self.move_to(self.row + direction * page)

    def move_to(self, row: int, column: int | None = None) -> None:
        """Put the cursor on a row (and column), clamped, and scroll it into view."""
        old_row, old_column = self.row, self.column
        self.row = max(0, min(row, len(self.rows) - 1))
        if column is not None:
            self.column = max(0, min(column, len(self.series) - 1))
        self.refresh_line(old_row + 1)
        self.refresh_line(self.row + 1)
        if self.column != old_column:
            self.refresh_line(self.scroll_offset.y)  # the header marks the cursor's branch
        self._scroll_to_cursor()
        current = self.current
        if current is not None:
            self.post_message(self.CellHighlighted(current[0].id, current[1]))

    def _scroll_to_cursor(self) -> None:
        top, shown = self.scroll_offset.y, self.visible_rows
        if self.row < top:
            self.scroll_to(y=self.row, animate=False, immediate=True)
        elif self.row >= top + shown:
            self.scroll_to(y=self.row - shown + 1, animate=False, immediate=True)

    def action_set_cell(self) -> None:
        cell = self.current
        if cell is not None:
            self.post_message(self.CellChosen(cell[0].id, cell[1]))

    def describe_current(self) -> str:
        """The tracker's and git's word on the cell under the cursor, on one line."""
        if not self.scanned:
            return "git: no repository scanned (set [git] repo in the config)"
        cell, where = self.current_cell, self.current
        if cell is None or where is None:
            return ""
        return printable(f"{where[0].id} on {where[1]}: {cell.describe()}")

    # -- rendering ------------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._strips.clear()
        self._cell_styles.clear()

    def on_resize(self) -> None:
        self._strips.clear()
        self.virtual_size = Size(self.row_width, len(self.rows) + 1)
        self._scroll_to_cursor()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def _get_styles(self) -> tuple[Style, Style, Style, Style]:
        """Base, cursor row, cursor cell and header styles; the cursor only sets the
        background, so a state keeps its colour under it."""
        if self._styles is None:
            base = self.rich_style

            def background(name: str) -> Style:
                return Style(bgcolor=self.get_component_rich_style(name).bgcolor)

            self._styles = (
                base,
                base + background("matrix--cursor-row"),
                background("matrix--cursor"),
                base + self.get_component_rich_style("matrix--header"),
            )
        return self._styles

    def render_line(self, y: int) -> Strip:
        width, layout = self.row_width, self.layout_now()
        base, cursor_row, cursor, header = self._get_styles()
        if y == 0:
            return self._header(layout, header, cursor).adjust_cell_length(width, base)
        index = self.scroll_offset.y + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row = self.rows.row_at(index)
        focus = self.has_focus
        column = self.column if index == self.row and focus else -1
        key = (id(row), column, focus, layout)
        hit = self._strips.get(key)
        if hit is not None and hit[0] is row:
            return hit[1]
        strip = self._row_strip(row, layout, column, width)
        if len(self._strips) > 2000:
            self._strips.clear()
        self._strips[key] = (row, strip)
        return strip

    def _row_strip(self, row: MatrixRow, layout: Layout, column: int, width: int) -> Strip:
        """One fix's line: id and title in the row's style, then each shown cell (its text
        and style looked up in small caches: a line is a handful of dict lookups)."""
        base, cursor_row, cursor, _ = self._get_styles()
        style = cursor_row if column >= 0 else base
        # ids and titles come from trackers and plan files: controls shown escaped
        title = fit(printable(row.item.title), layout.title_width) if layout.title_width else ""
        segments = [Segment(fit_middle(printable(row.item.id), layout.id_width) + title, style)]
        used = layout.id_width + layout.title_width
        texts, styles = self._cell_texts, self._cell_styles
        for i in range(layout.first, layout.first + layout.count):
            label = row.labels[i]
            fits = (label, layout.short, layout.cell_width)
            text = texts.get(fits)
            if text is None:
                shown = label.short if layout.short else label.full
                text = texts[fits] = set_cell_size(shown, layout.cell_width - 1) + " "
            which = (label.style, column >= 0, i == column)
            on = styles.get(which)
            if on is None:
                on = styles[which] = style + label.style + (cursor if i == column else Style())
            segments.append(Segment(text, on))
            used += layout.cell_width
        if used < width:
            segments.append(Segment(" " * (width - used), style))
            used = width
        return Strip(segments, used).crop(0, width) if used > width else Strip(segments, used)

    def _header(self, layout: Layout, style: Style, cursor: Style) -> Strip:
        series = self.series
        if not series:
            return Strip([Segment("fix   no maintained branch", style)])
        title = "title"
        hidden_right = len(series) - layout.first - layout.count
        if layout.first:  # branches scrolled out of view: how many, on which side
            title += f" ←{layout.first}"
        if hidden_right:
            title += f" {hidden_right}→"
        segments = [
            Segment(fit_middle("fix", layout.id_width), style),
            Segment(fit(title, layout.title_width) if layout.title_width else "", style),
        ]
        for i in range(layout.first, layout.first + layout.count):
            text = f"{printable(series[i]):<{layout.cell_width - 1}} "[: layout.cell_width]
            on = style + Style(underline=True) if i == self.column else style
            segments.append(Segment(text, on))
        return Strip(segments)
