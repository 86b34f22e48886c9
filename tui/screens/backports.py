"""The Backports view: every fix against every maintained branch; set a state per cell."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from planner.model import Item
from planner.rules import fixes_for
from tui.screens.base import ViewScreen
from tui.widgets.backport_matrix import BackportMatrix


class MatrixScreen(ViewScreen):
    """A view with a backport matrix and an ``#evidence`` line: set cells, show evidence."""

    def show_matrix(self, fixes: Sequence[Item], series: Sequence[str]) -> None:
        """Draw the matrix, with git's word per cell once a repository was scanned."""
        matrix = self.query_one(BackportMatrix)
        session = self.session
        info = session.backport_cell if session.evidence is not None else None
        matrix.show(fixes, series, info)
        self._describe(matrix)

    def on_backport_matrix_cell_chosen(self, event: BackportMatrix.CellChosen) -> None:
        self.shell.edit_backport(event.item_id, event.series)

    def on_backport_matrix_cell_highlighted(self, event: BackportMatrix.CellHighlighted) -> None:
        self._describe(self.query_one(BackportMatrix))

    def _describe(self, matrix: BackportMatrix) -> None:
        self.query_one("#evidence", Static).update(matrix.describe_current())


class BackportsScreen(MatrixScreen):
    """The backport matrix of all maintained branches, with the fixes only git knows."""

    AUTO_FOCUS = "BackportMatrix"
    view_name = "backports"
    BINDINGS = [
        Binding("plus_sign", "adopt", "Track fix", id="backports_adopt",
                tooltip="Make the git-only fix under the cursor a plan item"),
    ]  # fmt: skip

    def action_adopt(self) -> None:
        current = self.query_one(BackportMatrix).current
        if current is None or not current[0].id.startswith("git#"):
            self.shell.set_status("+ adds a fix only git knows (marked g) to the plan")
            return
        self.shell.apply(self.session.adopt_git_fix(current[0].id))

    def compose_body(self) -> ComposeResult:
        yield Static(id="branches")
        yield BackportMatrix(id="matrix")
        yield Static(id="evidence", markup=False)

    def plan_shown(self) -> None:
        session = self.session
        branches = session.maintained_branches()
        names = ", ".join(f"{b.series} ({b.name})" for b in branches)
        self.query_one("#branches", Static).update(f"maintained branches: {names or 'none'}")
        series = [b.series for b in branches]
        # the plan's fixes, then those only git knows (marked g; + makes one an item)
        fixes = fixes_for((*session.plan.items, *session.git_items()), series)
        self.show_matrix(fixes, series)
