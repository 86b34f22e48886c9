"""``relplan push [SOURCE...] [--dry-run] [--format table|json] [--create-versions]``.

Every line may quote tracker text (titles, values, refusals): it is printed through
:func:`relplan.tui.cli.output.say`, so a control sequence is shown escaped, never obeyed.

Writes the plan's local triage (target, blocker, backports, and states where the
config maps them) back to the trackers it came from, one item at a time, never over
a change someone made in the tracker since the last sync (see
:mod:`relplan.planner.trackers.pushing`). ``--dry-run`` reads the trackers and lists every write it
would make, writing nothing. Exit codes: 0 when every local decision is in the
trackers; 1 when some were not written (conflicts, missing versions, refusals; their
ids are named); 2 for errors (a refusal of the token, the network), after saying
exactly which items were written before it; 130 for ctrl+c, the same way.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from relplan.planner.usecases.tracking import Outcome, Reporter
from relplan.tui.cli.context import load_context
from relplan.tui.cli.output import say

if TYPE_CHECKING:
    from relplan.planner.trackers.push import PushResult
    from relplan.planner.trackers.pushing import Pusher

EXIT_OK, EXIT_FAIL, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``push`` to the command line."""
    p = sub.add_parser(
        "push",
        parents=[common],
        help="write local triage decisions back to the trackers",
        description="Write what was decided in relplan since the last sync (target release, "
        "blocker, backport states; states only where the config maps them) back to the "
        "trackers the items came from. A field someone changed in the tracker since the last "
        "sync is never written over: it is listed as a conflict.",
    )
    p.add_argument("sources", nargs="*", metavar="SOURCE", help="push only these sources")
    p.add_argument(
        "--dry-run", action="store_true", help="read the trackers and list every write; write none"
    )
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format")
    p.add_argument(
        "--create-versions",
        action="store_true",
        help="create target milestones/versions the tracker lacks (else they are reported)",
    )
    p.set_defaults(run=run_push_command)


def run_push_command(args: argparse.Namespace) -> int:
    """Run the push; usage and configuration errors are RelplanErrors (exit 2 via main)."""
    import asyncio  # start-up: every command's parser imports this module; asyncio is 25 ms

    ctx = load_context(args)
    started: list[Pusher] = []
    reporter = Reporter(status=_status)
    try:
        result = asyncio.run(
            ctx.push(
                sources=args.sources,
                dry_run=args.dry_run,
                create_versions=args.create_versions,
                reporter=reporter if args.format == "table" else None,
                started=started.append,
            )
        )
    except KeyboardInterrupt:
        if started:
            _say_written(started[0].result(), "interrupted")
        else:
            say("relplan: interrupted; nothing was written", err=True)
        return EXIT_INTERRUPTED
    if args.format == "json":
        sys.stdout.write(json.dumps(_json(result), indent=2) + "\n")  # JSON escapes controls
    else:
        _table(result)
    if result.failure:
        for problem in result.failure:
            say(f"relplan: {problem}", err=True)
        _say_written(result, "stopped")
        return EXIT_ERROR
    return _say_failed(result)


def _status(text: str) -> None:
    """Rate-limit waits and moves go to stderr; per-item progress does not."""
    if ": pushing " not in text:
        say(f"relplan: {text}", err=True)


def _table(result: PushResult) -> None:
    for write in result.writes:
        say(write)
    for note in result.notes:
        say(f"  note: {note}")
    fields = [w for w in result.writes if w.outcome in (Outcome.WOULD_WRITE, Outcome.WRITTEN)]
    items = len({w.item for w in fields})
    if all(w.outcome in (Outcome.SKIPPED, Outcome.ALREADY) for w in result.writes):
        local = sum(w.outcome is Outcome.SKIPPED for w in result.writes)  # rows say why
        said = f" ({local} change(s) stay local)" if local else ""
        say(f"nothing to push: the trackers hold every local decision of the plan{said}")
    elif result.dry_run:
        say(
            f"dry run: {len(fields)} field(s) of {items} item(s) would be written; "
            "nothing was written"
        )
    else:
        say(f"wrote {len(fields)} field(s) of {items} item(s) in {result.requests} requests")


def _json(result: PushResult) -> dict[str, Any]:
    return {
        "dry_run": result.dry_run,
        "writes": [w.to_json() for w in result.writes],
        "written": result.written,
        "notes": [str(n) for n in result.notes],
        "errors": [str(p) for p in result.failure],
    }


def _say_written(result: PushResult, how: str) -> None:
    written = result.written
    if result.dry_run or not written:
        say(f"relplan: {how}; nothing was written", err=True)
    else:
        say(
            f"relplan: {how} after writing {', '.join(written)} (recorded); the rest was not "
            "written",
            err=True,
        )


def _say_failed(result: PushResult) -> int:
    reasons = (
        (Outcome.CONFLICT, "the tracker changed them since the last sync (relplan sync, "
         "then decide)"),
        (Outcome.MISSING, "their target is not a version of the tracker (--create-versions)"),
        (Outcome.NOT_TAKEN, "the tracker did not take the change (workflow or permission)"),
        (Outcome.REFUSED, "the tracker refused the change"),
    )  # fmt: skip
    failed = False
    for outcome, why in reasons:
        ids = result.ids(outcome)
        if ids:
            failed = True
            say(f"relplan: not pushed: {', '.join(ids)}: {why}", err=True)
    return EXIT_FAIL if failed else EXIT_OK
