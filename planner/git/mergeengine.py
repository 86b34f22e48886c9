"""The merge engine behind :mod:`relplan.planner.git.applies`: libgit2 through pygit2.

Picks are three-way merges of trees (base: the fix's parent), never a checkout. Trees a
chain of picks writes go to a scratch repository that borrows the user's objects through
``objects/info/alternates`` and is removed afterwards: the user's repository is only read.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pygit2

from relplan.planner.git.answers import Answer, BranchFacts, MergeUnreadable
from relplan.planner.git.prereqs import Touches, fix_lines
from relplan.planner.git.repo import Repo

MAX_NEEDS = 12
"""A fix needing more earlier commits than this is reported as a conflict."""
_DEPTH = 3  # rounds of "the prerequisite needs its own prerequisites"
_ERRORS = (KeyError, ValueError, pygit2.GitError)
Entries = dict[str, tuple[pygit2.Oid, int] | None]  # path -> (blob, mode); None: absent
_PATIENCE = pygit2.enums.MergeFileFlag.DIFF_PATIENCE
_MINIMAL = pygit2.enums.MergeFileFlag.DIFF_MINIMAL


@contextmanager
def engine(
    repo: Repo,
    order: dict[str, int],
    paths: dict[str, frozenset[str]],
    more_paths: Callable[[list[str]], dict[str, frozenset[str]]],
) -> Iterator[Engine]:
    """An engine picking onto the trees of ``repo``, with a scratch store for chains;
    ``paths`` are the paths each fix changes (read in one batch, see GitStore),
    ``more_paths`` reads those of other commits (prerequisites)."""
    objects = Path(repo.git(["rev-parse", "--git-path", "objects"]).strip())
    if not objects.is_absolute():
        objects = (repo.path / objects).resolve()
    with tempfile.TemporaryDirectory(prefix="relplan-apply-") as tmp:
        scratch = pygit2.init_repository(tmp, bare=True)
        (Path(tmp) / "objects" / "info" / "alternates").write_text(f"{objects}\n")
        scratch = pygit2.Repository(tmp)  # reopened: it now reads the user's objects
        yield Engine(repo, scratch, order, dict(paths), more_paths)
        scratch.free()


class Engine:
    """Picks fixes onto trees in memory; trees of chains go to the scratch store."""

    def __init__(
        self,
        repo: Repo,
        scratch: pygit2.Repository,
        order: dict[str, int],
        paths: dict[str, frozenset[str]],
        more_paths: Callable[[list[str]], dict[str, frozenset[str]]],
    ) -> None:
        self.repo, self.odb, self.order, self.paths = repo, scratch, order, paths
        self.more_paths = more_paths
        self._names: dict[pygit2.Oid, dict[str, list[str]]] = {}
        self.touches = Touches(repo, scratch, order)

    def answer(self, fix: str, facts: BranchFacts) -> Answer:
        """Will ``fix`` apply to the branch described by ``facts``; MergeUnreadable when
        an object it needs is missing."""
        first = self.first(fix, facts)
        if isinstance(first, Answer):
            return first
        self.read_touches(first, [facts])
        return self.settle(fix, first, facts)

    def first(self, fix: str, facts: BranchFacts) -> Answer | tuple[str, ...]:
        """The pick alone: its answer when it applies, else the paths that conflict (to
        :meth:`settle` once the commits touching them are read, :meth:`read_touches`)."""
        try:
            tip = self.odb[facts.tip].peel(pygit2.Tree)
            quick = self._pick_paths(fix, tip)
            if quick is not None and not quick[0]:
                return Answer("applied" if quick[1] else "clean")
            if quick is not None:
                return quick[0]
            first = self._pick(fix, tip)
            if not first.conflicts:
                return Answer("applied" if _unchanged(first, tip) else "clean")
            return _conflict_paths(first)
        except _ERRORS as exc:
            raise MergeUnreadable(str(exc)) from None

    def forks(self, branches: Iterable[BranchFacts]) -> None:
        """Where the branches of this pass fork: the main line is read back to there
        (their octopus merge base), once."""
        if not self.touches.stop:
            bases = sorted({b for f in branches for b in f.bases})
            base = self.repo.octopus_base(bases) if bases else None
            self.touches.stop = [base] if base else bases

    def read_touches(self, paths: Iterable[str], branches: Iterable[BranchFacts]) -> None:
        """Read, in one ``git log``, which main-line commits touch ``paths`` (every
        conflicting path of the pass), back to where ``branches`` fork."""
        self.forks(branches)
        self.touches.read(paths, self.touches.stop)

    def settle(self, fix: str, paths: tuple[str, ...], facts: BranchFacts) -> Answer:
        """The answer for a pick that conflicts alone on ``paths``: ``needs`` when earlier
        missing commits make it apply, else ``conflict``."""
        try:
            needs = self._prerequisites(fix, paths, facts)
        except _ERRORS as exc:
            raise MergeUnreadable(str(exc)) from None
        if needs:
            return Answer("needs", paths, needs)
        return Answer("conflict", paths)

    def _pick_paths(
        self, sha: str, onto: pygit2.Tree, overlay: Entries | None = None
    ) -> tuple[tuple[str, ...], bool, Entries] | None:
        """The pick merged over the paths it changes only, onto ``onto`` with ``overlay``
        (the files earlier picks of a chain changed): the conflicting paths, whether it
        changes nothing, and the files it leaves; as fast whatever far the branch is from
        the fix. None when our side lacks a file the pick changes (moved or deleted since:
        the whole trees are merged then, renames followed)."""
        commit = self.odb[sha].peel(pygit2.Commit)
        known = self._paths_of(sha) if len(commit.parents) == 1 else None
        if known is None:
            return None
        parent = commit.parents[0]
        paths = dict.fromkeys(sorted(known))
        base, ours = _entries(parent.tree, paths), _entries(onto, paths)
        ours.update({p: overlay[p] for p in paths if overlay and p in overlay})
        if any(ours[p] is None and base[p] is not None for p in paths):
            return None
        small = [_small_tree(self.odb, e) for e in (base, ours, _entries(commit.tree, paths))]
        idx = self._merge_once(*small)
        if idx.conflicts:
            return _conflict_paths(idx), False, {}
        merged: Entries = dict.fromkeys(paths)
        merged.update({e.path: (e.id, int(e.mode)) for e in idx})
        return (), merged == ours, merged

    def _paths_of(self, sha: str) -> frozenset[str] | None:
        if sha not in self.paths:
            self.paths.update(self.more_paths([sha]))
        return self.paths.get(sha)

    def _pick(self, sha: str, onto: pygit2.Tree) -> pygit2.Index:
        commit = self.odb[sha].peel(pygit2.Commit)
        base = commit.parents[0].tree if commit.parents else self.odb.TreeBuilder().write()
        if not isinstance(base, pygit2.Tree):
            base = self.odb[base].peel(pygit2.Tree)
        return self._merge(base, onto, commit.tree)

    def _merge(self, base: pygit2.Tree, ours: pygit2.Tree, theirs: pygit2.Tree) -> pygit2.Index:
        """A three-way merge of trees as git's merge-ort makes it: ort diffs with the
        histogram algorithm, which libgit2 lacks; patience (histogram's ancestor) then the
        minimal Myers diff stand in for it (Xen: libgit2's default diff conflicted on one
        pick in 30 that git applied; patience agreed)."""
        idx = self._merge_once(base, ours, theirs)
        if idx.conflicts:
            moves = self._moved_here(idx, base, ours)
            if moves:
                moved = self._merge_once(
                    _move(self.odb, base, moves), ours, _move(self.odb, theirs, moves)
                )
                if not moved.conflicts:
                    return moved
        return idx

    def _merge_once(
        self, base: pygit2.Tree, ours: pygit2.Tree, theirs: pygit2.Tree
    ) -> pygit2.Index:
        idx = self.odb.merge_trees(base, ours, theirs, file_flags=_PATIENCE)
        if idx.conflicts:
            other = self.odb.merge_trees(base, ours, theirs, file_flags=_MINIMAL)
            if not other.conflicts:
                return other
        return idx

    def _moved_here(
        self, idx: pygit2.Index, base: pygit2.Tree, ours: pygit2.Tree
    ) -> dict[str, str]:
        """Files the pick changes that our side has under the same name elsewhere (moved
        since: libgit2 misses renames that changed much, git's merge-ort pairs them by
        name), or under the name the main line moved them from: path in the pick -> our
        path, where exactly one such file exists."""
        names = self._by_name(ours)
        moves = {}
        for ancestor, mine, theirs in idx.conflicts or ():
            if mine is not None or ancestor is None or theirs is None:
                continue
            found = [p for p in names.get(ancestor.path.rsplit("/", 1)[-1], []) if p not in base]
            if len(found) != 1 and self.touches.stop:  # renamed too: the main line says
                older = self.touches.older_name(ancestor.path)
                found = [older] if older and older in ours and older not in base else []
            if len(found) == 1:
                moves[ancestor.path] = found[0]
        return moves

    def _by_name(self, tree: pygit2.Tree) -> dict[str, list[str]]:
        if tree.id not in self._names:
            index = pygit2.Index()
            index.read_tree(tree)
            names: dict[str, list[str]] = {}
            for entry in index:
                names.setdefault(entry.path.rsplit("/", 1)[-1], []).append(entry.path)
            self._names = {tree.id: names}  # one tree at a time: the branch being answered
        return self._names[tree.id]

    def _chain(
        self, shas: list[str], tip: pygit2.Tree
    ) -> tuple[Entries, tuple[str, tuple[str, ...]] | None]:
        """Pick ``shas`` one after another onto ``tip``: the files they change, or the
        first that conflicts and its conflicting paths."""
        overlay: Entries = {}
        for sha in shas:
            picked = self._pick_paths(sha, tip, overlay)
            if picked is None or picked[0]:
                return overlay, (sha, picked[0] if picked else ())
            overlay.update(picked[2])
        return overlay, None

    def _chain_trees(self, shas: list[str], tip: pygit2.Tree) -> bool:
        """True when ``shas`` pick one after another onto ``tip`` merging whole trees (the
        slow way, for chains where a file moved)."""
        tree = tip
        for sha in shas:
            idx = self._pick(sha, tree)
            if idx.conflicts:
                return False
            tree = self.odb[idx.write_tree(self.odb)].peel(pygit2.Tree)
        return True

    def _prerequisites(
        self, fix: str, paths: tuple[str, ...], facts: BranchFacts
    ) -> tuple[str, ...]:
        """The earlier missing commits after which ``fix`` applies, oldest first; () when
        none (or too many) do. Where the branch has a file under an older name, the
        commits that moved it are tried too when the others are not enough (git's merge
        follows most moves by itself: the shorter chain first)."""
        tip = self.odb[facts.tip].peel(pygit2.Tree)
        moved = any(e is None for e in _entries(tip, dict.fromkeys(paths)).values())
        found = self._chain_for(fix, paths, facts, tip, moves=False)
        if not found and moved:
            found = self._chain_for(fix, paths, facts, tip, moves=True)
        return found

    def _chain_for(
        self, fix: str, paths: tuple[str, ...], facts: BranchFacts, tip: pygit2.Tree, moves: bool
    ) -> tuple[str, ...]:
        needs: set[str] = set()
        blame_of = (fix, paths)
        for _ in range(_DEPTH):
            needs |= self._touching(*blame_of, facts, moves)
            needs.discard(fix)
            if not needs or len(needs) > MAX_NEEDS:
                return ()
            chain = sorted(needs, key=lambda s: -self.order.get(s, -1))
            overlay, stuck = self._chain(chain, tip)
            if stuck is None:
                final = self._pick_paths(fix, tip, overlay)
                if final is None:  # a file moved or gone: whole trees, renames followed
                    return tuple(chain) if self._chain_trees([*chain, fix], tip) else ()
                return tuple(chain) if not final[0] else ()
            if not stuck[1]:  # a file moved or gone: whole trees, renames followed
                return tuple(chain) if self._chain_trees([*chain, fix], tip) else ()
            blame_of = stuck  # a prerequisite needs its own
        return ()

    def _touching(
        self, sha: str, paths: tuple[str, ...], facts: BranchFacts, moves: bool
    ) -> set[str]:
        """Main-line commits missing on the branch that last changed the lines ``sha``
        changes (and the lines next to them) in ``paths``: a blame limited to the commits
        touching those files (:mod:`relplan.planner.git.prereqs`); with ``moves``, the
        commits that moved a file the branch has under an older name too."""
        commit = self.odb[sha].peel(pygit2.Commit)
        if len(commit.parents) != 1 or sha not in self.order:
            return set()
        lines = fix_lines(self.odb, sha, paths)
        self.read_touches(lines, [facts])
        oldest = max((self.order.get(b, len(self.order)) for b in facts.bases), default=0)

        def has(s: str) -> bool:
            return facts.native(s) or s in facts.picked

        tip = self.odb[facts.tip].peel(pygit2.Tree)
        here = _entries(tip, dict.fromkeys(lines))
        found: set[str] = set()
        for path, mine in lines.items():
            renamed = moves and here[path] is None  # the branch has it under another name
            found |= self.touches.last_changed(sha, path, mine, has, oldest, renamed)
        return found


def _entries(tree: pygit2.Tree, paths: dict[str, None]) -> dict[str, tuple[pygit2.Oid, int] | None]:
    """Path -> (blob, mode) in ``tree``, None where the path is absent."""
    out: dict[str, tuple[pygit2.Oid, int] | None] = {}
    for path in paths:
        try:
            obj = tree[path]
        except KeyError:
            out[path] = None
            continue
        out[path] = (obj.id, int(obj.filemode)) if obj.type_str == "blob" else None
    return out


def _small_tree(
    odb: pygit2.Repository, entries: dict[str, tuple[pygit2.Oid, int] | None]
) -> pygit2.Tree:
    """A tree of just these files (written to the scratch store)."""
    index = pygit2.Index()
    for path, entry in entries.items():
        if entry is not None:
            index.add(pygit2.IndexEntry(path, entry[0], pygit2.enums.FileMode(entry[1])))
    return odb[index.write_tree(odb)].peel(pygit2.Tree)


def _move(odb: pygit2.Repository, tree: pygit2.Tree, moves: dict[str, str]) -> pygit2.Tree:
    """``tree`` with files moved (written to the scratch store)."""
    index = pygit2.Index()
    index.read_tree(tree)
    for src, dst in moves.items():
        if src in index:
            entry = index[src]
            index.remove(src)
            index.add(pygit2.IndexEntry(dst, entry.id, entry.mode))
    return odb[index.write_tree(odb)].peel(pygit2.Tree)


def _conflict_paths(idx: pygit2.Index) -> tuple[str, ...]:
    paths: dict[str, None] = {}
    for ancestor, ours, theirs in idx.conflicts or ():
        entry = theirs or ours or ancestor
        if entry is not None:
            paths[entry.path] = None
    return tuple(sorted(paths))


def _unchanged(idx: pygit2.Index, tip: pygit2.Tree) -> bool:
    """True when the picked index equals the tip's tree (the change is already there)."""
    return len(idx.diff_to_tree(tip)) == 0
