"""Importing roadmap items from a file (TOML, CSV, JSON, a Markdown list) into the plan.

The rule of sync: the import of the same source that THIS plan last took (kept in the
cache per plan: :mod:`relplan.planner.store.importbase`) is the base, so the file's changes
are taken and the plan's own triage since then is kept; values both changed keep the plan's
and are named. The plan file is written atomically, merged with what another writer saved
meanwhile (a second import, an editor), and the import is recorded as the next base in the
same journalled unit: a run killed between the two is finished on the next run.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.merge import keep_ids, merge_imported
from relplan.planner.domain.targets import resolve_targets, target_problem
from relplan.planner.store.cache import AFTER_WRITE, Cache, settle
from relplan.planner.store.importbase import import_base, stage_import
from relplan.planner.store.planfile import save_merged
from relplan.planner.trackers.files import read_items, slug

if TYPE_CHECKING:
    from relplan.planner.usecases.session import Session


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did: ids added, updated and unchanged; values where the plan's was
    kept over the file's (``kept``); series targets moved or not found (``notes``);
    conflicts with a file saved meanwhile; where it wrote."""

    source: str
    added: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    kept: tuple[str, ...]
    notes: tuple[str, ...]
    disk_conflicts: tuple[str, ...]
    written: Path | None
    merged_with_disk: bool


def import_file(session: Session, file: Path, source: str | None = None) -> ImportResult:
    """Merge the items of ``file`` (source name ``source``, default: from the file name)
    into the session's plan file and record the import as the next base."""
    path = session.writable_path()
    name = source or slug(file.stem)
    train = session.train()
    # a target check would flag (no such release, a series all shipped) is refused at its
    # line, as add --target refuses it: nothing is written
    records = read_items(file, source, lambda target: target_problem(target, train))
    # series targets ([4.23]) name that series' next release
    items, notes = resolve_targets((r.item for r in records), train)
    placed = [replace(r, item=item) for r, item in zip(records, items, strict=True)]
    incoming = keep_ids(session.plan, placed, name)
    with Cache.open(session.config.cache_dir) as cache:
        base = import_base(cache, path, session.fingerprint, name)
    result, kept = merge_imported(session.plan, incoming, base)
    written: Path | None = None
    merged, disk = False, tuple[str, ...]()
    items = [r.item for r in incoming]
    with Cache.open(session.config.cache_dir) as cache, cache.stage() as staged:
        if not (result.added or result.updated):
            stage_import(staged, path, name, items, session.fingerprint or "")
            staged.commit()
        else:
            stage_import(staged, path, name, items, AFTER_WRITE)
            # plan and base are one unit: a run killed between the two is finished next time
            with cache.pending(staged, path, what="import"):
                # Another writer may have saved meanwhile: merge with it.
                saved = save_merged(
                    session.plan, result.plan, path, session.fingerprint,
                    lambda p: build_train(p, session.today),
                )  # fmt: skip
                settle(staged.db, saved.fingerprint)
                staged.commit()
            written, merged = path, saved.merged
            disk = tuple(str(c) for c in saved.conflicts)
    return ImportResult(
        name, tuple(result.added), tuple(result.updated), tuple(result.unchanged),
        tuple(str(c) for c in kept), tuple(notes), disk, written, merged,
    )  # fmt: skip
