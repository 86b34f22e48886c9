"""The Timeline view (the start view): every release on a week scale."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.widgets import Static

from relplan.planner.usecases.session import Session
from relplan.tui.screens.base import ViewScreen
from relplan.tui.widgets.safe import markup_safe
from relplan.tui.widgets.timeline import Timeline, legend


def attention_text(session: Session, limit: int = 4) -> str:
    """What needs me now: releases that are not a go while stabilizing or due soon."""
    found = session.attention()
    if not found:
        return "[green]nothing needs you now:[/] every release ahead is a go"
    lines = [
        f"[b red]▲[/] {markup_safe(a.text)}" if a.urgent else f"[yellow]•[/] {markup_safe(a.text)}"
        for a in found[:limit]
    ]
    if len(found) > limit:
        lines.append(f"  … and {len(found) - limit} more (status in each release: enter)")
    return "\n".join(lines)


class TimelineScreen(ViewScreen):
    """Releases as rows of phase bars; enter opens a release."""

    AUTO_FOCUS = "Timeline"
    view_name = "timeline"

    def compose_body(self) -> ComposeResult:
        yield Static("working out what needs you now…", id="attention")
        yield Static(legend(self.session.ladders().values()), id="legend")
        yield Timeline(self.session.today, id="timeline")

    def plan_shown(self) -> None:
        session = self.session
        ladders = session.ladders()
        self.query_one(Timeline).show(session.train(), ladders)
        self.query_one("#legend", Static).update(legend(ladders.values()))
        # After the frame is painted: the worker would compete with it for the interpreter.
        self.call_after_refresh(self._work_out_attention, session)

    @work(thread=True, exclusive=True, group="attention", exit_on_error=False)
    def _work_out_attention(self, session: Session) -> None:
        # Status over every item takes a quarter second at 100,000 items: the timeline
        # paints first, what needs attention follows.
        text = attention_text(session)
        self.app.call_from_thread(self._show_attention, text)

    def _show_attention(self, text: str) -> None:
        if self.is_attached:
            self.query_one("#attention", Static).update(text)

    def current_release(self) -> str | None:
        release = self.query_one(Timeline).current
        return release.version if release else None

    def on_timeline_opened(self, event: Timeline.Opened) -> None:
        self.shell.open_release(event.version)
