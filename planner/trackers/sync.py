"""Sync: fetch sources, fold what the trackers say into the plan, keep local triage.

:func:`fetch_sources` asks every tracker source at once (one shared
:class:`~relplan.planner.trackers.http.HostLimiter`, so at most 4 requests per host),
incrementally from the cursors in the :class:`~relplan.planner.store.cache.Cache` unless
``full``. Nothing is written while fetching: any failure (401, network, ctrl+c)
leaves cache and plan as they were. A cursor is only ever a time stamp that is
not in the future (:func:`usable_since`): a stored one that is not makes the
fetch a full one, a new one that is not leaves the old one in place; either
is said in a warning.

The cache is shared by every plan synced from the same config, so the
incremental window is the cache's, not a plan's: an incremental fetch brings
what changed since the *cache* last synced, and every item the cache knows
that the plan lacks, or holds in an older version (its tracker ``updated``
is older), comes from the cache. Any plan file (a second plan, a plan deleted
and synced again, an older copy) thus ends up exactly where a full fetch
would bring it, at the cost of an incremental one.

:func:`merge_fetched` folds the answers into the plan, per item and field:

- data fields (title, url, owner, ...) follow the tracker;
- triage fields (target, state, priority, blocker, backports per series) follow
  the tracker only where the plan still holds what the tracker said in the
  version the plan last took (the *base*: the cache keeps a few earlier
  versions of each item, so this holds for each plan file); where both moved,
  differently, the plan keeps its value and a
  :class:`~relplan.planner.store.cache.CachedConflict` is recorded and shown;
- new tracker milestones/versions with a known version become release specs
  (due date pinned as the release day; closed ones as shipped). One without a
  date is added without a day: the calendar plans it by the cadence where it
  can and lists it as unscheduled otherwise; a closed one without a date is
  marked ``unscheduled`` (it shipped on a day nobody recorded). Each such
  release is named in a note saying what to do.

:func:`write_sync` then saves the plan (atomically, by the caller's ``save``)
inside an open cache transaction, and commits the cache only after the plan
is on disk. ``file`` sources are read with :mod:`relplan.planner.trackers.files`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relplan.planner.domain.errors import Problem, RelplanError, SourceError
from relplan.planner.domain.fields import backport_field
from relplan.planner.domain.merge import DATA_FIELDS, ImportedItem, merge_items, pick
from relplan.planner.domain.model import Item, Plan, ReleaseKind, ReleaseSpec
from relplan.planner.domain.version import Version, is_version, series_depth, version_key
from relplan.planner.store.cache import Cache, CachedConflict, SourceStatus
from relplan.planner.trackers.base import (
    RELEASE_WORDS,
    Cursor,
    FetchResult,
    Reporter,
    SourceConfig,
    TrackerRelease,
    config_sources,
)
from relplan.planner.trackers.itemmap import cursor_text, parse_timestamp, shown

if TYPE_CHECKING:
    from relplan.planner.store.config import Config

TRIAGE = ("target", "state", "priority", "blocker")
_DEFAULT = Item(id="", title="")
CLOCK_SKEW = dt.timedelta(days=1)
"""How far ahead of relplan's clock a tracker's clock may be (a later cursor is refused)."""


@dataclass(frozen=True, slots=True)
class Fetched:
    """One source's answer, with what the cache held before it.

    ``base`` maps an item id to the tracker's version the plan's item came
    from (what local triage is compared against); ``cached`` is every item the
    cache held for the source (an incremental answer lacks the unchanged ones).
    """

    config: SourceConfig
    result: FetchResult
    base: Mapping[str, Item]
    identity: str
    cached: Mapping[str, Item] = field(default_factory=dict)


@dataclass(slots=True)
class SourceOutcome:
    """What a sync did for one source (for the CLI summary and the dashboard status line)."""

    name: str
    items: int = 0
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    releases_added: list[str] = field(default_factory=list)
    conflicts: list[CachedConflict] = field(default_factory=list)
    resolved: list[tuple[str, str]] = field(default_factory=list)
    warnings: tuple[Problem, ...] = ()
    requests: int = 0
    complete: bool = True
    from_cache: list[str] = field(default_factory=list)
    notes: tuple[Problem, ...] = ()

    @property
    def changed(self) -> int:
        """Items added or updated in the plan."""
        return len(self.added) + len(self.updated)


@dataclass(frozen=True, slots=True)
class SyncResult:
    """The plan after a sync, what changed per source, and what the cache should record."""

    plan: Plan
    outcomes: tuple[SourceOutcome, ...]
    fetched: tuple[Fetched, ...]
    plan_changed: bool

    def summary(self) -> str:
        """One line: items and changes per source, conflicts and warnings counted."""
        parts = []
        for o in self.outcomes:
            text = f"{o.name} {o.items} items, {o.changed} changed"
            if o.conflicts:
                text += f", {len(o.conflicts)} conflicts (relplan sync --status)"
            if o.warnings:
                text += f", {len(o.warnings)} warnings"
            parts.append(text)
        return "; ".join(parts)


def identity(config: SourceConfig) -> str:
    """What the cached data of a source depends on; a change forces a full fetch."""
    text = repr(
        (config.kind, config.api_url, config.project, config.query, config.page_size, config.rules)
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def select_sources(sources: Sequence[SourceConfig], name: str | None) -> list[SourceConfig]:
    """All sources, or the one named (a SourceError naming the known ones otherwise)."""
    if not sources:
        raise SourceError(
            Problem(
                "no [[sources]] in the config",
                hint="add one (see config.example.toml) and pass --config",
            )
        )
    if name is None:
        return list(sources)
    chosen = [s for s in sources if s.name == name]
    if not chosen:
        known = ", ".join(s.name for s in sources)
        raise SourceError(Problem(f"no source named {name!r}", hint=f"known: {known}"))
    return chosen


async def fetch_sources(
    sources: Sequence[SourceConfig],
    cache: Cache,
    *,
    full: bool = False,
    env: Mapping[str, str] | None = None,
    transport: Any = None,
    reporter: Reporter | None = None,
    http_options: Mapping[str, Any] | None = None,
    plan: Plan | None = None,
    now: dt.datetime | None = None,
) -> list[Fetched]:
    """Fetch every tracker source concurrently; raises the first SourceError, writes nothing.

    With ``plan``, each item's base is the tracker version that plan holds
    (from the cache's history); without, the cache's latest. ``now`` is the
    clock cursors are checked against (default: the current time).
    """
    # start-up: trackers.http and the adapters (~40 ms), only to fetch; not for last_sync_text
    from relplan.planner.trackers.http import HostLimiter, HttpClient, gather_all, read_token

    # start-up: the adapters (~40 ms with trackers.http), only to fetch
    from relplan.planner.trackers.registry import adapter_for

    reporter = reporter or Reporter()
    limiter = HostLimiter()
    clock = now or dt.datetime.now(dt.UTC)

    async def one(config: SourceConfig) -> Fetched:
        adapter = adapter_for(config)
        token = read_token(config, env)
        ident = identity(config)
        same = cache.identity(config.name) == ident
        cursor = cache.cursor(config.name, ident) if same and not full else Cursor()
        cursor, said = _stored_cursor(config, cursor, clock)
        cached = cache.item_map(config.name) if same else {}
        base = plan_bases(cache, config.name, cached, plan) if plan is not None and same else cached
        auth = adapter.auth_headers(token) if token else None
        async with HttpClient(
            config,
            auth=auth,
            transport=transport,
            limiter=limiter,
            reporter=reporter,
            **dict(http_options or {}),
        ) as http:
            reporter.status(f"{config.name}: syncing")
            result = await adapter.fetch(http, cursor, full=cursor.since is None, reporter=reporter)
            result = _next_cursor(config, result, cursor, clock)
            notes = (*said, *http.notes)
            if notes:
                result = dataclasses.replace(result, warnings=(*result.warnings, *notes))
        return Fetched(config, result, base, ident, cached)

    trackers = [s for s in sources if s.kind != "file"]
    return list(await gather_all(*(one(s) for s in trackers)))


def usable_since(since: str | None, now: dt.datetime) -> bool:
    """True when ``since`` may be a sync cursor: a time stamp (within the days relplan
    plans with) no later than ``now`` plus :data:`CLOCK_SKEW`. A later one would make
    every later sync ask for nothing; one that is none, fail (Redmine answers 422)."""
    when = parse_timestamp(since)
    return when is not None and when <= now + CLOCK_SKEW


def _stored_cursor(
    config: SourceConfig, cursor: Cursor, now: dt.datetime
) -> tuple[Cursor, tuple[Problem, ...]]:
    """The cache's cursor, or one that fetches everything when its time is unusable."""
    if cursor.since is None or usable_since(cursor.since, now):
        return cursor, ()

    said = config.problem(
        f"the stored sync cursor {shown(cursor.since)} is no usable time stamp: fetched everything",
        hint="the next sync is incremental again",
    )
    return dataclasses.replace(cursor, since=None), (said,)


def _next_cursor(
    config: SourceConfig, result: FetchResult, old: Cursor, now: dt.datetime
) -> FetchResult:
    """``result`` with a usable cursor: the adapter's, else the newest usable update time
    of its items (or the old cursor, if later), said in a warning naming the item."""
    since = result.cursor.since
    if since is None or since == old.since or usable_since(since, now):
        return result

    when = parse_timestamp(since)
    newest = [i.id for i in result.items if when is not None and i.updated == when]
    usable = [i.updated for i in result.items if i.updated and i.updated <= now + CLOCK_SKEW]
    start = old.since
    if usable and not (parse_timestamp(old.since) or max(usable)) > max(usable):
        start = cursor_text(max(usable))
    who = f" ({', '.join(newest[:3])})" if newest else ""
    said = config.problem(
        f"the newest update time the tracker sent{who}, {shown(since)}, lies in the future "
        f"or is no time stamp: the next sync starts from {start or 'the beginning'}",
        hint="the rest of the source was synced",
    )
    cursor = dataclasses.replace(result.cursor, since=start)
    return dataclasses.replace(result, cursor=cursor, warnings=(*result.warnings, said))


def plan_bases(
    cache: Cache, source: str, cached: Mapping[str, Item], plan: Plan
) -> dict[str, Item]:
    """Per item of ``plan`` from ``source``: the tracker version it holds, where known
    (what local triage is compared against, by sync and by push)."""
    mine = f"{source}#"
    out: dict[str, Item] = {}
    older: list[tuple[str, dt.datetime | None]] = []
    for it in plan.items:
        if not it.id.startswith(mine):
            continue
        latest = cached.get(it.id)
        if latest is not None and latest.updated == it.updated:
            out[it.id] = latest
        else:
            older.append((it.id, it.updated))
    out.update(cache.versions(source, older))
    return out


def merge_fetched(
    plan: Plan,
    fetched: Sequence[Fetched],
    *,
    now: dt.datetime,
    file_sources: Sequence[SourceConfig] = (),
    base_dir: Path | None = None,
) -> SyncResult:
    """Fold fetched tracker data (and file sources) into the plan; see the module docstring."""
    outcomes: list[SourceOutcome] = []
    for f in fetched:
        plan, outcome = _merge_source(plan, f, now)
        outcomes.append(outcome)
    for config in file_sources:
        plan, outcome = _merge_file(plan, config, base_dir)
        outcomes.append(outcome)
    changed = any(o.changed or o.releases_added for o in outcomes)
    return SyncResult(plan, tuple(outcomes), tuple(fetched), changed)


def _behind(ours: Item | None, cached: Item) -> bool:
    """True when the plan lacks the cached item or holds an older tracker version of it."""
    if ours is None:
        return True
    if cached.updated is None or ours.updated is None:
        return cached.updated is not None
    return ours.updated < cached.updated


def _merge_source(plan: Plan, f: Fetched, now: dt.datetime) -> tuple[Plan, SourceOutcome]:
    res = f.result
    out = SourceOutcome(
        f.config.name, warnings=res.warnings, requests=res.requests, complete=res.complete
    )
    local = {it.id: it for it in plan.items}
    merged: dict[str, Item] = dict(local)
    incoming = list(res.items)
    if not res.complete:  # what changed before the cache's window: from the cache
        fetched = {it.id for it in res.items}
        behind = [c for i, c in f.cached.items() if i not in fetched and _behind(local.get(i), c)]
        incoming += behind
        out.from_cache = [c.id for c in behind]
    for theirs in incoming:
        ours = local.get(theirs.id)
        if ours is None:
            merged[theirs.id] = theirs
            out.added.append(theirs.id)
            continue
        base = f.base.get(theirs.id)
        if base is None and ours.updated is not None and ours.updated == theirs.updated:
            base = theirs  # the plan holds exactly this tracker version
        item, conflicts, resolved = reconcile(ours, base, theirs)
        merged[theirs.id] = item
        if item != ours:
            out.updated.append(theirs.id)
        out.conflicts.extend(
            CachedConflict(f.config.name, theirs.id, name, mine, tracker, now)
            for name, mine, tracker in conflicts
        )
        out.resolved.extend((theirs.id, name) for name in resolved)
    fetched_ids = {it.id for it in res.items}
    out.items = len(fetched_ids if res.complete else {*f.cached, *f.base, *fetched_ids})
    if res.complete:
        mine = f"{f.config.name}#"
        gone = sorted(i for i in local if i.startswith(mine) and i not in fetched_ids)
        if gone:
            shown = ", ".join(gone[:5]) + (f" and {len(gone) - 5} more" if len(gone) > 5 else "")
            out.warnings += (
                f.config.problem(
                    f"{len(gone)} item(s) of the plan are no longer in the tracker: {shown}",
                    hint="deleted or moved upstream; the plan keeps them until you remove them",
                ),
            )
    specs, out.releases_added = _merge_releases(plan.releases, res.releases)
    out.notes = release_notes(f.config, res.releases, set(out.releases_added), res.complete)
    return replace(plan, releases=specs, items=tuple(merged.values())), out


def reconcile(
    ours: Item, base: Item | None, theirs: Item
) -> tuple[Item, list[tuple[str, Any, Any]], list[str]]:
    """One item: the plan's version ``ours``, the tracker's last (``base``) and new (``theirs``).

    Returns the merged item, conflicts as (field, ours, theirs), and the fields
    where plan and tracker now agree (so an older conflict there is resolved).
    """
    changes: dict[str, Any] = {name: getattr(theirs, name) for name in DATA_FIELDS}
    conflicts: list[tuple[str, Any, Any]] = []
    agreed: list[str] = []
    was = base or _DEFAULT
    for name in TRIAGE:
        value, clash = pick(getattr(was, name), getattr(ours, name), getattr(theirs, name))
        changes[name] = value
        if clash:
            conflicts.append((name, getattr(ours, name), getattr(theirs, name)))
        elif value == getattr(theirs, name):
            agreed.append(name)
    backports = dict(ours.backports)
    for series in sorted({*theirs.backports, *was.backports}, key=version_key):
        b, o = was.backports.get(series), ours.backports.get(series)
        t = theirs.backports.get(series)
        value, clash = pick(b, o, t)
        if clash:
            conflicts.append((backport_field(series), o, t))
        elif value == t:
            agreed.append(backport_field(series))
        if value is None:
            backports.pop(series, None)
        else:
            backports[series] = value
    changes["backports"] = backports
    return dataclasses.replace(ours, **changes), conflicts, agreed


def _merge_releases(
    specs: tuple[ReleaseSpec, ...], tracker: Sequence[TrackerRelease]
) -> tuple[tuple[ReleaseSpec, ...], list[str]]:
    """Add specs for tracker versions the plan does not name yet (local specs win)."""
    known = {s.version for s in specs}
    # A bare number (systemd's 253) opens a series whatever the scheme: it counts as a point.
    points = [s.version for s in specs if s.kind is ReleaseKind.POINT]
    depth = series_depth([*points, *(r.version for r in tracker if r.version)])
    added: list[ReleaseSpec] = []
    for r in tracker:
        if r.version is None or r.version in known or not is_version(r.version):
            continue  # a name that is no version cannot be placed on the calendar
        known.add(r.version)
        opens = Version.parse(r.version).is_series_start(depth)
        kind = ReleaseKind.POINT if opens else ReleaseKind.MAINTENANCE
        pins = {"release": r.due} if r.due and not r.closed else {}
        actual = r.due if r.closed else None
        added.append(
            ReleaseSpec(
                r.version,
                kind,
                actual=actual,
                pins=pins,
                codename=r.name if r.name != r.version else None,
                unscheduled=r.closed and r.due is None,
            )
        )
    return specs + tuple(added), [s.version for s in added]


def release_notes(
    config: SourceConfig, tracker: Sequence[TrackerRelease], added: set[str], complete: bool
) -> tuple[Problem, ...]:
    """What a sync says about tracker releases it could not give a day or a version.

    One note per kind of case, naming the tracker's milestones/versions and
    what to do; nothing is ever an error. Releases without a day are named
    when added; names that map to no version on full fetches only.
    """
    word = RELEASE_WORDS.get(config.kind, "milestone")
    first: dict[str, TrackerRelease] = {}  # the tracker name that made each release
    for r in tracker:
        if r.version in added and r.due is None:
            first.setdefault(r.version, r)
    open_ = [r for r in first.values() if not r.closed]
    closed = [r for r in first.values() if r.closed]
    nameless = [r for r in tracker if not (r.version and is_version(r.version))]
    nameless = nameless if complete else []
    cases = (
        (
            open_,
            "without a date: added as a release without a day",
            "without a date: added as releases without a day",
            "the cadence plans a release without a day after the first point release that has "
            "one; before it, it stays unscheduled and items may still target it; to fix its day, "
            "add [releases.pins] release = YYYY-MM-DD to it in the plan",
        ),
        (
            closed,
            "closed without a date: added as an unscheduled release",
            "closed without a date: added as unscheduled releases",
            "shipped on a day the tracker does not say; items may still target it; set "
            "actual = YYYY-MM-DD on it in the plan to put it on the calendar",
        ),
        (
            nameless,
            "without a version in its name: not a release, items on it get no target",
            "without a version in their names: not releases, items on them get no target",
            "map names to versions with release_pattern or a [sources.releases] table "
            "(see config.example.toml)",
        ),
    )
    return tuple(
        config.problem(f"{_named(found, word)} {one if len(found) == 1 else many}", hint=hint)
        for found, one, many, hint in cases
        if found
    )


def _named(releases: Sequence[TrackerRelease], word: str, shown: int = 5) -> str:
    """``milestone 'Firefox 63' (63)`` or ``3 milestones ('4.0', '4.1', '5.0')``."""
    parts = [
        repr(r.name) + (f" ({r.version})" if r.version and r.version != r.name else "")
        for r in releases[:shown]
    ]
    more = len(releases) - shown
    listed = ", ".join(parts) + (f" and {more} more" if more > 0 else "")
    return f"{word} {listed}" if len(releases) == 1 else f"{len(releases)} {word}s ({listed})"


def _merge_file(
    plan: Plan, config: SourceConfig, base_dir: Path | None
) -> tuple[Plan, SourceOutcome]:
    # start-up: trackers.files (csv, tables; ~17 ms), only for file sources
    from relplan.planner.trackers.files import read_items

    path = Path(config.path or "")
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    records: list[ImportedItem] = read_items(path, config.name)
    result = merge_items(plan, records)
    out = SourceOutcome(config.name, items=len(records), added=result.added, updated=result.updated)
    return result.plan, out


def write_sync(
    result: SyncResult,
    cache: Cache,
    save: Callable[[Plan], None],
    *,
    now: dt.datetime,
    always_save: bool = False,
    plan_path: Path | None = None,
) -> None:
    """Record the sync in the cache and save the plan: both, or (on any failure) neither.

    The cache transaction stays open while ``save`` writes the plan, and is
    committed only after it returned. With ``plan_path`` (the file ``save``
    writes), a journal covers the window between the plan's rename and the
    commit: a process killed there is finished by the next run
    (:meth:`Cache.pending`).
    """
    with cache.stage() as staged:
        for f, outcome in zip(result.fetched, result.outcomes, strict=False):
            name, res = f.config.name, f.result
            staged.put_items(name, res.items, replace_all=res.complete)
            staged.put_releases(name, res.releases)
            staged.put_conflicts(name, outcome.conflicts, outcome.resolved)
            staged.put_source(
                name,
                f.identity,
                res.cursor,
                synced_at=now,
                changed=outcome.changed,
                requests=res.requests,
                warnings=len(res.warnings),
            )
        if result.plan_changed or always_save:
            with cache.pending(staged, plan_path):
                save(result.plan)
                staged.commit()
        else:
            staged.commit()


def run_sync(
    plan: Plan,
    sources: Sequence[SourceConfig],
    cache: Cache,
    save: Callable[[Plan], None],
    *,
    full: bool = False,
    env: Mapping[str, str] | None = None,
    transport: Any = None,
    reporter: Reporter | None = None,
    now: dt.datetime | None = None,
    base_dir: Path | None = None,
    http_options: Mapping[str, Any] | None = None,
    always_save: bool = False,
    plan_path: Path | None = None,
) -> SyncResult:
    """Fetch, merge and write in one call (what ``relplan sync`` and the dashboard run).

    Runs its own event loop; from async code (a Textual worker) call
    :func:`fetch_sources`, :func:`merge_fetched` and :func:`write_sync` instead.
    ``http_options`` go to every HttpClient (e.g. ``retries``, ``timeout``);
    ``always_save`` saves even an unchanged plan (a plan file that does not exist yet);
    ``plan_path`` names the file ``save`` writes (for the journal, see :func:`write_sync`).
    """
    now = now or dt.datetime.now(dt.UTC)
    fetched = asyncio.run(
        fetch_sources(
            sources,
            cache,
            full=full,
            env=env,
            transport=transport,
            reporter=reporter,
            http_options=http_options,
            plan=plan,
            now=now,
        )
    )
    files = [s for s in sources if s.kind == "file"]
    result = merge_fetched(plan, fetched, now=now, file_sources=files, base_dir=base_dir)
    write_sync(result, cache, save, now=now, always_save=always_save, plan_path=plan_path)
    return result


def sync_from_config(
    plan: Plan,
    config: Config,
    save: Callable[[Plan], None],
    *,
    source: str | None = None,
    full: bool = False,
    reporter: Reporter | None = None,
    create: bool = False,
    transport: Any = None,
    plan_path: Path | None = None,
) -> SyncResult:
    """Sync the config's sources (or the one named) into ``plan``: what ``relplan sync``
    calls (blocking; it runs its own event loop). See :func:`sync_config_async`."""
    return asyncio.run(
        sync_config_async(
            plan,
            config,
            save,
            source=source,
            full=full,
            reporter=reporter,
            create=create,
            transport=transport,
            plan_path=plan_path,
        )
    )


async def sync_config_async(
    plan: Plan,
    config: Config,
    save: Callable[[Plan], None] | None,
    *,
    source: str | None = None,
    full: bool = False,
    reporter: Reporter | None = None,
    create: bool = False,
    adopt: Callable[[Plan, str], None] | None = None,
    transport: Any = None,
    plan_path: Path | None = None,
) -> SyncResult:
    """Fetch the config's sources (or the one named), merge them into ``plan``, and write.

    ``adopt(merged, description)`` is told the merged plan before anything is
    written (the dashboard makes it one undoable change). ``save(plan)`` must write
    the plan atomically (raise to abort: the cache then stays as it was); with
    ``create`` it is called even when nothing changed; None merges in memory only
    (the embedded demo) and records nothing in the cache. ``transport`` replaces
    the network (tests pass an ``httpx.MockTransport``). ``plan_path`` names the file
    ``save`` writes: a journal then covers the window between its rename and the cache
    commit (:func:`write_sync`); what opening the cache repaired goes to the reporter.
    """
    chosen = select_sources(config_sources(config), source)
    base_dir = config.path.parent if config.path else None
    with Cache.open(config.cache_dir) as cache:
        if reporter is not None:
            for note in cache.notes:
                reporter.status(note)
        now = dt.datetime.now(dt.UTC)
        fetched = await fetch_sources(
            chosen, cache, full=full, reporter=reporter, transport=transport, plan=plan, now=now
        )
        files = [s for s in chosen if s.kind == "file"]
        result = merge_fetched(plan, fetched, now=now, file_sources=files, base_dir=base_dir)
        if adopt is not None and result.plan_changed:
            adopt(result.plan, f"synced: {result.summary()}")
        # A ctrl+c (cancellation) during the merge lands here, before anything is written:
        # without this await, the write would run first and the interruption be raised after.
        await asyncio.sleep(0)
        if save is not None:
            write_sync(result, cache, save, now=now, always_save=create, plan_path=plan_path)
    return result


def last_syncs(config: Config) -> list[SourceStatus]:
    """When each source last synced, with counts and open conflicts (for a status line)."""
    with Cache.open(config.cache_dir) as cache:
        return cache.statuses()


def last_sync_text(config: Config, now: dt.datetime | None = None) -> str:
    """How old the tracker data is, per source, in one line (no network; reads the cache)."""
    try:
        statuses = last_syncs(config)
    except RelplanError as exc:
        return f"cache: {exc.problems[0]}"
    if not statuses:
        return "never synced: press s"
    now = now or dt.datetime.now(dt.UTC)
    parts = []
    for s in statuses:
        age = s.age(now)
        hours = age.total_seconds() / 3600 if age is not None else 0.0
        when = (
            f"{hours * 60:.0f} min"
            if hours < 1
            else (f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.0f} days")
        )
        text = f"{s.name} {when} ago"
        if s.conflicts:
            text += f" ({s.conflicts} conflicts)"
        parts.append(text)
    return "last sync: " + ", ".join(parts)
