"""Will it apply? Every missing (fix, branch) pair picked in memory, before anyone tries.

For each missing row the fix is cherry-picked onto the branch's tip by libgit2's merge
engine (``pygit2``: a three-way merge of trees whose base is the fix's parent, what
``git cherry-pick`` does), without a work tree and without touching the user's checkout
or repository. The answer is one of:

- ``clean``: the pick applies;
- ``applied``: it applies and changes nothing: the change is already there under
  another commit;
- ``needs``: it conflicts alone, but applies after earlier main-line commits that are
  missing on the branch and touch the same lines (found by ``git blame`` of the lines
  the fix changes, from the fix's parent back to where the branch forked); ``needs``
  lists them in the order to pick them (Linux stable writes them as ``Stable-dep-of:``);
- ``conflict``: it conflicts even then; ``conflicts`` names the paths.

A chain of picks is merged tree after tree; the trees it writes go to a scratch object
store (a temporary repository borrowing the user's objects through ``alternates``),
removed afterwards. Answers are kept by (fix, branch tip) in the git cache.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import pygit2

from relplan.planner.git.repo import Repo
from relplan.planner.git.rows import ScanResult
from relplan.planner.git.store import GitStore

MAX_NEEDS = 12
"""A fix needing more earlier commits than this is reported as a conflict."""
_DEPTH = 3  # rounds of "the prerequisite needs its own prerequisites"


@dataclass(slots=True)
class BranchFacts:
    """What the applicability pass needs to know about one scanned branch."""

    tip: str
    bases: list[str]
    native: Callable[[str], bool]
    picked: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Answer:
    """Will one fix apply to one branch tip (see the module docstring)."""

    apply: str
    conflicts: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The answer as stored in the cache."""
        return {"apply": self.apply, "conflicts": list(self.conflicts), "needs": list(self.needs)}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Answer:
        """An answer read back from the cache."""
        conflicts = data.get("conflicts") or []
        needs = data.get("needs") or []
        assert isinstance(conflicts, list) and isinstance(needs, list)
        return cls(str(data["apply"]), tuple(map(str, conflicts)), tuple(map(str, needs)))


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
    pairs = [(r.fix, branches[r.branch].tip) for _, r in todo]
    known = {k: Answer.from_json(v) for k, v in store.applies(pairs).items()}
    fresh: dict[tuple[str, str], Answer] = {}
    unreadable: set[str] = set()
    missing = [(i, r) for i, r in todo if (r.fix, branches[r.branch].tip) not in known]
    if missing:
        with _engine(repo, order) as engine:
            for _, r in missing:
                facts = branches[r.branch]
                try:
                    fresh[(r.fix, facts.tip)] = engine.answer(r.fix, facts)
                except (KeyError, ValueError, pygit2.GitError):
                    unreadable.add(r.fix)  # an object is missing: no answer, never a guess
        store.put_applies({k: a.to_json() for k, a in fresh.items()})
    answers = {**known, **fresh}
    for i, r in todo:
        a = answers.get((r.fix, branches[r.branch].tip))
        if a is not None:
            result.rows[i] = replace(r, apply=a.apply, conflicts=a.conflicts, needs=a.needs)
    if unreadable:
        result.warnings.append(
            f"will it apply: {len(unreadable)} fix(es) have objects this repository cannot "
            "read; no answer for them"
        )


@contextmanager
def _engine(repo: Repo, order: dict[str, int]) -> Iterator[_Engine]:
    objects = Path(repo.git(["rev-parse", "--git-path", "objects"]).strip())
    if not objects.is_absolute():
        objects = (repo.path / objects).resolve()
    with tempfile.TemporaryDirectory(prefix="relplan-apply-") as tmp:
        scratch = pygit2.init_repository(tmp, bare=True)
        (Path(tmp) / "objects" / "info" / "alternates").write_text(f"{objects}\n")
        scratch = pygit2.Repository(tmp)  # reopened: it now reads the user's objects
        yield _Engine(repo, scratch, order)
        scratch.free()


