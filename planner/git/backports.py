"""Which upstream fixes still have to reach which stable branch, from git history alone.

For every stable branch, an upstream commit (one not in the branch's own history)
is reported when it was picked there (**done**: by marker, followed along pick
chains to the upstream commit, or by an identical ``git patch-id --stable``
without a marker), when a culprit it names ships in the branch (**required**
unless done: ``Fixes:``, ``Follow-up for``, a revert's target, ... as the
project's conventions say, see :mod:`relplan.planner.git.conventions`), or when it
carries a backport request covering the branch's series (**required**). A fix
reverted upstream is not required; a pick reverted on the branch is not done.
A whole scan costs a fixed handful of git processes, whatever the number of
commits (see :mod:`relplan.planner.git.repo`).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from relplan.planner.domain.errors import Problem, SourceError
from relplan.planner.domain.model import BackportState
from relplan.planner.git.conventions import Conventions
from relplan.planner.git.markers import (
    FixRef,
    Markers,
    Pick,
    Request,
    default_conventions,
    parse_message,
    parse_stable,
)
from relplan.planner.git.patchid import match_patch_ids
from relplan.planner.git.picks import Branch, index_picks, pick_names
from relplan.planner.git.repo import Commit, Repo
from relplan.planner.git.rows import (
    BackportRow,
    BranchTarget,
    ScanResult,
    TrackerRequest,
    series_from_branch,
)

__all__ = [
    "BackportRow",
    "BranchTarget",
    "ScanResult",
    "TrackerRequest",
    "scan",
    "series_from_branch",
]

_NOT_WANTED = (BackportState.DONTNEED, BackportState.WONTFIX)
_LENIENT = "reword the commit (without --strict it is a warning and the mark is skipped)"
_UNSHALLOW = "run `git fetch --unshallow` (relplan never fetches)"
_UNREADABLE = (
    "{n} commit(s) have objects this repository cannot read (a damaged or partial clone): "
    "patch-id skipped for them; markers and ancestry still answer"
)


def scan(
    repo: Repo,
    upstream: str,
    targets: Sequence[BranchTarget],
    *,
    strict: bool = True,
    patch_id: bool = True,
    tracker: Sequence[TrackerRequest] = (),
    conventions: Conventions | None = None,
) -> ScanResult:
    """Scan ``targets`` against ``upstream``; rows per branch, pending ones first.

    ``strict`` turns unparsable backport marks into a :class:`SourceError`
    (otherwise they become warnings); ``patch_id`` matches unmarked picks;
    ``tracker`` adds fix commits the tracker asks backports for; ``conventions``
    are the patterns read (default: every built-in preset).
    """
    conv = conventions or default_conventions()
    up = repo.resolve(upstream, what="upstream branch")
    branches = _open_branches(repo, up, upstream, targets)
    base = repo.octopus_base([b for br in branches for b in br.bases])
    stop = [f"^{base}"] if base else []
    fixes, dag = _read_history(repo, up, stop, conv.grep())
    _check_cut(repo, upstream, branches, dag)
    result = ScanResult(upstream, list(targets))
    parsed = {c.sha: parse_message(c.body, conv) for c in fixes}
    for br in branches:
        br.marks = {c.sha: parse_stable(c.subject, c.body, conv) for c in br.own}
    _count_uses(result, parsed, branches)
    _check_problems(
        result,
        strict,
        [(c, parsed[c.sha]) for c in fixes]
        + [(c, br.marks[c.sha]) for br in branches for c in br.own],
    )
    names = {f.culprit for m in parsed.values() for f in m.fixes} | pick_names(branches)
    resolved = repo.resolve_many(names | {t.commit for t in tracker})
    masks = _containment(dag, branches)
    index_picks(repo, conv, branches, resolved, masks)
    asked = _tracker_commits(repo, conv, tracker, resolved, fixes, parsed, result)
    culprit_in = _Culprits(repo, base, masks, branches, resolved, result)
    undone = _upstream_reverts(parsed, resolved, masks)
    for i, br in enumerate(branches):
        result.rows.extend(_rows_for(br, i, fixes, parsed, culprit_in, asked, undone))
    if patch_id:
        result.rows, unreadable = match_patch_ids(
            repo, result.rows, _unmarked(result.rows, branches)
        )
        if unreadable:
            result.unreadable = len(unreadable)
            result.warnings.append(_UNREADABLE.format(n=len(unreadable)))
    result.rows.sort(key=lambda r: (_order(branches, r.branch), not r.state.is_pending))
    return result


def _count_uses(result: ScanResult, parsed: dict[str, Markers], branches: list[Branch]) -> None:
    """Count, per pattern, the commits it matched (a commit on two branches counts once)."""
    counts = result.conventions.counts
    for m in parsed.values():
        counts.update(m.matched)
    seen: set[str] = set()
    for br in branches:
        for sha, m in br.marks.items():
            if m.matched and sha not in seen:
                seen.add(sha)
                counts.update(m.matched)


def _upstream_reverts(
    parsed: dict[str, Markers], resolved: dict[str, str | None], upstream: dict[str, int]
) -> dict[str, str]:
    """Upstream commit -> the upstream commit that reverts it (a revert reverted restores)."""
    by: dict[str, str] = {}
    for sha, m in parsed.items():
        for name in m.reverts:
            target = resolved.get(name) or name
            if target in upstream:
                by.setdefault(target, sha)

    def stands(revert: str, depth: int = 0) -> bool:
        undo = by.get(revert)
        return undo is None or depth > 8 or not stands(undo, depth + 1)

    return {target: rev for target, rev in by.items() if stands(rev)}


def _tracker_commits(
    repo: Repo,
    conv: Conventions,
    tracker: Sequence[TrackerRequest],
    resolved: dict[str, str | None],
    fixes: list[Commit],
    parsed: dict[str, Markers],
    result: ScanResult,
) -> dict[str, list[TrackerRequest]]:
    """Full id -> tracker requests; adds commits the history filter skipped to ``fixes``."""
    asked: dict[str, list[TrackerRequest]] = {}
    for t in tracker:
        sha = resolved.get(t.commit) if len(t.commit) < 40 else resolved.get(t.commit, t.commit)
        result.resolved[t.commit] = sha
        if sha is None:
            result.warnings.append(f"{t.item}: fix commit {t.commit} is not in the repository")
            continue
        asked.setdefault(sha, []).append(t)
    missing = [sha for sha in asked if sha not in parsed]
    if missing:
        for c in repo.commits(missing, extra=["--no-walk=unsorted"]):
            fixes.append(c)
            parsed[c.sha] = parse_message(c.body, conv)
    return asked


def _order(branches: list[Branch], name: str) -> int:
    return next(i for i, b in enumerate(branches) if b.target.name == name)


def _open_branches(
    repo: Repo, up: str, upstream: str, targets: Sequence[BranchTarget]
) -> list[Branch]:
    """Every branch's own commits (one ``git log`` for all) and its bases: the upstream
    commits its own commits grow from, whose ancestors are exactly what it shares."""
    tips = [repo.resolve(t.name) for t in targets]
    every = list(repo.commits([*tips, f"^{up}"])) if tips else []
    by_sha = {c.sha: c for c in every}
    branches = []
    for t, tip in zip(targets, tips, strict=True):
        mine, bases = _walk(tip, by_sha)
        if not bases:
            raise SourceError(_no_shared_history(repo, t.name, upstream))
        branches.append(Branch(t, tip, bases, [c for c in every if c.sha in mine]))
    return branches


def _walk(tip: str, own: dict[str, Commit]) -> tuple[set[str], list[str]]:
    mine: set[str] = set()
    bases: dict[str, None] = {}
    stack = [tip]
    while stack:
        sha = stack.pop()
        if sha in mine or sha in bases:
            continue
        if sha not in own:
            bases[sha] = None
            continue
        mine.add(sha)
        stack.extend(own[sha].parents)
    return mine, list(bases)


def _no_shared_history(repo: Repo, name: str, upstream: str) -> Problem:
    if repo.shallow:
        return Problem(
            f"shallow clone cannot answer: {name!r} and {upstream!r} share no fetched history",
            file=str(repo.path),
            hint=_UNSHALLOW,
        )
    return Problem(
        f"branch {name!r} shares no history with {upstream!r}",
        file=str(repo.path),
        hint="is --upstream the branch the stable branches were cut from?",
    )


def _check_cut(repo: Repo, upstream: str, branches: list[Branch], dag: list[list[str]]) -> None:
    """A shallow clone answers only when its cut lies below everything a scan reads."""
    cut = repo.shallow_commits()
    if not cut:
        return
    for name, shas in [(upstream, [line[0] for line in dag])] + [
        (br.target.name, [c.sha for c in br.own]) for br in branches
    ]:
        hit = next((s for s in shas if s in cut), None)
        if hit:
            raise SourceError(
                Problem(
                    f"shallow clone cannot answer: history of {name!r} is cut at {hit[:12]}, "
                    "above where the stable branches were cut",
                    file=str(repo.path),
                    hint=_UNSHALLOW,
                )
            )


def _read_history(
    repo: Repo, up: str, stop: list[str], grep: Sequence[str] | None
) -> tuple[list[Commit], list[list[str]]]:
    """Upstream commits that may carry marks (those with one of the conventions' words,
    or every one when a pattern has none) and the upstream graph since the oldest
    branch point, read by two concurrent git processes."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        fixes_f = pool.submit(_list_commits, repo, [up, *stop], grep or ())
        dag_f = pool.submit(repo.rev_list_parents, [up, *stop])
        return fixes_f.result(), dag_f.result()


