"""Push: which local triage decisions go back to the tracker, decided field by field.

Everything here is pure; :mod:`relplan.planner.trackers.pushing` runs it against the trackers.

What to push (:func:`local_writes`): for each item of a tracker source, the plan's
value against the *base*, the tracker's version the plan last took (from the cache,
as sync finds it), for ``target``, ``blocker``, each ``backports.<series>`` and
``state``. Only fields changed locally since the last sync are writes. A state goes
back only when it is a triage decision (accepted, deferred, rejected) and the
source's ``states`` table names a tracker word for it (many projects do not want
relplan to touch states); a target relplan laid itself (``why`` says ``laid ...``) is
not a decision and stays local; what a tracker cannot hold (a ``dontneed`` backport
in labels) is skipped, saying why.

Before a write the item is read again and each field decided by the three-way rule of
sync (:func:`relplan.planner.domain.merge.pick`, :func:`decide`): the tracker still at the base is
written; already at the plan's value is left alone; anything else is someone else's
change since the last sync: a conflict, never written over.

After the writes the cache records, per item, :func:`pushed_version`: the base with
the pushed fields as the tracker now says them, stamped with the tracker's new update
time, and the plan's item takes that stamp. The next sync then compares against what
was pushed (no spurious conflict) and the next push finds nothing to write.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from relplan.planner.domain.errors import Problem
from relplan.planner.domain.fields import backport_field, backport_series, field_label
from relplan.planner.domain.merge import pick
from relplan.planner.domain.model import BackportState, Item, Plan, State
from relplan.planner.domain.version import version_key
from relplan.planner.trackers.base import Milestone, Rules, SourceConfig
from relplan.planner.trackers.base import Outcome as Outcome  # its home; named here too

PUSHED_STATES = frozenset({State.ACCEPTED, State.DEFERRED, State.REJECTED})
"""Triage states a push may write (only where the source's ``states`` table maps them);
the others (proposed, in progress, done) say where the work is, which the tracker knows."""

Unsupported = Callable[[str, Any], "str | None"]


DONE = frozenset({Outcome.WRITTEN, Outcome.ALREADY})
"""Outcomes after which the tracker holds the plan's value."""
FAILED = frozenset({Outcome.CONFLICT, Outcome.MISSING, Outcome.NOT_TAKEN, Outcome.REFUSED,
                    Outcome.UNWRITTEN})  # fmt: skip
"""Outcomes that leave a local decision off the tracker (the push exits 1)."""


@dataclass(frozen=True, slots=True)
class Write:
    """One field of one item: the tracker's value at the last sync (``base``) and the
    plan's (``plan``), with what became of it; ``tracker`` is what the tracker said
    when read (for conflicts and writes it did not take)."""

    source: str
    item: str
    field: str
    base: Any
    plan: Any
    outcome: Outcome = Outcome.PENDING
    tracker: Any = None
    note: str | None = None

    @property
    def label(self) -> str:
        """``target``, ``blocker``, ``state`` or ``backport 3.3``."""
        return field_label(self.field)

    def change_text(self) -> str:
        """``ruby#1: target 3.4 -> 3.5``."""
        return f"{self.item}: {self.label} {show(self.base)} -> {show(self.plan)}"

    def __str__(self) -> str:
        text = self.change_text()
        why = {
            Outcome.ALREADY: "the tracker says so already",
            Outcome.CONFLICT: f"conflict: the tracker says {show(self.tracker)} since the "
            "last sync; not written",
            Outcome.NOT_TAKEN: f"sent, but the tracker still says {show(self.tracker)}",
            Outcome.UNWRITTEN: "not written: the push stopped before it",
        }.get(self.outcome)
        if self.outcome in (Outcome.MISSING, Outcome.REFUSED, Outcome.SKIPPED):
            why = ("not pushed: " if self.outcome is Outcome.SKIPPED else "") + (self.note or "")
        elif self.note:
            why = f"{why}; {self.note}" if why else self.note
        return f"{text} ({why})" if why else text

    def to_json(self) -> dict[str, Any]:
        """The write as JSON-ready data (``relplan push --format json``)."""
        return {
            "id": self.item, "source": self.source, "field": self.field,
            "base": _json(self.base), "plan": _json(self.plan),
            "tracker": _json(self.tracker), "result": self.outcome.value, "note": self.note,
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class SourcePush:
    """What one source has to push: writes (pending or skipped), items the cache has no
    synced version of (``unsynced``: sync first), and notes for the whole source."""

    config: SourceConfig
    writes: tuple[Write, ...]
    bases: Mapping[str, Item] = field(default_factory=dict)
    unsynced: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def pending(self) -> list[Write]:
        """The writes still to check with the tracker."""
        return [w for w in self.writes if w.outcome is Outcome.PENDING]


def show(value: Any) -> str:
    """A field value as the push lists it: ``-`` for none, ``yes``/``no`` for flags."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value.value if isinstance(value, StrEnum) else value)


def _json(value: Any) -> Any:
    return value.value if isinstance(value, StrEnum) else value


def field_value(item: Item, name: str) -> Any:
    """The value of a pushed field of an item (``backports.3.3`` is one series' state)."""
    series = backport_series(name)
    if series is not None:
        return item.backports.get(series)
    return getattr(item, name)


def is_laid(item: Item) -> bool:
    """True when relplan laid the item's target itself (see
    :func:`relplan.planner.domain.laying.lay`)."""
    return bool(item.target) and (item.why or "").startswith("laid ")


def local_writes(
    items: Iterable[Item],
    bases: Mapping[str, Item],
    config: SourceConfig,
    unsupported: Unsupported,
) -> SourcePush:
    """Every field of the source's items changed locally since the last sync.

    ``bases`` maps an id to the tracker version the plan holds; an item without one
    is ``unsynced``. ``unsupported(field, value)`` says why the tracker cannot hold a
    value (the adapter's :meth:`~relplan.planner.trackers.base.Writer.unsupported`).
    """
    writes: list[Write] = []
    unsynced: list[str] = []
    unmapped: dict[State, int] = {}
    mine = f"{config.name}#"
    for item in items:
        if not item.id.startswith(mine):
            continue
        base = bases.get(item.id)
        if base is None:
            unsynced.append(item.id)
            continue
        for name in _changed_fields(item, base):
            w = Write(config.name, item.id, name, field_value(base, name), field_value(item, name))
            if name == "state" and not _pushable_state(config.rules, item.state, unmapped):
                continue
            why = _why_not(item, w, unsupported)
            writes.append(dataclasses.replace(w, outcome=Outcome.SKIPPED, note=why) if why else w)
    notes = tuple(
        f"state {state.value} of {n} item(s) stays local: the source's states table names no "
        f"tracker word for it (add one to push it)"
        for state, n in unmapped.items()
    )
    return SourcePush(config, tuple(writes), bases, tuple(unsynced), notes)


def _changed_fields(item: Item, base: Item) -> list[str]:
    names = [n for n in ("target", "blocker", "state") if getattr(item, n) != getattr(base, n)]
    series = sorted({*item.backports, *base.backports}, key=version_key, reverse=True)
    names += [backport_field(s) for s in series if item.backports.get(s) != base.backports.get(s)]
    return names


def _pushable_state(rules: Rules, state: State, unmapped: dict[State, int]) -> bool:
    if state not in PUSHED_STATES:
        return False
    if rules.state_word(state) is None:
        if rules.states:  # a project that maps states but not this one: say so
            unmapped[state] = unmapped.get(state, 0) + 1
        return False
    return True


def _why_not(item: Item, w: Write, unsupported: Unsupported) -> str | None:
    if w.field == "target" and is_laid(item):
        return "relplan laid the target itself; t sets one by hand"
    return unsupported(w.field, w.plan)


def decide(write: Write, now: Item) -> Write:
    """The three-way rule for one field, with ``now`` the tracker's item read just before
    writing: still at the base -> to write; at the plan's value -> already; else conflict."""
    tracker = field_value(now, write.field)
    _, clash = pick(write.base, write.plan, tracker)
    if clash:
        return dataclasses.replace(write, outcome=Outcome.CONFLICT, tracker=tracker)
    if tracker == write.plan:
        return dataclasses.replace(write, outcome=Outcome.ALREADY, tracker=tracker)
    return dataclasses.replace(write, tracker=tracker)


def taken(write: Write, after: Item) -> Write:
    """A sent write checked against the item read back: written, or not taken."""
    now = field_value(after, write.field)
    if now == write.plan:
        return dataclasses.replace(write, outcome=Outcome.WRITTEN, tracker=now)
    return dataclasses.replace(write, outcome=Outcome.NOT_TAKEN, tracker=now)


def pushed_version(base: Item, after: Item, fields: Iterable[str]) -> Item:
    """What the cache records for an item after a push: ``base`` with ``fields`` as the
    tracker says them in ``after``, stamped with ``after``'s update time.

    The other fields stay as at the last sync, so the next sync still sees every
    change someone else made to them as the tracker's.
    """
    changes: dict[str, Any] = {}
    backports: dict[str, BackportState] = dict(base.backports)
    for name in fields:
        value = field_value(after, name)
        series = backport_series(name)
        if series is not None:
            if value is None:
                backports.pop(series, None)
            else:
                backports[series] = value
        else:
            changes[name] = value
    return dataclasses.replace(
        base, **changes, backports=backports, updated=after.updated or base.updated
    )


def milestone_for(version: str, milestones: Sequence[Milestone], rules: Rules) -> Milestone | None:
    """The tracker milestone/version that stands for a release: named exactly so, else
    one the mapping rules read as it; open ones before closed ones."""
    found = [m for m in milestones if m.name == version or rules.release_for(m.name) == version]
    found.sort(key=lambda m: (m.name != version, m.closed))
    return found[0] if found else None


def stamped(items: Iterable[Item], versions: Mapping[str, Item]) -> list[Item]:
    """The plan's items with the update stamp of the version recorded for them."""
    out = []
    for item in items:
        v = versions.get(item.id)
        out.append(
            item
            if v is None or v.updated == item.updated
            else dataclasses.replace(item, updated=v.updated)
        )
    return out


@dataclass(frozen=True, slots=True)
class PushResult:
    """Every write with its outcome, notes, the failure that stopped the push (if any),
    and the plan as recorded (new update stamps of the items written)."""

    writes: tuple[Write, ...]
    notes: tuple[Problem, ...]
    failure: tuple[Problem, ...]
    plan: Plan
    dry_run: bool
    requests: int

    def ids(self, *outcomes: Outcome) -> list[str]:
        """The items with a write of one of these outcomes, in order, once each."""
        return list(dict.fromkeys(w.item for w in self.writes if w.outcome in outcomes))

    @property
    def written(self) -> list[str]:
        """Items the push wrote to (at least one field)."""
        return self.ids(Outcome.WRITTEN)

    @property
    def failed(self) -> list[Write]:
        """Writes that left a local decision off the tracker."""
        return [w for w in self.writes if w.outcome in FAILED]

    def summary(self) -> str:
        """One line about a push: what was written, what not and why, or what stopped it."""
        done = [w for w in self.writes if w.outcome in (Outcome.WRITTEN, Outcome.WOULD_WRITE)]
        verb = "would write" if self.dry_run else "pushed"
        text = f"{verb} {len(done)} field(s) of {len({w.item for w in done})} item(s)"
        left = [
            w for w in self.writes if w.outcome in FAILED and w.outcome is not Outcome.UNWRITTEN
        ]
        if left:
            shown = ", ".join(f"{w.item} ({w.outcome.value})" for w in left[:4])
            text += f"; not pushed: {shown}" + (
                f" and {len(left) - 4} more" if len(left) > 4 else ""
            )
        if self.failure:
            text = f"push stopped: {self.failure[0]}; " + text
        return text


def with_value(item: Item, name: str, value: Any) -> Item:
    """``item`` with one pushed field set (``backports.3.3``: one series; None removes it)."""
    series = backport_series(name)
    if series is not None:
        backports = {s: b for s, b in item.backports.items() if s != series}
        if value is not None:
            backports[series] = value
        return dataclasses.replace(item, backports=backports)
    return dataclasses.replace(item, **{name: value})
