"""``relplan sync [SOURCE] [--full]``: pull items and releases from the configured trackers.

Fetches every ``[[sources]]`` table of the config (or the one named), merges
the answers into the plan keeping local triage, saves the plan (creating it
when ``--plan`` names a file that does not exist yet) and records the sync in
the cache. A refusal (401/403/404), a network failure or ctrl+c changes
nothing and exits 2 (130 for ctrl+c) with a message naming the source.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING, Any

from relplan.planner.domain.text import grouped_warnings
from relplan.planner.usecases.tracking import Reporter
from relplan.tui.cli.context import load_context
from relplan.tui.cli.output import say

if TYPE_CHECKING:
    from relplan.planner.usecases.session import Session

EXIT_OK = 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``sync`` to the command line."""
    p = sub.add_parser(
        "sync",
        parents=[common],
        help="pull roadmap items and releases from the trackers in the config",
        description="Fetch the config's [[sources]] (incrementally: only what changed since "
        "the last sync) and merge them into the plan; local triage decisions are kept and "
        "tracker-vs-local conflicts are listed.",
    )
    p.add_argument(
        "source",
        nargs="?",
        help="sync only this source (by name); `support`: only the declared support "
        "(SUPPORT.md on the branches of [git] repo, [support] endoflife)",
    )
    p.add_argument(
        "--full",
        action="store_true",
        help="ignore update windows and ETags: fetch everything again",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="print only warnings and conflicts")
    p.add_argument(
        "--status",
        action="store_true",
        help="no network: when each source last synced, and open conflicts",
    )
    p.set_defaults(run=run_sync_command)


def run_sync_command(args: argparse.Namespace) -> int:
    """Run the sync (the session's use case, as the dashboard's ``s``); errors are
    RelplanErrors (exit 2 via the CLI's main): a plan file changed on disk while the
    trackers answered is refused, never merged into silently."""
    import asyncio  # start-up: every command's parser imports this module; asyncio is 25 ms

    ctx = load_context(args, allow_missing_plan=True)
    if args.status:
        return _print_status(ctx)
    path = ctx.writable_path()
    declared_only = args.source == "support" or (
        not ctx.config.source_tables and args.source is None
    )
    if declared_only and _declared_configured(ctx.config):
        return _sync_declared(args)
    create = not path.exists()
    reporter = Reporter(status=_status_printer(args.quiet))
    result = asyncio.run(
        ctx.sync(reporter, source=args.source, full=args.full, wait_for_writers=True)
    )
    for outcome in result.outcomes:
        _report(outcome, args.quiet)
    if not args.quiet:
        say(f"wrote {path}" if result.plan_changed or create else f"{path}: no changes")
    if args.source is None and _declared_configured(ctx.config):
        return _sync_declared(args)
    return EXIT_OK


def _declared_configured(config: Any) -> bool:
    return config.git.repo is not None or config.support.endoflife is not None


def _sync_declared(args: argparse.Namespace) -> int:
    """Read the declared support again (SUPPORT.md on the branches of [git] repo, the
    [support] endoflife product) and write it into the plan when it changed."""
    # start-up: usecases.declared (~60 ms: asyncio, ssl, endoflife), only for declared support
    from relplan.planner.usecases.declared import refresh_from_config, write_declared

    ctx = load_context(args, allow_missing_plan=True)  # the plan as the tracker sync left it
    read = refresh_from_config(ctx.plan, ctx.config)
    if read is None:
        return EXIT_OK
    for note in read.notes:
        say(f"relplan: note: {note}", err=True)
    for line in [] if args.quiet else read.summary():
        say(line)
    path = ctx.writable_path()
    saved = write_declared(ctx, read)
    if saved is None:
        if not args.quiet:
            say(f"{path}: declared support unchanged")
        return EXIT_OK
    for conflict in saved.conflicts:
        say(f"relplan: conflict with the file on disk: {conflict}", err=True)
    if not args.quiet:
        say(f"wrote {path} (declared support of {len(saved.plan.support)} series)")
    return EXIT_OK


def _print_status(ctx: Session) -> int:
    statuses, conflicts = ctx.sync_record()
    if not statuses:
        say("never synced")
    now = dt.datetime.now(dt.UTC)
    for s in statuses:
        age = s.age(now)
        ago = f"{age.total_seconds() / 3600:.1f} h ago" if age is not None else "never"
        say(
            f"{s.name}: synced {ago} ({s.synced_at:%Y-%m-%d %H:%M} UTC); {s.items} items, "
            f"{s.changed} changed, {s.requests} requests, {s.warnings} warnings, "
            f"{s.conflicts} open conflicts"
        )
    for c in conflicts:
        say(f"  conflict: {c}")
    return EXIT_OK


def _status_printer(quiet: bool) -> Any:
    def status(message: str) -> None:
        if not quiet and not message.endswith(": syncing"):
            say(f"relplan: {message}", err=True)

    return status


def _report(outcome: Any, quiet: bool) -> None:
    if not quiet:
        parts = [
            f"{outcome.items} items",
            f"{len(outcome.added)} added",
            f"{len(outcome.updated)} updated",
        ]
        if outcome.from_cache:
            parts.append(f"{len(outcome.from_cache)} from the cache")
        if outcome.releases_added:
            parts.append("releases added: " + ", ".join(outcome.releases_added))
        if outcome.requests:
            parts.append(f"{outcome.requests} requests")
        kind = "" if outcome.complete else " (incremental)"
        say(f"{outcome.name}{kind}: " + "; ".join(parts))
    for note in () if quiet else outcome.notes:
        say(f"  note: {note}")
    for warning in grouped_warnings(outcome.warnings):
        say(f"  warning: {warning}")
    for conflict in outcome.conflicts:
        say(f"  conflict: {conflict}")
