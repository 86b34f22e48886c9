"""What a backport scan learns once and never again: per-commit facts, answers per branch tip.

Commit ids name content, so what is read about a commit (the paths it changes, its
``git patch-id --stable``) never goes stale and is kept by id. Whether a fix applies to a
branch depends only on the fix and the branch's tip: kept by that pair. A whole scan's
result is kept by everything it read (the tips of every branch, the conventions, the
tracker's requests, the code of the scan itself, see :mod:`relplan.planner.git.scancache`).

One SQLite file, ``git.sqlite`` in relplan's cache folder. The cache only ever saves work:
when it cannot be opened or written (read-only home, a full disk, a damaged file), the
scan runs as if it were empty and says nothing more.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

FILENAME = "git.sqlite"
KEEP_SCANS = 16
"""Scan results kept (the newest): enough for a few repositories and branch sets."""
_CHUNK = 500  # ids per "IN (...)" query, well under sqlite's variable limit
_SCHEMA = """
CREATE TABLE IF NOT EXISTS facts (sha TEXT PRIMARY KEY, paths TEXT, pid TEXT);
CREATE TABLE IF NOT EXISTS applies (fix TEXT, tip TEXT, data TEXT, PRIMARY KEY (fix, tip));
CREATE TABLE IF NOT EXISTS scans (key TEXT PRIMARY KEY, made REAL, data BLOB);
"""
_SEP = "\0"  # paths never contain NUL


class GitStore:
    """The git cache: ``folder`` None (or unusable) keeps everything in memory only."""

    def __init__(self, folder: Path | None = None) -> None:
        self._db: sqlite3.Connection | None = None
        self._paths: dict[str, frozenset[str]] = {}
        self._pids: dict[str, str] = {}
        if folder is not None:
            self._db = _connect(folder / FILENAME)

    @property
    def persistent(self) -> bool:
        """True when answers outlive this process."""
        return self._db is not None

    def close(self) -> None:
        """Close the database (the store keeps working from memory)."""
        if self._db is not None:
            self._db.close()
            self._db = None

    # -- per commit -------------------------------------------------------------------------
    def paths(self, shas: Iterable[str]) -> dict[str, frozenset[str]]:
        """The changed paths known for ``shas`` (those never read are left out)."""
        want = [s for s in dict.fromkeys(shas) if s not in self._paths]
        for sha, paths, _ in self._facts(want):
            if paths is not None:
                self._paths[sha] = frozenset(paths.split(_SEP)) if paths else frozenset()
        return {s: self._paths[s] for s in shas if s in self._paths}

    def patch_ids(self, shas: Iterable[str]) -> dict[str, str]:
        """The patch ids known for ``shas`` (``""``: the commit changes nothing)."""
        want = [s for s in dict.fromkeys(shas) if s not in self._pids]
        for sha, _, pid in self._facts(want):
            if pid is not None:
                self._pids[sha] = pid
        return {s: self._pids[s] for s in shas if s in self._pids}

    def put_paths(self, found: dict[str, frozenset[str]]) -> None:
        """Remember changed paths by commit id."""
        self._paths.update(found)
        rows = [(sha, _SEP.join(sorted(p))) for sha, p in found.items()]
        self._write(
            "INSERT INTO facts (sha, paths) VALUES (?, ?) "
            "ON CONFLICT(sha) DO UPDATE SET paths = excluded.paths",
            rows,
        )

    def put_patch_ids(self, found: dict[str, str]) -> None:
        """Remember patch ids by commit id."""
        self._pids.update(found)
        self._write(
            "INSERT INTO facts (sha, pid) VALUES (?, ?) "
            "ON CONFLICT(sha) DO UPDATE SET pid = excluded.pid",
            list(found.items()),
        )

    def _facts(self, shas: list[str]) -> Iterator[tuple[str, str | None, str | None]]:
        if self._db is None or not shas:
            return
        try:
            for i in range(0, len(shas), _CHUNK):
                part = shas[i : i + _CHUNK]
                marks = ",".join("?" * len(part))
                yield from self._db.execute(
                    f"SELECT sha, paths, pid FROM facts WHERE sha IN ({marks})", part
                )
        except sqlite3.Error:
            self.close()

    # -- per (fix, branch tip) --------------------------------------------------------------
    def applies(self, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict[str, object]]:
        """Applicability answers known for ``(fix, tip)`` pairs."""
        if self._db is None:
            return {}
        out: dict[tuple[str, str], dict[str, object]] = {}
        try:
            for fix, tip in pairs:
                row = self._db.execute(
                    "SELECT data FROM applies WHERE fix = ? AND tip = ?", (fix, tip)
                ).fetchone()
                if row:
                    out[(fix, tip)] = json.loads(row[0])
        except (sqlite3.Error, ValueError):
            self.close()
        return out

    def put_applies(self, found: dict[tuple[str, str], dict[str, object]]) -> None:
        """Remember applicability answers by ``(fix, tip)``."""
        rows = [(fix, tip, json.dumps(data)) for (fix, tip), data in found.items()]
        self._write("INSERT OR REPLACE INTO applies (fix, tip, data) VALUES (?, ?, ?)", rows)

    # -- whole scans --------------------------------------------------------------------------
    def scan(self, key: str) -> bytes | None:
        """A scan's stored result by its key, or None."""
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT data FROM scans WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            self.close()
            return None
        return bytes(row[0]) if row else None

    def put_scan(self, key: str, data: bytes) -> None:
        """Keep a scan's result by its key; only the newest :data:`KEEP_SCANS` stay."""
        self._write(
            "INSERT OR REPLACE INTO scans (key, made, data) VALUES (?, ?, ?)",
            [(key, time.time(), data)],
        )
        self._write(
            "DELETE FROM scans WHERE key NOT IN (SELECT key FROM scans ORDER BY made DESC LIMIT ?)",
            [(KEEP_SCANS,)],
        )

    def _write(self, sql: str, rows: Sequence[tuple[object, ...]]) -> None:
        if self._db is None or not rows:
            return
        try:
            with self._db:
                self._db.executemany(sql, rows)
        except sqlite3.Error:
            self.close()


def _connect(path: Path) -> sqlite3.Connection | None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=10.0, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        with db:
            db.executescript(_SCHEMA)
        return db
    except (OSError, sqlite3.Error):
        return None
