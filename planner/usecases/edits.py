"""Editing items from a face: what a change does, field by field (the rows a dry run
prints)."""

from __future__ import annotations

from dataclasses import dataclass

from relplan.planner.domain.model import Plan
from relplan.planner.domain.ops import Change
from relplan.planner.store.tables import item_to_json


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
    # by id once: Plan.item scans, and a schedule can touch thousands of 50,000 items
    wanted = set(change.changed)
    olds = {it.id: it for it in before.items if it.id in wanted}
    news = {it.id: it for it in change.plan.items if it.id in wanted}
    order = {item_id: n for n, item_id in enumerate(change.changed)}
    for item_id in change.changed:
        old_item, new_item = olds.get(item_id), news.get(item_id)
        old = item_to_json(old_item) if old_item is not None else {}
        new = item_to_json(new_item) if new_item is not None else {}
        for key in new.keys() | old.keys():
            if old_item is None and new.get(key) in (None, [], {}, False):
                continue  # a new item: only the fields it has
            if key != "id" and old.get(key) != new.get(key):
                out.append(FieldChange(item_id, key, old.get(key), new.get(key)))
    return sorted(out, key=lambda c: (order[c.id], c.field))
