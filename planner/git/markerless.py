"""Picks that name no main-line commit: matched by pull request number, patch-id or title.

A branch commit without a marker, or whose marker names a commit that is not on the
main line (a PR head never merged, the pre-squash head of a PR, another branch's
commit), may still carry a main-line fix. In order of trust:

- **pr-number**: a done pattern captured a pull request number (``[stable-2.17] title
  (#84094) (#84097)``, ``[PR #13467/1498ba3a backport][8.3.x] ...``) and exactly one
  main-line commit in the scanned range was merged by that PR (``title (#84094)``,
  ``Merge pull request #84094 from ...``, see the ``pr`` patterns);
- **patch-id**: ``git patch-id --stable`` equals that of a main-line commit (what
  ``git cherry`` compares); only commits changing the same set of paths are diffed;
- **title**: the subject, without ``[3.12]``-style prefixes and trailing ``(#N)``,
  equals the subject of exactly one main-line commit, and both change a path in common.

Every main-line commit of the scanned range that is not in a branch's own history is a
candidate for that branch, whatever relplan thinks it needs. Paths and patch ids are
read once per commit and kept by commit id (:class:`relplan.planner.git.store.GitStore`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from relplan.planner.git.conventions import Conventions, PatternKind, pr_number
from relplan.planner.git.markers import Pick
from relplan.planner.git.picks import Branch
from relplan.planner.git.repo import Commit, Repo
from relplan.planner.git.store import GitStore

#: The signals a done row can come from, most trusted first.
SIGNALS = ("marker", "pr-number", "patch-id", "title")

_PREFIX = re.compile(r"^(?:\s*\[[^\]\n]*\])+\s*|^Backport PR #\d+(?::| on branch \S+)\s*", re.I)
_SUFFIX = re.compile(r"(?:\s*\((?:#|GH-)\d+\))+\s*$", re.I)
_MIN_TITLE = 16  # shorter subjects ("Fix typo", "Update docs") say too little


@dataclass(slots=True)
class MainLine:
    """The upstream commits since the oldest branch point, newest first, and their subjects."""

    graph: list[tuple[str, tuple[str, ...], str]]
    subjects: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.subjects = {sha: subject for sha, _, subject in self.graph}

    def prs(self, conventions: Conventions) -> dict[str, str]:
        """Pull request number -> the main-line commit it was merged as (numbers that name
        two commits are left out: they say nothing)."""
        patterns = conventions.by_kind[PatternKind.PR]
        found: dict[str, str | None] = {}
        for sha, _, subject in self.graph:
            low = subject.lower()
            for p in patterns:
                if not p.wanted(frozenset(n for n in p.needles if n in low)):
                    continue
                m = p.regex.search(subject)
                pr = pr_number(m) if m else None
                if pr:
                    found[pr] = sha if pr not in found else None
                    break
        return {pr: sha for pr, sha in found.items() if sha}


@dataclass(slots=True)
class Matched:
    """What the markerless pass found: how many picks per signal, commits it could not read."""

    counts: dict[str, int] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)


def match_markerless(
    repo: Repo,
    store: GitStore,
    conventions: Conventions,
    branches: list[Branch],
    line: MainLine,
    native: Callable[[str, int], bool],
    *,
    patch_id: bool = True,
) -> Matched:
    """Add to each branch's ``picks`` the main-line commits its unclaimed commits carry."""
    out = Matched()
    cands = [_candidates(br) for br in branches]
    prs = line.prs(conventions)
    for i, br in enumerate(branches):
        cands[i] = [c for c in cands[i] if not _by_pr(br, i, c, prs, native, out)]
    if not patch_id:
        return out
    pools = [
        [sha for sha, parents, _ in line.graph if len(parents) == 1 and not native(sha, i)]
        for i in range(len(branches))
    ]
    mine = [[c for c in cs if len(c.parents) == 1] for cs in cands]
    paths = _paths(repo, store, [c.sha for cs in mine for c in cs], pools)
    wanted = _same_shape(paths, mine, pools)
    pids, out.unreadable = _patch_ids(repo, store, wanted)
    titles: dict[str, str] = {}
    for i, br in enumerate(branches):
        left = _by_patch_id(br, mine[i], pools[i], pids, out)
        _by_title(br, left, pools[i], line.subjects, paths, out, titles)
    return out


def _candidates(br: Branch) -> list[Commit]:
    """The branch's commits that carry no main-line commit yet, still stand, and revert
    nothing."""
    claimed = {sha for sha, _ in br.picks.values()}
    return [
        c
        for c in br.own
        if c.sha not in claimed and c.sha not in br.dropped and not br.marks[c.sha].reverts
    ]  # a revert on the branch is read as one (see picks.py), never as a pick


