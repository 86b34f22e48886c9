"""What every main view shares: a title line, the body, two status lines and the footer."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static

from planner.model import Item, Plan
from tui.widgets.safe import OutsideText

if TYPE_CHECKING:
    from tui.app import RelplanApp


class TitleLine(Static):
    """Project name, what day the plan is shown as of, and whether edits are unsaved."""


class StatusLine(OutsideText):
    """The last action (what an undo would revert) or a problem."""


class SyncLine(OutsideText):
    """Tracker sync progress; set through :meth:`RelplanApp.set_sync_status`."""


class ViewScreen(Screen[None]):
    """A main view. Subclasses compose the body and say how to show a new plan."""

    view_name = "view"

    @property
    def relplan(self) -> RelplanApp:
        """The app, typed."""
        from tui.app import RelplanApp

        return cast(RelplanApp, self.app)

    def compose(self) -> ComposeResult:
        yield TitleLine(id="title")
        yield from self.compose_body()
        # status texts carry user data (paths, ids, tracker messages): no markup
        yield StatusLine(id="status", markup=False)
        yield SyncLine(self.relplan.sync_text, id="sync", markup=False)
        yield Footer()

    def compose_body(self) -> ComposeResult:
        """The view's own widgets."""
        yield from ()

    def on_mount(self) -> None:
        self._shown: Plan | None = None
        self.refresh_chrome()
        self.show_plan()

    def on_screen_resume(self) -> None:
        self.refresh_chrome()
        if getattr(self, "_shown", None) is not self.relplan.plan:
            self.show_plan()

    def refresh_chrome(self) -> None:
        """Redraw the title and status lines from the app's state."""
        self.query_one(TitleLine).update(self.relplan.title_text(self.view_name))
        self.query_one(StatusLine).update(self.relplan.status_text)
        self.query_one(SyncLine).update(self.relplan.sync_text)

    def show_plan(self) -> None:
        """Render the app's current plan."""
        self._shown = self.relplan.plan
        self.plan_shown()

    def plan_shown(self) -> None:
        """Hook: the view redraws from ``self.relplan.plan``."""

    def selection(self) -> set[str]:
        """Item ids triage keys apply to in this view (none by default)."""
        return set()

    def current_item(self) -> Item | None:
        """The item under the cursor, if the view has one."""
        return None

    def current_release(self) -> str | None:
        """The release version under the cursor, if the view has one."""
        return None
