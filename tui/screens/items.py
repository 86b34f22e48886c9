"""The Items view: every roadmap item, sortable and filterable; the triage inbox."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from relplan.planner.domain.model import Item
from relplan.planner.domain.rules import PRESETS
from relplan.tui.screens.base import ViewScreen
from relplan.tui.widgets.item_list import ItemHeader, ItemList
from relplan.tui.widgets.item_rows import COLUMNS, ItemRows

PRESET_NAMES = list(PRESETS)


class ItemsScreen(ViewScreen):
    """All items in one line-API list, with a live text filter and presets."""

    AUTO_FOCUS = "ItemList"
    view_name = "items"
    has_items = True
    BINDINGS = [
        # priority: keys typed right after "/" must reach the box, not the list
        Binding(
            "slash",
            "focus_filter",
            "Filter",
            id="items_filter",
            tooltip="Filter by text",
            priority=True,
        ),
        Binding(
            "escape",
            "clear_filter",
            "Clear filter",
            show=False,
            id="items_clear_filter",
            tooltip="Clear the filter; with no filter, clear the marks",
        ),
        Binding("f", "preset(1)", "Preset", id="items_preset_next", tooltip="Next preset list"),
        Binding("F", "preset(-1)", "Prev preset", show=False, id="items_preset_prev"),
        Binding(
            "greater_than_sign",
            "sort(1)",
            "Sort",
            id="items_sort_next",
            tooltip="Sort by the next column",
        ),
        Binding("less_than_sign", "flip_sort", "Flip sort", show=False, id="items_sort_flip"),
    ]

    def __init__(self, rows: ItemRows | None = None) -> None:
        super().__init__()
        self.rows = rows if rows is not None else ItemRows()

    def compose_body(self) -> ComposeResult:
        yield Input(placeholder="/ filter: id, title, target, state, labels", id="filter")
        yield Static(id="presets")
        yield ItemHeader(id="header")
        yield ItemList(self.rows, id="items")

    @property
    def item_list(self) -> ItemList:
        """The list widget."""
        return self.query_one(ItemList)

    def plan_shown(self) -> None:
        session = self.session
        keep = self.item_list.current
        self.rows.set_items(
            session.plan.items,
            at_risk=lambda: session.at_risk(),
            needing=lambda: session.needing_backport(),
            release_order=session.release_order(),
        )
        self.item_list.reload(keep.id if keep else None)
        self._redraw_labels()

    def _redraw_labels(self) -> None:
        width = self.item_list.row_width or self.size.width
        self.query_one(ItemHeader).show(width, self.rows.sort_column, self.rows.reverse)
        parts = []
        for name in PRESET_NAMES:
            parts.append(f"[reverse] {name} [/]" if name == self.rows.preset else f" {name} ")
        count = f"  {len(self.rows)} of {len(self.rows.items)} items"
        marked = len(self.item_list.marked)
        extra = f", {marked} marked" if marked else ""
        self.query_one("#presets", Static).update("".join(parts) + count + extra)

    def on_item_list_resized(self) -> None:
        self._redraw_labels()

    # -- filter ------------------------------------------------------------------
    def action_focus_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if box.has_focus:
            box.insert_text_at_cursor("/")
        else:
            self.set_focus(box)

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if not box.value and not box.has_focus and self.item_list.marked:
            self.clear_marks()
            return
        box.value = ""
        self._filter("")
        self.set_focus(self.item_list)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self._filter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.set_focus(self.item_list)
            self.item_list.action_jump(0)
            count = len(self.rows)
            plural = "" if count == 1 else "s"
            self.shell.set_status(f"{count} item{plural} match {event.value!r}")

    def _filter(self, text: str) -> None:
        self.rows.set_filter(text)
        self.item_list.reload()
        self.item_list.action_jump(0)
        self._redraw_labels()

    # -- presets and sorting ---------------------------------------------------------
    def action_preset(self, step: int) -> None:
        i = PRESET_NAMES.index(self.rows.preset)
        self.set_preset(PRESET_NAMES[(i + step) % len(PRESET_NAMES)])

    def set_preset(self, name: str) -> None:
        """Show one preset list (see :data:`relplan.planner.domain.rules.PRESETS`)."""
        keep = self.item_list.current
        self.rows.set_preset(name)
        self.item_list.reload(keep.id if keep else None)
        self._redraw_labels()

    def action_sort(self, step: int) -> None:
        order: list[str | None] = [None, *COLUMNS]
        i = order.index(self.rows.sort_column)
        self.sort_by(order[(i + step) % len(order)], reverse=False)

    def action_flip_sort(self) -> None:
        self.sort_by(self.rows.sort_column, reverse=not self.rows.reverse)

    def sort_by(self, column: str | None, reverse: bool = False) -> None:
        """Sort by a column (None: plan order), keeping the cursor on its item."""
        keep = self.item_list.current
        self.rows.sort_by(column, reverse)
        self.item_list.reload(keep.id if keep else None)
        self._redraw_labels()

    # -- what triage applies to -------------------------------------------------------
    def selection(self) -> set[str]:
        return self.item_list.selection()

    def hidden_marks(self) -> int:
        return self.item_list.hidden_marks()

    def selection_used(self) -> None:
        self.item_list.clear_marks()

    def current_item(self) -> Item | None:
        return self.item_list.current

    def current_release(self) -> str | None:
        item = self.item_list.current
        return item.target if item else None

    def on_item_list_marked(self, event: ItemList.Marked) -> None:
        self._redraw_labels()
        if event.by_key:
            self.say_marks(len(self.item_list.marked))

    def on_item_list_opened(self, event: ItemList.Opened) -> None:
        if event.item.target:
            self.shell.open_release(event.item.target)

    def clear_marks(self) -> None:
        """Forget the marked items."""
        self.item_list.clear_marks()
        self._redraw_labels()
