"""``relplan`` without a subcommand: open the dashboard."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.app import RelplanApp


def run_dashboard(args: argparse.Namespace) -> int:
    """Load the plan (or the demo) and run the app until the user quits."""
    app = build_app(args)
    app.run()
    return 0


def build_app(args: argparse.Namespace) -> RelplanApp:
    """The app for these command-line options (used by tests and the bench too).

    The plan is shown laid onto the calendar as of ``--today``, as ``export``
    writes it: accepted items without a target show where they will land and why.
    """
    from planner.laying import lay
    from tui.app import RelplanApp
    from tui.cli.context import load_context

    ctx = load_context(args)
    app = RelplanApp(
        lay(ctx.plan, ctx.train(), ctx.today),
        today=ctx.today,
        path=ctx.path,
        fingerprint=ctx.fingerprint,
        is_demo=ctx.is_demo,
        keymap=ctx.config.keymap,
        git=ctx.config.git,
    )
    if ctx.config.sources:  # `s` syncs the config's trackers (tui/cli/sync_command.py)
        from tui.cli.sync_command import dashboard_sync_handler, last_sync_line

        app.sync_handler = dashboard_sync_handler(ctx.config)
        app.sync_text = "; ".join([*ctx.notes, last_sync_line(ctx.config)])
    return app
