"""What a view may ask of the app it runs in: the session, and a few UI services.

Screens and widgets import this protocol, never :mod:`relplan.tui.app`, so the app
can import every screen without an import cycle. Data comes from
``shell.session`` (a :class:`relplan.planner.usecases.session.Session`); the app bumps
``revision`` whenever the session's plan or evidence changes, and views watch it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from textual.app import App

    from relplan.planner.domain.ops import Change
    from relplan.planner.usecases.session import Session


class Shell(Protocol):
    """The app as views see it."""

    session: Session
    revision: int
    status_text: str
    sync_text: str

    def title_text(self, view: str) -> str:
        """The title line of a view."""
        ...

    def waiting_for(self) -> list[str]:
        """What is still loading (``git evidence from PATH``, ``the sync``): an empty
        attention list is no all-clear while anything is."""
        ...

    def set_status(self, text: str) -> None:
        """Show text on the status line."""
        ...

    def open_release(self, version: str) -> None:
        """Show the release view of a version."""
        ...

    def apply(self, change: Change) -> None:
        """Record an undoable change and redraw (or say why nothing changed)."""
        ...

    def edit_backport(self, item_id: str, series: str) -> None:
        """Ask for the backport state of one fix on one branch."""
        ...


def shell_of(app: App[object]) -> Shell:
    """The running app as a :class:`Shell`."""
    return cast("Shell", app)
