"""The ship/slip use case: a release shipped, slipped or pinned, as undoable changes.

Each verb checks the release exists and returns the change of
:mod:`relplan.planner.usecases.releases`; :meth:`Queries.what_if` previews it.

:class:`relplan.planner.usecases.session.Session` is the last of a line of classes, each
adding one job to the one before: UnitOfWork, Queries, Backports, Triage, Shipping,
Tracking.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from relplan.planner.domain import ops

if TYPE_CHECKING:
    pass
from relplan.planner.usecases.triage import Triage


class Shipping(Triage):
    """The ship/slip use case: a release shipped, slipped or pinned, as undoable changes."""

    # -- release days ---------------------------------------------------------------------------
    def ship(self, version: str, on: dt.date | None = None) -> ops.Change:
        """Record that a release shipped (default: today)."""
        from relplan.planner.usecases.releases import ship

        self.release(version)
        return ship(self.plan, self.train(), version, on or self.today, self.today)

    def slip(
        self, version: str, *, to: dt.date | None = None, by: dt.timedelta | None = None
    ) -> ops.Change:
        """Move a release's day (pinned there); every later date follows."""
        from relplan.planner.usecases.releases import slip

        self.release(version)
        return slip(self.plan, self.train(), version, self.today, to=to, by=by)

    def pin(self, version: str, name: str, day: dt.date) -> ops.Change:
        """Pin a release's release, freeze or last posting day."""
        from relplan.planner.usecases.releases import pin

        self.release(version)
        return pin(self.plan, self.train(), version, name, day)
