"""What several commands share: the session with git joined, plain tables, output files.

Kept apart from the commands themselves so that no command module imports another.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from relplan.planner.domain.errors import PlanError, Problem
from relplan.planner.domain.text import grouped_warnings
from relplan.planner.domain.window import Window
from relplan.planner.usecases.files import write_new
from relplan.tui.cli.context import Context, load_context
from relplan.tui.cli.output import say


def render_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Plain aligned columns, for terminals and pipes alike."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def repo_arg(parser: argparse.ArgumentParser) -> None:
    """``--repo PATH``: the git repository whose history joins the backport states."""
    parser.add_argument(
        "--repo",
        metavar="PATH",
        help="join backport states found in this git repository's history "
        "(default: [git] repo of the config)",
    )


def git_session(args: argparse.Namespace) -> Context:
    """The session for these options, with git's backport evidence joined in when a
    repository is named (``--repo`` or ``[git] repo``)."""
    ctx = load_context(args)
    if (stale := ctx.stale_repo(getattr(args, "repo", None))) is not None:
        say(f"relplan: warning: {stale}", err=True)  # before a scan it may explain failing
    if ctx.scan_git(getattr(args, "repo", None)) is not None:
        assert ctx.evidence is not None
        for warning in grouped_warnings(ctx.evidence.scan.warnings):
            say(f"relplan: {warning}", err=True)
    return ctx


def emit_output(data: bytes, output: str | None, force: bool) -> None:
    """Write to ``output`` (never over an existing file without ``force``) or to stdout."""
    if output and output != "-":
        write_new(Path(output), data, force=force)
    else:
        sys.stdout.write(data.decode("utf-8"))


def force_arg(parser: argparse.ArgumentParser) -> None:
    """``-o FILE`` and ``--force`` (replace an existing FILE)."""
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (atomically; never over an "
        "existing file unless --force)",
    )  # fmt: skip
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (expected YYYY-MM-DD)") from None


def window_args(parser: argparse.ArgumentParser, *, since: bool = True) -> None:
    """``--since DATE``, ``--until DATE``, ``--current``: a window on the calendar
    (:class:`relplan.planner.domain.window.Window`). ``since=False`` when the command
    declares its own ``--since``."""
    if since:
        parser.add_argument(
            "--since", type=_day, metavar="YYYY-MM-DD",
            help="only releases with a milestone on or after that day (events: on or after)",
        )  # fmt: skip
    parser.add_argument(
        "--until", type=_day, metavar="YYYY-MM-DD",
        help="only releases with a milestone on or before that day (events: on or before)",
    )  # fmt: skip
    parser.add_argument(
        "--current", action="store_true",
        help="only the releases that matter today, as relplan status shows by default",
    )  # fmt: skip


def window_of(args: argparse.Namespace) -> Window:
    """The window the options ask for (all of the calendar without any)."""
    window = Window(getattr(args, "since", None), args.until, args.current)
    if window.since and window.until and window.since > window.until:
        raise PlanError(
            Problem(f"--since {window.since} is after --until {window.until}", hint="swap them")
        )
    return window
