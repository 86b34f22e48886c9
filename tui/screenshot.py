"""The dashboard's timeline as an SVG picture, for wikis and slides.

The real app runs headless on the session at a fixed terminal size; once every
background worker is done (the attention list, a git scan) the screen is
exported with Textual's own SVG export. Nothing in the picture depends on the
clock: the title says the session's day, the ids Rich gives the SVG's styles are
a hash of its content, so the same plan on the same day gives the same bytes.
"""

from __future__ import annotations

import asyncio

from relplan.planner.outputs.escape import xml_text
from relplan.planner.usecases.session import Session
from relplan.tui.app import RelplanApp

DEFAULT_SIZE = (120, 40)


async def _capture(session: Session, size: tuple[int, int], title: str) -> str:
    app = RelplanApp(session, start="timeline")
    async with app.run_test(size=size, headless=True) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        return app.export_screenshot(title=title)


def timeline_svg(session: Session, size: tuple[int, int] = DEFAULT_SIZE) -> str:
    """The timeline view of ``session`` as an SVG document (blocking: about a second)."""
    # outside text: Rich escapes < & > but keeps controls, which XML forbids
    title = xml_text(f"{session.plan.name} as of {session.today}")
    return asyncio.run(_capture(session, size, title))
