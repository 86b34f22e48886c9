"""Mapping tracker records onto items: what the GitHub, GitLab, Jira and Bugzilla adapters share.

Each adapter reads its tracker's own record shape; the pieces that are the
same everywhere live here: timestamps and days, backport labels, the default
triage state, a :class:`Collector` that skips malformed records with a warning
naming them, and the keys under which conditional requests are remembered.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from planner.errors import Problem, SourceError
from planner.model import BackportState, Item, State
from planner.sources.base import (
    Conditional,
    Cursor,
    FieldWrite,
    Reporter,
    Rules,
    SourceConfig,
    record_warnings,
)


class Malformed(ValueError):
    """A tracker record that lacks a field relplan needs, or has it in the wrong shape."""


def need(record: Mapping[str, Any], key: str, kind: type | tuple[type, ...] = str) -> Any:
    """``record[key]``, which must be present and of type ``kind`` (raises Malformed)."""
    if not isinstance(record, Mapping):
        raise Malformed(f"is not an object but {type(record).__name__}")
    value = record.get(key)
    if value is None or not isinstance(value, kind) or isinstance(value, bool):
        raise Malformed(f"field {key!r} is missing or not {_kind_name(kind)}")
    if isinstance(value, str) and not value.strip():
        raise Malformed(f"field {key!r} is empty")
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join({"str": "a string", "int": "a number"}.get(k.__name__, k.__name__)
                       for k in kinds)


def text(record: Mapping[str, Any], *path: str) -> str | None:
    """A nested string value (``text(r, "assignee", "login")``) or None when absent."""
    value: Any = record
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value.strip() or None if isinstance(value, str) else None


_JIRA_OFFSET = re.compile(r"([+-]\d\d)(\d\d)$")


def parse_timestamp(value: object) -> dt.datetime | None:
    """An ISO 8601 timestamp as trackers write it (``Z``, ``+00:00``, Jira's ``+0000``).

    Naive timestamps are taken as UTC; anything unreadable gives None.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    s = value.strip().replace("Z", "+00:00")
    s = _JIRA_OFFSET.sub(r"\1:\2", s)
    try:
        when = dt.datetime.fromisoformat(s)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def parse_day(value: object) -> dt.date | None:
    """A calendar day from ``YYYY-MM-DD`` or a timestamp (GitHub's ``due_on``); else None."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def label_backports(rules: Rules, labels: Iterable[str]) -> dict[str, BackportState]:
    """Backport states named by labels: ``backport_labels`` -> required, done labels -> done.

    A done label wins over a request for the same series.
    """
    labels = list(labels)
    states = rules.backports_from_labels(labels)
    for pattern in rules.backport_done_labels:
        rx = re.compile("^" + re.escape(pattern).replace(r"\{series\}", r"(\d+(?:\.\d+)*)")
                        + "$", re.IGNORECASE)
        for label in labels:
            m = rx.match(label.strip())
            if m:
                states[m.group(1)] = BackportState.DONE
    return states


def default_state(is_open: bool, target: str | None) -> State:
    """The state of a record the rules say nothing about.

    Open with a milestone: the maintainers put it on a release, so accepted;
    open without: proposed; closed: done (adapters pass rejections themselves).
    """
    if not is_open:
        return State.DONE
    return State.ACCEPTED if target else State.PROPOSED


def request_key(path: str, params: Mapping[str, str | int] | None = None) -> str:
    """The key a conditional request is remembered under: path plus sorted query."""
    query = urlencode(sorted((k, str(v)) for k, v in (params or {}).items()))
    return f"{path}?{query}" if query else path


@dataclass
class Collector:
    """Gathers the items of one fetch: skips malformed records, tracks the newest update.

    ``since`` is the newest ``updated`` value seen, in ISO 8601 (the next
    incremental fetch starts there). ``notes`` are (record, why) for records
    skipped; :attr:`warnings` counts those that share a reason.
    """

    config: SourceConfig
    reporter: Reporter
    total: int | None = None
    items: dict[str, Item] = field(default_factory=dict)
    notes: list[tuple[str, str]] = field(default_factory=list)
    since: str | None = None
    read: int = 0
    _since_at: dt.datetime | None = None

    def add(self, record: Any, name: str, build: Callable[[Any], Item]) -> None:
        """Build an item from ``record``; a malformed one becomes a warning naming ``name``."""
        self.read += 1
        try:
            item = build(record)
        except (Malformed, KeyError, TypeError, ValueError, AttributeError) as exc:
            why = str(exc) if isinstance(exc, Malformed) else f"unreadable ({type(exc).__name__})"
            self.notes.append((name, f"skipped: {why}"))
            return
        self.items[item.id] = item
        when = item.updated
        if when is not None and (self._since_at is None or when > self._since_at):
            self._since_at = when
            self.since = when.isoformat().replace("+00:00", "Z")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """The skipped records as warnings, one per distinct reason."""
        return record_warnings(self.config, self.notes)

    def left_out(self) -> None:
        """Count a record the adapter read but does not make an item of."""
        self.read += 1

    def progress(self) -> None:
        """Tell the reporter how many records were read so far."""
        self.reporter.progress(self.read, self.total)

    def cursor(self, old: Cursor, conditional: Mapping[str, Conditional]) -> Cursor:
        """The next cursor: the newest update seen (or the old one), these validators."""
        return Cursor(since=self.since or old.since, conditional=dict(conditional),
                      extra=dict(old.extra))


def record_name(kind: str, key: object) -> str:
    """How a warning names a record: ``issue #42``, ``bug 1234``; ``?`` when keyless."""
    return f"{kind} {key}" if key not in (None, "") else f"{kind} (without a key)"


def unexpected(config: SourceConfig, what: str) -> SourceError:
    """The tracker answered JSON of a shape relplan does not know (wrong URL, proxy page)."""
    return SourceError(config.problem(
        f"the tracker answered {what} in an unexpected shape", "url",
        hint="check that url points at the tracker's API root; nothing was changed",
    ))


# -- push: the same mapping the other way -----------------------------------------------


def label_unsupported(rules: Rules, field: str, value: Any) -> str | None:
    """Why labels (the forges' only triage words) cannot say ``value`` in ``field``."""
    if field == "blocker" and not rules.blocker:
        return "the source's config names no blocker label"
    if field.startswith("backports."):
        if value is BackportState.REQUIRED and not rules.backport_labels:
            return "the source's config names no backport_labels"
        if value is BackportState.DONE and not rules.backport_done_labels:
            return "the source's config names no backport_done_labels"
        if value not in (None, BackportState.REQUIRED, BackportState.DONE):
            return f"labels say only required and done, not {value}"
    return None


def blocker_labels(rules: Rules, labels: Sequence[str], flag: bool) -> list[str]:
    """``labels`` with the first blocker word added (``flag``) or every one removed."""
    words = {b.casefold() for b in rules.blocker}
    kept = [label for label in labels if label.casefold() not in words]
    return [*kept, rules.blocker[0]] if flag and rules.blocker else kept


def backport_labels(
    rules: Rules, labels: Sequence[str], series: str, state: BackportState | None
) -> list[str]:
    """``labels`` saying ``state`` for one series: that series' request and done labels
    removed, then the first pattern of the state's kind added."""
    patterns = [*rules.backport_labels, *rules.backport_done_labels]
    mine = {p.replace("{series}", series).casefold() for p in patterns}
    kept = [label for label in labels if label.strip().casefold() not in mine]
    wanted = {BackportState.REQUIRED: rules.backport_labels,
              BackportState.DONE: rules.backport_done_labels}.get(state or BackportState.UNKNOWN)
    return [*kept, wanted[0].replace("{series}", series)] if wanted else kept


def state_labels(rules: Rules, labels: Sequence[str], state: State) -> list[str]:
    """``labels`` saying ``state``: every label the ``states`` table maps removed, the
    table's word for ``state`` added."""
    words = {w.casefold() for w in rules.states}
    kept = [label for label in labels if label.casefold() not in words]
    word = rules.state_word(state)
    return [*kept, word] if word else kept


def forge_labels(rules: Rules, labels: Sequence[str], changes: Sequence[FieldWrite]) -> list[str]:
    """The labels after every label-borne change (blocker, state, backports) of a push."""
    out = list(labels)
    for c in changes:
        if c.field == "blocker":
            out = blocker_labels(rules, out, bool(c.new))
        elif c.field == "state":
            out = state_labels(rules, out, c.new)
        elif c.series is not None:
            out = backport_labels(rules, out, c.series, c.new)
    return out
