"""The base of a file import, kept per plan: what the import a plan last took said.

A re-import takes the file's changes and keeps the plan's own triage by the
rule of sync (:func:`relplan.planner.domain.merge.merge_imported`): a triage
field follows the file only where the plan still holds what the previous
import said. Which previous import? The one *this* plan took, not the last one
of the source name in the cache every plan shares: a second plan, or a plan
put back to an older copy (``cp old.toml p.toml``), holds an older import.

So the cache keeps the imported records of each import (``import_versions``,
by their digest: identical imports are stored once) and, per plan, which of
them it took (``import_bases``: the plan's canonical path, the source name, and
the fingerprint of the plan file as that import wrote it). The base of a plan
is the import whose written fingerprint is the file's now (an exact match: any
plan, any path, holding those bytes took that import), else the newest import
into that plan path. A few bases per plan and source are kept.

The fingerprint a write produces is known only after the write, but the
journal of :meth:`Cache.pending` is written before it: the base is staged with
``AFTER_WRITE`` in place of the fingerprint and :func:`~.cache.settle` fills it
in, after the write or when an interrupted import is finished from its journal.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from relplan.planner.domain.model import Item
from relplan.planner.store.cache import Cache, Staged, item_to_row, items_from_rows

KEEP_BASES = 8
"""Imports remembered per plan and source: enough for a few older copies of a plan."""


def plan_key(path: Path) -> str:
    """How a plan is named in the cache and in journals: its absolute, canonical path."""
    return os.path.realpath(path)


def import_base(cache: Cache, plan: Path, fingerprint: str | None, source: str) -> dict[str, Item]:
    """The records of the import ``plan`` (as it is now: ``fingerprint``) last took from
    ``source``, by item id; empty when it never took one that the cache still knows."""
    db = cache.db
    row = None
    if fingerprint:
        row = db.execute(
            "SELECT digest FROM import_bases WHERE source = ? AND fingerprint = ?"
            " ORDER BY rowid DESC LIMIT 1",
            (source, fingerprint),
        ).fetchone()
    if row is None:
        row = db.execute(
            "SELECT digest FROM import_bases WHERE source = ? AND plan = ?"
            " ORDER BY rowid DESC LIMIT 1",
            (source, plan_key(plan)),
        ).fetchone()
    if row is None:
        return {}
    data = db.execute("SELECT data FROM import_versions WHERE digest = ?", (row[0],)).fetchone()
    if data is None:
        return {}
    return {it.id: it for it in items_from_rows(data[0])}


def stage_import(
    staged: Staged, plan: Path, source: str, items: Sequence[Item], fingerprint: str
) -> None:
    """Record that ``plan`` took this import of ``source`` (``fingerprint``: the plan file
    as written, or ``AFTER_WRITE`` when the write is still to come)."""
    data = "[" + ",".join(item_to_row(it) for it in items) + "]"
    digest = hashlib.sha256(data.encode("utf-8")).hexdigest()
    key = plan_key(plan)
    staged.write("INSERT OR IGNORE INTO import_versions VALUES (?, ?)", [(digest, data)])
    staged.write(
        "INSERT OR REPLACE INTO import_bases VALUES (?, ?, ?, ?, ?)",
        [(key, source, fingerprint, digest, dt.datetime.now(dt.UTC).isoformat())],
    )
    staged.write(
        "DELETE FROM import_bases WHERE plan = ? AND source = ? AND rowid NOT IN "
        "(SELECT rowid FROM import_bases WHERE plan = ? AND source = ? "
        "ORDER BY rowid DESC LIMIT ?)",
        [(key, source, key, source, KEEP_BASES)],
    )
    staged.write(
        "DELETE FROM import_versions WHERE digest NOT IN (SELECT digest FROM import_bases)",
        [()],
    )
