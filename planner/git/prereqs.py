"""Which earlier main-line commits a conflicting pick needs: a blame of the fix's lines
limited to the commits that touch its files, read once for every pair.

``git blame`` per (fix, branch) walked the file's history back to the branch point for
every pair (seconds each on a million-commit main line). Here one ``git log --name-only``
over the scanned range, limited to the directories of every conflicting file, says which
main-line commits touch which file; for one fix, only those commits are visited, newest
first, and the lines the fix changes (and their neighbours) are carried back through
each commit's diff of that file (hunks without context, read by libgit2 and kept by
(commit, path)). A commit whose own lines take some of them is what ``blame`` would name;
the lines it took are not followed further (its own prerequisites are the next round's
question, see :mod:`relplan.planner.git.mergeengine`).

The walk follows the order of the scanned main line (``git rev-list --topo-order``):
exact on a linear main line; on one with merges a commit of a side branch is read in
that order, and the merge engine's check that the chain applies stays the judge.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable

import pygit2

from relplan.planner.git.repo import Repo

Hunk = tuple[int, int, int, int]  # old_start, old_lines, new_start, new_lines
_WHOLE: tuple[Hunk, ...] = ((0, 0, 1, 1 << 30),)  # the file is new: every line is its own


class Touches:
    """Main-line commits by the paths they change, over ``tip`` back to ``stop``; read
    by directory, each directory once (one ``git log`` for all those asked together)."""

    def __init__(self, repo: Repo, odb: pygit2.Repository, order: dict[str, int]) -> None:
        self.repo, self.odb, self.order = repo, odb, order
        self.tip = min(order, key=order.__getitem__) if order else ""
        self.stop: list[str] = []
        self._dirs: set[str] = set()
        self._by_path: dict[str, list[str]] = {}
        self._hunks: dict[tuple[str, str], tuple[Hunk, ...] | None] = {}

    def read(self, paths: Iterable[str], stop: list[str]) -> None:
        """Make sure the commits touching ``paths`` are known (``stop``: where the
        scanned branches fork, read on the first call)."""
        if not self.stop:
            self.stop = stop
        dirs = {_dir(p) for p in paths} - self._dirs
        if not dirs or not self.tip:
            return
        self._dirs |= dirs
        args = ["log", "--no-merges", "--no-renames", "--format=%x00%H", "--name-only"]
        out = self.repo.try_git([*args, self.tip, *(f"^{s}" for s in self.stop), "--", *dirs])
        sha = ""
        found: dict[str, list[str]] = {}
        for line in (out or "").splitlines():
            if line.startswith("\0"):
                sha = line[1:]
            elif line and sha in self.order:
                found.setdefault(line, []).append(sha)
        for path, shas in found.items():
            known = self._by_path.setdefault(path, [])
            known.extend(shas)
            known.sort(key=self.order.__getitem__)
            self._by_path[path] = list(dict.fromkeys(known))

    def last_changed(
        self,
        fix: str,
        path: str,
        lines: set[int],
        skip: Callable[[str], bool],
        oldest: int,
        moves: bool = False,
    ) -> set[str]:
        """The commits older than ``fix`` that last changed ``lines`` (numbered as in the
        fix's parent) of ``path``, what ``git blame`` would name, down to the commit at
        ``oldest`` in the main line's order; those ``skip`` says the branch has are left
        out (their lines are not followed further either). A file moved on the main line
        is followed to its older name, as blame does; the move itself is named when
        ``moves`` (the branch lacks the file under the fix's name: the pick needs it)."""
        return self._walk(self.order[fix], path, lines, skip, oldest, moves)

    def _walk(
        self,
        newer: int,
        path: str,
        lines: set[int],
        skip: Callable[[str], bool],
        oldest: int,
        moves: bool,
    ) -> set[str]:
        found: set[str] = set()
        shas = self._by_path.get(path, [])
        start = bisect_right(shas, newer, key=self.order.__getitem__)  # older than newer
        for sha in shas[start:]:
            at = self.order[sha]
            if at > oldest or not lines:
                break
            hunks = self._hunks_of(sha, path)
            if hunks is None:  # gone here and back later: nothing older to follow
                break
            moved = _moved_from(self.odb, sha, path) if hunks is _WHOLE else None
            if moved is not None:
                lines, took = carry_back(lines, moved[1])
                if (took or moves) and not skip(sha):
                    found.add(sha)
                self.read([moved[0]], self.stop)
                return found | self._walk(at, moved[0], lines, skip, oldest, False)
            lines, took = carry_back(lines, hunks)
            if took and not skip(sha):
                found.add(sha)
        return found

    def older_name(self, path: str) -> str | None:
        """The name ``path`` had before a main-line commit of the scanned range moved it
        there (git's rename detection on that commit), or None."""
        self.read([path], self.stop)
        for sha in reversed(self._by_path.get(path, ())):
            if self._hunks_of(sha, path) is _WHOLE:
                moved = _moved_from(self.odb, sha, path)
                return moved[0] if moved else None
        return None

    def _hunks_of(self, sha: str, path: str) -> tuple[Hunk, ...] | None:
        key = (sha, path)
        if key not in self._hunks:
            self._hunks[key] = _read_hunks(self.odb, sha, path)
        return self._hunks[key]


def fix_lines(odb: pygit2.Repository, sha: str, paths: Iterable[str]) -> dict[str, set[int]]:
    """The lines ``sha`` changes in each of ``paths`` (that it modifies), numbered as in
    its parent, with the line before and after each change (a change next to another
    conflicts too)."""
    out: dict[str, set[int]] = {}
    for path in paths:
        hunks = _read_hunks(odb, sha, path)
        if not hunks or hunks is _WHOLE:
            continue
        lines: set[int] = set()
        for old_start, old_lines, _, _ in hunks:
            lines.update(range(max(1, old_start - 1), old_start + max(old_lines, 1) + 1))
        out[path] = lines
    return out


def carry_back(lines: set[int], hunks: tuple[Hunk, ...]) -> tuple[set[int], bool]:
    """``lines`` of a file after a commit, numbered as before it; whether the commit
    wrote any of them (those are dropped), or removed lines between two of them."""
    kept: set[int] = set()
    took = False
    for line in lines:
        shift = 0
        for _, old_lines, new_start, new_lines in hunks:
            if new_lines and new_start <= line < new_start + new_lines:
                took = True
                break
            if (new_start + new_lines - 1 if new_lines else new_start) >= line:
                kept.add(line + shift)
                break
            shift += old_lines - new_lines
        else:
            kept.add(line + shift)
    took = took or any(not n and s in lines and s + 1 in lines for _, _, s, n in hunks)
    return kept - {0}, took


def _read_hunks(odb: pygit2.Repository, sha: str, path: str) -> tuple[Hunk, ...] | None:
    """The hunks (no context) of ``path`` in commit ``sha`` against its first parent;
    every line its own when the file is new there; None when the commit deletes it."""
    commit = odb[sha].peel(pygit2.Commit)
    new = _blob(commit.tree, path)
    if new is None:
        return None
    old = _blob(commit.parents[0].tree, path) if commit.parents else None
    if old is None:
        return _WHOLE
    patch = pygit2.Patch.create_from(old, new, context_lines=0)
    if patch.delta.is_binary:
        return _WHOLE
    return tuple((h.old_start, h.old_lines, h.new_start, h.new_lines) for h in patch.hunks)


def _moved_from(odb: pygit2.Repository, sha: str, path: str) -> tuple[str, tuple[Hunk, ...]] | None:
    """Where commit ``sha`` moved ``path`` from (git's rename detection), and the hunks
    of the move; None when the file is new there."""
    commit = odb[sha].peel(pygit2.Commit)
    if not commit.parents:
        return None
    diff = commit.parents[0].tree.diff_to_tree(commit.tree)
    diff.find_similar()
    for delta in diff.deltas:
        if delta.status == pygit2.enums.DeltaStatus.RENAMED and delta.new_file.path == path:
            old = _blob(commit.parents[0].tree, delta.old_file.path)
            new = _blob(commit.tree, path)
            if old is None or new is None:
                return None
            hunks = pygit2.Patch.create_from(old, new, context_lines=0).hunks
            return delta.old_file.path, tuple(
                (h.old_start, h.old_lines, h.new_start, h.new_lines) for h in hunks
            )
    return None


def _blob(tree: pygit2.Tree, path: str) -> pygit2.Blob | None:
    try:
        obj = tree[path]
    except KeyError:
        return None
    return obj if isinstance(obj, pygit2.Blob) else None


def _dir(path: str) -> str:
    """The pathspec a path is read under: its directory (the file itself at the top)."""
    return path.rsplit("/", 1)[0] + "/" if "/" in path else path
