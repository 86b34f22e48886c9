"""Which upstream commit each stable commit carries: pick chains and reverts.

Fixes travel main -> newest stable -> older stable, each hop adding a marker
(``(cherry picked from commit X)``): a pick names its upstream commit through a
chain of other branches' commits. :func:`index_picks` follows every chain to the
upstream commit it started from, reading the commits of branches that are not
scanned in one batched ``git log`` per hop, so intermediate ids never become
fixes of their own. A pick that a later commit on the branch reverts does not
count; a revert of a revert restores what it reverted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from relplan.planner.git.conventions import Conventions
from relplan.planner.git.markers import Markers, Pick, parse_stable
from relplan.planner.git.repo import Commit, Repo
from relplan.planner.git.rows import BranchTarget

_HOPS = 8  # a chain longer than this is a cycle


@dataclass(slots=True)
class Branch:
    """One stable branch being scanned: its own commits, their marks, and what they carry.

    ``picks`` maps an upstream commit to the newest pick of it that stands (stable
    commit, marker); ``reverted`` one whose every pick was reverted to (pick, revert);
    ``dropped`` maps the other commits a standing revert on the branch names (commits of
    its own history it no longer ships) to that revert; ``offline`` holds the picks whose
    marker names a commit that is not on the main line (never done by that marker alone).
    """

    target: BranchTarget
    tip: str
    bases: list[str]
    own: list[Commit] = field(default_factory=list)
    marks: dict[str, Markers] = field(default_factory=dict)
    picks: dict[str, tuple[str, Pick]] = field(default_factory=dict)
    reverted: dict[str, tuple[str, str]] = field(default_factory=dict)
    dropped: dict[str, str] = field(default_factory=dict)
    offline: dict[str, tuple[str, Pick]] = field(default_factory=dict)


def pick_names(branches: Iterable[Branch]) -> set[str]:
    """Every commit id the branches' picks and reverts name."""
    names: set[str] = set()
    for br in branches:
        for m in br.marks.values():
            names.update(p.upstream for p in m.picks)
            names.update(m.reverts)
    return names


def index_picks(
    repo: Repo,
    conventions: Conventions,
    branches: list[Branch],
    resolved: dict[str, str | None],
    upstream: Mapping[str, int],
) -> None:
    """Fill each branch's ``picks``, ``reverted`` and ``dropped``.

    ``upstream`` holds every upstream commit since the branch points (the scan's
    containment masks); ``resolved`` maps names to full ids and grows with the
    names read along chains.
    """
    origins = _Origins(repo, conventions, branches, resolved, upstream)
    for br in branches:
        order = {c.sha: n for n, c in enumerate(br.own)}  # 0 = newest
        standing = _standing_reverts(br, resolved)
        carried: dict[str, list[tuple[str, Pick]]] = {}
        for c in br.own:
            for root, pick in origins.roots(br.marks[c.sha]):
                carried.setdefault(root, []).append((c.sha, pick))
        for root, picks in carried.items():
            undone = [
                (sha, rev)
                for sha, _ in picks
                if (rev := standing.get(sha) or _newer(standing.get(root), sha, order))
            ]
            alive = [p for p in picks if p[0] not in {u[0] for u in undone}]
            if alive:
                br.picks[root] = alive[0]
            elif undone:
                br.reverted[root] = undone[0]
        br.dropped = {t: rev for t, rev in standing.items() if t not in carried}


def _newer(revert: str | None, pick: str, order: dict[str, int]) -> str | None:
    """A revert naming the upstream commit undoes the picks made before it."""
    return revert if revert is not None and order[revert] < order[pick] else None


def _standing_reverts(br: Branch, resolved: Mapping[str, str | None]) -> dict[str, str]:
    """Commit id -> the branch commit that reverts it, for reverts not reverted themselves."""
    by: dict[str, str] = {}
    for c in reversed(br.own):  # oldest first: a later revert of the same commit wins
        for name in br.marks[c.sha].reverts:
            by[resolved.get(name) or name] = c.sha

    def stands(revert: str, depth: int = 0) -> bool:
        undo = by.get(revert)
        return undo is None or depth > _HOPS or not stands(undo, depth + 1)

    return {target: rev for target, rev in by.items() if stands(rev)}


class _Origins:
    """Follows pick names through other branches' commits to the upstream commit."""

    def __init__(
        self,
        repo: Repo,
        conventions: Conventions,
        branches: list[Branch],
        resolved: dict[str, str | None],
        upstream: Mapping[str, int],
    ) -> None:
        self.resolved, self.upstream = resolved, upstream
        self.known: dict[str, Markers] = {c.sha: br.marks[c.sha] for br in branches for c in br.own}
        self._read_chains(repo, conventions)

    def full(self, name: str) -> str:
        """The full id of a name, or the name itself when it names no commit here."""
        return self.resolved.get(name) or name

    def _read_chains(self, repo: Repo, conventions: Conventions) -> None:
        """Read, hop by hop, the commits picks name that are neither upstream nor scanned."""
        seen: set[str] = set()
        frontier = self._unread(m for m in self.known.values())
        for _ in range(_HOPS):
            todo = [s for s in frontier if s not in seen]
            if not todo:
                return
            seen.update(todo)
            read = list(repo.commits(todo, extra=["--no-walk=unsorted"]))
            marks = {c.sha: parse_stable(c.subject, c.body, conventions) for c in read}
            self.known.update(marks)
            names = {p.upstream for m in marks.values() for p in m.picks}
            self.resolved.update(repo.resolve_many(names - set(self.resolved)))
            frontier = self._unread(marks.values())

    def _unread(self, marks: Iterable[Markers]) -> list[str]:
        shas = {self.resolved.get(p.upstream) for m in marks for p in m.picks}
        return sorted(s for s in shas if s and s not in self.upstream and s not in self.known)

    def roots(self, marks: Markers) -> list[tuple[str, Pick]]:
        """The upstream commits a stable commit carries, each with the marker naming it.

        Several upstream commits (a squash) are each a root; without any, the chain's
        origin (the first name) is, even when the repository does not have it.
        """
        if not marks.picks:
            return []
        found = [(self._root(self.full(p.upstream), 0), p) for p in marks.picks]
        up = [(root, p) for (root, is_up), p in found if is_up]
        return list(dict(up).items()) if up else [(found[0][0][0], found[0][1])]

    def _root(self, sha: str, depth: int) -> tuple[str, bool]:
        if sha in self.upstream:
            return sha, True
        m = self.known.get(sha)
        if m is None or not m.picks or depth >= _HOPS:
            return sha, False
        found = [self._root(self.full(p.upstream), depth + 1) for p in m.picks]
        return next((r for r in found if r[1]), found[0])


def set_aside_offline(branches: Iterable[Branch], on_main: Callable[[str], bool]) -> None:
    """Move picks whose root is not on the main line from ``picks`` to ``offline``: a
    marker naming a PR head never merged or another branch's commit proves no pick of a
    main-line commit (the branch commit may still be matched by PR number or patch-id)."""
    for br in branches:
        for root in [r for r in br.picks if not on_main(r)]:
            br.offline[root] = br.picks.pop(root)
        for root in [r for r in br.reverted if not on_main(r)]:
            del br.reverted[root]
