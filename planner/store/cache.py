"""The local tracker cache: what each source said at its last sync, in one sqlite file.

It lives in ``$XDG_CACHE_HOME/relplan/cache.sqlite3`` (else
``~/.cache/relplan/``, or the config's ``[cache] dir``) and holds, per source:
the items and releases as the tracker last gave them, the few versions of
each item it gave before (``history``: the *base* a sync compares a plan's
local triage against is the tracker's version that plan last took, whichever
plan it is), the incremental :class:`Cursor`, when it last synced and how
that went, and tracker-vs-local conflicts still open.

Writes are transactional: :meth:`Cache.stage` opens a transaction, records a
whole sync, and either commits (:meth:`Staged.commit`) or rolls back; an
interrupted sync leaves the file as it was. Tokens are never stored (the
cursor keeps ETags and response bodies, never request headers).

Plan and cache are one unit for the user: a sync writes the plan while its
cache transaction is open and commits after. Around that window
:meth:`Cache.pending` keeps a journal (``sync-pending.json`` beside the cache)
naming the plan, its fingerprint before the write, and every staged cache
write. A process killed after the plan's rename but before the commit leaves
the journal; the next :class:`Cache` opened on the folder finishes the commit
from it (or drops it when the plan was never written) and says so in
:attr:`Cache.notes`. Opening a cache that does not exist yet creates nothing:
the file appears with the first write.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from relplan.planner.domain.errors import PlanError, Problem, RelplanError
from relplan.planner.domain.model import BackportState, Item, Kind, Priority, State
from relplan.planner.store.atomic import replace_file
from relplan.planner.store.cachedir import FILENAME as FILENAME
from relplan.planner.store.cachedir import JOURNAL as JOURNAL
from relplan.planner.store.cachedir import default_cache_dir as default_cache_dir
from relplan.planner.store.cachedir import journal_path
from relplan.planner.trackers.base import Cursor, TrackerRelease

SCHEMA = 1
_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    name TEXT PRIMARY KEY, identity TEXT NOT NULL, cursor TEXT NOT NULL,
    synced_at TEXT, items INTEGER NOT NULL DEFAULT 0, changed INTEGER NOT NULL DEFAULT 0,
    requests INTEGER NOT NULL DEFAULT 0, warnings INTEGER NOT NULL DEFAULT 0, error TEXT);
CREATE TABLE IF NOT EXISTS items (
    source TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (source, id));
CREATE TABLE IF NOT EXISTS releases (
    source TEXT NOT NULL, name TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (source, name));
CREATE TABLE IF NOT EXISTS conflicts (
    source TEXT NOT NULL, item TEXT NOT NULL, field TEXT NOT NULL, local TEXT NOT NULL,
    tracker TEXT NOT NULL, found_at TEXT NOT NULL, PRIMARY KEY (source, item, field));
"""
_HISTORY = """
CREATE TABLE IF NOT EXISTS history (
    source TEXT NOT NULL, id TEXT NOT NULL, updated TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (source, id, updated));
"""
_IMPORTS = """
CREATE TABLE IF NOT EXISTS import_versions (digest TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS import_bases (
    plan TEXT NOT NULL, source TEXT NOT NULL, fingerprint TEXT NOT NULL, digest TEXT NOT NULL,
    at TEXT NOT NULL, PRIMARY KEY (plan, source, fingerprint));
"""
AFTER_WRITE = "@after-write"
"""Stands for the fingerprint of the plan once written (see :func:`settle`): a staged
import base names the plan as the write will leave it (:mod:`.importbase`)."""
KEEP_VERSIONS = 8
"""Superseded versions kept per item: enough for a plan that missed a few syncs."""
_CHUNK = 500  # ids per "IN (...)" query, well under sqlite's variable limit


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """How the last sync of a source went: when, how many items, changes, warnings, error."""

    name: str
    synced_at: dt.datetime | None
    items: int
    changed: int
    requests: int
    warnings: int
    error: str | None
    conflicts: int

    def age(self, now: dt.datetime) -> dt.timedelta | None:
        """How old the data is at ``now`` (None when never synced)."""
        return None if self.synced_at is None else now - self.synced_at


@dataclass(frozen=True, slots=True)
class CachedConflict:
    """A field the tracker and the local plan both changed, differently; the plan kept its own."""

    source: str
    item: str
    field: str
    local: Any
    tracker: Any
    found_at: dt.datetime

    def __str__(self) -> str:
        return (
            f"{self.item} {self.field}: plan has {self.local!r}, "
            f"tracker says {self.tracker!r} (kept the plan's)"
        )


