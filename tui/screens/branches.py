"""The Branches view (the start view when branches take fixes): one row per release series.

What needs you now on top (the attention list), then each series newest first: its phase,
the next release and its countdown, missing backports, late items, its support ends; the
line under the table says the cursor row's support ends in words, with where they came from.
Every figure is :func:`relplan.planner.usecases.branches.branch_rows`, as ``relplan branches``.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from relplan.planner.usecases.branches import BranchRow, SupportEnd, branch_rows
from relplan.planner.usecases.session import Session
from relplan.tui.screens.base import ViewScreen
from relplan.tui.widgets.attention import AttentionPane
from relplan.tui.widgets.branch_table import BranchTable, next_text


def _end(end: SupportEnd) -> str:
    return f"{end.text()} ({end.source.words})"


def describe(row: BranchRow | None) -> str:
    """The line under the table: the cursor row's branch and support ends, with sources."""
    if row is None:
        return "no release series on the calendar"
    nxt = next_text(row)
    ahead = f"; next {nxt}" if row.next_release else "; nothing planned"
    return (  # a line each: at 80 columns one line was cut in the middle of a source
        f"{row.series} ({row.branch or 'no branch'}, {row.phase.value}{ahead})\n"
        f"maintained until {_end(row.maintained_until)}\n"
        f"security until {_end(row.security_until)}"
    )


class BranchesScreen(ViewScreen):
    """Release series as rows; ``enter`` opens a series' next release, ``a`` shows every
    series (end-of-life ones too)."""

    AUTO_FOCUS = "BranchTable"
    view_name = "branches"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("A", "every", "All series", id="branches_all",
                tooltip="Every series on the calendar, end-of-life and far-ahead ones too"),
    ]  # fmt: skip

    every = False

    def compose_body(self) -> ComposeResult:
        yield AttentionPane(id="attention")
        yield BranchTable(id="branch-table")
        yield Static(id="branch-detail", markup=False)

    def plan_shown(self) -> None:
        # The calendar's columns now; what needs every item's status (missing backports,
        # late items, verdicts: a quarter second at 100,000 items) after the frame is painted.
        # While git evidence or a sync is on its way the counts would be a false all-clear
        # (0 missing, go): they stay "…" until it lands (the app bumps the revision then).
        session = self.session
        table = self.query_one(BranchTable)
        waiting = self.shell.waiting_for()
        if not table.rows or waiting:
            table.show(branch_rows(session, every=self.every, counts=False))
        if waiting:
            self.query_one(AttentionPane).work_out(session, waiting)
        else:
            self.call_after_refresh(self._work_out_counts, session, self.every)

    @work(thread=True, exclusive=True, group="branches", exit_on_error=False)
    def _work_out_counts(self, session: Session, every: bool) -> None:
        rows = branch_rows(session, every=every)
        self.app.call_from_thread(self._show_counts, session, rows)

    def _show_counts(self, session: Session, rows: list[BranchRow]) -> None:
        if self.is_attached:
            self.query_one(BranchTable).show(rows)
            self.query_one(AttentionPane).work_out(session, self.shell.waiting_for())

    def action_every(self) -> None:
        self.every = not self.every
        table = self.query_one(BranchTable)
        table.show(branch_rows(self.session, every=self.every, counts=False))
        self.show_plan()
        shown = "every series" if self.every else "the series that matter today"
        self.shell.set_status(f"branches: {shown} (A toggles)")

    def on_branch_table_highlighted(self, event: BranchTable.Highlighted) -> None:
        self.query_one("#branch-detail", Static).update(describe(event.row))

    def on_branch_table_opened(self, event: BranchTable.Opened) -> None:
        self.shell.open_release(event.version)

    def current_release(self) -> str | None:
        row = self.query_one(BranchTable).current
        return row.next_release if row else None
