"""The upstream branch of a scan when none is named: the repository's main line.

Never a stable branch: a bare mirror whose HEAD points at ``v255-stable`` is
still scanned against ``main``. In order: ``main``, ``master``, what
``origin/HEAD`` points at, ``origin/main``, ``origin/master``, HEAD's branch;
the first that exists and does not look like a stable branch wins. Failing
those, the branch the stable branches fork from (the one whose merge bases
with them are most distinct, then the longest). The answer says which and why.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from relplan.planner.domain.errors import Problem, SourceError
from relplan.planner.domain.series import series_in
from relplan.planner.git.repo import Repo

_VERSION = re.compile(r"\d+\.\d+")
_STABLE_WORD = re.compile(r"(?:^|[-/_.])(?:stable|maint|lts)(?:$|[-/_.])", re.I)
_FALLBACK_LIMIT = 24  # candidates compared by merge base when no usual name exists


@dataclass(frozen=True, slots=True)
class Upstream:
    """The branch used as upstream and why it was chosen (said to the user)."""

    name: str
    reason: str


def looks_stable(name: str, pattern: str | None = None, stable: Sequence[str] = ()) -> bool:
    """True for a branch that is, or is named like, a stable branch: one of ``stable``,
    a match of ``pattern`` (``stable-{series}``), a name with a version (``release/3.12``,
    ``linux-5.10.y``) or the word stable (``v255-stable``)."""
    short = name.removeprefix("refs/heads/").removeprefix("refs/remotes/")
    bare = short.removeprefix("origin/")
    if short in stable or bare in stable or name in stable:
        return True
    if pattern and series_in(pattern, bare) is not None:
        return True
    return bool(_VERSION.search(bare) or _STABLE_WORD.search(bare))


def find_upstream(repo: Repo, stable: Sequence[str] = (), pattern: str | None = None) -> Upstream:
    """The repository's main line, never a stable branch (see the module docstring)."""
    head = _symbolic(repo, "HEAD")
    origin_head = _symbolic(repo, "refs/remotes/origin/HEAD")
    candidates = [
        ("main", "the main line"),
        ("master", "the main line"),
        (origin_head, "what origin/HEAD points at"),
        ("origin/main", "the main line"),
        ("origin/master", "the main line"),
        (head, "HEAD of the bare repository" if repo.bare else "the checked-out branch"),
    ]
    note = ""
    if head and looks_stable(head, pattern, stable):
        note = f"; HEAD is {head!r}, a stable branch"
    for name, why in candidates:
        if name and not looks_stable(name, pattern, stable) and repo.has_ref(name):
            return Upstream(name, why + note)
    others = [b for b in repo.branches() if not looks_stable(b, pattern, stable)]
    best = _forks_from(repo, others[:_FALLBACK_LIMIT], stable)
    if best:
        return Upstream(best, "the branch the stable branches fork from" + note)
    raise SourceError(
        Problem(
            "cannot tell the upstream branch: every branch looks like a stable branch",
            file=str(repo.path),
            hint="pass --upstream BRANCH or set [git] upstream",
        )
    )


def main_line_name(repo_path: str, upstream: str | None, pattern: str | None) -> str:
    """The branch name of a plan's main line, where its next series is developed: the
    config's ``[git] upstream``, else the repository's main line as a backport scan finds
    it (``master`` for Xen, ``main`` for CPython), named without its remote."""
    name = upstream or find_upstream(Repo(repo_path), pattern=pattern).name
    return name.removeprefix("refs/heads/").removeprefix("refs/remotes/").removeprefix("origin/")


def _symbolic(repo: Repo, ref: str) -> str:
    out = repo.try_git(["symbolic-ref", "--quiet", ref])
    return out.strip().removeprefix("refs/heads/").removeprefix("refs/remotes/") if out else ""


def _forks_from(repo: Repo, candidates: list[str], stable: Sequence[str]) -> str | None:
    """The candidate whose merge bases with the stable branches are most distinct
    (the main line has one per branch), then the one with the most commits."""
    if not candidates:
        return None
    if not stable:
        return max(candidates, key=lambda b: repo.count(b))
    scored = []
    for b in candidates:
        bases = {tuple(repo.merge_bases(b, s)) for s in stable}
        bases.discard(())
        scored.append((len(bases), repo.count(b), b))
    best = max(scored)
    return best[2] if best[0] else None
