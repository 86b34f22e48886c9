"""Triage operations on a plan: accept, defer, reject, prioritise, move, backport; undo/redo.

Every operation is pure: it takes a :class:`~relplan.planner.domain.model.Plan` and a set of
item ids (one item or a marked bulk set) and returns a :class:`Change` holding
the new plan and a short description for the status line. Ids not in the plan
are ignored. An operation that changes nothing returns the very same plan
object, so :class:`History` can skip it.

:class:`History` keeps the plans before and after each change, which makes
undo and redo O(1) and unbounded: plans share their unchanged items.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace

from relplan.planner.domain.errors import PlanError, Problem
from relplan.planner.domain.laying import step_target
from relplan.planner.domain.model import (
    BackportState,
    Item,
    Kind,
    Plan,
    Priority,
    Prognosis,
    Release,
    State,
)


@dataclass(frozen=True, slots=True)
class Change:
    """The result of one operation: the new plan, what was done, which items changed."""

    plan: Plan
    description: str
    changed: tuple[str, ...] = ()

    @property
    def is_noop(self) -> bool:
        """True when no item changed."""
        return not self.changed


def _label(ids: Sequence[str]) -> str:
    return ids[0] if len(ids) == 1 else f"{len(ids)} items"


def _apply(
    plan: Plan,
    ids: Collection[str],
    edit: Callable[[Item], Item],
    verb: str,
    unchanged: str = "nothing changed: the item(s) already had that",
) -> Change:
    """Run ``edit`` on the selected items; keep the plan object when nothing changed
    (``unchanged`` then says why, for the status line)."""
    wanted = ids if isinstance(ids, (set, frozenset)) else set(ids)
    changed: list[str] = []
    items = list(plan.items)
    for i, item in enumerate(items):
        if item.id in wanted:
            new = edit(item)
            if new != item:
                items[i] = new
                changed.append(item.id)
    if not changed:
        return Change(plan, unchanged)
    return Change(plan.with_items(items), f"{verb} {_label(changed)}", tuple(changed))


def accept(plan: Plan, ids: Collection[str]) -> Change:
    """Accept proposed, deferred or rejected items (work in progress or done is kept)."""

    def edit(item: Item) -> Item:
        if item.state in (State.IN_PROGRESS, State.DONE, State.ACCEPTED):
            return item
        return replace(item, state=State.ACCEPTED)

    why = "nothing to accept: already accepted, in progress or done"
    return _apply(plan, ids, edit, "accepted", why)


def settled(item: Item) -> Item:
    """The one rule of deferring (and rejecting): a deferred or rejected item targets no
    release, so it is in no release's count until someone schedules it again. Every
    way to defer applies it: ``d``, ``relplan set --state``, the ``E`` form and
    ``relplan add``/``edit``."""
    if item.state in (State.DEFERRED, State.REJECTED) and (item.target or item.why):
        return replace(item, target=None, why=None)
    return item


def defer(plan: Plan, ids: Collection[str]) -> Change:
    """Defer items: state deferred and no target release (:func:`settled`)."""

    def edit(item: Item) -> Item:
        return settled(replace(item, state=State.DEFERRED))

    return _apply(plan, ids, edit, "deferred", "nothing to defer: already deferred")


def reject(plan: Plan, ids: Collection[str]) -> Change:
    """Reject items: state rejected and no target release (they go into no release)."""

    def edit(item: Item) -> Item:
        return settled(replace(item, state=State.REJECTED))

    return _apply(plan, ids, edit, "rejected", "nothing to reject: already rejected")


def set_priority(plan: Plan, ids: Collection[str], priority: Priority) -> Change:
    """Give items a priority."""
    return _apply(plan, ids, lambda it: replace(it, priority=priority), f"priority {priority} for")


def toggle_blocker(plan: Plan, ids: Collection[str]) -> Change:
    """Make the items release blockers, or clear the flag when all of them already are."""
    wanted = set(ids)
    present = [it for it in plan.items if it.id in wanted] if wanted else []
    flag = not present or not all(it.blocker for it in present)
    verb = "blocker set on" if flag else "blocker cleared on"
    return _apply(plan, wanted, lambda it: replace(it, blocker=flag), verb)


def set_backport(plan: Plan, ids: Collection[str], series: str, state: BackportState) -> Change:
    """Set the backport state of fixes on one branch series; features are left alone."""

    def edit(item: Item) -> Item:
        if not item.kind.is_fix:
            return item
        return replace(item, backports={**item.backports, series: state})

    return _apply(plan, ids, edit, f"backport {series} {state} for")


def set_target(plan: Plan, ids: Collection[str], version: str | None) -> Change:
    """Schedule items for a release (None: unscheduled)."""
    why = f"set to {version} by hand" if version else None
    verb = f"targeted {version}:" if version else "unscheduled"
    return _apply(plan, ids, lambda it: replace(it, target=version, why=why), verb)


def set_state(plan: Plan, ids: Collection[str], state: State) -> Change:
    """Put items in a triage state; deferring or rejecting also drops the target."""
    if state is State.DEFERRED:
        return defer(plan, ids)
    if state is State.REJECTED:
        return reject(plan, ids)
    return _apply(plan, ids, lambda it: replace(it, state=state), f"state {state} for")


def set_blocker(plan: Plan, ids: Collection[str], flag: bool) -> Change:
    """Set or clear the release-blocker flag."""
    verb = "blocker set on" if flag else "blocker cleared on"
    return _apply(plan, ids, lambda it: replace(it, blocker=flag), verb)


def set_owner(plan: Plan, ids: Collection[str], owner: str | None) -> Change:
    """Give items an owner (None: nobody)."""
    verb = f"owner {owner} for" if owner else "owner cleared on"
    return _apply(plan, ids, lambda it: replace(it, owner=owner), verb)


def edit(plan: Plan, item_id: str, **fields: object) -> Change:
    """Change fields of one item (title, kind, owner, url, fix commits ...); an item
    deferred or rejected by the edit drops its target (:func:`settled`)."""

    def change(item: Item) -> Item:
        return settled(replace(item, **fields))  # type: ignore[arg-type]

    done = _apply(plan, {item_id}, change, "edited")
    before, after = plan.item(item_id), done.plan.item(item_id)
    if before and after and fields.get("target") != after.target and before.target:
        if after.target is None and after.state in (State.DEFERRED, State.REJECTED):
            return replace(done, description=f"{done.description} ({after.state}: no target)")
    return done


#: Item fields a person edits as text (the dashboard's form, ``relplan add``/``edit``).
EDITABLE = (
    "title", "kind", "priority", "state", "target", "owner", "prognosis", "area", "url",
    "fix_commits",
)  # fmt: skip


def item_fields(texts: Mapping[str, str], versions: Collection[str]) -> dict[str, object]:
    """Typed item fields from their text; ``versions`` are the releases a target may name.

    Empty text clears an optional field. Raises PlanError naming every bad field.
    """
    out: dict[str, object] = {}
    problems = []
    for name, raw in texts.items():
        text = raw.strip()
        try:
            if name == "title":
                if not text:
                    raise ValueError("an item needs a title")
                out[name] = text
            elif name == "kind":
                out[name] = Kind(text.lower())
            elif name == "priority":
                out[name] = Priority(text.lower())
            elif name == "state":
                out[name] = State(text.lower())
            elif name == "target":
                if text and text not in versions:
                    raise ValueError(f"{text!r} is not a release on the calendar")
                out[name] = text or None
            elif name == "prognosis":
                out[name] = Prognosis(text.lower()) if text else None
            elif name in ("owner", "url", "area"):
                out[name] = text or None
            elif name == "fix_commits":
                shas = tuple(s.strip().lower() for s in text.replace(",", " ").split())
                bad = [s for s in shas if not all(c in "0123456789abcdef" for c in s) or len(s) < 7]
                if bad:
                    raise ValueError(f"not commit ids: {', '.join(bad)} (7 to 40 hex digits)")
                out[name] = shas
            else:
                raise ValueError(f"not an editable field; one of {', '.join(EDITABLE)}")
        except ValueError as exc:
            message = str(exc)
            if "is not a valid" in message:  # an enum: say which values are
                enum = {"kind": Kind, "priority": Priority, "state": State, "prognosis": Prognosis}[
                    name
                ]
                message = f"{text!r} is not one of {', '.join(e.value for e in enum)}"
            problems.append(Problem(message, field=name))
    if problems:
        raise PlanError(problems)
    return out


def item_texts(item: Item) -> dict[str, str]:
    """The editable fields of an item as text (the inverse of :func:`item_fields`)."""
    return {
        "title": item.title,
        "kind": item.kind.value,
        "priority": item.priority.value,
        "state": item.state.value,
        "target": item.target or "",
        "owner": item.owner or "",
        "prognosis": item.prognosis.value if item.prognosis else "",
        "area": item.area or "",
        "url": item.url or "",
        "fix_commits": " ".join(item.fix_commits),
    }


def new_item_id(plan: Plan, title: str) -> str:
    """``local#<title words>`` not taken yet in the plan (``-2``, ``-3`` ... when it is)."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].strip("-")
    base = f"local#{slug or 'item'}"
    taken = {it.id for it in plan.items}
    found, n = base, 2
    while found in taken:
        found, n = f"{base}-{n}", n + 1
    return found