class Cache:
    """One open cache file. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.journal = path.with_name(JOURNAL)
        self.notes: list[str] = []
        """What opening the cache repaired (an interrupted sync), for the user."""
        # Nothing to read yet: an empty in-memory cache; the file appears on the first write.
        self.created = path.exists()
        self.db = self._connect() if self.created else _memory()
        if self.journal.exists():
            self.notes = finish_interrupted(self)

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, isolation_level=None, timeout=10.0)
            # One immediate transaction: a second process opening the cache at the same
            # moment waits for the whole schema instead of seeing half of it.
            db.executescript(
                "BEGIN IMMEDIATE;"
                + _TABLES
                + _HISTORY
                + _IMPORTS
                + f"INSERT OR IGNORE INTO meta VALUES ('schema', '{SCHEMA}');"
                + "COMMIT;"
            )
            return db
        except (OSError, sqlite3.Error) as exc:
            raise PlanError(
                Problem(
                    f"cannot open the cache: {exc}",
                    str(self.path),
                    hint="check [cache] dir or XDG_CACHE_HOME",
                )
            ) from None

    def writable(self) -> None:
        """Make sure the cache file exists (it is created on the first write)."""
        if not self.created:
            self.db.close()
            self.db = self._connect()
            self.created = True

    @classmethod
    def open(cls, folder: Path | None = None) -> Cache:
        """The cache in ``folder`` (default: :func:`default_cache_dir`)."""
        return cls((folder or default_cache_dir()) / FILENAME)

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the file (an open, uncommitted stage is rolled back)."""
        self.db.close()

    def identity(self, source: str) -> str | None:
        """The identity (kind, URL, project, rules) of the source's cached data, if any."""
        row = self.db.execute("SELECT identity FROM sources WHERE name = ?", (source,)).fetchone()
        return None if row is None else str(row[0])

    def cursor(self, source: str, identity: str) -> Cursor:
        """The incremental cursor, or an empty one when never synced or the source changed."""
        row = self.db.execute(
            "SELECT identity, cursor FROM sources WHERE name = ?", (source,)
        ).fetchone()
        if row is None or row[0] != identity:
            return Cursor()
        return Cursor.from_json(json.loads(row[1]))

    def items(self, source: str | None = None) -> list[Item]:
        """Items as the tracker last gave them (one source, or all).

        Rows are joined into one JSON array by sqlite and parsed at once: about
        twice as fast as a parse per row (100,000 items in well under a second).
        """
        sql, args = "SELECT '[' || group_concat(data, ',') || ']' FROM items", tuple[str, ...]()
        if source is not None:
            sql, args = sql + " WHERE source = ?", (source,)
        text = self.db.execute(sql, args).fetchone()[0]
        if not text:
            return []
        was_enabled = gc.isenabled()
        gc.disable()  # 100,000s of new objects, none cyclic: collecting midway is pure cost
        try:
            return [_item(row) for row in json.loads(text)]
        finally:
            if was_enabled:
                gc.enable()

    def item_map(self, source: str) -> dict[str, Item]:
        """The source's cached items by id."""
        return {it.id: it for it in self.items(source)}

    def versions(
        self, source: str, wanted: Iterable[tuple[str, dt.datetime | None]]
    ) -> dict[str, Item]:
        """Earlier tracker versions of items, by id: for each (id, updated) wanted, the
        version the tracker gave with that ``updated``, where the cache still has it."""
        if not self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'history'"
        ).fetchone():
            return {}  # a cache from before history was kept
        keys = {(ident, _stamp(when)) for ident, when in wanted}
        ids = sorted({ident for ident, _ in keys})
        out: dict[str, Item] = {}
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            rows = self.db.execute(
                f"SELECT id, updated, data FROM history WHERE source = ? AND id IN "
                f"({','.join('?' * len(chunk))})",
                (source, *chunk),
            )
            out.update((r[0], item_from_row(r[2])) for r in rows if (r[0], r[1]) in keys)
        return out

    def releases(self, source: str) -> list[TrackerRelease]:
        """The source's milestones/versions as last fetched."""
        rows = self.db.execute("SELECT data FROM releases WHERE source = ?", (source,))
        return [release_from_row(r[0]) for r in rows]

    def statuses(self) -> list[SourceStatus]:
        """The last sync of every source ever synced, by name."""
        counts = dict(self.db.execute("SELECT source, count(*) FROM conflicts GROUP BY source"))
        rows = self.db.execute(
            "SELECT name, synced_at, items, changed, requests, warnings, error"
            " FROM sources ORDER BY name"
        )
        return [
            SourceStatus(r[0], _when(r[1]), r[2], r[3], r[4], r[5], r[6], counts.get(r[0], 0))
            for r in rows
        ]

    def conflicts(self, source: str | None = None) -> list[CachedConflict]:
        """Open tracker-vs-local conflicts (one source, or all)."""
        sql, args = "SELECT * FROM conflicts", tuple[str, ...]()
        if source is not None:
            sql, args = sql + " WHERE source = ?", (source,)
        rows = self.db.execute(sql + " ORDER BY source, item, field", args)
        return [
            CachedConflict(
                r[0], r[1], r[2], json.loads(r[3]), json.loads(r[4]), _when(r[5]) or dt.datetime.min
            )
            for r in rows
        ]

    def stage(self) -> Staged:
        """Begin a write transaction; nothing is visible until :meth:`Staged.commit`."""
        self.writable()
        try:
            self.db.execute("BEGIN IMMEDIATE")
            _late_tables(self.db)  # caches made before these tables get them here
        except sqlite3.Error as exc:
            raise cache_error(self, exc) from None
        return Staged(self)

    @contextmanager
    def pending(self, staged: Staged, plan: Path | None, what: str = "sync") -> Iterator[None]:
        """Around a plan write inside ``staged``: the journal that makes plan and cache one unit.

        Written before the plan's rename, removed once ``staged`` is committed.
        On an error with the plan already written the journal stays (the next
        open finishes the commit) and the error says so; with the plan not
        written it is removed. ``plan`` None (no plan file): no journal.
        """
        if plan is None:
            yield
            return
        before = _fingerprint(plan)
        # absolute and canonical: a run from another folder finds the same file
        record = {
            "plan": os.path.realpath(plan),
            "plan_before": before,
            "writes": staged.log,
            "what": what,
        }
        try:
            replace_file(self.journal, json.dumps(record).encode("utf-8"))
        except OSError as exc:
            raise cache_error(self, exc) from None
        try:
            yield
        except BaseException as exc:
            if _fingerprint(plan) == before:
                self.journal.unlink(missing_ok=True)
                raise
            interrupted.append(self.journal)
            if isinstance(exc, Exception) and not isinstance(exc, RelplanError):
                raise PlanError(
                    Problem(
                        f"{plan} was written, but recording the {what} in the cache failed: {exc}",
                        str(self.path),
                        hint="the cache is completed from its journal on the next run",
                    )
                ) from None
            raise
        self.journal.unlink(missing_ok=True)


