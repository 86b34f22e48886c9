"""Editing items from a face: ``relplan set``/``add``/``edit`` and the dashboard's ``t``,
``B``, ``n`` and ``E`` assemble their changes here, so both faces parse the same text, cross
the same guard rails and refuse the same things.

Each assembly returns an :class:`Edit`: the change (not applied yet) and the guard rails
it crosses (:func:`relplan.planner.domain.rules.target_refusal`,
:func:`relplan.planner.domain.rules.backport_refusal`). A face decides what a refusal
means: the command line stops unless ``--force``, the dashboard asks. Bad text is a
PlanError naming the field. Also: what a change does, field by field (a dry run's rows).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from relplan.planner.domain import ops
from relplan.planner.domain.errors import PlanError, Problem
from relplan.planner.domain.model import BackportState, Item, Plan, Priority, State
from relplan.planner.domain.rules import backport_mark_problem, backport_refusal, target_refusal
from relplan.planner.store.tables import item_to_json

if TYPE_CHECKING:
    from relplan.planner.usecases.session import Session

#: What ``set --target`` takes for "no target".
NO_TARGET = ("", "-", "none")


@dataclass(frozen=True, slots=True)
class Refusal:
    """A guard rail an edit crosses: the field, the rule's text (``"<rule>: <why>"``) and
    the items it stops (none for a backport mark: the rule is about the branch)."""

    field: str
    rule: str
    ids: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.rule} ({', '.join(self.ids)})" if self.ids else self.rule


@dataclass(frozen=True, slots=True)
class Edit:
    """An edit assembled from what a person typed: the change (not applied yet) and the
    guard rails it crosses; a face applies it as it is, asks, or refuses."""

    change: ops.Change
    refusals: tuple[Refusal, ...] = ()

    def checked(self, force: bool, hint: str = "add --force to do it anyway") -> ops.Change:
        """The change, or a PlanError naming every guard rail it crosses unless ``force``."""
        if self.refusals and not force:
            raise PlanError([Problem(str(r), field=r.field, hint=hint) for r in self.refusals])
        return self.change


def target_refusals(
    session: Session, ids: Collection[str], version: str | None, kinds_of: Plan | None = None
) -> tuple[Refusal, ...]:
    """The guard rails targeting the items at ``version`` crosses, one per rule with the
    items it stops; an item that targets ``version`` already is left alone. The items as
    they are in the session's plan (their kind as in ``kinds_of`` when given: an edit that
    also changes the kind). An unknown version is a PlanError with a did-you-mean."""
    if not version:
        return ()
    release = session.release(version)
    kinds = {it.id: it.kind for it in kinds_of.items if it.id in ids} if kinds_of else {}
    stopped: dict[str, list[str]] = {}
    for item in session.plan.items:
        if item.id in ids and item.target != version:
            item = replace(item, kind=kinds.get(item.id, item.kind))
            why = target_refusal(item, release, session.today)
            if why is not None:
                stopped.setdefault(why, []).append(item.id)
    return tuple(Refusal("target", rule, tuple(found)) for rule, found in stopped.items())


def backport_refusals(
    session: Session, marks: Sequence[tuple[str, BackportState]]
) -> tuple[Refusal, ...]:
    """The guard rails backport marks cross (one per mark on an end-of-life series)."""
    out = []
    for series, state in marks:
        why = backport_refusal(series, state, session.train(), session.today)
        if why is not None:
            out.append(Refusal("backport", f"{series}={state}: {why}"))
    return tuple(out)


def _check_marks(
    session: Session, ids: Collection[str], marks: Sequence[tuple[str, BackportState]]
) -> None:
    """A PlanError naming each mark that cannot be made at all (not a guard rail: ``check``
    would reject it, or it would change nothing)."""
    wanted = set(ids)
    items = [it for it in session.plan.items if it.id in wanted]
    problems = []
    for series, state in marks:
        why = backport_mark_problem(series, items, session.train())
        if why is not None:
            problems.append(Problem(f"{series}={state}: {why}", field="backport"))
    if problems:
        raise PlanError(problems)


def backport_marks(texts: Sequence[str]) -> list[tuple[str, BackportState]]:
    """``SERIES=STATE`` texts as marks; a PlanError naming the bad one and the states."""
    out = []
    for text in texts:
        series, _, state = (part.strip() for part in text.partition("="))
        try:
            out.append((series, BackportState(state.lower())))
        except ValueError:
            states = ", ".join(s.value for s in BackportState)
            problem = Problem(f"{text!r} is not SERIES=STATE", field="backport", hint=states)
            raise PlanError(problem) from None
        if not series:
            raise PlanError(Problem(f"{text!r} names no series", field="backport"))
    return out


def set_fields(
    session: Session,
    ids: Collection[str],
    *,
    target: str | None = None,
    state: str | None = None,
    priority: str | None = None,
    blocker: bool | None = None,
    owner: str | None = None,
    backports: Sequence[str] = (),
) -> Edit:
    """Several triage fields of several items as one change (``relplan set``): a field
    left None is left alone; ``target`` in :data:`NO_TARGET` unschedules, ``owner`` ``""``
    clears. Each step works on the plan the one before left; unknown ids are a PlanError."""
    ids = session.items_named(ids)
    marks = backport_marks(backports)
    _check_marks(session, ids, marks)
    texts = {"state": state, "priority": priority}
    fields = ops.item_fields({k: v for k, v in texts.items() if v is not None}, ())
    version = None if target is None else ("" if target.strip() in NO_TARGET else target)
    steps: list[Callable[[Plan], ops.Change]] = []
    if version is not None:
        steps.append(lambda p: ops.set_target(p, ids, version or None))
    if isinstance(new_state := fields.get("state"), State):
        steps.append(lambda p, s=new_state: ops.set_state(p, ids, s))  # type: ignore[misc]
    if isinstance(new_priority := fields.get("priority"), Priority):
        steps.append(lambda p, v=new_priority: ops.set_priority(p, ids, v))  # type: ignore[misc]
    if blocker is not None:
        steps.append(lambda p: ops.set_blocker(p, ids, blocker))
    if owner is not None:
        steps.append(lambda p: ops.set_owner(p, ids, owner or None))
    for series, mark in marks:
        steps.append(lambda p, s=series, m=mark: ops.set_backport(p, ids, s, m))  # type: ignore[misc]
    refusals = target_refusals(session, ids, version) + backport_refusals(session, marks)
    return Edit(_in_steps(session.plan, ids, steps), refusals)


def _in_steps(
    before: Plan, ids: Sequence[str], steps: Sequence[Callable[[Plan], ops.Change]]
) -> ops.Change:
    plan, words, unchanged = before, list[str](), "nothing changed"
    for step in steps:
        change = step(plan)
        if change.is_noop:
            unchanged = change.description  # why, when it is the only step
        else:
            plan, words = change.plan, [*words, change.description]
    wanted = set(ids)  # by id once: Plan.item scans, and a marked bulk set can be large
    olds = {it.id: it for it in before.items if it.id in wanted}
    news = {it.id: it for it in plan.items if it.id in wanted}
    changed = tuple(i for i in ids if news.get(i) != olds.get(i))
    if len(steps) > 1 and not words:
        unchanged = "nothing changed"
    return ops.Change(plan if changed else before, "; ".join(words) or unchanged, changed)


def add_item(
    session: Session, texts: Mapping[str, str], *, item_id: str | None = None, blocker: bool = False
) -> Edit:
    """A new item from the text of its fields (``relplan add``, the ``n`` form): ``title``
    needed; the id ``local#<title words>`` unless given. A taken id is a PlanError."""
    fields = ops.item_fields({"title": "", **texts}, [r.version for r in session.train()])
    title = str(fields.get("title", ""))
    item = Item(id=item_id or ops.new_item_id(session.plan, title), title=title, blocker=blocker)
    item = replace(item, **fields)  # type: ignore[arg-type]
    change = ops.add(session.plan, item)
    if change.is_noop:
        raise PlanError(Problem(change.description, field="id", hint="pick another id"))
    return Edit(change, _new_target(session, change, item.id))


