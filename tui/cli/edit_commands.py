"""Headless verbs that mirror the dashboard's actions: ship, slip, confirm, set, add, edit.

Each runs one session operation, prints what it changes (dates as rows
``{version, field, old, new}``, items as ``{id, field, old, new}``) and saves
the plan, or with ``--dry-run`` only prints. Bad input (an unknown release or
item, a bad date or value) is exit 2 with the problem named; nothing is written.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from relplan.planner.domain import ops
from relplan.planner.domain.errors import PlanError
from relplan.planner.domain.model import Kind, Priority, Prognosis, State
from relplan.planner.usecases import edits
from relplan.planner.usecases.session import Session, parse_day, parse_span
from relplan.tui.cli.common import render_table
from relplan.tui.cli.context import load_context
from relplan.tui.cli.output import say

EXIT_OK = 0


def _rows_out(args: argparse.Namespace, headers: Sequence[str], rows: list[dict[str, Any]]) -> None:
    if args.format == "json":
        json.dump(rows, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    if not rows:
        say("nothing would change" if args.dry_run else "nothing changed")
        return
    table = [[_cell(r[h]) for h in headers] for r in rows]
    say(render_table(headers, table))


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "-"
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items()) or "-"
    return str(value)


def _commit(session: Session, change: ops.Change, dry_run: bool) -> None:
    """Save the session's plan after ``change`` (already applied), unless a dry run."""
    if change.is_noop:
        say(f"relplan: {change.description}", err=True)
        return
    if dry_run:
        return
    path = session.writable_path()
    session.save()
    say(f"relplan: {change.description}; wrote {path}", err=True)


# ship / slip ----------------------------------------------------------------------------


def run_ship(args: argparse.Namespace) -> int:
    """``relplan ship VERSION [--on DATE]``."""
    session = load_context(args)
    on = parse_day(args.on, "--on") if args.on else None
    return _dates(args, session, session.ship(args.version, on, force=args.force))


def run_slip(args: argparse.Namespace) -> int:
    """``relplan slip VERSION (--to DATE | --by N[d|w])``."""
    session = load_context(args)
    to = parse_day(args.to, "--to") if args.to else None
    by = parse_span(args.by) if args.by else None
    change = session.slip(args.version, to=to, by=by, force=args.force)
    return _dates(args, session, change)


def run_confirm(args: argparse.Namespace) -> int:
    """``relplan confirm VERSION STAGE``: a tentative stage's day becomes decided (pinned
    where it is). Prints ``{version, field, old, new}`` for the pin it writes."""
    session = load_context(args)
    change = session.confirm(args.version, args.stage)
    if not args.dry_run:
        session.writable_path()
    before = session.plan.spec(args.version)
    after = change.plan.spec(args.version)
    old_pins = dict(before.pins) if before is not None else {}
    new_pins = dict(after.pins) if after is not None else {}
    rows = [
        {"version": args.version, "field": f"pins.{name}",
         "old": _iso(old_pins.get(name)), "new": _iso(day)}
        for name, day in new_pins.items()
        if old_pins.get(name) != day
    ]  # fmt: skip
    _rows_out(args, ("version", "field", "old", "new"), rows)
    session.apply(change)
    _commit(session, change, args.dry_run)
    return EXIT_OK


def _iso(day: object) -> str | None:
    return day.isoformat() if hasattr(day, "isoformat") else None


def _dates(args: argparse.Namespace, session: Session, change: ops.Change) -> int:
    if not args.dry_run:
        session.writable_path()  # the demo: say so before printing anything
    moves = session.writes(change)
    _rows_out(args, ("version", "field", "old", "new"), [m.to_json() for m in moves])
    session.apply(change)
    _commit(session, change, args.dry_run)
    return EXIT_OK


# set / add / edit: assembled by the use case (relplan.planner.usecases.edits), as the
# dashboard's t, B, n and E; the command line refuses a guard rail unless --force --------


@contextmanager
def _as_options() -> Iterator[None]:
    """Problems the use case names by field (``target``) named as the options that set
    them (``--target``); a guard rail's hint says ``--force``."""
    try:
        yield
    except PlanError as exc:
        options = {"fix_commits": "--fix"}
        raise PlanError([
            replace(p, field=options.get(p.field, "--" + p.field)) if p.field else p
            for p in exc.problems
        ]) from None  # fmt: skip


def run_set(args: argparse.Namespace) -> int:
    """``relplan set ID... [--target V] [--state S] ...``: several fields, one change."""
    session = load_context(args)
    with _as_options():
        change = edits.set_fields(
            session, args.ids, target=args.target, state=args.state, priority=args.priority,
            blocker=args.blocker, owner=args.owner, backports=args.backport or (),
        ).checked(args.force)  # fmt: skip
    return _items(args, session, session.plan, change)


def _items(args: argparse.Namespace, session: Session, before: Any, change: ops.Change) -> int:
    """Print an item change's rows, then save (the change is applied here if it is not yet)."""
    if not args.dry_run:
        session.writable_path()
    rows = [c.to_json() for c in edits.field_changes(before, change)]
    _rows_out(args, ("id", "field", "old", "new"), rows)
    if session.plan is not change.plan:
        session.apply(change)
    _commit(session, change, args.dry_run)
    return EXIT_OK


def _texts(args: argparse.Namespace, names: Sequence[str]) -> dict[str, str]:
    """The item fields given on the command line, as the text a form holds."""
    return {name: getattr(args, name) for name in names if getattr(args, name) is not None}


