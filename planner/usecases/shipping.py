"""The ship/slip use case: a release shipped, slipped or pinned, as undoable changes.

Each verb checks the release exists and returns the change of
:mod:`relplan.planner.usecases.releases`; :meth:`Queries.writes` previews it.

:class:`relplan.planner.usecases.session.Session` is the last of a line of classes, each
adding one job to the one before: UnitOfWork, Queries, Backports, Triage, Shipping,
Tracking.
"""

from __future__ import annotations

import datetime as dt

from relplan.planner.domain import ops
from relplan.planner.domain.errors import PlanError, Problem
from relplan.planner.domain.rules import release_day_refusal, ship_refusals
from relplan.planner.usecases.triage import Triage


class Shipping(Triage):
    """The ship/slip use case: a release shipped, slipped or pinned, as undoable changes."""

    # -- release days ---------------------------------------------------------------------------
    def ship(self, version: str, on: dt.date | None = None, *, force: bool = False) -> ops.Change:
        """Record that a release shipped (default: today); refused (PlanError) for the
        reasons of :meth:`ship_refusals` unless ``force``."""
        # start-up: usecases.releases and store.tables (~5 ms), only to ship, slip or pin
        from relplan.planner.usecases.releases import ship

        self.release(version)
        day = on or self.today
        return ship(self.plan, self.train(), version, day, self.today, force=force)

    def ship_refusals(self, version: str, on: dt.date | None = None) -> list[str]:
        """Why recording that ``version`` shipped (default: today) would be wrong: open
        blockers, out of order, already shipped
        (:func:`relplan.planner.domain.rules.ship_refusals`)."""
        release = self.release(version)
        return ship_refusals(self.plan.items, self.train(), release, on or self.today)

    def slip(
        self,
        version: str,
        *,
        to: dt.date | None = None,
        by: dt.timedelta | None = None,
        force: bool = False,
    ) -> ops.Change:
        """Move a release's day (pinned there); every later date follows. Refused
        (PlanError) for the reason of :meth:`slip_refusals` unless ``force``."""
        # start-up: usecases.releases and store.tables (~5 ms), only to ship, slip or pin
        from relplan.planner.usecases.releases import slip

        self.release(version)
        change = slip(self.plan, self.train(), version, self.today, to=to, by=by)
        why = self._slip_refusal(version, change)
        if why is not None and not force:
            raise PlanError(Problem(why, hint="add --force to slip there anyway"))
        return change

    def slip_refusals(
        self, version: str, *, to: dt.date | None = None, by: dt.timedelta | None = None
    ) -> list[str]:
        """Why slipping ``version`` there puts it where the calendar never does: off the
        policy's weekday, in a blackout
        (:func:`relplan.planner.domain.rules.release_day_refusal`)."""
        why = self._slip_refusal(version, self.slip(version, to=to, by=by, force=True))
        return [why] if why is not None else []

    def _slip_refusal(self, version: str, change: ops.Change) -> str | None:
        spec = change.plan.spec(version)
        day = spec.pins.get("release") if spec is not None and not change.is_noop else None
        return release_day_refusal(self.plan.policy, day) if day is not None else None

    def pin(self, version: str, name: str, day: dt.date) -> ops.Change:
        """Pin a release's release, freeze or last posting day."""
        # start-up: usecases.releases and store.tables (~5 ms), only to ship, slip or pin
        from relplan.planner.usecases.releases import pin

        self.release(version)
        return pin(self.plan, self.train(), version, name, day)
