"""The dashboard as ``relplan serve`` runs it for each visitor: read-only.

``python -m relplan.tui.cli.served [--plan P] [--config C] [--today D]`` (the command
:func:`relplan.tui.cli.serve_command.served_command` builds); not a user command.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from relplan.planner.domain.errors import RelplanError
from relplan.tui.cli import EXIT_USAGE, bare_dashboard_args
from relplan.tui.cli.dashboard import build_app
from relplan.tui.cli.output import say

READ_ONLY_NOTE = "read-only: browse freely; nothing here is saved, synced, pushed or exported"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the read-only dashboard on the plan the global options name."""
    args = bare_dashboard_args(argv)
    if args is None:
        say("relplan.tui.cli.served: only --plan, --config and --today are accepted", err=True)
        return EXIT_USAGE
    try:
        app = build_app(args)
    except RelplanError as exc:
        for problem in exc.problems:
            say(f"relplan: {problem}", err=True)
        return EXIT_USAGE
    app.read_only = True
    app.status_text = READ_ONLY_NOTE
    app.run()
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
