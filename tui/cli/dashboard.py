"""``relplan`` without a subcommand: open the dashboard."""

from __future__ import annotations

import argparse
import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from relplan.tui.app import RelplanApp


def run_dashboard(args: argparse.Namespace) -> int:
    """Load the plan (or the demo) and run the app until the user quits.

    The cyclic garbage collector is paused from here until the first frame is painted (the
    app resumes it, see :meth:`RelplanApp.after_first_frame`): importing Textual and the
    planner and building the first view allocate a long-lived heap the collector would scan
    a hundred times for no garbage (about a tenth of the first frame's time). Memory is
    still freed as usual; only reference cycles wait.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        app = build_app(args)
        app.resume_gc = paused
        app.run()
    finally:
        if paused:  # the app failed to start, or quit before its first frame
            gc.enable()
    return app.return_code or 0  # 1 after a crash (its note says where the edits went)


def build_app(args: argparse.Namespace) -> RelplanApp:
    """The app for these command-line options (used by tests and the bench too).

    The plan is shown laid onto the calendar as of ``--today``, as ``export``
    writes it: accepted items without a target show where they will land and why.
    """
    # textual loads through this door only (the command line never imports it: pyproject's
    # contract), at the start-up of the dashboard alone
    from relplan.tui.app import RelplanApp
    from relplan.tui.cli.context import load_context  # start-up: as the line above

    ctx = load_context(args)
    app = RelplanApp(ctx)
    if ctx.notes:  # an interrupted sync finished on the way in: say so where syncs are shown
        app.sync_text = "; ".join(ctx.notes)
    return app