class _Engine:
    """Picks fixes onto trees in memory; trees of chains go to the scratch store."""

    def __init__(self, repo: Repo, scratch: pygit2.Repository, order: dict[str, int]) -> None:
        self.repo, self.odb, self.order = repo, scratch, order

    def answer(self, fix: str, facts: BranchFacts) -> Answer:
        """Will ``fix`` apply to the branch described by ``facts``."""
        tip = self.odb[facts.tip].peel(pygit2.Tree)
        first = self._pick(fix, tip)
        if not first.conflicts:
            return Answer("applied" if _unchanged(first, tip) else "clean")
        paths = _conflict_paths(first)
        needs = self._prerequisites(fix, paths, facts)
        if needs:
            return Answer("needs", paths, needs)
        return Answer("conflict", paths)

    def _pick(self, sha: str, onto: pygit2.Tree) -> pygit2.Index:
        commit = self.odb[sha].peel(pygit2.Commit)
        base = commit.parents[0].tree if commit.parents else self.odb.TreeBuilder().write()
        if not isinstance(base, pygit2.Tree):
            base = self.odb[base].peel(pygit2.Tree)
        return self.odb.merge_trees(base, onto, commit.tree)

    def _chain(self, shas: list[str], tip: pygit2.Tree) -> tuple[pygit2.Tree, str | None]:
        """Pick ``shas`` one after another onto ``tip``: the tree, or the first that conflicts."""
        tree = tip
        for sha in shas:
            idx = self._pick(sha, tree)
            if idx.conflicts:
                return tree, sha
            tree = self.odb[idx.write_tree(self.odb)].peel(pygit2.Tree)
        return tree, None

    def _prerequisites(self, fix: str, paths: tuple[str, ...], facts: BranchFacts) -> tuple[str, ...]:
        """The earlier missing commits after which ``fix`` applies, oldest first; () when
        none (or too many) do."""
        tip = self.odb[facts.tip].peel(pygit2.Tree)
        needs: set[str] = set()
        blame_of = [fix]
        for _ in range(_DEPTH):
            for sha in blame_of:
                needs |= self._touching(sha, facts)
            needs.discard(fix)
            if not needs or len(needs) > MAX_NEEDS:
                return ()
            chain = sorted(needs, key=lambda s: -self.order.get(s, -1))
            tree, stuck = self._chain(chain, tip)
            if stuck is None:
                final = self._pick(fix, tree)
                if not final.conflicts:
                    return tuple(chain)
                blame_of = [fix]  # the fix still conflicts: nothing new to learn
                return ()
            blame_of = [stuck]  # a prerequisite needs its own
        return ()

    def _touching(self, sha: str, facts: BranchFacts) -> set[str]:
        """Main-line commits missing on the branch that last changed the lines ``sha``
        changes (and the lines next to them), in the files it changes."""
        commit = self.odb[sha].peel(pygit2.Commit)
        if len(commit.parents) != 1:
            return set()
        parent = commit.parents[0]
        diff = self.odb.diff(parent, commit, context_lines=0)
        found: set[str] = set()
        for patch in diff:
            path = patch.delta.old_file.path
            if patch.delta.status != pygit2.enums.DeltaStatus.MODIFIED:
                continue
            ranges = [
                f"-L{max(1, h.old_start - 1)},{h.old_start + max(h.old_lines, 1)}"
                for h in patch.hunks
            ]
            found |= self._blame(str(parent.id), path, ranges, facts)
        return {s for s in found if not facts.native(s) and s not in facts.picked}

    def _blame(self, rev: str, path: str, ranges: list[str], facts: BranchFacts) -> set[str]:
        stops = [f"^{b}" for b in facts.bases]
        out = self.repo.try_git(["blame", "--porcelain", *ranges, rev, *stops, "--", path])
        if not out:
            return set()
        shas = set()
        for line in out.splitlines():
            head = line.split(" ", 1)[0]
            if len(head) == 40 and not line.startswith("\t"):
                shas.add(head)
        return {s for s in shas if s in self.order}


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
