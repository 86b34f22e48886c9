"""The Backports view: every fix against every maintained branch; set a state per cell.

Scales to thousands of fixes: a text filter (``/``), preset lists (``f``/``F``: missing,
conflicts, security, missing on one branch;
:func:`relplan.planner.domain.rules.in_backport_preset`),
sorts (``>``/``<``), an evidence pane for the cell under the cursor, and the list of every
tracker-vs-git conflict (``c``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from relplan.planner.domain.model import Item
from relplan.planner.domain.rules import BackportCell
from relplan.tui.screens.base import ViewScreen, settle_heap
from relplan.tui.widgets.backport_matrix import BackportMatrix
from relplan.tui.widgets.backport_rows import SORTS, BackportRows
from relplan.tui.widgets.safe import markup_safe

SORT_NAMES = list(SORTS)
#: From this many cells on, the view settles the heap after drawing (see settle_heap).
SETTLE_CELLS = 2_000


class MatrixScreen(ViewScreen):
    """A view with a backport matrix and an ``#evidence`` line: set cells, show evidence."""

    def show_matrix(self, fixes: Sequence[Item], series: Sequence[str]) -> None:
        """Draw the matrix, with git's word per cell once a repository was scanned."""
        matrix = self.query_one(BackportMatrix)
        session = self.session
        scanned = session.evidence is not None
        names = {b.series: b.name for b in session.maintained_branches()}
        matrix.show(
            fixes, series, session.backport_cell,
            branches=[names.get(s, s) for s in series], token=session.evidence,
            subject=session.fix_subject if scanned else None, scanned=scanned,
        )  # fmt: skip
        self._describe(matrix)

    def on_backport_matrix_cell_chosen(self, event: BackportMatrix.CellChosen) -> None:
        self.shell.edit_backport(event.item_id, event.series)

    def on_backport_matrix_cell_highlighted(self, event: BackportMatrix.CellHighlighted) -> None:
        self._describe(self.query_one(BackportMatrix))

    def _describe(self, matrix: BackportMatrix) -> None:
        self.query_one("#evidence", Static).update(matrix.describe_current())


def evidence_text(
    item: Item, series: str, branch: str, cell: BackportCell, tracked: bool = True
) -> str:
    """The evidence pane for one cell: the fix, both sides' word, any conflict, then git's
    reasons one a line (pick and marker, patch-id, culprit, request). ``tracked``: the fix
    is a plan item (a ``git#`` one once ``+`` adopted it)."""
    tracker = cell.tracker.value if cell.tracker else "nothing"
    git = cell.git.value if cell.git else "no evidence"
    lines = [
        f"{item.id}  {item.title}",
        f"on {series} ({branch}): tracker says {tracker}; git says {git}",
    ]
    if cell.conflict:
        lines.append(f"CONFLICT: {cell.conflict}")
    lines.extend(f"· {reason}" for reason in cell.reasons())
    if not tracked:
        lines.append("· only git knows this fix: + tracks it as a plan item")
    elif item.id.startswith("git#"):
        lines.append("· a plan item, added from git history")
    return "\n".join(lines)


