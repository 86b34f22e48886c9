"""Editing items from a face: several triage fields as one change, a new item, an edit of
its descriptive fields, and what a change does, field by field (the rows a dry run prints).

``relplan set``/``add``/``edit`` parse their flags and call these; the dashboard's forms
call the same session verbs.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from relplan.planner.domain import ops
from relplan.planner.domain.errors import PlanError, Problem
from relplan.planner.domain.model import BackportState, Item, Plan, Priority, State
from relplan.planner.domain.ops import Change
from relplan.planner.store.tables import item_to_json

if TYPE_CHECKING:
    from relplan.planner.usecases.session import Session


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of one item that a change sets: ``{id, field, old, new}`` in JSON."""

    id: str
    field: str
    old: object
    new: object


def field_changes(before: Plan, change: Change) -> list[FieldChange]:
    """What a change does to each item it touches, field by field (a dry run's rows)."""
    out = []
    for item_id in change.changed:
        old_item, new_item = before.item(item_id), change.plan.item(item_id)
        old = item_to_json(old_item) if old_item is not None else {}
        new = item_to_json(new_item) if new_item is not None else {}
        for key in new.keys() | old.keys():
            if old_item is None and new.get(key) in (None, [], {}, False):
                continue  # a new item: only the fields it has
            if key != "id" and old.get(key) != new.get(key):
                out.append(FieldChange(item_id, key, old.get(key), new.get(key)))
    return sorted(out, key=lambda c: (change.changed.index(c.id), c.field))


def set_fields(
    session: Session,
    ids: Collection[str],
    *,
    target: str | None = None,
    state: State | None = None,
    priority: Priority | None = None,
    blocker: bool | None = None,
    owner: str | None = None,
    backports: Sequence[tuple[str, BackportState]] = (),
) -> Change:
    """The items with these triage fields set (None: left as is; ``target=""`` and
    ``owner=""`` clear them), each on the plan the previous one left, applied to the
    session as one change; the change returned spans all of them."""
    if target:
        session.release(target)  # a did-you-mean for an unknown version
    steps: list[Callable[[], Change]] = []
    if target is not None:
        steps.append(lambda: session.set_target(ids, target or None))
    if state is not None:
        steps.append(lambda: session.set_state(ids, state))
    if priority is not None:
        steps.append(lambda: session.set_priority(ids, priority))
    if blocker is not None:
        steps.append(lambda: session.set_blocker(ids, blocker))
    if owner is not None:
        steps.append(lambda: session.set_owner(ids, owner or None))
    for series, mark in backports:
        steps.append(lambda s=series, m=mark: session.set_backport(ids, s, m))  # type: ignore[misc]
    before, words = session.plan, []
    for step in steps:
        change = step()
        if session.apply(change):
            words.append(change.description)
    changed = tuple(i for i in ids if session.plan.item(i) != before.item(i))
    return Change(
        session.plan if changed else before, "; ".join(words) or "nothing changed", changed
    )


def add_item(
    session: Session, title: str, texts: Mapping[str, str], *, item_id: str | None = None,
    blocker: bool = False,
) -> Change:  # fmt: skip
    """A new item from typed field values (:func:`relplan.planner.domain.ops.item_fields`),
    kept by its id (default: one made from the title); a PlanError when the id is taken."""
    fields = ops.item_fields({"title": title, **texts}, [r.version for r in session.train()])
    new_id = item_id or ops.new_item_id(session.plan, title)
    item = Item(id=new_id, title=title, blocker=blocker)
    change = ops.add(session.plan, replace(item, **fields))  # type: ignore[arg-type]
    if change.is_noop:
        raise PlanError(Problem(change.description, field="--id", hint="pick another id"))
    return change


def edit_item(session: Session, item_id: str, texts: Mapping[str, str]) -> Change:
    """One item with descriptive fields set from typed values (title, kind, owner, url,
    prognosis, area, fix commits; "" clears one)."""
    fields = ops.item_fields(dict(texts), [r.version for r in session.train()])
    return ops.edit(session.plan, item_id, **fields)