def _list_commits(repo: Repo, revs: list[str], grep: Sequence[str]) -> list[Commit]:
    return list(repo.commits(revs, grep=grep, fixed=True))


def _check_problems(result: ScanResult, strict: bool, parsed: list[tuple[Commit, Markers]]) -> None:
    problems = [
        Problem(f"commit {c.sha[:12]} ({c.subject[:50]!r}): {text}", hint=_LENIENT)
        for c, m in parsed
        for text in m.problems
    ]
    if problems and strict:
        raise SourceError(problems)
    result.warnings.extend(str(p) for p in problems)


def _containment(dag: list[list[str]], branches: list[Branch]) -> dict[str, int]:
    """Bit i of ``masks[sha]`` is set when an upstream commit ships in branch i."""
    masks: dict[str, int] = {}
    for i, br in enumerate(branches):
        for b in br.bases:
            masks[b] = masks.get(b, 0) | (1 << i)
    for line in dag:  # children come before their parents
        m = masks.get(line[0], 0)
        if m:
            for parent in line[1:]:
                masks[parent] = masks.get(parent, 0) | m
    for line in dag:
        masks.setdefault(line[0], 0)
    return masks


class _Culprits:
    """Answers "does this culprit ship in branch i", resolving abbreviations once."""

    def __init__(
        self,
        repo: Repo,
        base: str | None,
        masks: dict[str, int],
        branches: list[Branch],
        resolved: dict[str, str | None],
        result: ScanResult,
    ) -> None:
        self.masks, self.branches, self.resolved = masks, branches, resolved
        self.own = [{c.sha for c in br.own} for br in branches]
        outside = {s for s in resolved.values() if s and s not in masks}
        outside -= set().union(*self.own) if self.own else set()
        # commits neither upstream since the branch points nor on a branch: older history
        newer = set(repo.rev_list([*outside, f"^{base}"])) if outside and base else outside
        self.ancient = outside - newer
        self.repo, self.result = repo, result

    def native(self, sha: str, i: int) -> bool:
        """True when an upstream commit is in branch i's own history (it ships there)."""
        return bool(self.masks.get(sha, 0) >> i & 1) or sha in self.ancient

    def where(self, culprit: str, i: int) -> str | None:
        """How the culprit ships in branch i ("" natively, "as <sha>" when picked), or None
        (not there, or reverted there)."""
        sha = self.resolved.get(culprit) if len(culprit) < 40 else culprit
        if sha is None or sha in self.branches[i].dropped:
            return None
        if self.masks.get(sha, 0) >> i & 1 or sha in self.own[i] or sha in self.ancient:
            return ""
        picked = self.branches[i].picks.get(sha)
        return f" (backported as {picked[0][:12]})" if picked else None

    def unknown(self, culprit: str) -> bool:
        """True when the culprit names no commit in the repository."""
        return len(culprit) < 40 and self.resolved.get(culprit) is None


