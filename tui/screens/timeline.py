"""The Timeline view (the start view): every release on a week scale."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from tui.screens.base import ViewScreen
from tui.widgets.timeline import Timeline


class TimelineScreen(ViewScreen):
    """Releases as rows of phase bars; enter opens a release."""

    AUTO_FOCUS = "Timeline"
    view_name = "timeline"

    def compose_body(self) -> ComposeResult:
        yield Static(
            "━ development  █ freeze/RC  ◆ release  ─ maintained  ┄ security only"
            "  │ today  ● supported branch",
            id="legend",
        )
        yield Timeline(self.relplan.today, id="timeline")


    def plan_shown(self) -> None:
        self.query_one(Timeline).show(self.relplan.train)

    def current_release(self) -> str | None:
        release = self.query_one(Timeline).current
        return release.version if release else None

    def on_timeline_opened(self, event: Timeline.Opened) -> None:
        self.relplan.open_release(event.version)
