"""A scan's result kept by everything it read, so a scan where nothing moved costs nothing.

The key is the tips of the upstream and every scanned branch, the branches' series and
flags, the conventions' patterns, the tracker's requests, the scan's options, the
repository's path and whether it is shallow, and the source code of the scan itself
(so a new relplan never answers from an old one's cache). The result is stored pickled in
relplan's own cache folder, which only relplan writes.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from relplan.planner.git.conventions import Conventions
from relplan.planner.git.repo import Repo
from relplan.planner.git.rows import BranchTarget, ScanResult, TrackerRequest
from relplan.planner.git.store import GitStore


@cache
def _code() -> str:
    """A digest of the git package's source: a changed scan never reads an old result."""
    h = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def scan_key(
    repo: Repo,
    up: str,
    tips: Sequence[str],
    targets: Sequence[BranchTarget],
    conventions: Conventions,
    tracker: Sequence[TrackerRequest],
    options: tuple[bool, ...],
) -> str:
    """The cache key of a scan (see the module docstring)."""
    h = hashlib.sha256()
    parts: list[object] = [
        _code(), str(repo.git_dir), repo.shallow, up, list(tips), options,
        [(t.name, t.series, t.security_only) for t in targets],
        [(p.kind.value, p.name, p.preset, p.regex.pattern, p.regex.flags, p.exact)
         for p in conventions.patterns],
        sorted((r.commit, r.item, sorted((k, str(v)) for k, v in r.states.items()))
               for r in tracker),
    ]  # fmt: skip
    h.update(repr(parts).encode())
    return h.hexdigest()


def load_scan(store: GitStore, key: str) -> ScanResult | None:
    """The stored result of the scan with ``key``, or None (never stored, or unreadable)."""
    data = store.scan(key)
    if data is None:
        return None
    try:
        result = pickle.loads(data)
    except Exception:  # noqa: BLE001 - a damaged entry is a miss, never an error
        return None
    if not isinstance(result, ScanResult):
        return None
    result.cached = True
    return result


def save_scan(store: GitStore, key: str, result: ScanResult) -> None:
    """Keep ``result`` under ``key`` (only when the store outlives the process)."""
    if store.persistent:
        store.put_scan(key, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
