"""Unmarked picks: a pending fix counts as done on a branch that carries the same patch.

The patch is compared with ``git patch-id --stable`` (what ``git cherry`` uses),
computed for all candidates in one batched pipeline (see :meth:`Repo.patch_ids`).
Commits whose objects cannot be read (a damaged or partial clone) are left out:
their fixes stay as the markers and ancestry say, and one warning counts them.
"""

from __future__ import annotations

from dataclasses import replace

from relplan.planner.domain.model import BackportState
from relplan.planner.git.repo import Repo
from relplan.planner.git.rows import BackportRow


def match_patch_ids(
    repo: Repo, rows: list[BackportRow], unmarked: dict[str, list[str]]
) -> tuple[list[BackportRow], set[str]]:
    """Pending fixes whose patch equals an unmarked commit on the branch are done;
    also returns the commits whose patch could not be read.

    With few unmarked commits, as ``git cherry`` does, patches are compared only
    where the changed paths match (one cheap ``--name-only`` pass first).
    """
    pending = [r for r in rows if r.state.is_pending]
    every = [sha for shas in unmarked.values() for sha in shas]
    if not pending or not every:
        return rows, set()
    wanted = _patch_candidates(repo, pending, unmarked) if len(every) * 4 < len(pending) else None
    ids, unreadable = repo.patch_ids(
        wanted if wanted is not None else [r.fix for r in pending] + every
    )
    by_branch = {name: {ids[c]: c for c in shas if c in ids} for name, shas in unmarked.items()}
    out = []
    for r in rows:
        pid = ids.get(r.fix)
        stable = by_branch.get(r.branch, {}).get(pid) if pid and r.state.is_pending else None
        if stable:
            ev = f"patch-id matches {stable[:12]} (no marker); {r.evidence}"
            r = replace(r, state=BackportState.DONE, evidence=ev, pick=stable, marker="patch-id")
        out.append(r)
    return out, unreadable


def _patch_candidates(
    repo: Repo, pending: list[BackportRow], unmarked: dict[str, list[str]]
) -> set[str] | None:
    """Commits worth a full diff: pending fixes and unmarked commits touching the same paths
    (None: every one, when the paths cannot be read)."""
    paths = repo.changed_paths([r.fix for r in pending] + [c for v in unmarked.values() for c in v])
    if paths is None:
        return None
    shapes = {name: {paths.get(c) for c in shas} for name, shas in unmarked.items()}
    candidates = [r for r in pending if paths.get(r.fix) in shapes[r.branch]]
    fix_shapes = {(r.branch, paths.get(r.fix)) for r in candidates}
    wanted = {r.fix for r in candidates}
    wanted |= {
        c for name, shas in unmarked.items() for c in shas if (name, paths.get(c)) in fix_shapes
    }
    return wanted
