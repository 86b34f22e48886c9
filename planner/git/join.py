"""Git evidence joined into the plan: per item and series, what git says about its backport.

Items name their fix commits (``Item.fix_commits``); the tracker says per series
what it believes (``Item.backports``). :func:`git_evidence` scans the maintained
branches once and answers, per item and series, the state git finds and why,
and lists every place where the tracker and git disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from relplan.planner.domain.errors import PlanError, Problem
from relplan.planner.domain.model import BackportState, Item, Kind, Plan, Release, State
from relplan.planner.domain.rules import backport_conflict, maintained_branches
from relplan.planner.git.backports import (
    BackportRow,
    BranchTarget,
    ScanResult,
    TrackerRequest,
    scan,
)
from relplan.planner.git.conventions import Conventions
from relplan.planner.git.repo import Repo
from relplan.planner.git.rows import missing_summary
from relplan.planner.git.store import GitStore
from relplan.planner.git.upstream import find_upstream


@dataclass(frozen=True, slots=True)
class Conflict:
    """The tracker and git disagree about one item on one series."""

    item: str
    series: str
    branch: str
    tracker: BackportState
    git: BackportState | None
    message: str


@dataclass(slots=True)
class Evidence:
    """What git says about the plan's fixes, per item and series.

    ``cells`` maps ``(item id, series)`` to ``(state, evidence text)``; series
    without a scanned branch, and items without fix commits, have no cell.
    """

    scan: ScanResult
    cells: dict[tuple[str, str], tuple[BackportState, str]] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    _rows: dict[tuple[str, str], BackportRow] | None = field(default=None, repr=False)
    _conflict_at: dict[tuple[str, str], Conflict] = field(default_factory=dict, repr=False)
    _indexed: int = field(default=-1, repr=False)
    _subjects: dict[str, str] | None = field(default=None, repr=False)
    applies: dict[tuple[str, str], str] = field(default_factory=dict)

    def applicability(self, item_id: str, series: str) -> str:
        """Will the item's missing fix commits apply to the series' branch: ``clean``,
        ``conflict: paths``, ``needs N: ids``, ``applied`` (``; `` between several fix
        commits), or ``""`` (nothing missing, or not computed)."""
        return self.applies.get((item_id, series), "")

    def summary(self, series: str) -> str | None:
        """``12 missing: 9 clean, 2 conflict, 1 needs 3 prerequisites`` on the branch of
        ``series`` (every fix git finds, tracked or not); None when no branch of it was
        scanned."""
        if not any(t.series == series for t in self.scan.branches):
            return None
        return missing_summary([r for r in self.scan.rows if r.series == series])

    def state(self, item_id: str, series: str) -> BackportState | None:
        """The backport state git finds for the item on the series, or None (no evidence)."""
        cell = self.cells.get((item_id, series))
        return cell[0] if cell else None

    def evidence(self, item_id: str, series: str) -> str:
        """Why git says so (marker, patch-id, Fixes: culprit, request), or ``""``."""
        cell = self.cells.get((item_id, series))
        return cell[1] if cell else ""

    def conflict(self, item_id: str, series: str) -> Conflict | None:
        """The disagreement between tracker and git on this cell, if any."""
        if self._indexed != len(self.conflicts):  # indexed once: views ask for every cell
            self._conflict_at, self._indexed = {}, len(self.conflicts)
            for c in self.conflicts:
                self._conflict_at.setdefault((c.item, c.series), c)
        return self._conflict_at.get((item_id, series))

    def row(self, fix: str, series: str) -> BackportRow | None:
        """The scan's row for one fix on the branch of ``series``, if any."""
        if self._rows is None:
            self._rows = {(r.fix, r.series): r for r in self.scan.rows if r.series is not None}
        return self._rows.get((fix, series))

    def subject(self, commit: str) -> str:
        """The subject of a fix commit (full or abbreviated id) as the scan read it, or
        ``""`` when the scan has no row for it."""
        if self._subjects is None:
            self._subjects = {r.fix: r.subject for r in self.scan.rows}
        sha = commit.lower()
        return self._subjects.get(self.scan.resolved.get(sha) or sha, "")

    def git_only_items(self, plan: Plan) -> tuple[Item, ...]:
        """Fixes git finds for the maintained branches that no plan item names, as items
        (``git#<sha12>``, the commit's subject, its state per series) so that statuses,
        counts and views count them like any tracked fix. Never written to the plan."""
        names = {self.scan.resolved.get(sha) or sha for sha in tracker_commits(plan)}
        by_prefix: dict[str, list[str]] = {}  # items may name a fix by an abbreviated id
        for name in names:
            by_prefix.setdefault(name[:7], []).append(name)

        def named(fix: str) -> bool:
            return any(fix.startswith(n) for n in by_prefix.get(fix[:7], ()))

        by_fix: dict[str, list[BackportRow]] = {}
        for row in self.scan.rows:
            if row.series is not None and not named(row.fix):
                by_fix.setdefault(row.fix, []).append(row)
        items = []
        for fix, rows in by_fix.items():
            kind = Kind.SECURITY if any(r.security for r in rows) else Kind.BUG
            states = {r.series: r.state for r in rows if r.series is not None}
            items.append(
                Item(
                    id=f"git#{fix[:12]}", title=rows[0].subject, kind=kind,
                    state=State.DONE, fix_commits=(fix,), backports=states,
                    why="found in git history; no plan item names this fix",
                )
            )  # fmt: skip
        return tuple(items)

    def apply(self, plan: Plan) -> Plan:
        """The plan with git's states written into ``Item.backports`` where git knows them."""
        by_item: dict[str, dict[str, BackportState]] = {}
        for (item_id, series), (state, _) in self.cells.items():
            by_item.setdefault(item_id, {})[series] = state
        items = []
        for it in plan.items:
            found = by_item.get(it.id)
            states = {**it.backports, **found} if found else it.backports
            items.append(replace(it, backports=states) if states != it.backports else it)
        return plan.with_items(items)


