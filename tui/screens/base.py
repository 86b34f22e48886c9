"""What every main view shares: a title line, the body, two status lines and the footer."""

from __future__ import annotations

import gc

from textual._context import NoActiveAppError
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from relplan.planner.domain.model import Item
from relplan.planner.usecases.session import Session
from relplan.tui.shell import Shell, shell_of
from relplan.tui.widgets.key_hints import KeyHints
from relplan.tui.widgets.safe import OutsideText


def settle_heap() -> None:
    """Collect everything, then move what is alive out of the cyclic collector's sight.

    A view has just built its long-lived data (the plan, git's evidence, a matrix's
    16,000 precomputed cells). Left in the collector's oldest generation, every full
    collection rescans all of it: a 40-60 ms pause every few dozen keypresses at 2,000
    fixes x 8 branches (bench/tui_bench.py). Frozen objects are still freed when their
    last reference goes; unfreezing first lets this collection free cycles that died
    since the last call (a closed dialog, a previous app in the same process). A view
    with that much data calls it after the frame is painted, once per plan shown, never
    per keypress: the collection itself costs 20-40 ms of CPU."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class TitleLine(Static):
    """Project name, what day the plan is shown as of, and whether edits are unsaved."""


class StatusLine(OutsideText):
    """The last action (what an undo would revert) or a problem."""


class SyncLine(OutsideText):
    """Tracker sync progress; set through :meth:`RelplanApp.set_sync_status`."""


class ViewScreen(Screen[None]):
    """A main view. Subclasses compose the body and say how to show a new plan."""

    view_name = "view"

    def __init__(self) -> None:
        super().__init__()
        # A new screen tells Textual it has seen no stylesheet yet, so the first time a
        # view is shown Textual reparses every stylesheet of the app and restyles it all
        # (a third of the first frame's Textual work, for the same styles). A view is built
        # when first shown and styled as it mounts: it has seen the app's stylesheet as it
        # is now. (Textual 8's private counter; a theme change still restyles every view.)
        try:
            self._css_update_count = self.app._css_update_count
        except NoActiveAppError:  # built outside a running app: Textual's default stands
            pass

    @property
    def shell(self) -> Shell:
        """The app, as views see it."""
        return shell_of(self.app)

    @property
    def session(self) -> Session:
        """The session this view shows."""
        return self.shell.session

    def _compositor_refresh(self) -> None:
        # Textual lays the start view out while it batches its start-up, paints it, drops
        # that frame and counts it as shown: the first frame after the batch then held only
        # the widgets changed since (the table waited a timer tick, ~20 ms, for the next
        # layout). Not painting while batching renders the first frame once, and whole.
        # (Textual 8's private hook; tests/tui/test_first_frame.py fails if that changes.)
        if self.app._batch_count:
            return
        super()._compositor_refresh()

    def compose(self) -> ComposeResult:
        yield TitleLine(id="title")
        yield from self.compose_body()
        # status texts carry user data (paths, ids, tracker messages): no markup
        yield StatusLine(id="status", markup=False)
        yield SyncLine(self.shell.sync_text, id="sync", markup=False)
        yield KeyHints()

    def compose_body(self) -> ComposeResult:
        """The view's own widgets."""
        yield from ()

    def on_mount(self) -> None:
        self._shown: int | None = None
        self.watch(self.app, "revision", self._revised, init=False)
        self.refresh_chrome()
        self.show_plan()

    def _revised(self, revision: int) -> None:
        """The session changed: redraw now if on screen, else when shown again."""
        if self.is_current:
            self.refresh_chrome()
            self.show_plan()

    def on_screen_resume(self) -> None:
        self.refresh_chrome()
        if getattr(self, "_shown", None) != self.shell.revision:
            self.show_plan()

    def refresh_chrome(self) -> None:
        """Redraw the title and status lines from the app's state."""
        self.query_one(TitleLine).update(self.shell.title_text(self.view_name))
        self.query_one(StatusLine).update(self.shell.status_text)
        self.query_one(SyncLine).update(self.shell.sync_text)

    def show_plan(self) -> None:
        """Render the session's current plan."""
        self._shown = self.shell.revision
        self.plan_shown()

    def plan_shown(self) -> None:
        """Hook: the view redraws from ``self.session``."""

    def selection(self) -> set[str]:
        """Item ids triage keys apply to in this view (none by default)."""
        return set()

    def hidden_marks(self) -> int:
        """Marked items the view's filter hides (triage leaves them alone)."""
        return 0

    def selection_used(self) -> None:
        """An action used the selection: marks end with it."""

    def say_marks(self, count: int) -> None:
        """The status line counts the marks as they change: triage keys apply to them."""
        if count:
            plural = "" if count == 1 else "s"
            self.shell.set_status(f"{count} item{plural} marked: triage keys apply to all of them")
        else:
            self.shell.set_status("no item marked: triage keys apply to the cursor's")

    def current_item(self) -> Item | None:
        """The item under the cursor, if the view has one."""
        return None

    def current_release(self) -> str | None:
        """The release version under the cursor, if the view has one."""
        return None
