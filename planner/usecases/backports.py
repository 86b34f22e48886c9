"""The backports use case: git's evidence, per fix and branch, and what still needs a backport.

Scan the configured repository, join its evidence into the status plan, answer per cell
(tracker, git, conflict, missing) and per item (needs a backport), adopt git-only fixes.

:class:`relplan.planner.usecases.session.Session` is the last of a line of classes, each
adding one job to the one before: UnitOfWork, Queries, Backports, Triage, Shipping,
Tracking.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from relplan.planner.domain import ops
from relplan.planner.domain.model import Item, State
from relplan.planner.domain.rules import (
    BackportCell,
    Branch,
    fixes_for,
    needing_backport,
)
from relplan.planner.store.cachedir import default_cache_dir

if TYPE_CHECKING:
    from relplan.planner.domain.model import Plan
    from relplan.planner.git.join import Conflict, Evidence
    from relplan.planner.git.project import Staleness
    from relplan.planner.git.repo import Repo
    from relplan.planner.git.rows import BranchTarget
    from relplan.planner.store.config import Config
from relplan.planner.usecases.queries import Queries


class Backports(Queries):
    """The backports use case: git's evidence per fix and branch, and what still needs a
    backport."""

    # -- git ----------------------------------------------------------------------------------
    def git_repo(self, override: str | Path | None = None) -> str | None:
        """The repository to read backports from: ``override``, else ``[git] repo``."""
        repo = override or self.config.git.repo
        return str(repo) if repo else None

    def scan_git(self, repo: str | Path | None = None) -> Evidence | None:
        """Read git's backport evidence for the maintained branches (blocking: seconds on a
        large repository; the dashboard runs it in a thread) and join it into every status.
        None when no repository is configured."""
        path = self.git_repo(repo)
        if path is None:
            return None
        # start-up: the git scan (~30 ms: subprocess, logging), only with a repository
        from relplan.planner.git.join import plan_evidence

        git = self.config.git
        evidence = plan_evidence(
            self.laid(), self.train(), self.today, path,
            upstream=git.upstream, pattern=git.branch_pattern, conventions=git.conventions,
            cache_dir=self.config.cache_dir or default_cache_dir(),
        )  # fmt: skip
        self.evidence = evidence
        return evidence

    def stale_repo(self, repo: str | Path | None = None) -> Staleness | None:
        """Whether the plan's repository looks like a clone nobody fetched: its newest
        release tag older than twice the plan's cadence on ``today`` (None without a repository)."""
        path = self.git_repo(repo)
        if path is None:
            return None
        # start-up: the git modules (~20 ms), only with a repository
        from relplan.planner.git.project import stale_repo

        # start-up: git.repo (subprocess; ~9 ms), only with a repository
        from relplan.planner.git.repo import Repo

        policy = self.plan.policy
        return stale_repo(Repo(path), policy.cadence.planned_weeks, self.today, policy.timezone)

    def backport_cell(self, item: Item, series: str) -> BackportCell:
        """What the tracker and git say about one fix on one branch, and whether the branch
        still needs it (:func:`relplan.planner.domain.rules.needs_backport`)."""
        return self._cell(item, series).for_fix(item, self._branch(series))

    def _branch(self, series: str) -> Branch:
        plan = self.plan
        by_series: dict[str, Branch] = self._memo(
            "branches", (plan, self.today),
            lambda: {b.series: b for b in self.maintained_branches()},
        )  # fmt: skip
        return by_series.get(series) or Branch(series, series)

    def _cell(self, item: Item, series: str) -> BackportCell:
        ev = self.evidence
        if ev is not None and item.id.startswith("git#") and item.fix_commits:
            row = ev.row(item.fix_commits[0], series)  # a git-only fix: git's word alone
            if row is None:
                return BackportCell(None)
            return BackportCell(None, row.state, row.evidence, apply=row.apply_text)
        tracker = item.backports.get(series)
        if ev is None:
            return BackportCell(tracker)
        conflict = ev.conflict(item.id, series)
        return BackportCell(
            tracker,
            ev.state(item.id, series),
            ev.evidence(item.id, series),
            conflict.message if conflict else None,
            apply=ev.applicability(item.id, series),
        )

    def backport_summary(self, version: str) -> str | None:
        """What git says the release's branch still misses and whether it applies
        (``12 missing: 9 clean, 2 conflict, 1 needs 3 prerequisites``); None before a
        scan or when the release's branch was not scanned."""
        ev = self.evidence
        if ev is None:
            return None
        return ev.summary(self.release(version).series)

    def backport_fixes(self, series: Collection[str]) -> list[Item]:
        """The fixes that concern these branches
        (:func:`relplan.planner.domain.rules.fixes_for` over the status plan, so a fix
        only git says a branch needs is one), as plan items, then the fixes only git
        knows: the rows of a backport matrix."""
        counted = {it.id for it in fixes_for(self.status_plan().items, series)}
        return [it for it in (*self.plan.items, *self.git_items()) if it.id in counted]

    def needing_backport(self) -> set[str]:
        """Ids of the items a maintained branch still needs
        (:func:`relplan.planner.domain.rules.needing_backport` over the status plan: git's
        evidence counts where a repository was scanned). The Items preset's list."""
        plan = self.status_plan()
        result: set[str] = self._memo(
            "needing_backport", (plan, self.today),
            lambda: needing_backport(plan.items, self.maintained_branches()),
        )  # fmt: skip
        return result

    def fix_subject(self, item: Item) -> str:
        """The subject of the item's first fix commit as git reads it ("" before a scan,
        or when the scan has no row for it)."""
        ev = self.evidence
        return ev.subject(item.fix_commits[0]) if ev is not None and item.fix_commits else ""

    def conflicts(self) -> list[Conflict]:
        """Where the tracker and git disagree (empty before a scan)."""
        return list(self.evidence.conflicts) if self.evidence is not None else []

    def adopt_git_fix(self, item_id: str) -> ops.Change:
        """Make a git-only fix a plan item (tracked from now on, state accepted)."""
        found = next((it for it in self.git_items() if it.id == item_id), None)
        if found is None:
            return ops.Change(self.plan, f"{item_id} is not a git-only fix")
        item = replace(found, state=State.ACCEPTED, why="added from git history")
        return ops.add(self.plan, item)


