"""Merging items into a plan (import, sync) and three-way merging of two edited plans.

Import rule (:func:`merge_items`): an incoming record only changes the fields
it *sets*. Each :class:`ImportedItem` says which fields its record gave (a CSV
column present and non-empty, a TOML/JSON key present, a Markdown hint such as
``[bug]``). For an item already in the plan:

- data fields (:data:`DATA_FIELDS`: title, kind, labels, url, owner, updated,
  fix_commits, depends_on, estimate_days) and triage fields
  (:data:`TRIAGE_FIELDS`: target, why, state, priority, blocker, prognosis, area) that the
  record sets replace the local value; fields it does not set keep the local one;
- ``backports`` merges per series: the record's series replace local ones,
  other local series stay.

A plain :class:`~relplan.planner.domain.model.Item` (e.g. from a tracker) counts as setting
every data field and every triage field whose value differs from the Item
default, so local triage survives a sync that knows nothing about it. New ids
are added whole.

Three-way rule (:func:`three_way`): ``base`` is the plan as loaded, ``ours``
the unsaved edits, ``theirs`` the file as changed on disk. Per item (by id),
per release spec (by version), per policy field (per field inside
``cadence``, ``stabilization``, ``maintenance``) and per field of each record
(per series/pin inside ``backports``/``pins``): a change on one side only is
taken; the same change on both sides is taken once; different changes to the
same field are a :class:`Conflict` and the result keeps ours.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from relplan.planner.domain.model import Item, Plan, ReleaseSpec
from relplan.planner.domain.support import DeclaredSupport

DATA_FIELDS = frozenset(
    {"title", "kind", "labels", "url", "owner", "updated", "fix_commits", "depends_on",
     "estimate_days"}
)  # fmt: skip
"""Fields that describe the work; the source of the item knows them best."""

TRIAGE_FIELDS = frozenset(
    {"target", "why", "state", "priority", "blocker", "backports", "prognosis", "area"}
)
"""Fields decided by triage in relplan (or by the people answering a development update);
taken from a record only when it sets them, so a tracker that knows nothing of them
never clears them."""

_ITEM_DEFAULTS = Item(id="", title="")
_MISSING: Any = object()
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ImportedItem:
    """An item read from a source, and the names of the fields its record set."""

    item: Item
    fields: frozenset[str]
    derived_id: bool = False  # the id was made up from the title (no id in the record)

    @classmethod
    def from_item(cls, item: Item) -> ImportedItem:
        """Every data field, plus the triage fields that differ from the Item defaults."""
        triage = {f for f in TRIAGE_FIELDS if getattr(item, f) != getattr(_ITEM_DEFAULTS, f)}
        return cls(item, DATA_FIELDS | triage)


@dataclass(frozen=True, slots=True)
class MergeResult:
    """The merged plan and the ids of items added, updated and left unchanged (incoming order)."""

    plan: Plan
    added: list[str]
    updated: list[str]
    unchanged: list[str]


def apply_fields(local: Item, record: ImportedItem) -> Item:
    """``local`` with the fields the record set (backports merged per series)."""
    changes: dict[str, Any] = {}
    for name in record.fields & (DATA_FIELDS | TRIAGE_FIELDS):
        value = getattr(record.item, name)
        if name == "backports":
            value = {**local.backports, **value}
        changes[name] = value
    return dataclasses.replace(local, **changes)


def merge_items(plan: Plan, incoming: Sequence[ImportedItem | Item]) -> MergeResult:
    """Merge incoming items into the plan by id (see the module docstring for the rule)."""
    before = {it.id: it for it in plan.items}
    by_id = dict(before)
    seen: dict[str, None] = {}
    for entry in incoming:
        record = entry if isinstance(entry, ImportedItem) else ImportedItem.from_item(entry)
        item_id = record.item.id
        local = by_id.get(item_id)
        by_id[item_id] = record.item if local is None else apply_fields(local, record)
        seen[item_id] = None
    added = [i for i in seen if i not in before]
    updated = [i for i in seen if i in before and by_id[i] != before[i]]
    unchanged = [i for i in seen if i in before and by_id[i] == before[i]]
    return MergeResult(plan.with_items(by_id.values()), added, updated, unchanged)


def keep_ids(plan: Plan, incoming: Sequence[ImportedItem], source: str) -> list[ImportedItem]:
    """Re-imported items keep their ids when their title changed slightly: an item whose
    id was made up from its title and is not in the plan takes the id of the plan item of
    the same source with the closest title (at least 80% alike) that nothing else claims."""
    known = {it.id for it in plan.items}
    claimed = {r.item.id for r in incoming if r.item.id in known}
    prefix = f"{source}#"
    spare = {it.id: it.title for it in plan.items if it.id.startswith(prefix)}
    out = []
    for record in incoming:
        item = record.item
        if record.derived_id and item.id not in known:
            titles = {i: t for i, t in spare.items() if i not in claimed}
            best = max(
                titles,
                key=lambda i: difflib.SequenceMatcher(None, titles[i], item.title).ratio(),
                default=None,
            )
            ratio = difflib.SequenceMatcher(None, titles[best], item.title).ratio() if best else 0.0
            if best is not None and ratio >= 0.8:
                claimed.add(best)
                record = dataclasses.replace(record, item=dataclasses.replace(item, id=best))
        out.append(record)
    return out


def merge_imported(
    plan: Plan, incoming: Sequence[ImportedItem], base: Mapping[str, Item]
) -> tuple[MergeResult, list[Conflict]]:
    """A re-import by the rule of sync: data fields follow the file; a triage field follows
    it only where the plan still holds what the previous import said (``base``); where
    both changed, the plan keeps its value and a conflict is listed. Without a base (the
    first import of an item) the plan's own triage is never overwritten either."""
    before = {it.id: it for it in plan.items}
    by_id = dict(before)
    seen: dict[str, None] = {}
    conflicts: list[Conflict] = []
    for record in incoming:
        item_id = record.item.id
        local = by_id.get(item_id)
        seen[item_id] = None
        if local is None:
            by_id[item_id] = record.item
            continue
        was = base.get(item_id)
        changes: dict[str, Any] = {}
        for name in record.fields & (DATA_FIELDS | TRIAGE_FIELDS):
            theirs = getattr(record.item, name)
            if name in DATA_FIELDS:
                changes[name] = theirs
                continue
            if name == "backports":
                theirs = {**local.backports, **theirs}
            ours = getattr(local, name)
            if was is None:  # no previous import: the plan's value stands
                value, clash = ours, ours != theirs
            else:
                value, clash = pick(getattr(was, name), ours, theirs)
            changes[name] = value
            if clash:
                conflicts.append(Conflict("item", item_id, name, getattr(local, name), theirs))
        by_id[item_id] = dataclasses.replace(local, **changes)
    added = [i for i in seen if i not in before]
    updated = [i for i in seen if i in before and by_id[i] != before[i]]
    unchanged = [i for i in seen if i in before and by_id[i] == before[i]]
    return MergeResult(plan.with_items(by_id.values()), added, updated, unchanged), conflicts