def add(plan: Plan, item: Item) -> Change:
    """Add a new item; a Change that changes nothing when the id is taken."""
    if plan.item(item.id) is not None:
        return Change(plan, f"{item.id} exists already")
    item = settled(item)
    return Change(plan.with_items((*plan.items, item)), f"added {item.id}", (item.id,))


def move(
    plan: Plan,
    ids: Collection[str],
    train: Sequence[Release],
    today: dt.date,
    step: int,
) -> Change:
    """Move items to the next (``step=1``) or previous (``-1``) release that can take them
    (:func:`relplan.planner.domain.laying.step_target`: features go to point releases not frozen
    yet,
    fixes to any unshipped release of their branch). Items with nowhere to go stay put."""

    def edit(item: Item) -> Item:
        release = step_target(item, train, today, step)
        if release is None or release.version == item.target:
            return item
        why = f"moved from {item.target} by hand" if item.target else "scheduled by hand"
        return replace(item, target=release.version, why=why)

    change = _apply(plan, ids, edit, "moved")
    if len(change.changed) == 1:
        moved = change.plan.item(change.changed[0])
        before = plan.item(change.changed[0])
        if moved is not None and before is not None:
            desc = f"moved {moved.id} {before.target or 'unscheduled'} -> {moved.target}"
            return replace(change, description=desc)
    if change.is_noop:
        where = "later" if step > 0 else "earlier"
        return replace(change, description=f"no {where} release can take it")
    return replace(change, description=f"moved {_where(change)}")