def edit_item(session: Session, item_id: str, texts: Mapping[str, str]) -> Edit:
    """One item's fields from their text (``relplan edit``, the ``E`` form): a field not
    in ``texts`` is left alone, empty text clears an optional one."""
    [item_id] = session.items_named([item_id])
    fields = ops.item_fields(texts, [r.version for r in session.train()])
    change = ops.edit(session.plan, item_id, **fields)
    return Edit(change, _new_target(session, change, item_id))


def _new_target(session: Session, change: ops.Change, item_id: str) -> tuple[Refusal, ...]:
    """The guard rails of the target an added or edited item gets from the change, judged
    with the kind it has after it; a target it had before is never refused."""
    after, before = change.plan.item(item_id), session.plan.item(item_id)
    if after is None or not after.target or (before is not None and before.target == after.target):
        return ()
    why = target_refusal(after, session.release(after.target), session.today)
    return (Refusal("target", why, (item_id,)),) if why is not None else ()


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of one item that a change sets: ``{id, field, old, new}`` in JSON."""

    id: str
    field: str
    old: object
    new: object

    def to_json(self) -> dict[str, object]:
        """The row as ``{id, field, old, new}``."""
        return {"id": self.id, "field": self.field, "old": self.old, "new": self.new}


def field_changes(before: Plan, change: ops.Change) -> list[FieldChange]:
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