def scan_backports(
    config: Config,
    plan: Plan,
    repo: Repo | str | Path,
    targets: Sequence[BranchTarget],
    *,
    upstream: str | None,
    strict: bool,
    patch_id: bool,
    pattern: str | None,
    apply: bool,
) -> Evidence:
    """``relplan backports``: scan ``targets`` with the config's conventions, keeping what
    is read in the git cache of the config's cache folder (see
    :mod:`relplan.planner.git.store`), and join the result into ``plan``. ``repo``: a
    repository or its path."""
    # start-up cost: the git package (conventions compile their regexes) only when scanning
    from relplan.planner.git.join import git_evidence
    from relplan.planner.git.repo import Repo  # start-up cost, as the line above
    from relplan.planner.git.store import GitStore  # start-up cost, as the line above

    if not isinstance(repo, Repo):
        repo = Repo(repo)

    store = GitStore(config.cache_dir or default_cache_dir())
    try:
        return git_evidence(
            plan, repo, targets, upstream=upstream, strict=strict, patch_id=patch_id,
            conventions=config.git.conventions, pattern=pattern, store=store, apply=apply,
        )  # fmt: skip
    finally:
        store.close()


def backport_targets(
    repo: str | Path,
    branches: Sequence[str],
    pattern: str | None,
    session: Queries | None,
    hint: str = "pass --branch NAME or --branch-pattern PATTERN",
) -> tuple[list[BranchTarget], list[str]]:
    """The stable branches ``relplan backports`` scans: the ``branches`` named (each one's
    series from its name, by ``pattern``), else the session's maintained branches present
    in the repository, with a warning for each that is not (a PlanError with ``hint`` when
    none is)."""
    # start-up cost: the git package only when scanning
    from relplan.planner.git.join import present_targets
    from relplan.planner.git.repo import Repo  # start-up cost, as the line above
    from relplan.planner.git.rows import BranchTarget, series_from_branch  # start-up, as above

    if branches:
        return [BranchTarget(b, series_from_branch(b, pattern)) for b in branches], []
    assert session is not None, "the maintained branches come from a plan"
    return present_targets(Repo(repo), session.plan, session.train(), session.today, pattern, hint)