def maintained_targets(
    plan: Plan, train: Sequence[Release], today: dt.date, pattern: str | None = None
) -> list[BranchTarget]:
    """The branches maintained on ``today``
    (:func:`relplan.planner.domain.rules.maintained_branches`)
    as scan targets, security-only ones marked."""
    return [
        BranchTarget(b.name, b.series, b.security_only)
        for b in maintained_branches(plan.policy, train, today, pattern)
    ]


def tracker_commits(plan: Plan) -> set[str]:
    """Every fix commit the plan's items name (lower case)."""
    return {sha.lower() for it in plan.items for sha in it.fix_commits}


def tracker_requests(plan: Plan) -> list[TrackerRequest]:
    """One request per fix commit of every item that names fix commits."""
    return [
        TrackerRequest(sha.lower(), it.id, dict(it.backports))
        for it in plan.items
        for sha in it.fix_commits
    ]


def git_evidence(
    plan: Plan,
    repo: Repo,
    targets: Sequence[BranchTarget],
    *,
    upstream: str | None = None,
    strict: bool = False,
    patch_id: bool = True,
    conventions: Conventions | None = None,
    pattern: str | None = None,
    store: GitStore | None = None,
    apply: bool = True,
) -> Evidence:
    """Scan ``targets`` of ``repo`` and join the result into the plan's items.

    ``targets`` usually come from :func:`maintained_targets`; ``upstream``
    defaults to the repository's main line, never a branch named like a stable one
    (``pattern`` or the targets; :func:`relplan.planner.git.upstream.find_upstream`), and
    the result says which it took and why. ``store`` keeps what the scan read (default:
    memory only); ``apply`` answers "will it apply?" for the missing rows.
    """
    found = None
    if upstream is None:
        found = find_upstream(
            repo, [t.name for t in targets], pattern or plan.policy.branch_pattern
        )
    result = scan(
        repo,
        upstream or (found.name if found else ""),
        targets,
        strict=strict,
        patch_id=patch_id,
        tracker=tracker_requests(plan),
        conventions=conventions,
        store=store,
        apply=apply,
    )
    result.upstream_reason = found.reason if found else ""
    ev = Evidence(result)
    rows: dict[tuple[str, str], BackportRow] = {(r.fix, r.branch): r for r in result.rows}
    for it in plan.items:
        shas = [result.resolved.get(s.lower()) for s in it.fix_commits]
        known = [s for s in shas if s]
        if not known:
            continue
        for t in targets:
            if t.series is None or (t.security_only and it.kind is not Kind.SECURITY):
                continue
            cell = _cell(known, t, rows, result)
            if cell:
                ev.cells[(it.id, t.series)] = cell
            texts = [
                r.apply_text
                for sha in known
                if (r := rows.get((sha, t.name))) is not None and r.state.is_pending and r.apply
            ]
            if texts:
                ev.applies[(it.id, t.series)] = "; ".join(texts)
            _conflict(ev, it.id, it.backports.get(t.series), t, cell)
    return ev


