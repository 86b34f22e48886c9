"""The app as the triage actions see it (:class:`relplan.tui.triage.Triage`,
:class:`relplan.tui.release_days.ReleaseDays`): the shell, the view on screen and the few
app services triage uses, so triage never imports the app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from relplan.tui.shell import Shell

if TYPE_CHECKING:
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