class BackportsScreen(MatrixScreen):
    """The backport matrix of all maintained branches, with the fixes only git knows."""

    AUTO_FOCUS = "BackportMatrix"
    view_name = "backports"
    BINDINGS = [
        # priority: keys typed right after "/" must reach the box, not the matrix
        Binding("slash", "focus_filter", "Filter", id="backports_filter",
                tooltip="Filter by text: id, title, subject, branch, commit", priority=True),
        Binding("escape", "clear_filter", "Clear filter", show=False,
                id="backports_clear_filter", tooltip="Clear the filter"),
        Binding("f", "preset(1)", "Preset", id="backports_preset_next",
                tooltip="Next preset: all, missing, conflicts, security, missing on a branch"),
        Binding("F", "preset(-1)", "Prev preset", show=False, id="backports_preset_prev"),
        Binding("greater_than_sign", "sort(1)", "Sort", id="backports_sort_next",
                tooltip="Next sort: plan order, id, title, most missing, conflicts first"),
        Binding("less_than_sign", "sort(-1)", "Prev sort", show=False,
                id="backports_sort_prev"),
        Binding("c", "conflicts", "Conflicts", id="backports_conflicts",
                tooltip="List every tracker-vs-git conflict with its message"),
        Binding("plus", "adopt", "Track fix", id="backports_adopt",
                tooltip="Make the git-only fix under the cursor a plan item"),
    ]  # fmt: skip

    def compose_body(self) -> ComposeResult:
        yield Input(placeholder="/ filter: id, title, subject, branch, commit", id="filter")
        yield Static(id="branches")
        yield Static(id="presets", markup=False)
        yield BackportMatrix(id="matrix")
        yield Static(id="evidence", classes="pane", markup=False)

    @property
    def matrix(self) -> BackportMatrix:
        """The matrix widget."""
        return self.query_one(BackportMatrix)

    def plan_shown(self) -> None:
        session = self.session
        branches = session.maintained_branches()
        names = markup_safe(", ".join(f"{b.series} ({b.name})" for b in branches))
        self.query_one("#branches", Static).update(f"maintained branches: {names or 'none'}")
        series = [b.series for b in branches]
        # the plan's fixes, then those only git knows (marked g; + makes one an item)
        fixes = session.backport_fixes(series)
        self.show_matrix(fixes, series)
        self._redraw_counts()
        if len(fixes) * len(series) >= SETTLE_CELLS:
            self.call_after_refresh(settle_heap)

    def _describe(self, matrix: BackportMatrix) -> None:
        current, cell = matrix.current, matrix.current_cell
        session = self.session
        if current is None or cell is None:
            text = "no fix shown" if matrix.fixes else "no fix on a maintained branch"
        else:
            item, series = current
            branch = dict(zip(matrix.series, matrix.rows.branches, strict=True)).get(series, "")
            tracked = session.plan.item(item.id) is not None
            text = evidence_text(item, series, branch, cell, tracked)
            if session.evidence is None:
                text += (
                    "\ngit: no evidence yet (the scan's progress is on the sync line)"
                    if session.git_repo()
                    else "\ngit: no repository scanned (set [git] repo in the config)"
                )
        if text != getattr(self, "_pane_text", None):  # an unchanged pane costs no frame
            self._pane_text = text
            # a fixed height: no relayout per keypress
            self.query_one("#evidence", Static).update(text, layout=False)

    def _redraw_counts(self) -> None:
        """Counts first (a narrow terminal cuts the end): shown of all fixes, conflicts,
        then the preset and the sort with their keys."""
        rows = self.matrix.rows
        shown = f"{len(rows):,} of {len(rows.rows):,} fixes"
        parts = [shown + (f" match {rows.text!r}" if rows.text else "")]
        conflicts = len(self.session.conflicts())
        if conflicts:
            parts.append(f"{conflicts:,} tracker-vs-git conflict(s) (c lists them)")
        parts += [f"preset {rows.preset} (f)", f"sort {SORTS[rows.sort]} (>)"]
        self.query_one("#presets", Static).update(" · ".join(parts), layout=False)

    def _change_rows(self, change: Callable[[BackportRows], None]) -> None:
        """Change the preset, filter or sort, keeping the cursor on its fix if still shown."""
        matrix = self.matrix
        keep = matrix.current
        change(matrix.rows)
        matrix.reload(keep[0].id if keep else None)
        self._redraw_counts()
        self._describe(matrix)

    # -- filter ------------------------------------------------------------------------
    def action_focus_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if box.has_focus:
            box.insert_text_at_cursor("/")
        else:
            self.set_focus(box)

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = ""
        self.set_filter("")
        self.set_focus(self.matrix)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.set_filter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.set_focus(self.matrix)
            count = len(self.matrix.rows)
            self.shell.set_status(
                f"{count:,} fix{'' if count == 1 else 'es'} match {event.value!r}"
            )

    def set_filter(self, text: str) -> None:
        """Show only fixes whose id, title, subject, branches or evidence contain ``text``."""
        self._change_rows(lambda rows: rows.set_filter(text))

    # -- presets and sorts -------------------------------------------------------------
    def action_preset(self, step: int) -> None:
        names = self.matrix.rows.presets
        self.set_preset(names[(names.index(self.matrix.rows.preset) + step) % len(names)])

    def set_preset(self, name: str) -> None:
        """Show one preset list (see :func:`relplan.planner.domain.rules.backport_presets`)."""
        self._change_rows(lambda rows: rows.set_preset(name))

    def action_sort(self, step: int) -> None:
        i = SORT_NAMES.index(self.matrix.rows.sort)
        self.sort_by(SORT_NAMES[(i + step) % len(SORT_NAMES)])

    def sort_by(self, name: str) -> None:
        """Sort by one of :data:`relplan.tui.widgets.backport_rows.SORTS`, the cursor on its fix."""
        self._change_rows(lambda rows: rows.sort_by(name))

    # -- conflicts and git-only fixes -------------------------------------------------------
    def action_conflicts(self) -> None:
        conflicts = self.session.conflicts()
        if not conflicts:
            scanned = self.session.evidence is not None
            self.shell.set_status(
                "no tracker-vs-git conflict" if scanned else "no git evidence yet: no conflicts"
            )
            return
        lines = [(c.item, c.series, f"{c.item} on {c.series}: {c.message}") for c in conflicts]
        self.app.push_screen(ConflictsScreen(lines), self._go_to_conflict)

    def _go_to_conflict(self, cell: tuple[str, str] | None) -> None:
        if cell is None:
            return
        item_id, series = cell
        matrix = self.matrix
        if matrix.rows.row_of(item_id) is None:  # hidden: show every conflict instead
            self.query_one("#filter", Input).value = ""

            def conflicts_only(rows: BackportRows) -> None:
                rows.set_filter("")
                rows.set_preset("conflicts")

            self._change_rows(conflicts_only)
        row = matrix.rows.row_of(item_id)
        if row is None or series not in matrix.series:
            self.shell.set_status(f"{item_id} on {series} is not in the matrix")
            return
        matrix.move_to(row, matrix.series.index(series))
        self.set_focus(matrix)

    def action_adopt(self) -> None:
        current = self.matrix.current
        if current is None or not current[0].id.startswith("git#"):
            self.shell.set_status("+ adds a fix only git knows (marked g) to the plan")
            return
        self.shell.apply(self.session.adopt_git_fix(current[0].id))


