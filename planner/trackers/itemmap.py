"""Mapping tracker records onto items: what the GitHub, GitLab, Jira and Bugzilla adapters share.

Each adapter reads its tracker's own record shape; the pieces that are the
same everywhere live here: timestamps and days, backport labels, the default
triage state, a :class:`Collector` that skips malformed records with a warning
naming them, and the keys under which conditional requests are remembered.

This is also the boundary where tracker values are checked (:func:`screen`, which
the Redmine adapter uses too): a lone surrogate in any string is replaced (it is
no text, and could not be written as UTF-8), and a field whose value relplan cannot
use (a day the calendar cannot place, a time stamp that is none, an estimate that
is no number of hours, a link carrying credentials) is read as absent, with one
warning naming the record and the field. The rest of the record, and of the
source, is synced.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

from relplan.planner.domain import days
from relplan.planner.domain.days import FIRST_DAY, LAST_DAY
from relplan.planner.domain.errors import Problem, SourceError
from relplan.planner.domain.fields import backport_series
from relplan.planner.domain.model import BackportState, Item, State
from relplan.planner.domain.series import fill, series_in
from relplan.planner.trackers.base import (
    Conditional,
    Cursor,
    FieldWrite,
    Reporter,
    Rules,
    SourceConfig,
    TrackerRelease,
    record_warnings,
)

Note = tuple[str, str]
"""(record, why) of a record skipped or partly read."""
T = TypeVar("T")
MAX_ESTIMATE_DAYS = 100_000
"""The largest estimate (in days) an item holds: what the plan file takes back."""


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
    return " or ".join(
        {"str": "a string", "int": "a number"}.get(k.__name__, k.__name__) for k in kinds
    )


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
    if not FIRST_DAY <= when.date() <= LAST_DAY:
        return None  # no calendar places it, nor compares it safely across time zones
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def cursor_text(when: dt.datetime) -> str:
    """A time stamp as a sync cursor keeps it: UTC, to the second (earlier, never later),
    ``Z`` (what every tracker's update filter reads)."""
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_day(value: object) -> dt.date | None:
    """A calendar day from ``YYYY-MM-DD`` or a timestamp (GitHub's ``due_on``); else None.

    A day outside FIRST_DAY..LAST_DAY (a "Someday" version due 9999-12-31) is None too:
    the calendar's arithmetic could not hold it.
    """
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return days.parse_day(value[:10])
    except days.BadDay:
        return None


def estimate_days(hours: object) -> int | None:
    """Whole days of 8 hours for an estimate in hours; None without one (absent, 0) or
    for anything that is no number of hours (NaN, infinity, negative, more than
    MAX_ESTIMATE_DAYS)."""
    if isinstance(hours, bool) or not isinstance(hours, int | float):
        return None
    if not 0 < hours <= MAX_ESTIMATE_DAYS * 8:  # false for NaN too
        return None
    return math.ceil(hours / 8)


_LINK = re.compile(r"https?://[^\x00-\x20\x7f]+", re.IGNORECASE)


def web_link(value: object) -> str | None:
    """An http(s) link fit to keep and open: no user name or password, no blanks or
    control characters; else None."""
    if not isinstance(value, str) or not _LINK.fullmatch(value.strip()):
        return None
    try:
        parts = urlsplit(value.strip())
        if parts.username is not None or parts.password is not None or not parts.hostname:
            return None
    except ValueError:  # e.g. an unbalanced [ in the host
        return None
    return value.strip()


@dataclass(frozen=True, slots=True)
class Check:
    """What a field must hold to be read (``ok``), and how a warning says it (``expected``)."""

    ok: Callable[[Any], bool]
    expected: str
    quoted: bool = True  # False: the value never appears in a warning (it may hold a password)


DAY = Check(lambda v: parse_day(v) is not None, f"a day from {FIRST_DAY} to {LAST_DAY}")
TIMESTAMP = Check(
    lambda v: parse_timestamp(v) is not None,
    f"a time stamp (ISO 8601) from {FIRST_DAY} to {LAST_DAY}",
)
HOURS = Check(
    lambda v: (
        not isinstance(v, bool) and isinstance(v, int | float) and 0 <= v <= MAX_ESTIMATE_DAYS * 8
    ),
    f"a number of hours from 0 to {MAX_ESTIMATE_DAYS * 8:,}",
)
LINK = Check(
    lambda v: web_link(v) is not None,
    "an http(s) link without a user name or password",
    quoted=False,
)
NO_CHECKS: Mapping[str, Check] = {}

_SURROGATE = re.compile("[\ud800-\udfff]")
_DEEPEST = 8  # fields relplan reads lie at most 4 levels deep; deeper ones are never read


def screen(record: Any, checks: Mapping[str, Check] = NO_CHECKS) -> tuple[Any, list[str]]:
    """``record`` fit to read, and why each field relplan cannot use is read as absent.

    Lone surrogates are replaced by U+FFFD in every string (keys too); each field
    named by a dotted path in ``checks`` whose value is present but fails its check
    gets one reason. The caller names the record.
    """
    whys: list[str] = []
    clean = _scrub(record, "", whys, 0)
    for path, check in checks.items():
        value = _at(clean, path)
        if value is not None and value != "" and not check.ok(value):
            what = f"holds {shown(value)}, not" if check.quoted else "is not"
            whys.append(f"field {path!r} {what} {check.expected}: read as absent")
    return clean, whys


def _scrub(value: Any, path: str, whys: list[str], depth: int) -> Any:
    if isinstance(value, str):
        if value.isascii() or not _SURROGATE.search(value):
            return value
        where = shown(_SURROGATE.sub("\ufffd", path)) if path else "record"
        why = f"field {where} holds a lone surrogate, which is no text: replaced by U+FFFD"
        if why not in whys:
            whys.append(why)
        return _SURROGATE.sub("\ufffd", value)
    if depth >= _DEEPEST:
        return value
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            name = _scrub(key, f"{path}.{key}" if path else str(key), whys, depth + 1)
            out[name] = _scrub(item, f"{path}.{name}" if path else str(name), whys, depth + 1)
        return out
    if isinstance(value, list):
        return [_scrub(item, f"{path}[]", whys, depth + 1) for item in value]
    return value


def _at(record: Any, path: str) -> Any:
    for key in path.split("."):
        if not isinstance(record, Mapping):
            return None
        record = record.get(key)
    return record


def shown(value: object, width: int = 40) -> str:
    """A tracker value for a message: its repr (escapes shown escaped), cut to ``width``."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"a number of {len(str(abs(value)))} digits"
    if isinstance(value, Mapping | list):  # its repr may be huge, or nested too deep to make
        return f"{'an object' if isinstance(value, Mapping) else 'a list'} of {len(value)}"
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def label_backports(rules: Rules, labels: Iterable[str]) -> dict[str, BackportState]:
    """Backport states named by labels: ``backport_labels`` -> required, done labels -> done.

    A done label wins over a request for the same series.
    """
    labels = list(labels)
    states = rules.backports_from_labels(labels)
    for pattern in rules.backport_done_labels:
        for label in labels:
            series = series_in(pattern, label, ignore_case=True)
            if series is not None:
                states[series] = BackportState.DONE
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

    def add(
        self,
        record: Any,
        name: str,
        build: Callable[[Any], Item],
        checks: Mapping[str, Check] = NO_CHECKS,
    ) -> None:
        """Build an item from ``record`` (screened: see :func:`screen`); a malformed one
        becomes a warning naming ``name``."""
        self.read += 1
        item = self._build(record, name, build, checks)
        if item is None:
            return
        self.items[item.id] = item
        when = item.updated
        if when is not None and (self._since_at is None or when > self._since_at):
            self._since_at = when
            self.since = when.isoformat().replace("+00:00", "Z")

    def releases(
        self,
        records: Iterable[Any],
        word: str,
        key: str,
        build: Callable[[Any], TrackerRelease],
        checks: Mapping[str, Check] = NO_CHECKS,
    ) -> list[TrackerRelease]:
        """The milestones/versions among ``records`` (those with a string ``key``, their
        name), screened; ``word`` names them in warnings (``milestone '4.2'``)."""
        out = []
        for raw in records:
            name = raw.get(key) if isinstance(raw, Mapping) else None
            if isinstance(name, str):
                found = self._build(raw, f"{word} {shown(name)}", build, checks)
                if found is not None:
                    out.append(found)
        return out

    def _build(
        self, record: Any, name: str, build: Callable[[Any], T], checks: Mapping[str, Check]
    ) -> T | None:
        raw, whys = screen(record, checks)
        self.notes.extend((name, why) for why in whys)
        try:
            return build(raw)
        except (Malformed, KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            why = str(exc) if isinstance(exc, Malformed) else f"unreadable ({type(exc).__name__})"
            self.notes.append((name, f"skipped: {why}"))
            return None

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
        return Cursor(
            since=self.since or old.since, conditional=dict(conditional), extra=dict(old.extra)
        )


def record_name(kind: str, key: object) -> str:
    """How a warning names a record: ``issue #42``, ``bug 1234``; ``?`` when keyless."""
    if key in (None, ""):
        return f"{kind} (without a key)"
    if isinstance(key, str | int) and not isinstance(key, bool):
        text = str(key) if isinstance(key, str) or key.bit_length() <= 64 else shown(key)
        if text.isprintable() and len(text) <= 40:
            return f"{kind} {text}"
    return f"{kind} {shown(key)}"


def unexpected(config: SourceConfig, what: str) -> SourceError:
    """The tracker answered JSON of a shape relplan does not know (wrong URL, proxy page)."""
    return SourceError(
        config.problem(
            f"the tracker answered {what} in an unexpected shape",
            "url",
            hint="check that url points at the tracker's API root; nothing was changed",
        )
    )


# -- push: the same mapping the other way -----------------------------------------------


def label_unsupported(rules: Rules, field: str, value: Any) -> str | None:
    """Why labels (the forges' only triage words) cannot say ``value`` in ``field``."""
    if field == "blocker" and not rules.blocker:
        return "the source's config names no blocker label"
    if backport_series(field) is not None:
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
    mine = {fill(p, series).casefold() for p in patterns}
    kept = [label for label in labels if label.strip().casefold() not in mine]
    wanted = {
        BackportState.REQUIRED: rules.backport_labels,
        BackportState.DONE: rules.backport_done_labels,
    }.get(state or BackportState.UNKNOWN)
    return [*kept, fill(wanted[0], series)] if wanted else kept


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
