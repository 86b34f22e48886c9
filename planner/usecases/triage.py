"""The triage use case: the verbs that change items, each an undoable change.

Accept, defer, reject, target, move, blocker, priority, owner, state and backport marks
of items; the schedule of accepted unscheduled items; a stage confirmed.

:class:`relplan.planner.usecases.session.Session` is the last of a line of classes, each
adding one job to the one before: UnitOfWork, Queries, Backports, Triage, Shipping,
Tracking.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from relplan.planner.domain import ops
from relplan.planner.domain.laying import schedule
from relplan.planner.domain.model import BackportState, Priority, State
from relplan.planner.usecases.backports import Backports


class Triage(Backports):
    """The triage use case: the verbs that change items, each an undoable change."""

    def accept(self, ids: Collection[str]) -> ops.Change:
        """Accept items (see :func:`relplan.planner.domain.ops.accept`)."""
        return ops.accept(self.plan, ids)

    def defer(self, ids: Collection[str]) -> ops.Change:
        """Defer items: no target."""
        return ops.defer(self.plan, ids)

    def reject(self, ids: Collection[str]) -> ops.Change:
        """Reject items: no target, in no release."""
        return ops.reject(self.plan, ids)

    def toggle_blocker(self, ids: Collection[str]) -> ops.Change:
        """Set the blocker flag, or clear it when all of them are blockers already."""
        return ops.toggle_blocker(self.plan, ids)

    def set_priority(self, ids: Collection[str], priority: Priority) -> ops.Change:
        """Give items a priority."""
        return ops.set_priority(self.plan, ids, priority)

    def set_target(self, ids: Collection[str], version: str | None) -> ops.Change:
        """Schedule items for a release (None: unscheduled)."""
        return ops.set_target(self.plan, ids, version)

    def set_backport(self, ids: Collection[str], series: str, state: BackportState) -> ops.Change:
        """Set the backport state of fixes on one branch."""
        return ops.set_backport(self.plan, ids, series, state)

    def move(self, ids: Collection[str], step: int) -> ops.Change:
        """Move items to the next (1) or previous (-1) release that can take them."""
        return ops.move(self.plan, ids, self.train(), self.today, step)

    def set_state(self, ids: Collection[str], state: State) -> ops.Change:
        """Put items in a triage state."""
        return ops.set_state(self.plan, ids, state)

    def set_blocker(self, ids: Collection[str], flag: bool) -> ops.Change:
        """Set or clear the blocker flag."""
        return ops.set_blocker(self.plan, ids, flag)

    def set_owner(self, ids: Collection[str], owner: str | None) -> ops.Change:
        """Give items an owner."""
        return ops.set_owner(self.plan, ids, owner)

    def schedule_targets(self) -> ops.Change:
        """Targets for accepted, unscheduled items within capacity, as one change."""

        proposals = schedule(self.plan, self.train(), self.today)
        why = f"scheduled {self.today} within capacity, by priority"
        items = [
            replace(it, target=proposals[it.id], why=why) if it.id in proposals else it
            for it in self.plan.items
        ]
        if not proposals:
            return ops.Change(self.plan, "nothing to schedule: no accepted item without a target")
        changed = tuple(proposals)
        return ops.Change(self.plan.with_items(items), f"scheduled {len(changed)} items", changed)

    def confirm(self, version: str, stage: str) -> ops.Change:
        """Confirm a tentative stage's day (pinned where it is; undoable)."""
        # start-up: usecases.releases and store.tables (~5 ms), only to ship, slip or pin
        from relplan.planner.usecases.releases import confirm

        self.release(version)
        return confirm(self.plan, self.train(), version, stage)