class Staged:
    """An open write transaction on the cache; used as a context manager it rolls back
    unless committed."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        self.db = cache.db
        self.done = False
        self.log: list[tuple[str, list[tuple[Any, ...]]]] = []
        """Every write staged, as (SQL, rows of parameters): what a journal replays."""

    def __enter__(self) -> Staged:
        return self

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        if not self.done:
            self.rollback()
        if isinstance(exc, sqlite3.Error):  # a full disk, a locked or broken file
            raise cache_error(self.cache, exc) from None

    def _write(self, sql: str, rows: Iterable[tuple[Any, ...]]) -> None:
        batch = list(rows)
        self.log.append((sql, batch))
        self.db.executemany(sql, batch)

    def write(self, sql: str, rows: Iterable[tuple[Any, ...]]) -> None:
        """Stage one statement over rows of parameters (logged for the journal)."""
        self._write(sql, rows)

    def put_source(
        self,
        name: str,
        identity: str,
        cursor: Cursor,
        *,
        synced_at: dt.datetime,
        changed: int,
        requests: int,
        warnings: int,
    ) -> None:
        """Record a successful sync of ``name`` (item count taken from the items table)."""
        count = self.db.execute("SELECT count(*) FROM items WHERE source = ?", (name,)).fetchone()
        self._write(
            "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            [
                (
                    name,
                    identity,
                    json.dumps(cursor.to_json()),
                    synced_at.isoformat(),
                    count[0],
                    changed,
                    requests,
                    warnings,
                )
            ],
        )

    def put_items(self, source: str, items: Iterable[Item], *, replace_all: bool) -> None:
        """Store tracker items; ``replace_all`` first forgets the source's other items.

        A version an item replaces goes to ``history`` (the last
        :data:`KEEP_VERSIONS` per item are kept), so a plan that still holds it
        can be merged against it later.
        """
        rows = [(it.id, item_to_row(it), _stamp(it.updated)) for it in items]
        self._keep_superseded(source, rows)
        if replace_all:
            self._write("DELETE FROM items WHERE source = ?", [(source,)])
        self._write(
            "INSERT OR REPLACE INTO items VALUES (?, ?, ?)",
            ((source, ident, data) for ident, data, _ in rows),
        )

    def _keep_superseded(self, source: str, rows: list[tuple[str, str, str]]) -> None:
        old: dict[str, str] = {}
        ids = [ident for ident, _, _ in rows]
        if len(ids) > _CHUNK:
            old = dict(self.db.execute("SELECT id, data FROM items WHERE source = ?", (source,)))
        else:
            old = (
                dict(
                    self.db.execute(
                        f"SELECT id, data FROM items WHERE source = ? AND id IN "
                        f"({','.join('?' * len(ids))})",
                        (source, *ids),
                    )
                )
                if ids
                else {}
            )
        moved = []
        for ident, data, when in rows:
            was = old.get(ident)
            if was is not None and was != data:
                was_when = _stamp(item_from_row(was).updated)
                if was_when != when:
                    moved.append((source, ident, was_when, was))
        if not moved:
            return
        self._write("INSERT OR IGNORE INTO history VALUES (?, ?, ?, ?)", moved)
        self._write(
            "DELETE FROM history WHERE rowid IN (SELECT rowid FROM (SELECT rowid, row_number() "
            "OVER (PARTITION BY id ORDER BY updated DESC) AS n FROM history WHERE source = ?) "
            "WHERE n > ?)",
            [(source, KEEP_VERSIONS)],
        )

    def put_releases(self, source: str, releases: Iterable[TrackerRelease]) -> None:
        """Replace the source's releases."""
        self._write("DELETE FROM releases WHERE source = ?", [(source,)])
        self._write(
            "INSERT OR REPLACE INTO releases VALUES (?, ?, ?)",
            ((source, r.name, release_to_row(r)) for r in releases),
        )

    def put_conflicts(
        self, source: str, found: Iterable[CachedConflict], resolved: Iterable[tuple[str, str]]
    ) -> None:
        """Add conflicts found by this sync and drop those now resolved (item, field)."""
        self._write(
            "DELETE FROM conflicts WHERE source = ? AND item = ? AND field = ?",
            ((source, i, f) for i, f in resolved),
        )
        self._write(
            "INSERT OR REPLACE INTO conflicts VALUES (?, ?, ?, ?, ?, ?)",
            (
                (
                    source,
                    c.item,
                    c.field,
                    json.dumps(c.local, default=str),
                    json.dumps(c.tracker, default=str),
                    c.found_at.isoformat(),
                )
                for c in found
            ),
        )

    def commit(self) -> None:
        """Make the whole sync visible at once."""
        self.db.execute("COMMIT")
        self.done = True

    def rollback(self) -> None:
        """Forget everything staged."""
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")
        self.done = True