def _where(change: Change) -> str:
    """``2 items to 4.1.0``, or per release when they went apart: ``3 items: 2 to 4.1.0,
    1 to 4.0.1``."""
    targets: dict[str, int] = {}
    for item_id in change.changed:
        moved = change.plan.item(item_id)
        target = (moved.target if moved is not None else None) or "unscheduled"
        targets[target] = targets.get(target, 0) + 1
    count = f"{len(change.changed)} items"
    if len(targets) == 1:
        return f"{count} to {next(iter(targets))}"
    return f"{count}: " + ", ".join(f"{n} to {v}" for v, n in targets.items())


class History:
    """Undo and redo of any number of changes, and whether the plan differs from the saved one.

    ``plan`` is the current plan. ``dirty`` compares by identity with the plan
    last marked saved, so undoing back to it makes the plan clean again.
    """

    def __init__(self, plan: Plan) -> None:
        self._plan = plan
        self._saved = plan
        self._undo: list[tuple[Plan, str]] = []
        self._redo: list[tuple[Plan, str]] = []

    @property
    def plan(self) -> Plan:
        """The current plan."""
        return self._plan

    @property
    def dirty(self) -> bool:
        """True when the current plan is not the one last saved or loaded."""
        return self._plan is not self._saved

    @property
    def can_undo(self) -> bool:
        """True when there is a change to undo."""
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        """True when there is an undone change to redo."""
        return bool(self._redo)

    @property
    def depth(self) -> tuple[int, int]:
        """How many steps can be undone and redone."""
        return len(self._undo), len(self._redo)

    def record(self, change: Change) -> bool:
        """Make ``change`` current; a change that changed nothing is not recorded."""
        if change.is_noop or change.plan is self._plan:
            return False
        self._undo.append((self._plan, change.description))
        self._redo.clear()
        self._plan = change.plan
        return True

    def undo(self) -> str | None:
        """Go back one change; returns its description, or None when there is none."""
        if not self._undo:
            return None
        previous, description = self._undo.pop()
        self._redo.append((self._plan, description))
        self._plan = previous
        return description

    def redo(self) -> str | None:
        """Redo the last undone change; returns its description, or None."""
        if not self._redo:
            return None
        following, description = self._redo.pop()
        self._undo.append((self._plan, description))
        self._plan = following
        return description

    def mark_saved(self) -> None:
        """The current plan is what is on disk now."""
        self._saved = self._plan

    def reset(self, plan: Plan) -> None:
        """Start over from ``plan`` as loaded from disk (a reload): no undo, not dirty."""
        self._undo.clear()
        self._redo.clear()
        self._plan = plan
        self._saved = plan