def run_add(args: argparse.Namespace) -> int:
    """``relplan add TITLE [--id ID] [--kind K] ...``: a new item, kept by its id."""
    session = load_context(args)
    texts = _texts(args, ("title", "kind", "priority", "state", "target", "owner", "url"))
    with _as_options():
        edit = edits.add_item(session, texts, item_id=args.id, blocker=args.blocker)
        change = edit.checked(args.force)
    return _items(args, session, session.plan, change)


def run_edit(args: argparse.Namespace) -> int:
    """``relplan edit ID [--title T] [--kind K] [--target V] [--owner O] [--url U]
    [--prognosis P] [--area A] [--fix SHA]...``."""
    session = load_context(args)
    texts = _texts(args, ("title", "kind", "target", "owner", "url", "prognosis", "area"))
    if args.fix is not None:
        texts["fix_commits"] = " ".join(args.fix)
    with _as_options():
        change = edits.edit_item(session, args.id, texts).checked(args.force)
    return _items(args, session, session.plan, change)


def run_schedule(args: argparse.Namespace) -> int:
    """``relplan schedule [--dry-run]``: targets for accepted, unscheduled items within
    capacity, most urgent first; a preview with --dry-run, applied otherwise."""
    session = load_context(args)
    before = session.plan
    return _items(args, session, before, session.schedule_targets())


# registration -----------------------------------------------------------------------------


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dry-run", action="store_true", help="print what would change; write nothing")
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format")


def _force(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--force", action="store_true",
        help="target a shipped release, a frozen one for a feature, or mark a backport on an "
        "end-of-life series anyway",
    )  # fmt: skip


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ship, slip, confirm, schedule, set, add and edit to the command line."""
    p = sub.add_parser("ship", parents=[common], help="record that a release shipped")
    p.add_argument("version")
    p.add_argument("--on", metavar="YYYY-MM-DD", help="the day it shipped (default: today)")
    p.add_argument(
        "--force",
        action="store_true",
        help="record it although it has open blockers, is out of order or already shipped",
    )
    _common(p)
    p.set_defaults(run=run_ship)

    p = sub.add_parser(
        "slip",
        parents=[common],
        help="move a release's day; every later date follows (--dry-run previews them)",
    )
    p.add_argument("version")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--to", metavar="YYYY-MM-DD", help="the new release day")
    g.add_argument("--by", metavar="N[d|w]", help="move by days or weeks (e.g. 2w, -3d)")
    p.add_argument(
        "--force",
        action="store_true",
        help="move it to a day off the policy's weekday, or in its blackouts, anyway",
    )
    _common(p)
    p.set_defaults(run=run_slip)

    p = sub.add_parser(
        "confirm",
        parents=[common],
        help="confirm a tentative stage of a release (its day is pinned where it is)",
    )
    p.add_argument("version")
    p.add_argument("stage", help="the stage's name or key (e.g. 'code freeze', rc2)")
    _common(p)
    p.set_defaults(run=run_confirm)

    p = sub.add_parser(
        "schedule",
        parents=[common],
        help="propose targets for accepted, unscheduled items within capacity (--dry-run)",
    )
    _common(p)
    p.set_defaults(run=run_schedule)

    p = sub.add_parser("set", parents=[common], help="triage items: target, state, priority ...")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("--target", metavar="VERSION", help="target release ('-' for none)")
    p.add_argument("--state", choices=[s.value for s in State])
    p.add_argument("--priority", choices=[p.value for p in Priority])
    b = p.add_mutually_exclusive_group()
    b.add_argument("--blocker", dest="blocker", action="store_true", default=None)
    b.add_argument("--no-blocker", dest="blocker", action="store_false")
    p.add_argument("--owner", metavar="NAME", help="owner ('' for none)")
    p.add_argument("--backport", action="append", metavar="SERIES=STATE", help="e.g. 4.17=required")
    _common(p)
    _force(p)
    p.set_defaults(run=run_set)

    p = sub.add_parser("add", parents=[common], help="add an item to the plan")
    p.add_argument("title")
    p.add_argument("--id", help="the item's id (default: local#<title words>)")
    p.add_argument("--kind", choices=[k.value for k in Kind], default="feature")
    p.add_argument("--priority", choices=[p.value for p in Priority], default="medium")
    p.add_argument("--state", choices=[s.value for s in State], default="proposed")
    p.add_argument("--owner")
    p.add_argument("--target", metavar="VERSION")
    p.add_argument("--blocker", action="store_true")
    p.add_argument("--url")
    _common(p)
    _force(p)
    p.set_defaults(run=run_add)

    p = sub.add_parser("edit", parents=[common], help="edit an item's title, kind, owner ...")
    p.add_argument("id")
    p.add_argument("--title")
    p.add_argument("--kind", choices=[k.value for k in Kind])
    p.add_argument("--target", metavar="VERSION", help="target release ('' for none)")
    p.add_argument("--owner", help="owner ('' for none)")
    p.add_argument("--url", help="tracker link ('' for none)")
    p.add_argument(
        "--prognosis", choices=["", *(g.value for g in Prognosis)],
        help="how likely it makes its release ('' for none)",
    )  # fmt: skip
    p.add_argument("--area", help="area in the development update ('' for none)")
    p.add_argument("--fix", action="append", metavar="SHA", help="fix commit (repeatable)")
    _common(p)
    _force(p)
    p.set_defaults(run=run_edit)