def _rows_for(
    br: Branch,
    i: int,
    fixes: list[Commit],
    parsed: dict[str, Markers],
    culprits: _Culprits,
    asked: dict[str, list[TrackerRequest]],
    undone: dict[str, str],
) -> list[BackportRow]:
    rows: list[BackportRow] = []
    seen: set[str] = set()
    t = br.target
    for c in fixes:
        if culprits.native(c.sha, i):
            if c.sha in asked:
                culprits.result.native.setdefault(c.sha, set()).add(t.name)
            continue  # in the branch's own history already
        m = parsed[c.sha]
        why = _why_needed(c, m, br, i, culprits)
        why = "; ".join(x for x in (why, _tracker_says(asked.get(c.sha, []), t)) if x)
        picked = br.picks.get(c.sha) or _same_revert(m, br, culprits.resolved)
        reverted = br.reverted.get(c.sha)
        if not (picked or reverted) and (not why or (t.security_only and not m.security)):
            continue
        seen.add(c.sha)
        rows.append(_row(c.sha, c.subject, t, picked, why, m, reverted, undone.get(c.sha)))
    subjects = {c.sha: c.subject for c in br.own}
    for sha, picked in br.picks.items():
        if sha not in seen and not culprits.native(sha, i):
            rows.append(_row(sha, subjects[picked[0]], t, picked, "", None, None, undone.get(sha)))
    for sha, reverted in br.reverted.items():
        if sha not in seen and not culprits.native(sha, i):
            rows.append(_row(sha, subjects[reverted[0]], t, None, "", None, reverted))
    return rows


