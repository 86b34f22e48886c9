"""A line-API list of roadmap items: renders only the visible rows, whatever the item count.

Like toolong's log view, it draws from data it does not own (an
:class:`~relplan.tui.widgets.item_rows.ItemRows`); a keypress touches the rows on
screen and nothing else. The cursor row is highlighted; marked rows (space)
carry a dot and form the selection that bulk actions apply to.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from relplan.planner.domain.model import Item
from relplan.planner.domain.text import printable
from relplan.planner.domain.version import version_key
from relplan.tui.palette import BACKPORT_STYLES, STATE_STYLES
from relplan.tui.widgets.item_rows import COLUMNS, ItemRows

FIXED_WIDTHS = {
    "id": 24,
    "kind": 9,
    "priority": 9,
    "state": 12,
    "target": 8,
    "owner": 14,
    "blocker": 4,
    "backports": 18,
}
#: Below WIDE columns, kind, priority and state are abbreviated so the title keeps the room.
COMPACT_WIDTHS = {
    "id": 15,
    "kind": 5,
    "priority": 5,
    "state": 6,
    "target": 7,
    "blocker": 3,
    "backports": 10,
}
WIDE = 116
WITH_OWNER = 140
HEADINGS = {"blocker": "blk", "backports": "backports"}
COMPACT_HEADINGS = {"blocker": "!", "backports": "backport", "priority": "prio"}
ABBREVIATIONS = {
    "feature": "feat", "security": "sec", "critical": "crit", "medium": "med",
    "proposed": "prop", "accepted": "acc", "in-progress": "wip", "deferred": "defer",
    "rejected": "rej",
}  # fmt: skip
MARK = "● "


TITLE_MIN = 10


def compact(width: int) -> bool:
    """Whether a list this wide abbreviates kind, priority and state and hides owners."""
    return width < WIDE


def column_widths(width: int) -> list[tuple[str, int]]:
    """Columns and their widths; the title takes whatever the others leave. Owners show
    from WITH_OWNER columns on (a filter finds them at any width)."""
    widths = dict(COMPACT_WIDTHS if compact(width) else FIXED_WIDTHS)
    if width < WITH_OWNER:
        widths.pop("owner", None)
    spare = width - sum(widths.values()) - len(MARK) - 50  # room beyond a 50-cell title
    if spare > 0:  # whole ids read better than a longer title
        widths["id"] = min(FIXED_WIDTHS["id"], widths["id"] + spare)
    title = max(TITLE_MIN, width - sum(widths.values()) - len(MARK))
    return [(c, widths.get(c, title)) for c in COLUMNS if c in widths or c == "title"]


def fit(text: str, width: int) -> str:
    """Pad or cut to ``width`` cells, always leaving one blank cell as a gutter."""
    if width < 2:
        return " " * max(0, width)
    if cell_len(text) >= width:
        text = set_cell_size(text, width - 2) + "…"
    return set_cell_size(text, width)


def fit_middle(text: str, width: int) -> str:
    """Like :func:`fit`, but a long text loses its middle (ids differ at both ends)."""
    if cell_len(text) < width:
        return set_cell_size(text, width)
    if width < 2:
        return " " * max(0, width)
    keep = width - 2
    head = (keep + 1) // 2
    return text[:head] + "…" + text[len(text) - (keep - head) :] + " "


def _backports(item: Item) -> list[Segment]:
    out: list[Segment] = []
    for series, state in sorted(item.backports.items(), key=lambda kv: version_key(kv[0])):
        text = f"{printable(series)} {state.short} "
        out.append(Segment(text, BACKPORT_STYLES[state]))
    return out


def row_segments(item: Item, widths: Sequence[tuple[str, int]], marked: bool) -> list[Segment]:
    """The segments of one row (without the cursor highlight)."""
    out = [Segment(MARK if marked else "  ")]
    for column, width in widths:
        if column == "backports":
            segs = _backports(item)
            used = sum(cell_len(s.text) for s in segs)
            if used > width:
                segs = [Segment(fit(" ".join(s.text for s in segs), width))]
            elif used < width:
                segs.append(Segment(" " * (width - used)))
            out.extend(segs)
            continue
        style = STATE_STYLES[item.state] if column == "state" else None
        text = _cell(item, column, compact=width == COMPACT_WIDTHS.get(column))
        fitter = fit_middle if column == "id" else fit
        out.append(Segment(fitter(text, width), style))
    return out


def _cell(item: Item, column: str, compact: bool = False) -> str:
    """The text of a cell; ids, titles, targets and owners come from outside: shown escaped."""
    if column == "blocker":
        return ("!" if compact else "!!") if item.blocker else ""
    if column == "target":
        return printable(item.target or "-")
    if column == "owner":
        return printable(item.owner or "")
    value = str(getattr(item, column))
    return ABBREVIATIONS.get(value, value) if compact else printable(value)


class ItemHeader(Static):
    """Column headings above an item list, with the sort column marked."""

    DEFAULT_CSS = "ItemHeader { height: 1; text-style: bold; }"

    def show(self, width: int, sort_column: str | None, reverse: bool) -> None:
        """Redraw for a width and sort state."""
        text = "  "
        names = COMPACT_HEADINGS if compact(width) else HEADINGS
        for column, w in column_widths(width):
            arrow = ("▼" if reverse else "▲") if column == sort_column else ""
            text += fit(names.get(column, column) + arrow, w)
        self.update(text)


class ItemList(ScrollView, can_focus=True):
    """Items from an :class:`ItemRows`, one per line, with a cursor and marks."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor(1)", "Down", show=False, id="list_down"),
        Binding("k,up", "cursor(-1)", "Up", show=False, id="list_up"),
        Binding("g,home", "jump(0)", "Top", show=False, id="list_top"),
        Binding("G,end", "jump(-1)", "Bottom", show=False, id="list_bottom"),
        Binding("pagedown,ctrl+d", "page(1)", "Page down", show=False, id="list_page_down"),
        Binding("pageup,ctrl+u", "page(-1)", "Page up", show=False, id="list_page_up"),
        Binding("space", "mark", "Mark", id="list_mark", tooltip="Mark for bulk actions"),
        Binding("enter", "open", "Open", id="list_open", tooltip="Open the item's release"),
    ]
    COMPONENT_CLASSES = {"item-list--cursor"}
    DEFAULT_CSS = """
    ItemList { height: 1fr; overflow-x: hidden; }
    ItemList > .item-list--cursor { background: $primary 40%; }
    ItemList:focus > .item-list--cursor { background: $primary 70%; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Highlighted(Message):
        """The cursor moved onto an item."""

        def __init__(self, item: Item | None) -> None:
            self.item = item
            super().__init__()

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ItemList.Highlighted)

    class Marked(Message):
        """The set of marked items changed; ``by_key``: by space, not an action's end."""

        def __init__(self, by_key: bool = False) -> None:
            self.by_key = by_key
            super().__init__()

    class Resized(Message):
        """The list's drawing width changed (headings must follow)."""

        def __init__(self, width: int) -> None:
            self.width = width
            super().__init__()

    class Opened(Message):
        """Enter was pressed on an item."""

        def __init__(self, item: Item) -> None:
            self.item = item
            super().__init__()

    def __init__(self, rows: ItemRows | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.rows = rows if rows is not None else ItemRows()
        self.marked: set[str] = set()
        self._styles: tuple[Style, Style] | None = None
        # row strips by (item object, marked, cursor, width): scrolling by one line
        # renders one new row; the cache is cleared when it grows past a few screens.
        self._strips: dict[tuple[int, bool, bool, int], tuple[Item, Strip]] = {}

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._strips.clear()

    # -- data ------------------------------------------------------------------
    def selection(self) -> set[str]:
        """The marked items the list shows (marks hidden by a filter are left alone), or
        the item under the cursor when no shown item is marked."""
        shown = self.rows.shown_ids(self.marked)
        if shown:
            return shown
        item = self.current
        return {item.id} if item is not None else set()

    def hidden_marks(self) -> int:
        """How many marked items the preset or filter hides."""
        return len(self.marked) - len(self.rows.shown_ids(self.marked))

    def clear_marks(self) -> None:
        """Forget every mark (an action used them)."""
        if self.marked:
            self.marked.clear()
            self.refresh()
            self.post_message(self.Marked())

    @property
    def current(self) -> Item | None:
        """The item under the cursor."""
        if not self.rows.view:
            return None
        return self.rows.item_at(min(self.cursor, len(self.rows) - 1))

    @property
    def row_width(self) -> int:
        """Cells available for a row (the widget minus its scrollbar)."""
        return self.scrollable_content_region.width or self.size.width

    def reload(self, keep: str | None = None) -> None:
        """The rows changed (items, sort or filter): resize and keep the cursor on ``keep``."""
        row = self.rows.row_of(keep) if keep is not None else None
        self.virtual_size = Size(self.row_width, len(self.rows))
        self._move_to(row if row is not None else min(self.cursor, max(0, len(self.rows) - 1)))
        self.refresh()

    # -- actions ---------------------------------------------------------------
    def action_cursor(self, delta: int) -> None:
        self._move_to(self.cursor + delta)

    def action_jump(self, row: int) -> None:
        self._move_to(row if row >= 0 else len(self.rows) - 1)

    def action_page(self, direction: int) -> None:
        self._move_to(self.cursor + direction * max(1, self.size.height - 1))

    def action_mark(self) -> None:
        item = self.current
        if item is None:
            return
        self.marked.symmetric_difference_update({item.id})
        self.refresh_line(self.cursor)
        self.post_message(self.Marked(by_key=True))
        self._move_to(self.cursor + 1)

    def action_open(self) -> None:
        if self.current is not None:
            self.post_message(self.Opened(self.current))

    def _move_to(self, row: int) -> None:
        row = max(0, min(row, len(self.rows) - 1))
        old = self.cursor
        self.cursor = row
        self.refresh_line(old)
        self.refresh_line(row)
        self.scroll_to_region(Region(0, row, 1, 1), animate=False, immediate=True, x_axis=False)
        self.post_message(self.Highlighted(self.current))

    def on_resize(self) -> None:
        self.virtual_size = Size(self.row_width, len(self.rows))
        self.post_message(self.Resized(self.row_width))

    # -- rendering -------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        width = self.row_width
        if self._styles is None:
            base = self.rich_style
            self._styles = (base, base + self.get_component_rich_style("item-list--cursor"))
        base, cursor = self._styles
        if row >= len(self.rows):
            return Strip.blank(width, base)
        item = self.rows.item_at(row)
        marked, on_cursor = item.id in self.marked, row == self.cursor
        key = (id(item), marked, on_cursor, width)
        hit = self._strips.get(key)
        if hit is not None and hit[0] is item:
            return hit[1]
        style = cursor if on_cursor else base
        segments = row_segments(item, column_widths(width), marked)
        strip = Strip(Segment.apply_style(segments, style)).adjust_cell_length(width, style)
        if len(self._strips) > 2000:
            self._strips.clear()
        self._strips[key] = (item, strip)
        return strip


def plain_row(item: Item, width: int = 120, marked: bool = False) -> str:
    """A row as plain text (for tests and the bench)."""
    return "".join(s.text for s in row_segments(item, column_widths(width), marked))


__all__ = ["ItemHeader", "ItemList", "ItemRows", "plain_row"]
