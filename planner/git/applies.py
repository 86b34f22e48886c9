"""Will it apply? Every missing (fix, branch) pair picked in memory, before anyone tries.

For each missing row the fix is cherry-picked onto the branch's tip by libgit2's merge
engine (``pygit2``: a three-way merge of trees whose base is the fix's parent, what
``git cherry-pick`` does), without a work tree and without touching the user's checkout
or repository. The answer is one of:

- ``clean``: the pick applies;
- ``applied``: it applies and changes nothing: the change is already there under
  another commit;
- ``needs``: it conflicts alone, but applies after earlier main-line commits that are
  missing on the branch and last changed the lines the fix changes (a blame limited to
  the commits touching the conflicting files, read once for the whole pass:
  :mod:`relplan.planner.git.prereqs`); ``needs`` lists them in the order to pick them
  (Linux stable writes them as ``Stable-dep-of:``);
- ``conflict``: it conflicts even then; ``conflicts`` names the paths.

A chain of picks is merged tree after tree; the trees it writes go to a scratch object
store (a temporary repository borrowing the user's objects through ``alternates``),
removed afterwards. Answers are kept by (fix, branch tip) in the git cache.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from relplan.planner.git.answers import Answer, BranchFacts, MergeUnreadable
from relplan.planner.git.repo import Repo
from relplan.planner.git.rows import ScanResult
from relplan.planner.git.store import GitStore

if TYPE_CHECKING:
    from relplan.planner.git.mergeengine import Engine

ENGINE = "9"
"""Bumped when the engine would answer differently (kept answers of older ones are ignored)."""


def check_applies(
    repo: Repo,
    store: GitStore,
    result: ScanResult,
    branches: dict[str, BranchFacts],
    order: dict[str, int],
) -> None:
    """Fill ``apply``, ``conflicts`` and ``needs`` of every missing row of ``result``.

    ``order`` is the main line's order (0 = newest), used to list prerequisites oldest
    first."""
    todo = [
        (i, r) for i, r in enumerate(result.rows) if r.state.is_pending and r.branch in branches
    ]
    if not todo:
        return
    pairs = [(r.fix, _key(branches[r.branch])) for _, r in todo]
    known = {k: Answer.from_json(v) for k, v in store.applies(pairs).items()}
    missing = [(i, r) for i, r in todo if (r.fix, _key(branches[r.branch])) not in known]
    fresh: dict[tuple[str, str], Answer] = {}
    unreadable: set[str] = set()
    if missing:
        # pygit2 takes ~45 ms to import: only a scan with a pair not yet answered pays it
        # (a start-up cost saved on every cached scan)
        from relplan.planner.git.mergeengine import engine

        paths = _paths(repo, store, [r.fix for _, r in missing])
        with engine(repo, order, paths, lambda shas: _paths(repo, store, shas)) as picker:
            fresh, unreadable = _answer(picker, [(r.fix, branches[r.branch]) for _, r in missing])
        store.put_applies({k: a.to_json() for k, a in fresh.items()})
    answers = {**known, **fresh}
    for i, r in todo:
        a = answers.get((r.fix, _key(branches[r.branch])))
        if a is not None:
            result.rows[i] = replace(r, apply=a.apply, conflicts=a.conflicts, needs=a.needs)
    if unreadable:
        result.warnings.append(
            f"will it apply: {len(unreadable)} fix(es) have objects this repository cannot "
            "read; no answer for them"
        )


def _answer(
    picker: Engine, pairs: list[tuple[str, BranchFacts]]
) -> tuple[dict[tuple[str, str], Answer], set[str]]:
    """Every pair picked alone first; then, for those that conflict, the commits touching
    the conflicting files are read at once and their prerequisites looked for."""
    fresh: dict[tuple[str, str], Answer] = {}
    unreadable: set[str] = set()
    stuck: list[tuple[str, tuple[str, ...], BranchFacts]] = []
    picker.forks(f for _, f in pairs)
    for fix, facts in pairs:
        try:
            first = picker.first(fix, facts)
        except MergeUnreadable:
            unreadable.add(fix)  # an object is missing: no answer, never a guess
            continue
        if isinstance(first, Answer):
            fresh[(fix, _key(facts))] = first
        else:
            stuck.append((fix, first, facts))
    picker.read_touches({p for _, paths, _ in stuck for p in paths}, [f for *_, f in stuck])
    for fix, paths, facts in stuck:
        try:
            fresh[(fix, _key(facts))] = picker.settle(fix, paths, facts)
        except MergeUnreadable:
            unreadable.add(fix)
    return fresh, unreadable


def _key(facts: BranchFacts) -> str:
    """The branch side of an answer's cache key: its tip, and the engine's version."""
    return f"{facts.tip}:{ENGINE}"


def _paths(repo: Repo, store: GitStore, fixes: list[str]) -> dict[str, frozenset[str]]:
    """The paths each fix changes: kept ones, the rest read by one ``git diff-tree``."""
    known = store.paths(fixes)
    todo = [f for f in dict.fromkeys(fixes) if f not in known]
    if todo:
        read = repo.changed_paths(todo) or {}
        store.put_paths(read)
        known.update(read)
    return known
