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
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from relplan.planner.domain import ops
from relplan.planner.domain.errors import PlanError, Problem
from relplan.planner.domain.model import BackportState, Item, Kind, Priority, Prognosis, State
from relplan.planner.domain.rules import backport_refusal, target_refusal
from relplan.planner.usecases import edits
from relplan.planner.usecases.session import Session, parse_day, parse_span
from relplan.tui.cli.context import load_context
from relplan.tui.cli.output import say

EXIT_OK = 0


def _rows_out(args: argparse.Namespace, headers: Sequence[str], rows: list[dict[str, Any]]) -> None:
    from relplan.tui.cli.common import render_table

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
    return _dates(args, session, session.slip(args.version, to=to, by=by))


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


# set / add / edit -----------------------------------------------------------------------


def _guard(refusals: dict[str, list[str]], field: str, force: bool) -> None:
    """Refuse what triage does only on purpose (a rule's text -> the items it stops), the
    same rules the dashboard asks about; ``--force`` does it anyway."""
    if refusals and not force:
        raise PlanError(
            [
                Problem(f"{rule} ({', '.join(ids)})" if ids else rule, field=field,
                        hint="add --force to do it anyway")
                for rule, ids in refusals.items()
            ]
        )  # fmt: skip


def _target_guard(
    session: Session, items: Sequence[Item], version: str | None, force: bool
) -> None:
    """Refuse a target that :func:`relplan.planner.domain.rules.target_refusal` names a rule
    for (a shipped release; a frozen one for a feature), unless ``force``. ``items`` as they
    are before the change: one that targets ``version`` already is left alone."""
    if not version:
        return
    release = session.release(version)  # a did-you-mean for an unknown version
    refusals: dict[str, list[str]] = {}
    for item in items:
        if item.target == version:
            continue
        why = target_refusal(item, release, session.today)
        if why is not None:
            refusals.setdefault(why, []).append(item.id)
    _guard(refusals, "--target", force)


def _backport_guard(
    session: Session, pairs: Sequence[tuple[str, BackportState]], force: bool
) -> None:
    """Refuse backport marks on end-of-life series (:func:`backport_refusal`) unless ``force``."""
    refusals: dict[str, list[str]] = {}
    for series, state in pairs:
        why = backport_refusal(series, state, session.train(), session.today)
        if why is not None:
            refusals.setdefault(f"{series}={state}: {why}", [])
    _guard(refusals, "--backport", force)


def _backport_pairs(values: Sequence[str]) -> list[tuple[str, BackportState]]:
    out = []
    for text in values:
        series, _, state = (part.strip() for part in text.partition("="))
        try:
            out.append((series, BackportState(state.lower())))
        except ValueError:
            states = ", ".join(s.value for s in BackportState)
            raise PlanError(
                Problem(f"{text!r} is not SERIES=STATE", field="--backport", hint=states)
            ) from None
        if not series:
            raise PlanError(Problem(f"{text!r} names no series", field="--backport"))
    return out


def run_set(args: argparse.Namespace) -> int:
    """``relplan set ID... [--target V] [--state S] ...``: several fields, one change."""
    session = load_context(args)
    ids = session.items_named(args.ids)
    pairs = _backport_pairs(args.backport or ())
    target = args.target
    if target in ("", "-", "none"):
        target = ""
    items = [it for it in session.plan.items if it.id in set(ids)]
    _target_guard(session, items, target, args.force)
    _backport_guard(session, pairs, args.force)
    before = session.plan
    steps: list[Callable[[], ops.Change]] = []
    if target is not None:
        steps.append(lambda: session.set_target(ids, target or None))
    if args.state:
        steps.append(lambda: session.set_state(ids, State(args.state)))
    if args.priority:
        steps.append(lambda: session.set_priority(ids, Priority(args.priority)))
    if args.blocker is not None:
        steps.append(lambda: session.set_blocker(ids, args.blocker))
    if args.owner is not None:
        steps.append(lambda: session.set_owner(ids, args.owner or None))
    for series, state in pairs:
        steps.append(lambda s=series, st=state: session.set_backport(ids, s, st))  # type: ignore[misc]
    words: list[str] = []
    for step in steps:  # each on the plan the previous one left
        change = step()
        if session.apply(change):
            words.append(change.description)
    changed = tuple(i for i in ids if session.plan.item(i) != before.item(i))
    change = ops.Change(
        session.plan if changed else before, "; ".join(words) or "nothing changed", changed
    )
    return _items(args, session, before, change)


def _items(args: argparse.Namespace, session: Session, before: Any, change: ops.Change) -> int:
    """Print an item change's rows, then save (the change is applied here if it is not yet)."""
    if not args.dry_run:
        session.writable_path()
    rows = [vars_of(c) for c in edits.field_changes(before, change)]
    _rows_out(args, ("id", "field", "old", "new"), rows)
    if session.plan is not change.plan:
        session.apply(change)
    _commit(session, change, args.dry_run)
    return EXIT_OK


def vars_of(c: edits.FieldChange) -> dict[str, Any]:
    """A field change as a JSON row."""
    return {"id": c.id, "field": c.field, "old": c.old, "new": c.new}


def run_add(args: argparse.Namespace) -> int:
    """``relplan add TITLE [--id ID] [--kind K] ...``: a new item, kept by its id."""
    session = load_context(args)
    texts = {
        name: value
        for name, value in (
            ("title", args.title), ("kind", args.kind), ("priority", args.priority),
            ("state", args.state), ("target", args.target), ("owner", args.owner),
            ("url", args.url),
        )
        if value is not None
    }  # fmt: skip
    fields = ops.item_fields(texts, [r.version for r in session.train()])
    item_id = args.id or ops.new_item_id(session.plan, args.title)
    item = replace(Item(id=item_id, title=args.title, blocker=args.blocker), **fields)  # type: ignore[arg-type]
    _target_guard(session, [replace(item, target=None)], item.target, args.force)
    change = ops.add(session.plan, item)
    if change.is_noop:
        raise PlanError(Problem(change.description, field="--id", hint="pick another id"))
    return _items(args, session, session.plan, change)


def run_edit(args: argparse.Namespace) -> int:
    """``relplan edit ID [--title T] [--kind K] [--target V] [--owner O] [--url U]
    [--prognosis P] [--area A] [--fix SHA]...``."""
    session = load_context(args)
    [item_id] = session.items_named([args.id])
    texts = {
        name: value
        for name, value in (
            ("title", args.title), ("kind", args.kind), ("target", args.target),
            ("owner", args.owner), ("url", args.url),
            ("prognosis", args.prognosis), ("area", args.area),
            ("fix_commits", " ".join(args.fix) if args.fix is not None else None),
        )
        if value is not None
    }  # fmt: skip
    fields = ops.item_fields(texts, [r.version for r in session.train()])
    before = session.plan
    change = ops.edit(before, item_id, **fields)
    edited, old = change.plan.item(item_id), before.item(item_id)
    if "target" in fields and edited is not None and old is not None:
        _target_guard(session, [replace(old, kind=edited.kind)], edited.target, args.force)
    return _items(args, session, before, change)


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
