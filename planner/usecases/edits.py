"""Editing items from a face: what a change does, field by field (the rows a dry run
prints)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from relplan.planner.domain.model import Plan
from relplan.planner.domain.ops import Change
from relplan.planner.store.tables import item_to_json

if TYPE_CHECKING:
    pass


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
