"""Headless plan commands: calendar, status, export, import, check.

None of these imports Textual or httpx; they load the plan, ask the planner,
and print a table or JSON.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from relplan.planner.domain.calendar import UNSCHEDULED, days_late, phase_on, unscheduled
from relplan.planner.domain.ends import held_open_by, known_ends
from relplan.planner.domain.errors import PlanError, Problem
from relplan.planner.domain.model import Release, ReleaseKind
from relplan.planner.domain.status import ReleaseStatus
from relplan.planner.domain.support import SupportSource
from relplan.planner.domain.window import Window
from relplan.planner.outputs.contracts import calendar_json, status_json, unscheduled_json
from relplan.planner.usecases.export import FORMATS, calendar_feed, export
from relplan.tui.cli.common import (
    emit_output,
    force_arg,
    git_session,
    render_table,
    repo_arg,
    window_args,
    window_of,
)
from relplan.tui.cli.context import Context, load_context
from relplan.tui.cli.output import say
from relplan.tui.cli.report_commands import import_update

EXIT_OK, EXIT_FAIL = 0, 1


def _emit(text: object) -> None:
    say(text)


def _format_arg(parser: argparse.ArgumentParser, choices: Sequence[str]) -> None:
    parser.add_argument("--format", choices=choices, default=choices[0], help="output format")


def _demo_banner(ctx: Context) -> None:
    if ctx.is_demo:
        say(f"(embedded Xen 4.0 demo, as of {ctx.today}; --plan PATH for your own)", err=True)


# calendar -------------------------------------------------------------------


def support_end(day: object, source: SupportSource | None, ended: bool | None = None) -> str:
    """A support end with its source in brief (``2028-03-05 decl``, ``ended eol.d``)."""
    text = str(day) if day else {True: "ended", False: "open", None: ""}[ended]
    tag = source.brief if source and text else ""
    return f"{text} {tag}".strip()


def _maintained_end(r: Release, ctx: Context) -> str:
    """A point release's end of maintenance in brief; ``when 9.2.0 ships`` while a late
    release holds it open (its planned day, already past, is no end)."""
    if (late := held_open_by(r, ctx.today)) is not None:
        return f"when {late} ships"
    return support_end(r.maintained_until, r.maintained_source, r.maintained_ended)


def _security_end(r: Release, ctx: Context) -> str:
    """A point release's end of security support in brief, as known on the day (none yet
    while a late release holds general support open and the end follows it)."""
    until = known_ends(r, ctx.today)[1]
    return support_end(until, r.security_source if until else None, r.security_ended)


def _calendar_row(r: Release, ctx: Context) -> list[object]:
    rcs = f"{len(r.rcs)} from {r.rcs[0]}" if r.rcs else ""
    point = r.kind is ReleaseKind.POINT
    phase = phase_on(r, ctx.today)
    late = days_late(r, ctx.today)
    return [
        r.version,
        r.kind.value,
        f"late {late}d" if late is not None else phase.value,
        r.freeze or "",
        rcs,
        r.actual or r.release,
        "shipped" if r.actual else "planned",
        _maintained_end(r, ctx) if point else "",
        _security_end(r, ctx) if point else "",
    ]


def run_calendar(args: argparse.Namespace) -> int:
    """Print the release train."""
    ctx = load_context(args)
    window = window_of(args)
    train = window.releases(ctx.train(args.count), ctx.today)
    if args.format == "json":
        _emit(json.dumps(calendar_json(ctx, args.count, window), indent=2))
        return EXIT_OK
    _demo_banner(ctx)
    headers = ["version", "kind", "phase", "freeze", "rcs", "release", "", "maintained", "security"]
    rows = [_calendar_row(r, ctx) for r in train]
    rows += [
        [s.version, s.kind.value, UNSCHEDULED, "", "", "", "no day", "", ""]
        for s in (unscheduled(ctx.plan, ctx.train()) if window.everything else ())
    ]
    _emit(render_table(headers, rows))
    if not window.everything:
        hidden = len(ctx.train(args.count)) - len(train)
        _emit(f"({window.describe()}: {hidden} more releases outside the window)")
    return EXIT_OK


# status ---------------------------------------------------------------------


def _status_row(s: ReleaseStatus) -> list[object]:
    nxt = f"{s.next_milestone} in {s.days_to_next}d" if s.next_milestone else ""
    pending = s.backports_pending()
    stage = f"{s.stage}: {s.accepts.value}" if s.stage and s.accepts else ""
    return [
        s.version,
        f"late {s.days_late}d" if s.days_late is not None else s.phase.value,
        stage,
        nxt,
        f"{s.items_done}/{s.items_total}",
        len(s.blockers_open) or "",
        len(s.features_open_after_freeze) or "",
        pending or "",
        s.verdict,
    ]


def run_status(args: argparse.Namespace) -> int:
    """Print the status of one release, of the releases that matter today, or of all."""
    ctx = git_session(args)
    undated = ctx.unscheduled()
    if args.version:
        undated = [u for u in undated if u.version == args.version]
        statuses = [] if undated else [ctx.status(args.version)]
    else:
        statuses = ctx.statuses() if args.all else ctx.window_statuses()
    conflicts = ctx.conflicts()
    if args.format == "json":
        rows = [status_json(s, conflicts) for s in statuses]
        rows += [unscheduled_json(u) for u in undated]
        _emit(json.dumps(rows, indent=2))
        return EXIT_OK
    _demo_banner(ctx)
    headers = [
        "release", "phase", "stage: accepts", "next", "done", "blockers", "late feat.",
        "backports", "verdict",
    ]  # fmt: skip
    table = [_status_row(s) for s in statuses]
    table += [
        [
            u.version,
            UNSCHEDULED,
            "",
            "",
            f"{u.items_done}/{u.items_total}",
            len(u.blockers_open) or "",
            "",
            "",
            UNSCHEDULED,
        ]
        for u in undated
    ]
    _emit(render_table(headers, table))
    hidden = 0 if args.version or args.all else len(ctx.statuses()) - len(statuses)
    if hidden:
        _emit(f"({hidden} more releases, end-of-life or further ahead: status --all)")
    for s in statuses:
        for reason in s.reasons if s.verdict == "no-go" else ():
            _emit(f"{s.version}: {reason}")
    for u in undated:
        _emit(f"{u.version}: {u.reason}")
    for c in conflicts:
        _emit(f"tracker vs git: {c.item}: {c.message}")
    return EXIT_OK


# export / import / check ----------------------------------------------------


def _size(text: str) -> tuple[int, int]:
    cols, _, rows = text.partition("x")
    if not (cols.isdigit() and rows.isdigit()) or int(cols) < 40 or int(rows) < 12:
        raise argparse.ArgumentTypeError(f"{text!r}: expected COLSxROWS, at least 40x12")
    return int(cols), int(rows)


def export_bytes(
    ctx: Context, fmt: str, size: tuple[int, int], window: Window | None = None
) -> bytes:
    """The plan exported in one format of the registry (:data:`FORMATS`: toml, json, ics,
    endoflife, release-cycle), or the timeline as an SVG picture (``svg``: the dashboard's
    own rendering); ``window`` limits the calendar feed
    (:class:`relplan.planner.domain.window.Window`)."""
    if fmt == "svg":
        from relplan.tui.screenshot import timeline_svg  # start-up: loads textual

        return timeline_svg(ctx, size).encode("utf-8")
    if fmt == "ics" and window is not None and not window.everything:
        return calendar_feed(ctx, window)
    return export(ctx, fmt)


def run_export(args: argparse.Namespace) -> int:
    """Write the whole plan (laid on --today) as TOML or JSON, the calendar as an iCalendar
    feed, or the timeline as an SVG picture."""
    # Only the JSON and the timeline picture show git's backport evidence: the other
    # formats skip the scan (seconds on a large repository, and its warnings).
    ctx = git_session(args) if args.format in ("json", "svg") else load_context(args)
    window = window_of(args)
    if not window.everything and args.format != "ics":
        raise PlanError(
            Problem(
                f"--since, --until and --current limit the calendar feed, not {args.format}",
                hint="use them with --format ics",
            )
        )
    emit_output(export_bytes(ctx, args.format, args.size, window), args.output, args.force)
    return EXIT_OK


def _update_text(path: Path) -> str | None:
    """The file's text when it is a development update (or a reply to one), else None."""
    # start-up: the update reader and the email package load only for `relplan import`
    from relplan.planner.outputs.devupdate import looks_like_update
    from relplan.planner.outputs.mail import reply_text  # start-up: as above

    if path.suffix.lower() not in ("", ".txt", ".md", ".markdown", ".eml", ".mbox"):
        return None
    try:
        text = reply_text(path.read_bytes())  # a saved mail is decoded (QP, base64, charset)
    except (OSError, UnicodeDecodeError):
        return None  # read_items says what is wrong with it
    return text if looks_like_update(text) else None


