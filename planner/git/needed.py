"""Why a fix is needed on a branch: the culprits it repairs ship there, or a request covers it.

A culprit ships in a branch natively (an upstream commit in the branch's own history,
or older than every branch point) or as a pick; a request (``Cc: stable # 5.10+``,
``Backport: 4.9+``) names the series it covers; the tracker may ask for it too.
"""

from __future__ import annotations

from relplan.planner.domain.errors import Problem, SourceError
from relplan.planner.domain.model import BackportState
from relplan.planner.git.markers import FixRef, Markers, Request
from relplan.planner.git.picks import Branch
from relplan.planner.git.repo import Commit, Repo
from relplan.planner.git.rows import BranchTarget, ScanResult, TrackerRequest

_NOT_WANTED = (BackportState.DONTNEED, BackportState.WONTFIX)
UNSHALLOW = "run `git fetch --unshallow` (relplan never fetches)"


class Culprits:
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


def tracker_says(requests: list[TrackerRequest], t: BranchTarget) -> str:
    series = t.series
    if series is None:
        return ""
    said = [
        f"tracker {r.item}: {r.states[series]}"
        for r in requests
        if series in r.states and r.states[series] not in _NOT_WANTED
    ]
    return "; ".join(said)


def why_needed(c: Commit, m: Markers, br: Branch, i: int, culprits: Culprits) -> str:
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


def _unknown_culprit(culprits: Culprits, c: Commit, f: FixRef) -> None:
    text = f"commit {c.sha[:12]}: {f.phrase} {f.culprit} names no commit in the repository"
    if culprits.repo.shallow:
        raise SourceError(
            Problem(
                f"shallow clone cannot answer: {text}",
                file=str(culprits.repo.path),
                hint=UNSHALLOW,
            )
        )
    if text not in culprits.result.warnings:
        culprits.result.warnings.append(text)
