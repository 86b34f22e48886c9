"""The app as the triage actions see it (:class:`relplan.tui.triage.Triage`,
:class:`relplan.tui.release_days.ReleaseDays`): the shell, the view on screen and the few
app services triage uses, so triage never imports the app; and :class:`OnScreen`, what
both work on (the one home of their session, view and cursor)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from relplan.tui.shell import Shell

if TYPE_CHECKING:
    from relplan.planner.domain.model import Item
    from relplan.planner.usecases.session import Session
    from relplan.tui.screens.base import ViewScreen


class TriageHost(Shell, Protocol):
    """What :class:`relplan.tui.app.RelplanApp` offers triage."""

    @property
    def view(self) -> ViewScreen | None:
        """The view on screen, if the top screen is one."""
        ...

    def plan_changed(self, description: str) -> None:
        """The plan changed: redraw, say what happened."""
        ...

    def push_screen(self, screen: Any, callback: Any = None) -> Any:
        """Show a dialog; ``callback`` gets its answer."""
        ...

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Open a link in the browser."""
        ...


class OnScreen:
    """What the dashboard's actions (:class:`relplan.tui.triage.Triage`,
    :class:`relplan.tui.release_days.ReleaseDays`) work on: the app's session and the
    view on screen, the item or release under its cursor."""

    def __init__(self, app: TriageHost) -> None:
        self.app = app

    @property
    def session(self) -> Session:
        """The app's session."""
        return self.app.session

    @property
    def view(self) -> ViewScreen | None:
        """The view on screen, if the top screen is one."""
        return self.app.view

    def current_item(self) -> Item | None:
        """The item under the view's cursor; None (and the status line says so) when none."""
        item = self.view.current_item() if self.view is not None else None
        if item is None:
            self.app.set_status("no item under the cursor")
        return item

    def current_release(self) -> str | None:
        """The release under the view's cursor; None (and the status line says so) when none."""
        version = self.view.current_release() if self.view is not None else None
        if version is None:
            self.app.set_status("no release under the cursor")
        return version
