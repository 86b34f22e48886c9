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
    """The app for these command-line options (used by tests and the bench too)."""
    from tui.app import RelplanApp

    try:
        from tui.cli.context import load_context
    except ImportError:
        return _fallback_app(args)
    else:
        ctx = load_context(args)
        keymap = getattr(ctx.config, "keymap", None) if ctx.config is not None else None
        return RelplanApp(
            ctx.plan,
            today=ctx.today,
            path=ctx.path,
            fingerprint=ctx.fingerprint,
            is_demo=ctx.is_demo,
            keymap=keymap,
        )


def _fallback_app(args: argparse.Namespace) -> RelplanApp:
    """Until the shared context loader lands: the plan file or the demo, --today honoured."""
    import datetime as dt
    from pathlib import Path

    from planner.demo import DEMO_TODAY, demo_plan
    from tui.app import RelplanApp

    today = dt.date.fromisoformat(args.today) if getattr(args, "today", None) else None
    if getattr(args, "plan", None):
        from planner.calendar import today_in
        from planner.planfile import load_plan

        loaded = load_plan(Path(args.plan))
        return RelplanApp(
            loaded.plan,
            today=today or today_in(loaded.plan.policy),
            path=loaded.path,
            fingerprint=loaded.fingerprint,
        )
    return RelplanApp(demo_plan(), today=today or DEMO_TODAY, is_demo=True)
