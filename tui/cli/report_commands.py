"""Telling everyone: ``relplan report`` (schedule mail, development update, status page) and
reading a development update back (``relplan import`` hands such a file here).

Thin faces over :mod:`relplan.planner.outputs.report` and :mod:`relplan.planner.outputs.devupdate`:
every fact comes
from the session, so a report says what ``relplan status`` and the dashboard say.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path
from typing import Any

from relplan.planner.domain import days
from relplan.planner.domain.errors import PlanError, Problem
from relplan.planner.domain.window import Window
from relplan.planner.usecases.files import write_files
from relplan.planner.usecases.updates import apply_reply, changes_since
from relplan.tui.cli.common import (
    emit_output,
    force_arg,
    git_session,
    repo_arg,
    window_args,
    window_of,
)
from relplan.tui.cli.context import Context, load_context
from relplan.tui.cli.output import say

EXIT_OK = 0


def report_text(ctx: Context, args: argparse.Namespace) -> str:
    """The report the options ask for."""
    # start-up: outputs.report (~16 ms), only for report
    from relplan.planner.outputs import report

    fmt = args.format or report.DEFAULT_FORMAT[args.kind]
    window = window_of(args)
    if args.kind == "status":
        if window.everything and not args.all:
            window = Window(current=True)  # what status shows: not every release since 2004
        return report.status_report(ctx, fmt, args.version, window)
    if args.all:
        raise PlanError(
            Problem(f"--all widens the status page, not the {args.kind} report",
                    hint="use it with --kind status")
        )  # fmt: skip
    if args.until or args.current:
        raise PlanError(
            Problem(
                f"--until and --current limit the status page, not the {args.kind} report",
                hint="use them with --kind status",
            )
        )
    version = args.version or ctx.report_release().version
    ctx.release(version)  # an unknown release: a clear error with a did-you-mean
    if args.kind == "schedule":
        return report.schedule_report(ctx, version, fmt)
    changes, missing = changes_since(ctx, args.since) if args.since else (None, None)
    return report.update_report(ctx, version, fmt, changes, args.since, missing)


def _is_folder(output: str | None) -> bool:
    """``-o site/`` or an existing folder: the status page's folder form."""
    if not output:
        return False
    return output.endswith(("/", os.sep)) or Path(output).is_dir()


def run_report(args: argparse.Namespace) -> int:
    """Print or write a schedule mail, a development update or the status page."""
    if args.format == "html" and args.kind != "status":
        raise PlanError(
            Problem(
                f"--format html is the status page; not for --kind {args.kind}",
                field="--format",
                hint="report --kind status --format html",
            )
        )
    if args.format == "html" and args.version:
        raise PlanError(
            Problem(
                "the HTML status page covers the whole plan, not one release",
                field="VERSION",
                hint="-o FOLDER/ writes one page per series",
            )
        )
    if args.format == "html" and not window_of(args).everything:
        raise PlanError(
            Problem(
                "--since, --until and --current limit the text and markdown status report; "
                "the HTML page always shows the releases that matter today",
                field="--format",
                hint="report --kind status --format markdown --current",
            )
        )
    if _is_folder(args.output) and args.format != "html":
        raise PlanError(
            Problem(
                "a folder as output is for --format html (one page per series)",
                args.output,
                hint="name a file",
            )
        )
    ctx = git_session(args)
    if args.format == "html":
        # start-up: the HTML status page (~26 ms), only for report --format html
        from relplan.planner.outputs import statuspage

        if _is_folder(args.output):
            pages = statuspage.site_pages(ctx)
            files = {n: t.encode("utf-8") for n, t in pages.items()}
            write_files(Path(args.output), files, force=args.force)
            say(f"wrote {len(pages)} pages to {args.output}", err=True)
            return EXIT_OK
        emit_output(statuspage.status_page(ctx).encode("utf-8"), args.output, args.force)
        return EXIT_OK
    emit_output(report_text(ctx, args).encode("utf-8"), args.output, args.force)
    return EXIT_OK


def import_update(args: argparse.Namespace, text: str) -> int:
    """Apply a development update (a reply with edited lines) to the plan file."""
    ctx = load_context(args)
    path = ctx.writable_path()
    update, result = apply_reply(ctx, text)
    about = f" of {update.release}" if update.release else ""
    about += f" ({update.day})" if update.day else ""
    written = f" -> {path}" if result.changed else " (nothing to write)"
    say(
        f"development update{about}: {len(update.entries)} entries, {result.matched} matched, "
        f"{len(result.changes)} changes, {len(result.conflicts)} conflicts{written}"
    )
    say(f"  base (what the update said): quoted lines, else {result.base}")
    for c in result.changes:
        say(f"  changed {c.item} {c.field}: {c.before or 'unset'} -> {c.after or 'unset'}")
    for c in result.conflicts:
        say(
            f"  conflict {c.item} {c.field}: the plan changed it to {c.before or 'unset'} "
            f"and the reply to {c.after or 'unset'}; kept the plan's"
        )
    for e in result.unmatched:
        say(f"  no item matches line {e.line}: {e.title}")
    for e, ids in result.ambiguous:
        say(f"  line {e.line} fits several items ({', '.join(ids)}): {e.title}; add [id]")
    return EXIT_OK


def _day(text: str) -> dt.date:
    try:
        return days.parse_day(text)
    except days.BadDay as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``report`` to the command line."""
    p = sub.add_parser(
        "report",
        parents=[common],
        help="the schedule mail, the development update or the status page of a release",
    )
    p.add_argument(
        "version", nargs="?",
        help="the release (default: the point release being stabilized, else the next one; "
        "status: the releases that matter today, as relplan status shows; --all: every one)",
    )  # fmt: skip
    p.add_argument("--kind", choices=("schedule", "update", "status"), default="status")
    p.add_argument(
        "--format", choices=("text", "markdown", "html"),
        help="default: text for schedule and update (mails), markdown for status; html: the "
        "status page as one self-contained file (-o FOLDER/: one page per series too)",
    )  # fmt: skip
    p.add_argument(
        "--since", type=_day, metavar="YYYY-MM-DD",
        help="update: what changed in the plan since that day (from the plan file's git "
        "history); status: only releases with a milestone on or after that day",
    )  # fmt: skip
    window_args(p, since=False)
    p.add_argument(
        "--all", action="store_true",
        help="status: every release on the calendar (default: the releases that matter today)",
    )  # fmt: skip
    force_arg(p)
    repo_arg(p)
    p.set_defaults(run=run_report)
