"""The backport matrix: fixes down, maintained branches across, one coloured state per cell."""

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

from planner.model import Item
from planner.rules import BackportCell
from tui.palette import BACKPORT_STYLES

ID_WIDTH, TITLE_WIDTH, CELL = 24, 36, 13
MUTED = Style(color="#6a6a6a")


CellInfo = Callable[[Item, str], BackportCell]
CONFLICT = Style(color="#d05050", bold=True)


class BackportMatrix(ScrollView, can_focus=True):
    """Fixes x branches; move with arrows or hjkl, ``B``/enter sets the state of a cell."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "move(1, 0)", "Down", show=False, id="matrix_down"),
        Binding("k,up", "move(-1, 0)", "Up", show=False, id="matrix_up"),
        Binding("h,left", "move(0, -1)", "Left", show=False, id="matrix_left"),
        Binding("l,right", "move(0, 1)", "Right", show=False, id="matrix_right"),
        Binding("B,enter", "set_cell", "Set state", id="matrix_set",
                tooltip="Set the backport state of this fix on this branch"),
    ]  # fmt: skip
    COMPONENT_CLASSES = {"matrix--cursor"}
    DEFAULT_CSS = """
    BackportMatrix { height: 1fr; overflow-x: hidden; }
    BackportMatrix > .matrix--cursor { background: $primary 60%; }
    """

    row: reactive[int] = reactive(0, repaint=False)
    column: reactive[int] = reactive(0, repaint=False)

    class CellHighlighted(Message):
        """The cursor is on a new cell: which fix, which branch."""

        def __init__(self, item_id: str, series: str) -> None:
            self.item_id = item_id
            self.series = series
            super().__init__()

    class CellChosen(Message):
        """``B`` or enter on a cell: which fix, which branch."""

        def __init__(self, item_id: str, series: str) -> None:
            self.item_id = item_id
            self.series = series
            super().__init__()

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.fixes: list[Item] = []
        self.series: list[str] = []
        self.cell_info: CellInfo | None = None

    def show(
        self, fixes: Sequence[Item], series: Sequence[str], cell_info: CellInfo | None = None
    ) -> None:
        """Draw these fixes against these branch series (``cell_info`` adds git's word)."""
        self.fixes, self.series, self.cell_info = list(fixes), list(series), cell_info
        self.row = min(self.row, max(0, len(self.fixes) - 1))
        self.column = min(self.column, max(0, len(self.series) - 1))
        self.virtual_size = Size(self.size.width, len(self.fixes) + 1)
        self.refresh()

    @property
    def current(self) -> tuple[Item, str] | None:
        """The fix and series under the cursor."""
        if not self.fixes or not self.series:
            return None
        return self.fixes[self.row], self.series[self.column]

    def action_move(self, rows: int, columns: int) -> None:
        if not self.fixes:
            return
        self.row = max(0, min(self.row + rows, len(self.fixes) - 1))
        self.column = max(0, min(self.column + columns, len(self.series) - 1))
        self.refresh()
        self.scroll_to_region(Region(0, self.row + 1, 1, 1), animate=False, immediate=True)
        self.post_message(self.CellHighlighted(self.fixes[self.row].id, self.series[self.column]))

    def describe_current(self) -> str:
        """The tracker's and git's word on the cell under the cursor."""
        cell = self.current
        if self.cell_info is None:
            return "git: no repository scanned (set [git] repo in the config)"
        if cell is None:
            return ""
        item, series = cell
        return f"{item.id} on {series}: {self.cell_info(item, series).describe()}"

    def action_set_cell(self) -> None:
        cell = self.current
        if cell is not None:
            self.post_message(self.CellChosen(cell[0].id, cell[1]))

    def render_line(self, y: int) -> Strip:
        width, base = self.size.width, self.rich_style
        if y == 0:
            head = f"{'fix':<{ID_WIDTH}}{'title':<{TITLE_WIDTH}}"
            head += "".join(f"{s:<{CELL}}" for s in self.series)
            if not self.series:
                head += "no maintained branch"
            return Strip([Segment(head, base + Style(bold=True))]).adjust_cell_length(width, base)
        row = self.scroll_offset.y + y - 1
        if row >= len(self.fixes):
            return Strip.blank(width, base)
        item = self.fixes[row]
        segments = [
            Segment(f"{item.id:<{ID_WIDTH}}"[:ID_WIDTH]),
            Segment(f"{item.title:<{TITLE_WIDTH - 1}}"[: TITLE_WIDTH - 1] + " "),
        ]
        cursor = self.get_component_rich_style("matrix--cursor")
        for i, series in enumerate(self.series):
            state = item.backports.get(series)
            mark = ""
            if self.cell_info is not None:
                cell = self.cell_info(item, series)
                mark, state = cell.mark, state or cell.git
            label = f"{state.value if state else '·'} {mark}".rstrip()
            text = f"{label:<{CELL}}"
            style = CONFLICT if mark == "!" else BACKPORT_STYLES[state] if state else MUTED
            if row == self.row and i == self.column and self.has_focus:
                style = style + cursor
            segments.append(Segment(text, style))
        return Strip(Segment.apply_style(segments, base)).adjust_cell_length(width, base)
