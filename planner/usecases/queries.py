"""Queries: every question a face asks about the plan, answered once per plan.

The train, the laid plan, the status plan (git's evidence joined), statuses, what needs
attention, the maintained branches, the ladders and stages of a release, previews.

:class:`relplan.planner.usecases.session.Session` is the last of a line of classes, each
adding one job to the one before: UnitOfWork, Queries, Backports, Triage, Shipping,
Tracking.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from typing import TYPE_CHECKING

from relplan.planner.domain import ops
from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.consistency import check_plan
from relplan.planner.domain.errors import PlanError, Problem
from relplan.planner.domain.laying import at_risk
from relplan.planner.domain.model import Item, Plan, Release
from relplan.planner.domain.rules import (
    Branch,
    branch_support,
    current_window,
    maintained_branches,
    report_release,
)
from relplan.planner.domain.schedule import Milestone, release_schedule
from relplan.planner.domain.stages import Stage, ladder, stage_in_force
from relplan.planner.domain.status import (
    Attention,
    ReleaseStatus,
    UnscheduledStatus,
    all_status,
    needs_attention,
    unscheduled_status,
)
from relplan.planner.usecases.unit import UnitOfWork

if TYPE_CHECKING:
    from relplan.planner.usecases.releases import DateMove


class Queries(UnitOfWork):
    """Queries: every question a face asks about the plan, answered once per plan."""

    def status_plan(self) -> Plan:
        """The laid plan with git's backport states written in where git knows them, plus
        the fixes git finds that no item names (:meth:`git_items`): what every status,
        count and check is computed from."""
        ev = self.evidence

        def compute() -> Plan:
            laid = self.laid()
            if ev is None:
                return laid
            applied = ev.apply(laid)
            return applied.with_items((*applied.items, *self.git_items()))

        result: Plan = self._memo("status_plan", (self.plan, self.today, ev), compute)
        return result

    def git_items(self) -> tuple[Item, ...]:
        """Fixes git finds on the maintained branches that no plan item names (empty
        before a scan); ids ``git#<sha12>``. :meth:`adopt_git_fix` makes one an item."""
        ev = self.evidence
        if ev is None:
            return ()
        result: tuple[Item, ...] = self._memo(
            "git_items", (self.plan, ev), lambda: ev.git_only_items(self.laid())
        )
        return result

    def statuses(self) -> list[ReleaseStatus]:
        """The status of every release on the train, in calendar order."""
        result: list[ReleaseStatus] = self._memo(
            "statuses",
            (self.plan, self.today, self.evidence),
            lambda: all_status(self.status_plan(), self.train(), self.today),
        )
        return result

    def unscheduled(self) -> list[UnscheduledStatus]:
        """Releases without a day (not on the train), with the items that target them."""
        result: list[UnscheduledStatus] = self._memo(
            "unscheduled",
            (self.plan, self.today, self.evidence),
            lambda: unscheduled_status(self.status_plan(), self.train()),
        )
        return result

    def status(self, version: str) -> ReleaseStatus:
        """The status of one release; a PlanError with a did-you-mean for an unknown one."""
        for s in self.statuses():
            if s.version == version:
                return s
        raise PlanError(self.unknown_release(version))

    def unknown_release(self, version: str) -> Problem:
        """The problem of naming a release the train does not have, with the closest guess."""
        known = [r.version for r in self.train()]
        close = difflib.get_close_matches(version, known, n=3, cutoff=0.5)
        prefixed = [v for v in known if v.startswith(version + ".")]
        guesses = prefixed[:1] + [c for c in close if c not in prefixed]
        hint = (
            f"did you mean {' or '.join(guesses[:2])}?"
            if guesses
            else f"releases on the calendar: {known[0]} .. {known[-1]}"
            if known
            else "the calendar is empty"
        )
        return Problem(f"no release {version!r} on the calendar", hint=hint)

    def attention(self) -> list[Attention]:
        """What needs the release manager now, most urgent first."""
        result: list[Attention] = self._memo(
            "attention",
            (self.plan, self.today, self.evidence),
            lambda: needs_attention(self.statuses()),
        )
        return result

    def check(self) -> list[str]:
        """What ``relplan check`` reports for the plan as the statuses see it."""
        return check_plan(self.status_plan(), self.train(), self.today)

    def maintained_branches(self) -> list[Branch]:
        """Branches taking fixes today, newest first (the git scan's own pattern, if set)."""
        return maintained_branches(
            self.plan.policy, self.train(), self.today, self.config.git.branch_pattern
        )

    def maintained_series(self) -> list[str]:
        """The series of :meth:`maintained_branches`, newest first."""
        return [b.series for b in self.maintained_branches()]

    def window(self) -> list[Release]:
        """The releases that matter today, in calendar order (see
        :func:`relplan.planner.domain.rules.current_window`): what status and the timeline open
        on."""
        return current_window(self.train(), self.today)

    def window_statuses(self) -> list[ReleaseStatus]:
        """The status of each release in :meth:`window`, in calendar order."""
        shown = {r.version for r in self.window()}
        return [s for s in self.statuses() if s.version in shown]

    def at_risk(self) -> dict[str, str | None]:
        """Open items their release can no longer take -> the release proposed instead."""
        plan = self.plan
        result: dict[str, str | None] = self._memo(
            "at_risk", (plan, self.today), lambda: at_risk(plan, self.train(), self.today)
        )
        return result

    def release_order(self) -> dict[str, int]:
        """Release versions in calendar order."""
        return {r.version: i for i, r in enumerate(self.train())}

    def release(self, version: str) -> Release:
        """The release with this version; a PlanError with a did-you-mean otherwise."""
        for r in self.train():
            if r.version == version:
                return r
        raise PlanError(self.unknown_release(version))

    def report_release(self) -> Release:
        """The release reports are about by default
        (:func:`relplan.planner.domain.rules.report_release`);
        a PlanError when nothing is ahead on the calendar."""
        found = report_release(self.train(), self.today)
        if found is None:
            raise PlanError(
                Problem(
                    f"no release ahead of {self.today} on the calendar",
                    hint="name the release: relplan report VERSION",
                )
            )
        return found

    def schedule(self, version: str, *, support: bool = False) -> list[Milestone]:
        """The milestones of one release in order, each with its day and whether it is
        tentative (see :mod:`relplan.planner.domain.schedule`); ``support`` adds the branch's
        support ends."""
        return release_schedule(
            self.release(version), self.plan.spec(version), support=support, policy=self.plan.policy
        )

    # -- the freeze ladder ------------------------------------------------------------------
    def ladders(self) -> dict[str, list[Stage]]:
        """Every release's stages on the train (:func:`relplan.planner.domain.stages.ladder`), by
        version."""
        plan = self.plan

        def compute() -> dict[str, list[Stage]]:
            specs = {s.version: s for s in plan.releases}
            return {r.version: ladder(plan.policy, r, specs.get(r.version)) for r in self.train()}

        result: dict[str, list[Stage]] = self._memo(
            "ladders", (plan.releases, plan.policy, plan.support, self.today), compute
        )
        return result

    def stages(self, version: str) -> list[Stage]:
        """The stages of one release in order, the release last; PlanError if unknown."""
        self.release(version)
        return self.ladders()[version]

    def stage(self, version: str) -> Stage:
        """The stage a release is in on ``today``
        (:func:`relplan.planner.domain.stages.stage_on`)."""
        return stage_in_force(self.release(version), self.stages(version), self.today)

    def next_tentative(self, version: str) -> Stage | None:
        """The first stage of a release still tentative and not behind us (what the
        dashboard's confirm key confirms), or None."""
        return next(
            (s for s in self.stages(version) if s.tentative and s.day and s.day >= self.today),
            None,
        )

    def items_named(self, ids: Collection[str]) -> list[str]:
        """The ids as given, each checked: a PlanError with a did-you-mean for unknown ones."""
        known = {it.id for it in self.plan.items}
        problems = []
        for item_id in ids:
            if item_id not in known:
                close = difflib.get_close_matches(item_id, sorted(known), n=1)
                hint = f"did you mean {close[0]}?" if close else "see `relplan export`"
                problems.append(Problem(f"no item {item_id!r} in the plan", hint=hint))
        if problems:
            raise PlanError(problems)
        return list(ids)

    def writes(self, change: ops.Change) -> list[DateMove]:
        """Every date the change would move on the train, then every recorded field it
        would write beyond them (``actual_rcs``, ``pins.*``): what ``--dry-run`` lists and
        the dashboard's ship and slip previews show (one list for both faces)."""
        # start-up: usecases.releases and store.tables (~5 ms), only to ship, slip or pin
        from relplan.planner.usecases.releases import date_moves, spec_moves

        moved = date_moves(self.train(), build_train(change.plan, self.today))
        return moved + spec_moves(self.plan, change.plan)

    def target_choices(self) -> list[Release]:
        """Releases the target picker offers: every release not shipped (calendar order),
        then the shipped ones of branches still supported (newest first). Picking one of
        those, or a frozen one for a feature, asks first
        (:func:`relplan.planner.domain.rules.target_refusal`)."""
        train = self.train()
        supported = {r.series for r in train if branch_support(r, self.today)}
        shipped = [r for r in train if r.shipped and r.series in supported]
        return [r for r in train if not r.shipped] + shipped[::-1]