def _same_revert(
    m: Markers, br: Branch, resolved: dict[str, str | None]
) -> tuple[str, Pick] | None:
    """An upstream revert is done where the branch reverted the same commit itself."""
    for name in m.reverts:
        full = resolved.get(name) or name
        if full in br.dropped:
            return br.dropped[full], Pick(full, "reverts the same commit")
    return None


def _tracker_says(requests: list[TrackerRequest], t: BranchTarget) -> str:
    series = t.series
    if series is None:
        return ""
    said = [
        f"tracker {r.item}: {r.states[series]}"
        for r in requests
        if series in r.states and r.states[series] not in _NOT_WANTED
    ]
    return "; ".join(said)


def _why_needed(c: Commit, m: Markers, br: Branch, i: int, culprits: _Culprits) -> str:
    reasons: list[str] = []
    for f in m.fixes:
        where = culprits.where(f.culprit, i)
        if where == "" and f.culprit in m.reverts:
            continue  # a revert follows a backport; what the branch shipped with stays its call
        if where is not None:
            full = culprits.resolved.get(f.culprit) or f.culprit
            reasons.append(f"{_names(f, full, m)} {br.target.name}{where}")
        elif culprits.unknown(f.culprit):
            _unknown_culprit(culprits, c, f)
    if m.request and not m.opt_out and _requested(m.request, br.target, m, reasons):
        reasons.append(f"requested by '{m.request.tag}'")
    return "; ".join(reasons)


def _names(f: FixRef, full: str, m: Markers) -> str:
    """``Fixes: abc ships in``, ``Follow-up for abc, which ships in``, ``reverts abc, ...``."""
    if f.culprit in m.reverts:
        return f"reverts {full[:12]}, which ships in"
    if f.phrase.endswith(":"):
        return f"{f.phrase} {full[:12]} ships in"
    return f"{f.phrase} {full[:12]}, which ships in"


def _requested(req: Request, t: BranchTarget, m: Markers, affected: list[str]) -> bool:
    if req.floor is None and m.fixes:
        return bool(affected)  # a floorless request with a culprit means where the culprit is
    return req.covers(t.series)


def _unknown_culprit(culprits: _Culprits, c: Commit, f: FixRef) -> None:
    text = f"commit {c.sha[:12]}: {f.phrase} {f.culprit} names no commit in the repository"
    if culprits.repo.shallow:
        raise SourceError(
            Problem(
                f"shallow clone cannot answer: {text}",
                file=str(culprits.repo.path),
                hint=_UNSHALLOW,
            )
        )
    if text not in culprits.result.warnings:
        culprits.result.warnings.append(text)


def _row(
    sha: str,
    subject: str,
    t: BranchTarget,
    picked: tuple[str, Pick] | None,
    why: str,
    m: Markers | None = None,
    reverted: tuple[str, str] | None = None,
    undone_by: str | None = None,
) -> BackportRow:
    """One fix on one branch: done when a pick stands; not needed when reverted upstream
    (or its pick reverted without a reason to need it); else required, or opted out."""
    security = bool(m and m.security)
    upstream_revert = f"reverted upstream by {undone_by[:12]}" if undone_by else ""
    back = f"picked as {reverted[0][:12]}, reverted by {reverted[1][:12]}" if reverted else ""
    state = BackportState.REQUIRED
    if picked:
        done = f"picked as {picked[0][:12]} ('{picked[1].marker}')"
        parts, state = [done, upstream_revert, why], BackportState.DONE
    elif undone_by or (reverted and not why):
        parts, state = [back, upstream_revert, why], BackportState.DONTNEED
    elif m and m.opt_out:
        parts, state = ["opted out by 'Cc: stable+noautosel'", why], BackportState.DONTNEED
    else:
        parts = [back, why]
    evidence = "; ".join(x for x in parts if x)
    pick, marker = (picked[0], picked[1].marker) if picked else (None, None)
    return BackportRow(sha, subject, t.name, t.series, state, evidence, pick, marker, security)


def _unmarked(rows: list[BackportRow], branches: list[Branch]) -> dict[str, list[str]]:
    """Per branch with pending fixes, its own non-merge commits that name no upstream commit."""
    names = {r.branch for r in rows if r.state.is_pending}
    return {
        br.target.name: [c.sha for c in br.own if not br.marks[c.sha].picks and len(c.parents) == 1]
        for br in branches
        if br.target.name in names
    }
