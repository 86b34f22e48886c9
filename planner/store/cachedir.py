"""Where the tracker cache lives, and whether a sync was interrupted there.

Kept apart from :mod:`relplan.planner.store.cache` (sqlite3, json, the tracker types):
every start asks these two questions, and the dashboard's first frame should not pay for
the cache's reader to answer them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from relplan.planner.domain.errors import PlanError, Problem

FILENAME = "cache.sqlite3"
JOURNAL = "sync-pending.json"


def default_cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CACHE_HOME/relplan``, else ``~/.cache/relplan``."""
    env = os.environ if env is None else env
    base = env.get("XDG_CACHE_HOME") or ""
    if base and Path(base).is_absolute():
        return Path(base) / "relplan"
    try:
        return Path.home() / ".cache" / "relplan"
    except RuntimeError:  # no HOME and no passwd entry
        raise PlanError(
            Problem(
                "cannot find the home folder for the tracker cache",
                hint="set XDG_CACHE_HOME or [cache] dir in the config",
            )
        ) from None


def journal_path(folder: Path | None) -> Path:
    """The journal an interrupted sync leaves beside the cache (see
    :meth:`relplan.planner.store.cache.Cache.pending`)."""
    return (folder or default_cache_dir()) / JOURNAL