def _claim(br: Branch, upstream: str, sha: str, pick: Pick, out: Matched) -> bool:
    if upstream in br.picks or upstream in br.reverted:
        return False
    br.picks[upstream] = (sha, pick)
    out.counts[pick.signal] = out.counts.get(pick.signal, 0) + 1
    return True


def _by_pr(
    br: Branch,
    i: int,
    c: Commit,
    prs: dict[str, str],
    native: Callable[[str, int], bool],
    out: Matched,
) -> bool:
    claimed = False
    for pr, name in br.marks[c.sha].prs:
        up = prs.get(pr)
        if up is not None and not native(up, i):
            claimed |= _claim(br, up, c.sha, Pick(up, f"#{pr}: {name}", "pr-number"), out)
    return claimed


def _paths(
    repo: Repo, store: GitStore, mine: list[str], pools: list[list[str]]
) -> dict[str, frozenset[str]] | None:
    every = list(dict.fromkeys([*mine, *(s for pool in pools for s in pool)]))
    known = store.paths(every)
    todo = [s for s in every if s not in known]
    if todo:
        read = repo.changed_paths(todo)
        if read is None:
            return None  # a tree cannot be read: compare every patch instead
        store.put_paths(read)
        known.update(read)
    return known


def _same_shape(
    paths: dict[str, frozenset[str]] | None, mine: list[list[Commit]], pools: list[list[str]]
) -> list[str]:
    """Commits worth a patch id: each side's commits whose path set the other side has."""
    if paths is None:
        return list(
            dict.fromkeys([c.sha for cs in mine for c in cs] + [s for p in pools for s in p])
        )
    wanted: dict[str, None] = {}
    for cs, pool in zip(mine, pools, strict=True):
        shapes = {paths.get(c.sha) for c in cs} - {None, frozenset()}
        hits = [s for s in pool if paths.get(s) in shapes]
        found = {paths.get(s) for s in hits}
        wanted.update(dict.fromkeys(hits))
        wanted.update(dict.fromkeys(c.sha for c in cs if paths.get(c.sha) in found))
    return list(wanted)


def _patch_ids(repo: Repo, store: GitStore, shas: list[str]) -> tuple[dict[str, str], set[str]]:
    known = store.patch_ids(shas)
    todo = [s for s in shas if s not in known]
    unreadable: set[str] = set()
    if todo:
        read, unreadable = repo.patch_ids(todo)
        read.update({s: "" for s in todo if s not in read and s not in unreadable})
        store.put_patch_ids(read)
        known.update(read)
    return {s: pid for s, pid in known.items() if pid}, unreadable


def _by_patch_id(
    br: Branch, mine: list[Commit], pool: list[str], pids: dict[str, str], out: Matched
) -> list[Commit]:
    by_pid: dict[str, list[str]] = {}
    for sha in pool:
        if sha in pids:
            by_pid.setdefault(pids[sha], []).append(sha)
    left = []
    for c in mine:
        ups = by_pid.get(pids.get(c.sha, ""), [])
        if not any(_claim(br, up, c.sha, Pick(up, "patch-id", "patch-id"), out) for up in ups):
            left.append(c)
    return left


def _by_title(
    br: Branch,
    mine: Iterable[Commit],
    pool: Sequence[str],
    subjects: dict[str, str],
    paths: dict[str, frozenset[str]] | None,
    out: Matched,
    titles: dict[str, str],
) -> None:
    mine = list(mine)
    if paths is None or not mine:
        return
    by_title: dict[str, str | None] = {}
    for sha in pool:
        t = titles.get(sha)
        if t is None:
            t = titles[sha] = title(subjects[sha])  # once per commit, not per branch
        if len(t) >= _MIN_TITLE:
            by_title[t] = sha if t not in by_title else None  # ambiguous: no answer
    for c in mine:
        up = by_title.get(title(c.subject))
        if up and paths.get(up, frozenset()) & paths.get(c.sha, frozenset()):
            _claim(br, up, c.sha, Pick(up, "title", "title"), out)


def title(subject: str) -> str:
    """A subject without backport prefixes (``[3.12]``, ``[PR #1/ab backport][8.3.x]``,
    ``Backport PR #1 on branch x``) and trailing ``(#N)``/``(GH-N)``, lowercased; a
    meeseeksdev ``Backport PR #N on branch X (title)`` gives its title."""
    text = _PREFIX.sub("", subject, count=1)
    if text != subject and text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    if text.lower().startswith("merge"):
        return ""
    return _SUFFIX.sub("", text).strip().lower()
