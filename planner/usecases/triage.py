"""The triage use case: the schedule of accepted unscheduled items, a stage confirmed.

The verbs on items (accept, defer, reject, target, move, blocker, priority, owner, state,
backport marks) are the pure operations of :mod:`relplan.planner.domain.ops` on the
session's plan, which the faces call directly; what a person types for them (``relplan
set``/``add``/``edit``, the dashboard's forms and dialogs) is assembled, with its guard
rails, in :mod:`relplan.planner.usecases.edits`.

:class:`relplan.planner.usecases.session.Session` is the last of a line of classes, each
adding one job to the one before: UnitOfWork, Queries, Backports, Triage, Shipping,
Tracking.
"""

from __future__ import annotations

from dataclasses import replace

from relplan.planner.domain import ops
from relplan.planner.domain.laying import schedule
from relplan.planner.usecases.backports import Backports


class Triage(Backports):
    """The triage use case: the schedule of accepted unscheduled items, a stage confirmed."""

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
