"""Headless plan commands: calendar, status, export, import, check.

None of these imports Textual or httpx; they load the plan, ask the planner,
and print a table or JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.calendar import phase_on
from planner.model import Release, ReleaseKind
from planner.status import ReleaseStatus
from tui.cli.context import Context, load_context

if TYPE_CHECKING:
    pass

EXIT_OK, EXIT_FAIL = 0, 1


def render_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Plain aligned columns, for terminals and pipes alike."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _emit(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _format_arg(parser: argparse.ArgumentParser, choices: Sequence[str]) -> None:
    parser.add_argument("--format", choices=choices, default=choices[0], help="output format")


def _repo_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--repo",
        metavar="PATH",
        help="join backport states found in this git repository's history "
        "(default: [git] repo of the config)",
    )


def _demo_banner(ctx: Context) -> None:
    if ctx.is_demo:
        print(
            f"(embedded Xen 4.0 demo, as of {ctx.today}; --plan PATH for your own)", file=sys.stderr
        )


# calendar -------------------------------------------------------------------


def _calendar_row(r: Release, ctx: Context) -> list[object]:
    rcs = f"{len(r.rcs)} from {r.rcs[0]}" if r.rcs else ""
    return [
        r.version,
        r.kind.value,
        phase_on(r, ctx.today).value,
        r.freeze or "",
        rcs,
        r.actual or r.release,
        "shipped" if r.actual else "planned",
        r.maintained_until if r.kind is ReleaseKind.POINT else "",
        r.security_until if r.kind is ReleaseKind.POINT else "",
    ]


def run_calendar(args: argparse.Namespace) -> int:
    """Print the release train."""
    ctx = load_context(args)
    train = ctx.train(args.count)
    if args.format == "json":
        from planner.contracts import calendar_json

        _emit(json.dumps(calendar_json(ctx, args.count), indent=2))
        return EXIT_OK
    _demo_banner(ctx)
    headers = ["version", "kind", "phase", "freeze", "rcs", "release", "", "maintained", "security"]
    _emit(render_table(headers, [_calendar_row(r, ctx) for r in train]))
    return EXIT_OK


# status ---------------------------------------------------------------------


def _status_row(s: ReleaseStatus) -> list[object]:
    nxt = f"{s.next_milestone} in {s.days_to_next}d" if s.next_milestone else ""
    pending = sum(n for st, n in s.backport_totals().items() if st in ("required", "in-progress"))
    return [
        s.version,
        s.phase.value,
        nxt,
        f"{s.items_done}/{s.items_total}",
        len(s.blockers_open) or "",
        len(s.features_open_after_freeze) or "",
        pending or "",
        s.verdict,
    ]


def _session(args: argparse.Namespace) -> Context:
    """The session for these options, with git's backport evidence joined in when a
    repository is named (``--repo`` or ``[git] repo``)."""
    ctx = load_context(args)
    if ctx.scan_git(getattr(args, "repo", None)) is not None:
        assert ctx.evidence is not None
        for warning in ctx.evidence.scan.warnings:
            print(f"relplan: {warning}", file=sys.stderr)
    return ctx


def run_status(args: argparse.Namespace) -> int:
    """Print the status of one release or of every release."""
    ctx = _session(args)
    statuses = [ctx.status(args.version)] if args.version else ctx.statuses()
    conflicts = ctx.conflicts()
    if args.format == "json":
        from planner.contracts import status_json

        _emit(json.dumps([status_json(s, conflicts) for s in statuses], indent=2))
        return EXIT_OK
    _demo_banner(ctx)
    headers = ["release", "phase", "next", "done", "blockers", "late", "backports", "verdict"]
    _emit(render_table(headers, [_status_row(s) for s in statuses]))
    for s in statuses:
        for reason in s.reasons if s.verdict == "no-go" else ():
            _emit(f"{s.version}: {reason}")
    for c in conflicts:
        _emit(f"tracker vs git: {c.item}: {c.message}")
    return EXIT_OK


# export / import / check ----------------------------------------------------


def run_export(args: argparse.Namespace) -> int:
    """Write the whole plan (laid on --today) as TOML or JSON."""
    from planner.planfile import dumps_toml, write_atomic

    ctx = _session(args)
    if args.format == "json":
        from planner.contracts import export_json

        text = json.dumps(export_json(ctx), indent=2) + "\n"
    else:
        text = dumps_toml(ctx.status_plan(), ctx.train())
    if args.output and args.output != "-":
        write_atomic(Path(args.output), text.encode("utf-8"))
    else:
        sys.stdout.write(text)
    return EXIT_OK


def run_import(args: argparse.Namespace) -> int:
    """Merge roadmap items from a file into the plan file."""
    from planner.merge import merge_items
    from planner.planfile import save_plan
    from planner.sources.files import read_items

    ctx = load_context(args, allow_missing_plan=True)
    path = ctx.writable_path()
    incoming = read_items(Path(args.file), args.source)
    result = merge_items(ctx.plan, incoming)
    if result.added or result.updated:
        save_plan(result.plan, ctx.train(), path, ctx.fingerprint)
    counts = (len(result.added), len(result.updated), len(result.unchanged))
    written = f" -> {path}" if result.added or result.updated else " (nothing to write)"
    _emit("added {}, updated {}, unchanged {}".format(*counts) + written)
    for label, ids in (("added", result.added), ("updated", result.updated)):
        for item_id in ids:
            _emit(f"  {label}: {item_id}")
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    """Exit 1 with reasons when the plan contradicts itself or a frozen release has blockers."""
    ctx = load_context(args)
    problems = ctx.check()
    for problem in problems:
        _emit(problem)
    if problems:
        print(f"relplan check: {len(problems)} problem(s)", file=sys.stderr)
        return EXIT_FAIL
    _emit(f"ok: {ctx.plan.name} is consistent as of {ctx.today}")
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add calendar, status, export, import and check to the command line."""
    p = sub.add_parser("calendar", parents=[common], help="the release train with every date")
    p.add_argument("--count", type=int, metavar="N", help="upcoming point releases to show")
    _format_arg(p, ("table", "json"))
    p.set_defaults(run=run_calendar)

    p = sub.add_parser("status", parents=[common], help="stabilization and backport status")
    p.add_argument("version", nargs="?", help="one release (default: all)")
    _repo_arg(p)
    _format_arg(p, ("table", "json"))
    p.set_defaults(run=run_status)

    p = sub.add_parser("export", parents=[common], help="write the release plan as TOML or JSON")
    _format_arg(p, ("toml", "json"))
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically)")
    _repo_arg(p)
    p.set_defaults(run=run_export)

    p = sub.add_parser(
        "import",
        parents=[common],
        help="merge roadmap items from TOML, CSV, JSON or a Markdown bullet list",
    )
    p.add_argument("file", help="the file to read")
    p.add_argument("--source", help="source name for item ids (default: the file name)")
    p.set_defaults(run=run_import)

    p = sub.add_parser(
        "check",
        parents=[common],
        help="exit 1 if the plan is inconsistent or a frozen release has blockers",
    )
    p.set_defaults(run=run_check)