def run_import(args: argparse.Namespace) -> int:
    """Merge roadmap items from a file into the plan file (the import use case); a
    development update (or a reply to one) applies its prognosis and people to the
    matching items instead."""
    # start-up: usecases.imports (~3 ms: csv, the file readers), only for import
    from relplan.planner.usecases.imports import import_file

    source = Path(args.file)
    text = _update_text(source)
    if text is not None:
        return import_update(args, text)
    result = import_file(load_context(args, allow_missing_plan=True), source, args.source)
    for note in result.notes:
        say(f"relplan: {note}", err=True)
    for conflict in result.kept:
        say(f"relplan: kept the plan's value: {conflict}", err=True)
    for conflict in result.disk_conflicts:
        say(f"relplan: conflict: {conflict}", err=True)
    note = " (nothing to write)"
    if result.written is not None:
        meanwhile = " (merged with changes saved meanwhile)" if result.merged_with_disk else ""
        note = f" -> {result.written}{meanwhile}"
    counts = (len(result.added), len(result.updated), len(result.unchanged))
    _emit("added {}, updated {}, unchanged {}".format(*counts) + note)
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
        say(f"relplan check: {len(problems)} problem(s)", err=True)
        return EXIT_FAIL
    _emit(f"ok: {ctx.plan.name} is consistent as of {ctx.today}")
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add calendar, status, export, import and check to the command line."""
    p = sub.add_parser("calendar", parents=[common], help="the release train with every date")
    p.add_argument("--count", type=int, metavar="N", help="upcoming point releases to show")
    _format_arg(p, ("table", "json"))
    window_args(p)
    p.set_defaults(run=run_calendar)

    p = sub.add_parser("status", parents=[common], help="stabilization and backport status")
    p.add_argument(
        "version",
        nargs="?",
        help="one release (default: the releases that matter today: supported branches, "
        "releases stabilizing, the next releases)",
    )
    p.add_argument("--all", action="store_true", help="every release on the calendar")
    repo_arg(p)
    _format_arg(p, ("table", "json"))
    p.set_defaults(run=run_status)

    p = sub.add_parser(
        "export",
        parents=[common],
        help="write the release plan (TOML, JSON), the calendar feed (ICS), the timeline (SVG) "
        "or the support data others read (endoflife.date, CPython's release-cycle.json)",
    )
    _format_arg(p, (*FORMATS, "svg"))
    force_arg(p)
    window_args(p)
    p.add_argument(
        "--size", type=_size, default=(120, 40), metavar="COLSxROWS",
        help="terminal size of the SVG timeline (default 120x40)",
    )  # fmt: skip
    repo_arg(p)
    p.set_defaults(run=run_export)

    p = sub.add_parser(
        "import",
        parents=[common],
        help="merge roadmap items from TOML, CSV, JSON or a Markdown bullet list, or apply "
        "a development update's edited lines",
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
