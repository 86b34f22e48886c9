"""The small protocol every tracker adapter implements, and the config it reads.

A source is one ``[[sources]]`` table of the config (:class:`SourceConfig`).
An adapter (:class:`Adapter`) turns one source into a :class:`FetchResult`:
items with ids ``<source name>#<tracker key>``, the tracker's milestones or
versions (:class:`TrackerRelease`), warnings for records it had to skip, and a
:class:`Cursor` that makes the next fetch incremental (an update window and
ETags of conditional requests).

Adapters live in ``relplan.planner.trackers.<kind>``, each listed by its kind in the one
table :data:`relplan.planner.trackers.registry.ADAPTERS`, where
:func:`~relplan.planner.trackers.registry.adapter_for` finds them (:data:`TRACKER_KINDS`
names the same kinds for config checks that load no adapter). They talk
HTTP only through :class:`relplan.planner.trackers.http.HttpClient`, which owns
concurrency, retries, rate limits and tokens.

Mapping rules (which tracker names mean which release, kind, priority, state,
blocker, backport) are plain data in :class:`Rules`, shared by all adapters.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from relplan.planner.domain.errors import PlanError, Problem
from relplan.planner.domain.fields import backport_series
from relplan.planner.domain.model import BackportState, Item, Kind, Priority, State
from relplan.planner.domain.series import series_in
from relplan.planner.domain.version import newest_first, version_key
from relplan.planner.store.checking import did_you_mean

if TYPE_CHECKING:
    from relplan.planner.store.config import Config

TRACKER_KINDS = ("github", "gitlab", "jira", "redmine", "bugzilla")
SOURCE_KINDS = (*TRACKER_KINDS, "file")

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

_STR_KEYS: tuple[str, ...] = ("name", "kind", "url", "project", "token_env", "user", "path")
_STR_KEYS += ("format", "backport_field", "release_pattern", "query", "status_flag_prefix")
_TABLE_KEYS = ("releases", "kinds", "priorities", "states")
_LIST_KEYS = ("blocker", "backport_labels", "backport_done_labels", "status_flags")
KNOWN_KEYS = frozenset((*_STR_KEYS, *_TABLE_KEYS, *_LIST_KEYS, "page_size"))

DEFAULT_RELEASE_PATTERN = r"(?<![\w.])v?(\d+(?:\.\d+)*)(?![\w.])"
"""The first version-like number in a milestone name: "Xen 4.0.1" -> 4.0.1."""

E = TypeVar("E", Kind, Priority, State)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Rules:
    """How a tracker's words map onto relplan's.

    ``releases`` maps a tracker milestone/version name to a release version;
    names not listed go through ``release_pattern`` (a regex whose first group,
    or group ``version``, is the version; default: the first version number in
    the name, so "Ruby 3.4" is 3.4 and "Someday" is no release).
    ``kinds``/``priorities``/``states`` map tracker values (tracker or issue
    type, label, priority name, status name) onto :class:`Kind`,
    :class:`Priority`, :class:`State`; keys are matched case-insensitively.
    ``blocker`` lists labels or priority names that make an item a blocker.
    ``backport_field`` names a field in Ruby's ``3.3: REQUIRED, 3.2: DONE``
    format; ``backport_labels`` are label patterns with ``{series}``.
    ``backport_done_labels`` are label patterns meaning the backport is done
    (``backported to {series}``); ``status_flags`` are Bugzilla field-name
    patterns of per-release flags (``cf_status_firefox_esr{series}``,
    ``cf_tracking_firefox{series}``) read as backport states
    (``status_flag_prefix = "firefox"`` is short for ``cf_status_firefox{series}``).
    """

    releases: Mapping[str, str] = field(default_factory=dict)
    release_pattern: str | None = None
    kinds: Mapping[str, Kind] = field(default_factory=dict)
    priorities: Mapping[str, Priority] = field(default_factory=dict)
    states: Mapping[str, State] = field(default_factory=dict)
    blocker: tuple[str, ...] = ()
    backport_field: str | None = None
    backport_labels: tuple[str, ...] = ()
    backport_done_labels: tuple[str, ...] = ()
    status_flags: tuple[str, ...] = ()

    def release_for(self, name: str) -> str | None:
        """The release version a tracker milestone/version name stands for, or None."""
        if name in self.releases:
            return self.releases[name]
        m = re.search(self.release_pattern or DEFAULT_RELEASE_PATTERN, name)
        if not m:
            return None
        if "version" in m.groupdict():
            return m.group("version")
        return m.group(1) if m.groups() else m.group(0)

    def kind_for(self, values: Iterable[str], default: Kind | None = None) -> Kind | None:
        """The kind named by the first value the rules (or Kind itself) know."""
        return _lookup(self.kinds, Kind, values, default)

    def priority_for(
        self, values: Iterable[str], default: Priority | None = None
    ) -> Priority | None:
        """The priority named by the first value the rules (or Priority itself) know."""
        return _lookup(self.priorities, Priority, values, default)

    def state_for(self, values: Iterable[str], default: State | None = None) -> State | None:
        """The state named by the first value the rules (or State itself) know."""
        return _lookup(self.states, State, values, default)

    def is_blocker(self, values: Iterable[str]) -> bool:
        """True when any value (label, priority name) is listed as a blocker."""
        wanted = {b.casefold() for b in self.blocker}
        return any(v.casefold() in wanted for v in values)

    def state_word(self, state: State) -> str | None:
        """The first tracker word the ``states`` table maps onto ``state`` (for a push)."""
        return next((word for word, mapped in self.states.items() if mapped is state), None)

    def backports_from_labels(self, labels: Iterable[str]) -> dict[str, BackportState]:
        """Series requested by labels matching ``backport_labels`` (state REQUIRED)."""
        out: dict[str, BackportState] = {}
        for pattern in self.backport_labels:
            for label in labels:
                series = series_in(pattern, label, ignore_case=True)
                if series is not None:
                    out[series] = BackportState.REQUIRED
        return out


def _lookup(
    table: Mapping[str, E], enum: type[E], values: Iterable[str], default: E | None
) -> E | None:
    folded = {k.casefold(): v for k, v in table.items()}
    for value in values:
        key = value.strip().casefold()
        if key in folded:
            return folded[key]
        for word in (key, key.replace(" ", "-").replace("_", "-")):
            try:
                return enum(word)
            except ValueError:
                continue
    return default


_BACKPORT_PAIR = re.compile(r"^\s*(\d+(?:\.\d+)*)\s*:\s*([A-Za-z_ -]+?)\s*$")


def parse_backport_field(text: str) -> tuple[dict[str, BackportState], list[str]]:
    """Parse Ruby's ``3.3: REQUIRED, 3.2: DONE`` into series -> state.

    Returns the states and the parts that could not be read (for a warning);
    an empty or blank field gives ``({}, [])``.
    """
    states: dict[str, BackportState] = {}
    bad: list[str] = []
    for part in (text or "").split(","):
        if not part.strip():
            continue
        m = _BACKPORT_PAIR.match(part)
        word = m.group(2).strip().lower().replace("_", "-").replace(" ", "-") if m else ""
        try:
            state = BackportState(word)
        except ValueError:
            bad.append(part.strip())
            continue
        assert m is not None
        states[m.group(1)] = state
    return states, bad


def format_backport_field(states: Mapping[str, BackportState]) -> str:
    """The inverse of :func:`parse_backport_field` (newest series first)."""
    return ", ".join(f"{s}: {states[s].value.upper()}" for s in newest_first(states))


def edit_backport_field(text: str | None, changes: Mapping[str, BackportState | None]) -> str:
    """``text`` in Ruby's format with each series of ``changes`` set (None: removed).

    Every other part, readable or not, stays as it was written and where it was; a
    series new to the field goes before the first older one (newest first, as Ruby's
    maintainers write it).
    """
    parts = [p.strip() for p in (text or "").split(",") if p.strip()]
    out: list[str] = []
    seen: set[str] = set()
    for part in parts:
        m = _BACKPORT_PAIR.match(part)
        series = m.group(1) if m else None
        if series is None or series not in changes:
            out.append(part)
            continue
        state = changes[series]
        if series not in seen and state is not None:
            out.append(_backport_part(series, state))
        seen.add(series)
    for series in newest_first(s for s in changes if s not in seen):
        state = changes[series]
        if state is None:
            continue
        at = next((i for i, part in enumerate(out) if _older(part, series)), len(out))
        out.insert(at, _backport_part(series, state))
    return ", ".join(out)


def _backport_part(series: str, state: BackportState) -> str:
    return f"{series}: {state.value.upper()}"


def _older(part: str, series: str) -> bool:
    m = _BACKPORT_PAIR.match(part)
    return m is not None and version_key(m.group(1)) < version_key(series)


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """One ``[[sources]]`` table, validated. ``token_env`` names a variable, never a token."""

    name: str
    kind: str
    url: str | None = None
    project: str | None = None
    token_env: str | None = None
    user: str | None = None
    path: str | None = None
    format: str | None = None
    query: str | None = None
    page_size: int = 100
    rules: Rules = field(default_factory=Rules)
    file: str | None = None
    line: int | None = None

    @property
    def api_url(self) -> str:
        """The base URL without a trailing slash (tracker kinds always have one)."""
        return (self.url or "").rstrip("/")

    def problem(self, message: str, field: str | None = None, hint: str | None = None) -> Problem:
        """A Problem pointing at this source's table (and one of its fields)."""
        where = f"sources.{self.name}" + (f".{field}" if field else "")
        return Problem(message, file=self.file, line=self.line, field=where, hint=hint)

    @classmethod
    def from_table(
        cls,
        table: Mapping[str, Any],
        *,
        file: str | None = None,
        line: int | None = None,
        index: int | None = None,
        key_lines: Mapping[str, int] | None = None,
    ) -> SourceConfig:
        """Validate a raw ``[[sources]]`` table; every problem names its field, and its
        line where ``key_lines`` knows it (else the table's line).

        Raises :class:`PlanError` listing all problems found.
        """
        return _Parser(table, file, line, index, key_lines or {}).parse()


