"""The Timeline view (the start view): every release on a week scale."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from relplan.tui.screens.base import ViewScreen
from relplan.tui.widgets.attention import AttentionPane
from relplan.tui.widgets.timeline import Timeline, legend


class TimelineScreen(ViewScreen):
    """Releases as rows of phase bars; enter opens a release."""

    AUTO_FOCUS = "Timeline"
    view_name = "timeline"

    def compose_body(self) -> ComposeResult:
        yield AttentionPane(id="attention")
        yield Static(legend(self.session.ladders().values()), id="legend")
        yield Timeline(self.session.today, id="timeline")

    def plan_shown(self) -> None:
        session = self.session
        ladders = session.ladders()
        self.query_one(Timeline).show(session.train(), ladders)
        self.query_one("#legend", Static).update(legend(ladders.values()))
        self.query_one(AttentionPane).work_out(session, self.shell.waiting_for())

    def current_release(self) -> str | None:
        release = self.query_one(Timeline).current
        return release.version if release else None

    def on_timeline_opened(self, event: Timeline.Opened) -> None:
        self.shell.open_release(event.version)