interrupted: list[Path] = []
"""Journals this process left because a sync stopped between plan write and cache commit."""


def _memory() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:", isolation_level=None)
    db.executescript(_TABLES + _HISTORY + _IMPORTS)
    return db


def _late_tables(db: sqlite3.Connection) -> None:
    # one statement at a time: executescript would commit the open transaction first
    for statement in (_HISTORY + _IMPORTS).split(";"):
        if statement.strip():
            db.execute(statement)


def _fingerprint(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def cache_error(cache: Cache, exc: BaseException) -> PlanError:
    """A failed cache write (disk full, read-only, locked) as a PlanError naming the file."""
    return PlanError(
        Problem(
            f"cannot write the cache: {exc}",
            str(cache.path),
            hint="free some space, or set [cache] dir in the config",
        )
    )


def finish_interrupted(cache: Cache) -> list[str]:
    """Finish or drop the journal of a sync that stopped between plan write and cache commit.

    The plan changed since the journal was written: the plan was written, so
    the staged cache writes are replayed and committed. The plan is as it was:
    nothing of that sync reached the disk, the journal is dropped. Returns what
    happened, for the user.
    """
    try:
        record = json.loads(cache.journal.read_text(encoding="utf-8"))
        plan, before, writes = Path(record["plan"]), record["plan_before"], record["writes"]
        what = str(record.get("what", "sync"))
    except (OSError, ValueError, KeyError, TypeError):
        cache.journal.unlink(missing_ok=True)
        return [
            f"{cache.journal}: an unreadable sync journal was removed; "
            "`relplan sync --full` refreshes the cache"
        ]
    if _fingerprint(plan) == before:
        cache.journal.unlink(missing_ok=True)
        return [
            f"the last {what} into {plan} was interrupted before it wrote the plan; "
            "nothing of it was kept"
        ]
    try:
        cache.writable()
        cache.db.execute("BEGIN IMMEDIATE")
        _late_tables(cache.db)
        for sql, rows in writes:
            cache.db.executemany(sql, [tuple(r) for r in rows])
        settle(cache.db, _fingerprint(plan))
        cache.db.execute("COMMIT")
    except sqlite3.Error as exc:
        if cache.db.in_transaction:
            cache.db.execute("ROLLBACK")
        raise cache_error(cache, exc) from None
    cache.journal.unlink(missing_ok=True)
    return [
        f"the last {what} was interrupted after it wrote {plan}; "
        "its record in the cache is now complete"
    ]


def settle(db: sqlite3.Connection, fingerprint: str | None) -> None:
    """Put the written plan's fingerprint in place of :data:`AFTER_WRITE`."""
    db.execute(
        "UPDATE OR REPLACE import_bases SET fingerprint = ? WHERE fingerprint = ?",
        (fingerprint or "", AFTER_WRITE),
    )


def repair_interrupted(folder: Path | None) -> list[str]:
    """Finish an interrupted sync in the cache folder, if there is one (cheap when not)."""
    if not journal_path(folder).exists():
        return []
    with Cache((folder or default_cache_dir()) / FILENAME) as cache:
        return cache.notes


def item_to_row(item: Item) -> str:
    """A compact JSON array of the item (fast to read back by the 100,000)."""
    return json.dumps(
        [
            item.id,
            item.title,
            item.kind.value,
            item.priority.value,
            item.state.value,
            list(item.labels),
            item.url,
            item.owner,
            item.target,
            item.why,
            item.blocker,
            item.estimate_days,
            list(item.depends_on),
            list(item.fix_commits),
            {s: b.value for s, b in item.backports.items()},
            item.updated.isoformat() if item.updated else None,
        ],
        separators=(",", ":"),
    )


def items_from_rows(text: str) -> list[Item]:
    """Items from a JSON array of :func:`item_to_row` arrays."""
    return [_item(row) for row in json.loads(text)]


def item_from_row(text: str) -> Item:
    """The inverse of :func:`item_to_row`."""
    return _item(json.loads(text))


_KIND = {k.value: k for k in Kind}
_PRIORITY = {p.value: p for p in Priority}
_STATE = {s.value: s for s in State}
_BACKPORT = {b.value: b for b in BackportState}


def _item(row: list[Any]) -> Item:
    (
        ident,
        title,
        kind,
        prio,
        state,
        labels,
        url,
        owner,
        target,
        why,
        blocker,
        est,
        deps,
        fixes,
        backports,
        updated,
    ) = row
    return Item(
        ident,
        title,
        _KIND[kind],
        _PRIORITY[prio],
        _STATE[state],
        tuple(labels),
        url,
        owner,
        target,
        why,
        blocker,
        est,
        tuple(deps),
        tuple(fixes),
        {s: _BACKPORT[b] for s, b in backports.items()} if backports else {},
        dt.datetime.fromisoformat(updated) if updated else None,
    )


def release_to_row(r: TrackerRelease) -> str:
    """A tracker release as JSON."""
    return json.dumps(
        {
            "name": r.name,
            "version": r.version,
            "closed": r.closed,
            "due": r.due.isoformat() if r.due else None,
            "start": r.start.isoformat() if r.start else None,
            "description": r.description,
        }
    )


def release_from_row(text: str) -> TrackerRelease:
    """The inverse of :func:`release_to_row`."""
    d = json.loads(text)
    return TrackerRelease(
        name=d["name"],
        version=d["version"],
        closed=d["closed"],
        description=d["description"],
        due=dt.date.fromisoformat(d["due"]) if d["due"] else None,
        start=dt.date.fromisoformat(d["start"]) if d["start"] else None,
    )


def _stamp(when: dt.datetime | None) -> str:
    """How a tracker version is keyed in ``history``: its ``updated`` in ISO 8601 ('' if none)."""
    return when.isoformat() if when else ""


def _when(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None
