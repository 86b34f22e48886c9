"""Read-only, batched access to a git repository through the ``git`` command.

Every query is one ``git`` process for many commits (``git log --format``,
``git rev-list``, ``git cat-file --batch-check``, ``git patch-id --stable``),
never a process per commit. Nothing here writes to the repository: no fetch,
no gc, no index refresh (``GIT_OPTIONAL_LOCKS=0``), no config changes.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from relplan.planner.domain.errors import Problem, SourceError

#: Separators for ``--format`` output: unit (field) and record separators.
US, RS = "\x1f", "\x1e"

_GIT_ENV = {
    "GIT_OPTIONAL_LOCKS": "0",  # never refresh the index or take optional locks
    "GIT_NO_LAZY_FETCH": "1",  # a partial clone must not fetch missing objects (git >= 2.44)
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_PAGER": "cat",
    "LC_ALL": "C",
}
_READ_ONLY_CONFIG = (
    "-c",
    "core.fsmonitor=false",
    "-c",
    "log.showSignature=false",
    "-c",
    "gc.auto=0",
    "-c",
    "maintenance.auto=false",
    "-c",
    "core.quotePath=false",
)


_BISECT_BUDGET = 64  # failed diffs spent finding unreadable commits, per batch


class _DiffFailed(Exception):
    """``git diff-tree`` could not produce a diff (an object it needs is unreadable)."""


@dataclass(frozen=True, slots=True)
class Commit:
    """One commit as read by :meth:`Repo.commits`."""

    sha: str
    parents: tuple[str, ...]
    date: int
    subject: str
    body: str


class Repo:
    """A git repository opened read-only; raises :class:`SourceError` if it is not one."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise SourceError(Problem("no such directory", file=str(path), hint="--repo PATH"))
        self._env = {**os.environ, **_GIT_ENV}
        proc = self._proc(["rev-parse", "--git-dir", "--is-bare-repository"], check=False)
        if proc.returncode != 0:
            raise SourceError(
                Problem(
                    "not a git repository",
                    file=str(path),
                    hint="point --repo at a clone (normal or bare) of the project",
                )
            )
        lines = proc.stdout.split("\n")
        self.git_dir = (self.path / lines[0]).resolve()
        self.bare = lines[1].strip() == "true"
        shallow = self.git(["rev-parse", "--is-shallow-repository"]).strip()
        self.shallow = shallow == "true"

    def shallow_commits(self) -> set[str]:
        """Commits whose parents a shallow clone did not fetch (empty for a full clone)."""
        path = self.git_dir / "shallow"
        if not self.shallow or not path.exists():
            return set()
        return set(path.read_text().split())

    # -- process plumbing -------------------------------------------------
    def _proc(
        self, args: Sequence[str], *, stdin: str | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        cmd = ["git", *_READ_ONLY_CONFIG, "-C", str(self.path), *args]
        try:
            proc = subprocess.run(
                cmd,
                input=stdin,
                capture_output=True,
                env=self._env,
                text=True,
                encoding="utf-8",
                errors="replace",
            )
        except FileNotFoundError:
            raise SourceError(Problem("git is not installed", hint="install git")) from None
        if check and proc.returncode != 0:
            err = proc.stderr.strip().splitlines()
            raise SourceError(
                Problem(
                    f"git {args[0]} failed: {err[-1] if err else proc.returncode}",
                    file=str(self.path),
                )
            )
        return proc

    def git(self, args: Sequence[str], *, stdin: str | None = None) -> str:
        """Run one git command in the repository and return its standard output."""
        return self._proc(args, stdin=stdin).stdout

    # -- names and refs ---------------------------------------------------
    def resolve(self, name: str, *, what: str = "branch") -> str:
        """The commit a branch, tag or revision names; SourceError when it names none."""
        candidates = [name]
        if not name.startswith("refs/"):
            candidates += [f"refs/heads/{name}", f"refs/remotes/origin/{name}", f"refs/tags/{name}"]
        for cand in candidates:
            proc = self._proc(
                ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{cand}^{{commit}}"],
                check=False,
            )
            if proc.returncode == 0 and proc.stdout.strip():
                return proc.stdout.strip()
        raise SourceError(
            Problem(
                f"unknown {what} {name!r}",
                file=str(self.path),
                hint="list them with `git branch -a`" + ("" if what == "branch" else " or tags"),
            )
        )

    def has_ref(self, name: str) -> bool:
        """True when ``name`` resolves to a commit."""
        try:
            self.resolve(name)
        except SourceError:
            return False
        return True

    def try_git(self, args: Sequence[str], *, stdin: str | None = None) -> str | None:
        """Standard output of a git command, or None when it fails."""
        proc = self._proc(args, stdin=stdin, check=False)
        return proc.stdout if proc.returncode == 0 else None

    def count(self, rev: str) -> int:
        """How many commits ``rev`` reaches."""
        return int(self.try_git(["rev-list", "--count", rev, "--"]) or 0)

    def merge_bases(self, a: str, b: str) -> list[str]:
        """All best common ancestors of two commits (empty when histories are unrelated)."""
        proc = self._proc(["merge-base", "--all", a, b], check=False)
        return proc.stdout.split() if proc.returncode == 0 else []

    def octopus_base(self, shas: Sequence[str]) -> str | None:
        """One common ancestor of all ``shas``, or None."""
        if len(shas) == 1:
            return shas[0]
        proc = self._proc(["merge-base", "--octopus", *shas], check=False)
        out = proc.stdout.split()
        return out[0] if proc.returncode == 0 and out else None

    # -- batched queries --------------------------------------------------
    def commits(
        self,
        revs: Sequence[str],
        *,
        grep: Sequence[str] = (),
        fixed: bool = False,
        extra: Sequence[str] = (),
    ) -> Iterator[Commit]:
        """Commits reachable from ``revs`` (``^X`` excludes), optionally filtered by
        extended regular expressions (or ``fixed`` strings) on the message, any of
        them matching, ignoring case; in one process."""
        fmt = f"%H{US}%P{US}%ct{US}%s{US}%B{RS}"
        args = ["log", "--no-color", "--no-mailmap", f"--format={fmt}", *extra]
        if grep:
            args += ["-F" if fixed else "-E", "-i", *(f"--grep={g}" for g in grep)]
        out = self.git([*args, *revs, "--"])
        for rec in out.split(RS):
            rec = rec.lstrip("\n")
            if not rec:
                continue
            sha, parents, date, subject, body = rec.split(US, 4)
            yield Commit(sha, tuple(parents.split()), int(date), subject, body)

    def rev_list_parents(self, revs: Sequence[str]) -> list[list[str]]:
        """``[sha, parent...]`` for every commit in ``revs``, children before parents."""
        out = self.git(["rev-list", "--topo-order", "--parents", *revs, "--"])
        return [line.split() for line in out.splitlines() if line]

    def rev_list(self, revs: Sequence[str]) -> list[str]:
        """Commit ids reachable from ``revs`` (``^X`` excludes)."""
        return self.git(["rev-list", *revs, "--"]).split()

    def resolve_many(self, names: Iterable[str]) -> dict[str, str | None]:
        """Full commit ids of many (possibly abbreviated) names in one ``cat-file`` call.

        Missing, ambiguous or non-commit names map to None.
        """
        uniq = sorted(set(names))
        if not uniq:
            return {}
        query = "".join(f"{n}^{{commit}}\n" for n in uniq)
        out = self.git(["cat-file", "--batch-check"], stdin=query)
        result: dict[str, str | None] = {}
        for name, line in zip(uniq, out.splitlines(), strict=True):
            parts = line.split()
            ok = len(parts) == 3 and parts[1] == "commit"
            result[name] = parts[0] if ok else None
        return result

    def changed_paths(self, shas: Iterable[str]) -> dict[str, frozenset[str]] | None:
        """The paths each commit changes against its first parent, in one ``diff-tree``;
        None when a tree cannot be read."""
        todo = list(dict.fromkeys(shas))
        if not todo:
            return {}
        out = self.try_git(
            [
                "diff-tree",
                "--stdin",
                "--always",
                "--root",
                "-r",
                "--name-only",
                "--no-renames",
                "-z",
            ],
            stdin="".join(f"{s}\n" for s in todo),
        )
        if out is None:
            return None
        result: dict[str, frozenset[str]] = {}
        upcoming = iter(todo)  # commits come out in input order
        expected, sha = next(upcoming, None), ""
        current: list[str] = []
        for name in out.split("\0"):
            name = name.strip("\n")
            if name and name == expected:
                if sha:
                    result[sha] = frozenset(current)
                sha, current, expected = name, [], next(upcoming, None)
            elif name:
                current.append(name)
        if sha:
            result[sha] = frozenset(current)
        return result

    def patch_ids(self, shas: Iterable[str], *, jobs: int = 2) -> tuple[dict[str, str], set[str]]:
        """``git patch-id --stable`` of many commits: commit id -> patch id, and the
        commits whose objects cannot be read (a damaged or partial clone), left out.

        The commits are split into ``jobs`` batches diffed concurrently, each by one
        ``git diff-tree --stdin -p`` piped into one ``git patch-id``. A batch that hits
        an unreadable object is sorted out with a few more processes (see
        :meth:`_readable_patch_ids`), never one per commit.
        """
        todo = list(dict.fromkeys(shas))
        if not todo:
            return {}, set()
        size = -(-len(todo) // max(1, jobs))
        batches = [todo[i : i + size] for i in range(0, len(todo), size)]
        result: dict[str, str] = {}
        unreadable: set[str] = set()
        with ThreadPoolExecutor(max_workers=len(batches)) as pool:
            for part, bad in pool.map(self._readable_patch_ids, batches):
                result.update(part)
                unreadable |= bad
        return result, unreadable

    def _readable_patch_ids(self, shas: list[str]) -> tuple[dict[str, str], set[str]]:
        """Patch ids of a batch; on a failure, first the commits whose blobs are missing
        are found (one ``--raw`` diff and one ``cat-file``), then the rest is bisected."""
        try:
            return self._patch_ids(shas), set()
        except _DiffFailed:
            pass
        bad = self._missing_blobs(shas) or set()
        found: dict[str, str] = {}
        budget = [_BISECT_BUDGET]
        self._bisect([s for s in shas if s not in bad], found, bad, budget)
        return found, bad

    def _bisect(
        self, shas: list[str], found: dict[str, str], bad: set[str], budget: list[int]
    ) -> None:
        if not shas:
            return
        if budget[0] <= 0:
            bad.update(shas)  # a badly damaged clone: stop spending processes
            return
        try:
            found.update(self._patch_ids(shas))
            return
        except _DiffFailed:
            budget[0] -= 1
        if len(shas) == 1:
            bad.add(shas[0])
            return
        half = len(shas) // 2
        self._bisect(shas[:half], found, bad, budget)
        self._bisect(shas[half:], found, bad, budget)

    def _missing_blobs(self, shas: list[str]) -> set[str] | None:
        """Commits whose changed files include a blob the repository lacks; None when
        even the trees cannot be read."""
        proc = self._proc(
            ["diff-tree", "--stdin", "--root", "-r", "--raw", "--no-abbrev", "--no-renames"]
            + ["-z", "--always"],
            stdin="".join(f"{s}\n" for s in shas),
            check=False,
        )
        if proc.returncode != 0:
            return None
        blobs: dict[str, set[str]] = {}
        asked, commit = set(shas), ""
        for token in proc.stdout.split("\0"):
            token = token.strip("\n")
            if token.startswith(":"):
                modes_ids = token[1:].split()
                if len(modes_ids) >= 4:
                    for mode, oid in ((modes_ids[0], modes_ids[2]), (modes_ids[1], modes_ids[3])):
                        if mode != "160000" and oid.strip("0"):
                            blobs.setdefault(oid, set()).add(commit)
            elif token in asked:
                commit = token
        if not blobs:
            return set()
        out = self._proc(["cat-file", "--batch-check"], stdin="".join(f"{b}\n" for b in blobs))
        missing = {line.split()[0] for line in out.stdout.splitlines() if line.endswith(" missing")}
        return {c for b in missing for c in blobs.get(b, ())}

    def _patch_ids(self, shas: list[str]) -> dict[str, str]:
        diff = self._proc(
            ["diff-tree", "--stdin", "--root", "-p", "--no-color", "--no-renames", "--no-ext-diff"],
            stdin="".join(f"{s}\n" for s in shas),
            check=False,
        )
        if diff.returncode != 0:
            raise _DiffFailed(diff.stderr.strip())
        out = self._proc(["patch-id", "--stable"], stdin=diff.stdout).stdout
        result: dict[str, str] = {}
        for line in out.splitlines():
            pid, _, sha = line.partition(" ")
            result[sha.strip()] = pid
        return result

    def show_files(self, specs: Sequence[str]) -> dict[str, str | None]:
        """The text of many ``REV:PATH`` blobs in one ``git cat-file --batch``; None for a
        spec that names no blob (no such branch, no such file)."""
        uniq = list(dict.fromkeys(specs))
        if not uniq:
            return {}
        cmd = ["git", *_READ_ONLY_CONFIG, "-C", str(self.path), "cat-file", "--batch"]
        stdin = "".join(f"{s}\n" for s in uniq).encode()
        proc = subprocess.run(cmd, input=stdin, capture_output=True, env=self._env)
        if proc.returncode != 0:
            raise SourceError(Problem("git cat-file failed", file=str(self.path)))
        out, pos = proc.stdout, 0
        result: dict[str, str | None] = {}
        for spec in uniq:
            end = out.index(b"\n", pos)
            header = out[pos:end].split()
            pos = end + 1
            if len(header) != 3 or header[1] != b"blob":
                size = int(header[2]) + 1 if len(header) == 3 else 0
                pos += size  # a tree or commit named by mistake: skip its body
                result[spec] = None
                continue
            size = int(header[2])
            result[spec] = out[pos : pos + size].decode("utf-8", errors="replace")
            pos += size + 1
        return result

    def tags(self) -> list[tuple[str, str, int]]:
        """Every tag as ``(name, commit id, date)``: tagger date, else the commit date."""
        fmt = "%00".join(
            (
                "%(refname:short)",
                "%(*objectname)",
                "%(objectname)",
                "%(taggerdate:unix)",
                "%(*committerdate:unix)",
                "%(committerdate:unix)",
            )
        )
        out = self.git(["for-each-ref", f"--format={fmt}", "refs/tags"])
        tags: list[tuple[str, str, int]] = []
        for line in out.splitlines():
            name, peeled, obj, tagger, peeled_date, cdate = line.split("\0")
            date = tagger or cdate or peeled_date
            tags.append((name, peeled or obj, int(date) if date else 0))
        return tags

    def branches(self) -> list[str]:
        """Local branch names, and remote ones (``origin/x``) where no local one exists."""
        out = self.git(["for-each-ref", "--format=%(refname)", "refs/heads", "refs/remotes"])
        names: list[str] = []
        for ref in out.splitlines():
            if ref.endswith("/HEAD"):
                continue
            names.append(ref.removeprefix("refs/heads/").removeprefix("refs/remotes/"))
        return names