class _Parser:
    """Collects every problem of one table before raising."""

    def __init__(
        self,
        table: Mapping[str, Any],
        file: str | None,
        line: int | None,
        index: int | None,
        key_lines: Mapping[str, int],
    ) -> None:
        self.t, self.file, self.line, self.key_lines = table, file, line, key_lines
        name = table.get("name")
        self.where = (
            f"sources.{name}"
            if isinstance(name, str) and name
            else (f"sources[{index}]" if index is not None else "sources")
        )
        self.problems: list[Problem] = []

    def bad(self, key: str, message: str, hint: str | None = None) -> None:
        line = self.key_lines.get(key.split(".", 1)[0], self.line)
        self.problems.append(
            Problem(message, file=self.file, line=line, field=f"{self.where}.{key}", hint=hint)
        )

    def string(self, key: str, required: bool = False) -> str | None:
        value = self.t.get(key)
        if value is None:
            if required:
                self.bad(key, "is missing")
            return None
        if not isinstance(value, str) or not value.strip():
            self.bad(key, f"must be a non-empty string, not {value!r}")
            return None
        return value.strip()

    def parse(self) -> SourceConfig:
        for key in self.t:
            if key not in KNOWN_KEYS:
                hint = did_you_mean(key, KNOWN_KEYS) or "known: " + ", ".join(sorted(KNOWN_KEYS))
                self.bad(key, "is not a known source field", hint)
        name, kind = self.string("name", required=True), self.string("kind", required=True)
        if name and not _NAME.match(name):
            self.bad("name", f"{name!r} must be letters, digits, '.', '_' or '-'")
        if kind and kind not in SOURCE_KINDS:
            self.bad("kind", f"{kind!r} is not a source kind", "one of " + ", ".join(SOURCE_KINDS))
        tracker = kind in TRACKER_KINDS
        url = self.string("url", required=tracker)
        if url and not re.match(r"^https?://[^/\s]+", url):
            self.bad("url", f"{url!r} is not an http(s) URL")
        project = self.string("project", required=tracker)
        token_env = self.string("token_env")
        if token_env and not _ENV_NAME.match(token_env):
            self.bad(
                "token_env",
                "must be the NAME of an environment variable, not a token",
                'e.g. token_env = "REDMINE_API_KEY"',
            )
        path = self.string("path", required=kind == "file")
        rules = self.rules()
        page_size = self.t.get("page_size", 100)
        if type(page_size) is not int or not 1 <= page_size <= 100:
            self.bad("page_size", f"must be an integer from 1 to 100, not {page_size!r}")
            page_size = 100
        if self.problems:
            raise PlanError(self.problems)
        assert name is not None and kind is not None
        return SourceConfig(
            name=name,
            kind=kind,
            url=url,
            project=project,
            token_env=token_env,
            user=self.string("user"),
            path=path,
            format=self.string("format"),
            query=self.string("query"),
            page_size=page_size,
            rules=rules,
            file=self.file,
            line=self.line,
        )

    def rules(self) -> Rules:
        pattern = self.string("release_pattern")
        if pattern:
            try:
                re.compile(pattern)
            except re.error as exc:
                self.bad("release_pattern", f"is not a valid regular expression: {exc}")
                pattern = None
        return Rules(
            releases=self.table("releases", str),
            release_pattern=pattern,
            kinds=self.table("kinds", Kind),
            priorities=self.table("priorities", Priority),
            states=self.table("states", State),
            blocker=self.strings("blocker"),
            backport_field=self.string("backport_field"),
            backport_labels=self.strings("backport_labels", need="{series}"),
            backport_done_labels=self.strings("backport_done_labels", need="{series}"),
            status_flags=self.status_flags(),
        )

    def status_flags(self) -> tuple[str, ...]:
        flags = self.strings("status_flags", "{series}", "cf_status_firefox_esr{series}")
        prefix = self.string("status_flag_prefix")
        return flags + ((f"cf_status_{prefix}{{series}}",) if prefix else ())

    def table(self, key: str, convert: Callable[[str], T]) -> dict[str, T]:
        raw = self.t.get(key, {})
        if not isinstance(raw, Mapping):
            self.bad(key, 'must be a table of "tracker name" = "value"')
            return {}
        out: dict[str, T] = {}
        for k, v in raw.items():
            try:
                out[str(k)] = convert(v.strip().lower() if convert is not str else v)
            except (ValueError, AttributeError):
                allowed = [e.value for e in convert] if isinstance(convert, type) else []  # type: ignore[attr-defined]
                self.bad(
                    f"{key}.{k}",
                    f"{v!r} is not valid",
                    ("one of " + ", ".join(allowed)) if allowed else "expected a string",
                )
        return out

    def strings(
        self, key: str, need: str | None = None, example: str = "needs backport to {series}"
    ) -> tuple[str, ...]:
        raw = self.t.get(key, [])
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not all(isinstance(s, str) and s for s in raw):
            self.bad(key, "must be a list of strings")
            return ()
        for s in raw:
            if need and need not in s:
                self.bad(key, f"pattern {s!r} lacks {need}", f"e.g. {example!r}")
        return tuple(raw)


