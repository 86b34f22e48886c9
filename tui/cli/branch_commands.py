"""``relplan branches``: one row per release series, newest first (the dashboard's Branches
view as a table or JSON). Both faces read :func:`relplan.planner.usecases.branches.branch_rows`.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from relplan.planner.usecases.branches import BranchRow, SupportEnd, branch_rows
from relplan.tui.cli.common import git_session, render_table, repo_arg
from relplan.tui.cli.output import say

EXIT_OK = 0


def support_text(end: SupportEnd) -> str:
    """``2027-07-18 (policy)``, ``when 9.2.0 ships (measured)``, or ``unknown``."""
    known = end.day is not None or end.until_shipped is not None
    return f"{end.text()} ({end.source.value})" if known else "unknown"


def _table_row(row: BranchRow) -> list[object]:
    return [
        row.series,
        row.phase.value,
        support_text(row.maintained_until),
        support_text(row.security_until),
        row.countdown(),
        row.next_verdict.value if row.next_verdict else "",
        "" if row.missing is None else row.missing,
        row.late or "",
    ]


def run_branches(args: argparse.Namespace) -> int:
    """Print one row per release series, newest first."""
    ctx = git_session(args)
    rows = branch_rows(ctx, every=args.all)
    if args.format == "json":
        say(json.dumps([row.to_json() for row in rows], indent=2))
        return EXIT_OK
    if ctx.is_demo:
        say(f"(embedded Xen 4.0 demo, as of {ctx.today}; --plan PATH for your own)", err=True)
    headers = ["series", "phase", "maintained until", "security until", "next release",
               "verdict", "missing", "late"]  # fmt: skip
    say(render_table(headers, [_table_row(r) for r in rows]))
    if not args.all:
        hidden = len(branch_rows(ctx, every=True)) - len(rows)
        if hidden:
            say(f"({hidden} more series, end-of-life or further ahead: branches --all)")
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``branches`` to the command line."""
    p = sub.add_parser(
        "branches",
        parents=[common],
        help="one row per release series: phase, support ends, next release, missing "
        "backports, late items",
    )
    p.add_argument("--all", action="store_true", help="every series, end-of-life ones too")
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format")
    repo_arg(p)
    p.set_defaults(run=run_branches)
