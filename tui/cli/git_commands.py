"""Git subcommand ``backports``: what is still missing on each stable branch (``init
--from-git`` lives in :mod:`relplan.tui.cli.init_command`).

Headless: no Textual, no httpx. Everything is read-only on the repository.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from typing import TYPE_CHECKING, Any

from relplan.planner.domain.model import Plan
from relplan.planner.domain.policy import Policy
from relplan.planner.domain.text import grouped_warnings, printable_lines
from relplan.planner.outputs.contracts import conflict_json
from relplan.planner.usecases.backports import backport_targets, scan_backports
from relplan.planner.usecases.session import read_config
from relplan.tui.cli.context import Context, load_context
from relplan.tui.cli.output import say

if TYPE_CHECKING:
    from relplan.planner.git.backports import BackportRow, ScanResult
    from relplan.planner.git.join import Conflict
    from relplan.planner.store.config import Config

EXIT_OK = 0


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``backports`` subcommand."""
    p = subparsers.add_parser(
        "backports",
        parents=[common],
        help="which upstream fixes still have to reach which stable branch (from git history)",
        description="Scan stable branches for picks of upstream fixes (cherry-pick markers, "
        "'master commit:', 'commit X upstream.', 'Backport of X', bots' pull request numbers, "
        "patch-id and titles, along pick chains), "
        "culprits (Fixes:, Follow-up for, Regression in, reverts, ...) and backport requests, "
        "in every built-in convention (see [git.conventions] in the config). Says which "
        "conventions the history uses and which branch is upstream. For each missing fix, "
        "whether it applies to the branch (clean, conflict with paths, needs earlier commits, "
        "already applied), by an in-memory cherry-pick. Read-only on the repository; what it "
        "reads is cached by commit id and branch tips.",
    )
    p.add_argument("--repo", metavar="PATH", help="repository (default: [git] repo, else .)")
    p.add_argument(
        "--upstream",
        metavar="BRANCH",
        help="upstream branch (default: [git] upstream, else the main line: main, master, "
        "origin/HEAD; never a stable branch)",
    )
    p.add_argument(
        "--branch",
        metavar="NAME",
        action="append",
        default=[],
        help="stable branch to check (repeatable; default: the plan's maintained ones)",
    )
    p.add_argument(
        "--branch-pattern",
        metavar="PATTERN",
        help="branch name of a series, e.g. stable-{series} (default: the policy's)",
    )
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format")
    p.add_argument("--missing", action="store_true", help="only fixes still missing")
    p.add_argument(
        "--strict",
        action="store_true",
        help="fail on an unparsable backport mark (default: a warning, as every command "
        "and the dashboard report it)",
    )
    p.add_argument("--lenient", action="store_true", help=argparse.SUPPRESS)  # the default now
    p.add_argument(
        "--no-patch-id", action="store_true", help="skip matching unmarked picks by patch-id"
    )
    p.add_argument(
        "--no-apply",
        action="store_true",
        help="skip 'will it apply?' (clean, conflict, needs, applied) for missing fixes",
    )
    p.add_argument(
        "--conflicts",
        action="store_true",
        help="list where the plan's tracker backport fields and git disagree",
    )
    p.set_defaults(run=run_backports)


# backports ------------------------------------------------------------------


def _config(args: argparse.Namespace) -> Config:
    return read_config(getattr(args, "config", None), getattr(args, "plan", None))


def run_backports(args: argparse.Namespace) -> int:
    """``relplan backports``: rows per branch, missing first (or the tracker-vs-git
    conflicts of the plan's items with ``--conflicts``), as a table or JSON."""

    config = _config(args)
    repo = args.repo or config.git.repo or "."
    pattern = args.branch_pattern or config.git.branch_pattern
    upstream = args.upstream or config.git.upstream
    ctx = _context(args) if args.conflicts or not args.branch else None
    targets, missing = backport_targets(repo, args.branch or (), pattern, ctx)
    for warning in grouped_warnings(missing):
        say(f"relplan: warning: {warning}", err=True)
    plan = ctx.plan if ctx is not None and not ctx.is_demo else _empty_plan()
    ev = scan_backports(
        config, plan, repo, targets, upstream=upstream, strict=args.strict,
        patch_id=not args.no_patch_id, pattern=pattern, apply=not args.no_apply,
    )  # fmt: skip
    if not ev.scan.upstream_reason:
        ev.scan.upstream_reason = "--upstream" if args.upstream else "[git] upstream"
    for warning in grouped_warnings(ev.scan.warnings):
        say(f"relplan: warning: {warning}", err=True)
    table = args.format == "table" and not args.conflicts
    for line in scan_header(ev.scan):
        say(line if table else f"relplan: {line}", err=not table)
    if args.conflicts:
        _emit(ev.conflicts, args.format)
        return EXIT_OK
    rows = [r for r in ev.scan.rows if r.state.is_pending or not args.missing]
    if args.format == "json":
        json.dump([r.to_json() for r in rows], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        say("")
        sys.stdout.write(printable_lines(render_backports(ev.scan, rows)))
    return EXIT_OK


def scan_header(result: ScanResult) -> list[str]:
    """Which branch was upstream and why, which conventions the history uses, and how the
    done rows were found (marker, pr-number, patch-id, title)."""
    lines = [
        f"upstream: {result.upstream} ({result.upstream_reason})",
        f"conventions: {result.conventions.summary()}",
    ]
    if result.signals:
        found = ", ".join(f"{name} {n}" for name, n in result.signals.items())
        lines.append(
            f"done found by: {found}" + (" (cached: no branch moved)" if result.cached else "")
        )
    return lines


def _context(args: argparse.Namespace) -> Context:
    return load_context(args)


def _empty_plan() -> Plan:
    return Plan("git", Policy())


def _emit(conflicts: list[Conflict], fmt: str) -> None:
    if fmt == "json":
        json.dump([conflict_json(c) for c in conflicts], sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    if not conflicts:
        say("tracker and git agree on every fix commit of the plan")
    for c in conflicts:
        say(f"{c.item}  {c.series}  {c.message}")


def render_backports(result: ScanResult, rows: list[BackportRow]) -> str:
    """One block per branch: what is still missing first, then what is done."""
    out: list[str] = []
    for t in result.branches:
        every = [r for r in result.rows if r.branch == t.name]  # counts: every row, shown or not
        counts = Counter("missing" if r.state.is_pending else str(r.state) for r in every)
        counts.pop("missing", None)
        parts = [result.summary(t.name), f"{counts.pop('done', 0)} done"]
        parts += [f"{n} {state}" for state, n in sorted(counts.items())]
        series = f" ({t.series}{', security only' if t.security_only else ''})" if t.series else ""
        out.append(f"{t.name}{series}: " + ", ".join(parts))
        for r in (r for r in rows if r.branch == t.name):
            subject = r.subject if len(r.subject) <= 50 else r.subject[:49] + "…"
            apply = f"  [{r.apply_text}]" if r.apply else ""
            out.append(f"  {str(r.state):<9} {r.fix[:12]}  {subject:<50}  {r.evidence}{apply}")
        out.append("")
    return "\n".join(out)