def config_sources(config: Config) -> list[SourceConfig]:
    """The config's ``[[sources]]`` validated, each problem on its own line."""
    return parse_sources(
        config.source_tables,
        file=str(config.path) if config.path else None,
        lines=config.source_lines,
        key_lines=[t.key_lines for t in config.sources],
    )


def parse_sources(
    tables: Iterable[Mapping[str, Any]],
    *,
    file: str | None = None,
    lines: Iterable[int | None] | None = None,
    key_lines: Iterable[Mapping[str, int]] | None = None,
) -> list[SourceConfig]:
    """Validate every ``[[sources]]`` table; names must be unique. Raises PlanError."""
    line_list = list(lines) if lines is not None else []
    key_line_list = list(key_lines) if key_lines is not None else []
    out: list[SourceConfig] = []
    problems: list[Problem] = []
    for i, table in enumerate(tables):
        line = line_list[i] if i < len(line_list) else None
        keys = key_line_list[i] if i < len(key_line_list) else None
        try:
            cfg = SourceConfig.from_table(table, file=file, line=line, index=i, key_lines=keys)
        except PlanError as exc:
            problems.extend(exc.problems)
            continue
        if any(o.name == cfg.name for o in out):
            problems.append(cfg.problem(f"source name {cfg.name!r} is used twice", "name"))
        out.append(cfg)
    if problems:
        raise PlanError(problems)
    return out


