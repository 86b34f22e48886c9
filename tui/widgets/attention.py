"""What needs me now: the lines on top of the Branches and Timeline views.

The list comes from :meth:`relplan.planner.usecases.session.Session.attention`, worked out in a
thread after the first frame (a quarter second at 100,000 items). While evidence is still on
its way (a git scan, a sync) the pane says what it waits for: an empty list then is not an
all-clear.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import work
from textual.widgets import Static

from relplan.planner.usecases.session import Session
from relplan.tui.widgets.safe import markup_safe


def attention_text(session: Session, waiting: Sequence[str] = (), limit: int = 4) -> str:
    """The pane's text: releases that are not a go while stabilizing or due soon, and what
    is still loading (``waiting``: ``git evidence from ~/src/xen``) when anything is."""
    found = session.attention()
    lines = [
        f"[b $error]▲[/] {markup_safe(a.text)}"
        if a.urgent
        else f"[$warning]•[/] {markup_safe(a.text)}"
        for a in found[:limit]
    ]
    if len(found) > limit:
        lines.append(f"  … and {len(found) - limit} more (status in each release: enter)")
    if waiting:
        what = markup_safe(", ".join(waiting))
        lines.append(
            f"[$text-muted]… waiting for {what}: what needs you may grow[/]"
            if found
            else f"[$text-muted]… waiting for {what} before saying what needs you[/]"
        )
    elif not found:
        return "[$success]nothing needs you now:[/] every release ahead is a go"
    return "\n".join(lines)


class AttentionPane(Static):
    """The attention list; :meth:`work_out` refreshes it from a session in a thread."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__("working out what needs you now…", **kwargs)  # type: ignore[arg-type]

    def work_out(self, session: Session, waiting: Sequence[str]) -> None:
        """Recompute after the next frame is painted: the worker would compete with it."""
        self.call_after_refresh(self._work_out, session, tuple(waiting))

    @work(thread=True, exclusive=True, group="attention", exit_on_error=False)
    def _work_out(self, session: Session, waiting: tuple[str, ...]) -> None:
        text = attention_text(session, waiting)
        self.app.call_from_thread(self._show, text)

    def _show(self, text: str) -> None:
        if self.is_attached:
            self.update(text)
