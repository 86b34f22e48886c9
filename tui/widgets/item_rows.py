"""The rows an item list shows: plan items filtered by a preset and text, sorted by a column.

Plain Python over plain lists, so it stays fast at 100,000 items: lowercase
search text and sort keys are computed once per item and updated only for
items that changed (operations return plans that share unchanged items).
``view`` holds indices into ``items`` in display order.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from relplan.planner.domain.model import Item, State, natural_key
from relplan.planner.domain.rules import PRESETS, in_preset
from relplan.planner.domain.version import version_key

COLUMNS: tuple[str, ...] = (
    "id",
    "title",
    "kind",
    "priority",
    "state",
    "target",
    "owner",
    "blocker",
    "backports",
)

AtRisk = Collection[str] | Callable[[], Collection[str]]

_STATE_ORDER = {state: i for i, state in enumerate(State)}


def haystack(item: Item) -> str:
    """The lowercase text a filter searches in."""
    parts = [item.id, item.title, item.target or "", item.kind, item.state, item.priority]
    parts.extend(item.labels)
    if item.owner:
        parts.append(item.owner)
    return " ".join(parts).lower()


def _version_key(version: str | None, order: Mapping[str, int]) -> tuple[Any, ...]:
    """Releases on the train in train order, then other targets by version, unscheduled last."""
    if version is None:
        return (2,)
    if version in order:
        return (0, order[version])
    return (1, version_key(version))


def _pending(item: Item) -> int:
    return sum(1 for s in item.backports.values() if s.is_pending)


def _target_key(order: Mapping[str, int]) -> Callable[[Item], Any]:
    cache: dict[str | None, tuple[Any, ...]] = {}

    def key(item: Item) -> tuple[Any, ...]:
        found = cache.get(item.target)
        if found is None:
            found = cache[item.target] = _version_key(item.target, order)
        return found

    return key


def sort_key(column: str, order: Mapping[str, int]) -> Callable[[Item], Any]:
    """The key function sorting items by a column (target by release order)."""
    if column == "target":
        return _target_key(order)
    keys: dict[str, Callable[[Item], Any]] = {
        "id": lambda it: natural_key(it.id),
        "title": lambda it: it.title.lower(),
        "kind": lambda it: it.kind.value,
        "priority": lambda it: it.priority.rank,
        "state": lambda it: _STATE_ORDER[it.state],
        "owner": lambda it: (it.owner is None, (it.owner or "").lower()),
        "blocker": lambda it: not it.blocker,
        "backports": lambda it: -_pending(it),
    }
    return keys[column]


class ItemRows:
    """Items in display order for one list, with sort, preset and text filter."""

    def __init__(
        self,
        items: Sequence[Item] = (),
        *,
        at_risk: AtRisk = frozenset(),
        needing: AtRisk = frozenset(),
        release_order: Mapping[str, int] | None = None,
    ) -> None:
        self.sort_column: str | None = None
        self.reverse = False
        self.preset = "all"
        self.text = ""
        self._at_risk: AtRisk = at_risk
        self._needing: AtRisk = needing
        self._order: Mapping[str, int] = release_order or {}
        self._items: list[Item] = []
        self._hay: list[str] = []
        self._keys: dict[str, list[Any]] = {}
        self._base: list[int] = []
        self.view: list[int] = []
        self.set_items(items)

    @property
    def items(self) -> Sequence[Item]:
        """All items, in plan order."""
        return self._items

    def __len__(self) -> int:
        return len(self.view)

    def item_at(self, row: int) -> Item:
        """The item shown on a row."""
        return self._items[self.view[row]]

    def shown_ids(self, ids: Collection[str]) -> set[str]:
        """Those of ``ids`` the current preset and filter show."""
        wanted = set(ids)
        if not wanted:
            return set()
        return {self._items[i].id for i in self.view if self._items[i].id in wanted}

    def row_of(self, item_id: str) -> int | None:
        """The row showing an item, or None when it is filtered out."""
        for row, index in enumerate(self.view):
            if self._items[index].id == item_id:
                return row
        return None

    def set_items(
        self,
        items: Sequence[Item],
        *,
        at_risk: AtRisk | None = None,
        needing: AtRisk | None = None,
        release_order: Mapping[str, int] | None = None,
    ) -> None:
        """Take a new item list; only items that are new objects are re-indexed.

        ``at_risk`` is the ids of items at risk, ``needing`` of items a maintained branch
        still needs (the session's ``needing_backport``), each or a function giving them
        (called only when its preset is shown).
        """
        if at_risk is not None:
            self._at_risk = at_risk
        if needing is not None:
            self._needing = needing
        if release_order is not None and release_order != self._order:
            self._order = release_order
            self._keys.pop("target", None)
        new = list(items)
        old = self._items
        if len(new) == len(old) and self._hay:
            changed = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a is not b]
            self._items = new
            for i in changed:
                self._hay[i] = haystack(new[i])
                for column, keys in self._keys.items():
                    keys[i] = sort_key(column, self._order)(new[i])
        else:
            self._items = new
            self._hay = [haystack(it) for it in new]
            self._keys = {}
        self._rebuild_base()

    def sort_by(self, column: str | None, reverse: bool | None = None) -> None:
        """Sort by a column; the same column again flips the direction. None: plan order."""
        if reverse is None:
            reverse = not self.reverse if column == self.sort_column else False
        self.sort_column, self.reverse = column, reverse
        self._rebuild_base()

    def set_preset(self, preset: str) -> None:
        """Show only the items of a preset (see :data:`relplan.planner.domain.rules.PRESETS`)."""
        if preset not in PRESETS:
            raise ValueError(f"unknown preset {preset!r}; expected one of {', '.join(PRESETS)}")
        self.preset = preset
        self._rebuild_base()

    def set_filter(self, text: str) -> None:
        """Show only items whose id, title, target, kind, state or labels contain ``text``."""
        needle = text.strip().lower()
        narrowing = bool(self.text) and self.text in needle
        source = self.view if narrowing else self._base
        self.text = needle
        hay = self._hay
        self.view = [i for i in source if needle in hay[i]] if needle else list(source)

    def _sort_keys(self, column: str) -> list[Any]:
        keys = self._keys.get(column)
        if keys is None:
            key = sort_key(column, self._order)
            keys = self._keys[column] = [key(it) for it in self._items]
        return keys

    def _rebuild_base(self) -> None:
        items = self._items
        if self.preset == "all":
            base = list(range(len(items)))
        else:
            at_risk, needing = (
                (ids() if callable(ids) else ids) if self.preset == name else ()
                for name, ids in (("at-risk", self._at_risk), ("needs-backport", self._needing))
            )
            base = [i for i, it in enumerate(items) if in_preset(self.preset, it, at_risk, needing)]
        if self.sort_column is not None:
            keys = self._sort_keys(self.sort_column)
            base.sort(key=keys.__getitem__, reverse=self.reverse)
        self._base = base
        text, self.text = self.text, ""
        self.set_filter(text)