@dataclass(frozen=True, slots=True)
class Conflict:
    """The same field changed differently in ours and theirs; the merge kept ours.

    ``scope`` is "item", "release", "policy" or "plan"; ``key`` the item id or
    release version ("" for policy and plan); ``field`` the field name (a
    mapping entry as ``backports.3.4``; ``*`` when one side deleted the record,
    shown as None).
    """

    scope: str
    key: str
    field: str
    ours: object
    theirs: object

    def __str__(self) -> str:
        where = ".".join(p for p in (self.key, self.field) if p)
        return f"{self.scope} {where}: yours {self.ours!r}, on disk {self.theirs!r} (kept yours)"


def _note(
    conflicts: list[Conflict], scope: str, key: str, name: str, ours: Any, theirs: Any
) -> None:
    conflicts.append(Conflict(scope, key, name, ours, theirs))


def pick(base: Any, ours: Any, theirs: Any) -> tuple[Any, bool]:
    """The three-way choice for one value and whether it is a conflict (then ours is kept).

    Shared by the merge of a plan changed on disk and by tracker sync (theirs = the
    tracker, base = what it said last time).
    """
    if ours == theirs or theirs == base:
        return ours, False
    if ours == base:
        return theirs, False
    return ours, True


def _merge_mapping(
    base: Mapping[str, Any],
    ours: Mapping[str, Any],
    theirs: Mapping[str, Any],
    prefix: str,
    note: Callable[[str, Any, Any], None],
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in [*ours, *(k for k in theirs if k not in ours)] + [
        k for k in base if k not in ours and k not in theirs
    ]:
        b, o, t = base.get(key, _MISSING), ours.get(key, _MISSING), theirs.get(key, _MISSING)
        value, conflict = pick(b, o, t)
        if conflict:
            note(f"{prefix}.{key}", None if o is _MISSING else o, None if t is _MISSING else t)
        if value is not _MISSING:
            out[key] = value
    return out


def _merge_record(base: T | None, ours: T, theirs: T, note: Callable[[str, Any, Any], None]) -> T:
    """Field-by-field three-way merge of two versions of a dataclass record."""
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(ours):  # type: ignore[arg-type]
        b = getattr(base, f.name) if base is not None else _MISSING
        o, t = getattr(ours, f.name), getattr(theirs, f.name)
        if isinstance(o, Mapping) and isinstance(t, Mapping):
            bmap = b if isinstance(b, Mapping) else {}
            changes[f.name] = _merge_mapping(bmap, o, t, f.name, note)
            continue
        value, conflict = pick(b, o, t)
        if conflict and _is_record(o) and type(o) is type(t) and type(b) is type(o):
            value = _merge_record(b, o, t, functools.partial(_prefixed, note, f.name))
        elif conflict:
            note(f.name, o, t)
        changes[f.name] = value
    return dataclasses.replace(ours, **changes)  # type: ignore[type-var]


def _is_record(value: object) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def _prefixed(
    note: Callable[[str, Any, Any], None], prefix: str, name: str, ours: Any, theirs: Any
) -> None:
    note(f"{prefix}.{name}", ours, theirs)


def _merge_collection(
    scope: str,
    base: Sequence[T],
    ours: Sequence[T],
    theirs: Sequence[T],
    key: Callable[[T], str],
    conflicts: list[Conflict],
) -> list[T]:
    b_map, o_map, t_map = ({key(r): r for r in side} for side in (base, ours, theirs))
    keys = [*o_map, *(k for k in t_map if k not in o_map)]
    out: list[T] = []
    for k in keys:
        b, o, t = b_map.get(k), o_map.get(k), t_map.get(k)
        value, conflict = pick(b, o, t)
        if conflict and o is not None and t is not None:
            value = _merge_record(b, o, t, functools.partial(_note, conflicts, scope, k))
        elif conflict:
            conflicts.append(Conflict(scope, k, "*", o, t))
        if value is not None:
            out.append(value)
    return out


def three_way(base: Plan, ours: Plan, theirs: Plan) -> tuple[Plan, list[Conflict]]:
    """Combine unsaved edits (ours) with the file changed on disk (theirs) since ``base``."""
    conflicts: list[Conflict] = []
    name, clash = pick(base.name, ours.name, theirs.name)
    if clash:
        conflicts.append(Conflict("plan", "", "name", ours.name, theirs.name))
    note = functools.partial(_note, conflicts, "policy", "")
    policy = _merge_record(base.policy, ours.policy, theirs.policy, note)
    releases = _merge_collection(
        "release", base.releases, ours.releases, theirs.releases, _version, conflicts
    )
    items = _merge_collection("item", base.items, ours.items, theirs.items, _item_id, conflicts)
    support = _merge_collection(
        "support", base.support, ours.support, theirs.support, _series, conflicts
    )
    planned_from, clash = pick(base.planned_from, ours.planned_from, theirs.planned_from)
    if clash:
        conflicts.append(
            Conflict("plan", "", "planned_from", ours.planned_from, theirs.planned_from)
        )
    plan = Plan(name, policy, tuple(releases), tuple(items), tuple(support), planned_from)
    return plan, conflicts


def _series(record: DeclaredSupport) -> str:
    return f"{record.series}@{record.source.value}"


def _version(spec: ReleaseSpec) -> str:
    return spec.version


def _item_id(item: Item) -> str:
    return item.id