def _cell(
    shas: list[str], t: BranchTarget, rows: dict[tuple[str, str], BackportRow], result: ScanResult
) -> tuple[BackportState, str] | None:
    """Combine the evidence of an item's fix commits on one branch."""
    parts: list[tuple[BackportState, str]] = []
    for sha in shas:
        if t.name in result.native.get(sha, set()):
            parts.append((BackportState.DONE, f"{sha[:12]} is in {t.name}'s own history"))
        elif (sha, t.name) in rows:
            r = rows[(sha, t.name)]
            parts.append((r.state, f"{sha[:12]}: {r.evidence}"))
    if not parts:
        return None
    text = "; ".join(p[1] for p in parts)
    if len(parts) == len(shas) and all(p[0] is BackportState.DONE for p in parts):
        return BackportState.DONE, text
    pending = [p for p in parts if p[0] is not BackportState.DONE]
    return (pending[0][0] if pending else BackportState.REQUIRED), text


def _conflict(
    ev: Evidence,
    item: str,
    tracker: BackportState | None,
    t: BranchTarget,
    cell: tuple[BackportState, str] | None,
) -> None:
    assert t.series is not None
    git = cell[0] if cell else None
    kind = backport_conflict(tracker, git)
    if kind is None:
        return
    assert tracker is not None
    if kind == "not-in-git":
        msg = f"tracker says DONE for {t.series}, git finds no pick on {t.name}"
    else:
        msg = f"git finds it done on {t.name} ({cell[1] if cell else ''}), tracker says {tracker}"
    ev.conflicts.append(Conflict(item, t.series, t.name, tracker, git, msg))


def plan_evidence(
    plan: Plan,
    train: Sequence[Release],
    today: dt.date,
    repo_path: str,
    *,
    upstream: str | None = None,
    pattern: str | None = None,
    conventions: Conventions | None = None,
    cache_dir: Path | None = None,
) -> Evidence:
    """The one call for views and status: open the repository, scan the branches the plan
    maintains on ``today`` that exist there, and join the result into the plan's items.

    Branches the plan expects but the repository lacks are named in ``scan.warnings``;
    when none of them is there (nothing maintained on ``today``, or the new branch not cut
    yet) the evidence is empty and says so, never an error: status and the dashboard show
    the plan without git. Raises SourceError for a bad repository.
    ``conventions`` come from the config's ``[git.conventions]`` (default: every preset);
    ``cache_dir`` holds the git cache (scan results by branch tips: a scan where nothing
    moved costs one ``git for-each-ref``).
    """
    repo = Repo(repo_path)
    wanted = maintained_targets(plan, train, today, pattern)
    found, missing = _present(repo, wanted)
    if not found:
        said = [f"{_none_found(today, wanted)}: backports not read ({_HINT})"] if wanted else []
        return Evidence(ScanResult(upstream or "", [], warnings=said))
    store = GitStore(cache_dir) if cache_dir is not None else None
    try:
        ev = git_evidence(
            plan, repo, found, upstream=upstream, conventions=conventions, pattern=pattern,
            store=store,
        )  # fmt: skip
    finally:
        if store is not None:
            store.close()
    ev.scan.warnings.extend(missing)
    return ev


_HINT = "set [git] branch_pattern, or name branches with --branch"


def _present(repo: Repo, wanted: Sequence[BranchTarget]) -> tuple[list[BranchTarget], list[str]]:
    found = [t for t in wanted if repo.has_ref(t.name)]
    return found, [f"no branch {t.name!r} in the repository" for t in wanted if t not in found]


def _none_found(today: dt.date, wanted: Sequence[BranchTarget]) -> str:
    names = ", ".join(t.name for t in wanted) or "none"
    return f"none of the branches maintained on {today} is in the repository ({names})"


def present_targets(
    repo: Repo,
    plan: Plan,
    train: Sequence[Release],
    today: dt.date,
    pattern: str | None,
    hint: str,
) -> tuple[list[BranchTarget], list[str]]:
    """The plan's maintained branches that exist in the repository, and a warning for each
    that does not; PlanError (with ``hint``) when none does."""
    wanted = maintained_targets(plan, train, today, pattern)
    found, missing = _present(repo, wanted)
    if not found:
        raise PlanError(Problem(_none_found(today, wanted), file=str(repo.path), hint=hint))
    return found, missing
