"""Processes opening a new cache at the same moment all see its whole schema.

Before the schema was created in one transaction, a second opener could see the
``meta`` table, skip the rest and fail with "no such table: sources" (12 of 120
openers here; once in a parallel test run).
"""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

from relplan.planner.store.cache import Cache


def _open(folder: str) -> None:
    with Cache.open(Path(folder)) as cache:
        cache.writable()
        cache.statuses()


def test_concurrent_openers_of_a_new_cache_all_succeed(tmp_path: Path) -> None:
    failed = 0
    for round_ in range(15):
        folder = tmp_path / f"cache{round_}"
        procs = [
            mp.get_context("fork").Process(target=_open, args=(str(folder),)) for _ in range(4)
        ]
        for p in procs:
            p.start()
        for p in procs:
            p.join(30)
        failed += sum(p.exitcode != 0 for p in procs)
    assert failed == 0