class ConflictsScreen(ModalScreen[tuple[str, str] | None]):
    """Every tracker-vs-git conflict with its message; enter goes to its cell."""

    BINDINGS = [
        Binding("escape,c,q", "close", "Close", id="conflicts_close"),
        Binding("j", "move(1)", "Down", show=False, id="conflicts_down"),
        Binding("k", "move(-1)", "Up", show=False, id="conflicts_up"),
    ]
    DEFAULT_CSS = """
    ConflictsScreen { align: center middle; }
    ConflictsScreen > Vertical { width: 90%; height: 80%; border: round $primary;
        background: $surface; padding: 0 1; }
    ConflictsScreen OptionList { height: 1fr; }
    """

    def __init__(self, conflicts: Sequence[tuple[str, str, str]]) -> None:
        super().__init__()
        self.conflicts = list(conflicts)

    def compose(self) -> ComposeResult:
        count = len(self.conflicts)
        with Vertical():
            yield Static(
                f"{count:,} tracker-vs-git conflict(s) · enter: go to the cell · escape: close",
                markup=False,
            )
            options = (Option(text, id=str(i)) for i, (_, _, text) in enumerate(self.conflicts))
            yield OptionList(*options, markup=False)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        options.action_cursor_down() if step > 0 else options.action_cursor_up()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        item, series, _ = self.conflicts[int(event.option.id or 0)]
        self.dismiss((item, series))

    def action_close(self) -> None:
        self.dismiss(None)
