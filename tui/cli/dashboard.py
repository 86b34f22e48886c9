"""``relplan`` without a subcommand: open the dashboard."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from relplan.tui.app import RelplanApp


def run_dashboard(args: argparse.Namespace) -> int:
    """Load the plan (or the demo) and run the app until the user quits."""
    app = build_app(args)
    app.run()
    return app.return_code or 0  # 1 after a crash (its note says where the edits went)


def build_app(args: argparse.Namespace) -> RelplanApp:
    """The app for these command-line options (used by tests and the bench too).

    The plan is shown laid onto the calendar as of ``--today``, as ``export``
    writes it: accepted items without a target show where they will land and why.
    """
    from relplan.tui.app import RelplanApp
    from relplan.tui.cli.context import load_context

    ctx = load_context(args)
    app = RelplanApp(ctx)
    if ctx.notes:  # an interrupted sync finished on the way in: say so where syncs are shown
        app.sync_text = "; ".join(ctx.notes)
    return app