@dataclass(frozen=True, slots=True)
class TrackerRelease:
    """A tracker milestone/version: ``name`` as the tracker spells it, ``version`` mapped.

    ``version`` is None when the mapping rules do not recognise the name.
    ``closed`` is True when the tracker says the milestone is done/released.
    """

    name: str
    version: str | None
    due: dt.date | None = None
    start: dt.date | None = None
    closed: bool = False
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Conditional:
    """What a conditional GET needs next time: the ETag and the body it stood for."""

    etag: str
    body: str


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where the previous fetch of a source stopped.

    ``since`` is the tracker's own ``updated`` timestamp (ISO 8601, tracker
    clock) of the newest item seen: the next fetch asks only for items updated
    at or after it. ``conditional`` keeps ETag + body per URL. ``extra`` is
    adapter-specific small state (e.g. Redmine's status id -> closed map).
    """

    since: str | None = None
    conditional: Mapping[str, Conditional] = field(default_factory=dict)
    extra: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (for the cache)."""
        return {
            "since": self.since,
            "conditional": {u: [c.etag, c.body] for u, c in self.conditional.items()},
            "extra": dict(self.extra),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Cursor:
        """The inverse of :meth:`to_json`; None or garbage gives an empty cursor."""
        if not isinstance(data, Mapping):
            return cls()
        cond = data.get("conditional") or {}
        return cls(
            since=data.get("since") if isinstance(data.get("since"), str) else None,
            conditional={u: Conditional(str(v[0]), str(v[1])) for u, v in cond.items()},
            extra={str(k): str(v) for k, v in (data.get("extra") or {}).items()},
        )


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one fetch of one source brought back.

    ``complete`` is True for a full fetch (``items`` is every item of the
    source) and False for an incremental one (``items`` changed since the
    cursor; the rest is as cached). ``releases`` is always complete.
    ``warnings`` name records that were skipped or partly read.
    ``requests`` counts HTTP requests made (304s included).
    """

    source: str
    items: tuple[Item, ...]
    releases: tuple[TrackerRelease, ...]
    cursor: Cursor
    complete: bool
    warnings: tuple[Problem, ...] = ()
    requests: int = 0


StatusCallback = Callable[[str], None]
ProgressCallback = Callable[[int, "int | None"], None]


def _ignore_status(message: str) -> None:
    del message


def _ignore_progress(done: int, total: int | None) -> None:
    del done, total


class Outcome(StrEnum):
    """What happened (or would happen) to one write."""

    PENDING = "pending"
    """Changed locally since the last sync; not checked with the tracker yet."""
    WOULD_WRITE = "would-write"
    """Dry run: the tracker still holds the base, so a push writes it."""
    WRITTEN = "written"
    ALREADY = "already"
    """The tracker says the plan's value already (nothing sent)."""
    CONFLICT = "conflict"
    """The tracker changed the field since the last sync: not written."""
    MISSING = "missing-version"
    """The target's milestone/version does not exist in the tracker: not written."""
    NOT_TAKEN = "not-taken"
    """Sent, but the tracker still says something else (a workflow, a permission)."""
    REFUSED = "refused"
    """The tracker refused the item's change (a validation error, said)."""
    SKIPPED = "skipped"
    """Changed locally but not pushed (said why)."""
    UNWRITTEN = "unwritten"
    """A failure stopped the push before this write."""


@dataclass(frozen=True, slots=True)
class Reporter:
    """Where a sync reports to: a status line (rate limits, retries) and a progress bar.

    ``progress(done, total)`` counts items (total None while unknown).
    """

    status: StatusCallback = _ignore_status
    progress: ProgressCallback = _ignore_progress


class Adapter(Protocol):
    """A tracker adapter: one per source, stateless between fetches (state is the Cursor)."""

    config: SourceConfig

    def auth_headers(self, token: str) -> dict[str, str]:
        """The request headers that carry ``token`` for this tracker."""
        ...

    async def fetch(
        self, http: Any, cursor: Cursor, *, full: bool, reporter: Reporter
    ) -> FetchResult:
        """Fetch items and releases; ``full`` ignores the cursor's update window."""
        ...


@dataclass(frozen=True, slots=True)
class Milestone:
    """A tracker milestone/version as a push needs it: its name and the tracker's own
    reference to it (GitHub's number, GitLab's, Redmine's and Jira's id; Bugzilla's name)."""

    name: str
    ref: str | int
    closed: bool = False


@dataclass(frozen=True, slots=True)
class Remote:
    """One tracker record read just before a push: the item relplan makes of it (the
    adapter's own mapping, as in a fetch), the raw record, and the tracker's guard
    (GitHub's ETag, sent back as ``If-Match``)."""

    item: Item
    raw: Mapping[str, Any]
    guard: str | None = None


@dataclass(frozen=True, slots=True)
class FieldWrite:
    """One field of one tracker record to change, in relplan's terms.

    ``field`` is ``target``, ``blocker``, ``state`` or ``backports.<series>``; ``old``
    is what the tracker says now (the value at the last sync: the push checked it),
    ``new`` the plan's value. A target write carries the ``milestone`` to set (None:
    clear it).
    """

    field: str
    old: Any
    new: Any
    milestone: Milestone | None = None

    @property
    def series(self) -> str | None:
        """The series of a ``backports.<series>`` write, else None."""
        return backport_series(self.field)


class Writer(Protocol):
    """The write half of an adapter (``relplan push``), beside :meth:`Adapter.fetch`."""

    config: SourceConfig

    def auth_headers(self, token: str) -> dict[str, str]:
        """The request headers that carry ``token`` for this tracker."""
        ...

    def unsupported(self, field: str, value: Any) -> str | None:
        """Why this tracker (with this config) cannot hold ``value`` in ``field``, or None.

        Known without the network, so a dry run and the dashboard's count say it too.
        ``field`` ``create_milestone`` asks whether milestones can be created at all.
        """
        ...

    async def read(self, http: Any, key: str) -> Remote:
        """The record of ``key`` as the tracker has it now."""
        ...

    async def milestones(self, http: Any) -> list[Milestone]:
        """Every milestone/version an item of the project may be put on."""
        ...

    async def create_milestone(self, http: Any, name: str) -> Milestone:
        """Create a milestone/version named ``name`` (``--create-versions``)."""
        ...

    async def write(self, http: Any, remote: Remote, changes: list[FieldWrite]) -> dict[str, str]:
        """Change the record in one request (guarded where the tracker can); returns the
        fields it left out, each with the reason (the rest were sent)."""
        ...


def skipped(config: SourceConfig, record: str, why: str) -> Problem:
    """A warning for a record that was skipped or partly read, naming it."""
    return config.problem(f"{record}: {why}", hint="the rest of the source was synced")


def record_warnings(
    config: SourceConfig, notes: Iterable[tuple[str, str]], shown: int = 3
) -> tuple[Problem, ...]:
    """One warning per distinct reason from ``(record, why)`` notes, in first-seen order.

    A reason shared by several records is counted, not repeated: ``skipped:
    field 'title' is missing (200 items: issue 105, issue 106, issue 107 and
    197 more)``; a reason of one record names it as :func:`skipped` does.
    """
    groups: dict[str, list[str]] = {}
    for record, why in notes:
        groups.setdefault(why, []).append(record)
    out = []
    for why, records in groups.items():
        if len(records) == 1:
            out.append(skipped(config, records[0], why))
            continue
        names = ", ".join(records[:shown])
        if len(records) > shown:
            names += f" and {len(records) - shown} more"
        out.append(
            config.problem(
                f"{why} ({len(records)} items: {names})", hint="the rest of the source was synced"
            )
        )
    return tuple(out)


RELEASE_WORDS = {
    "github": "milestone",
    "gitlab": "milestone",
    "bugzilla": "milestone",
    "jira": "version",
    "redmine": "version",
}
"""What each tracker calls the thing relplan makes a release of (for messages)."""
