"""A window on the calendar: ``--since DATE``, ``--until DATE`` or ``--current``.

``calendar``, ``report --kind status`` and ``export --format ics`` carry the whole history
by default (Xen: 160 releases, 438 events back to 2004). A window limits them: by dates (a
release is in when one of its milestones, freeze, an RC or its release day, falls in the
window; a calendar event when its day does), or to the present, the releases ``relplan
status`` shows by default (:func:`relplan.planner.domain.rules.current_window`), or both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from relplan.planner.domain.model import Release
from relplan.planner.domain.rules import current_window


@dataclass(frozen=True, slots=True)
class Window:
    """Which part of the calendar to show; the default shows all of it."""

    since: dt.date | None = None
    until: dt.date | None = None
    current: bool = False

    @property
    def everything(self) -> bool:
        """No limit at all."""
        return self.since is None and self.until is None and not self.current

    def holds(self, day: dt.date) -> bool:
        """``day`` is within the dates (inclusive at both ends)."""
        return (self.since is None or day >= self.since) and (
            self.until is None or day <= self.until
        )

    def releases(self, train: Sequence[Release], today: dt.date) -> list[Release]:
        """The releases of ``train`` in the window, in calendar order."""
        chosen = current_window(train, today) if self.current else list(train)
        if self.since is None and self.until is None:
            return chosen
        return [r for r in chosen if any(self.holds(day) for _, day in r.milestones())]

    def describe(self) -> str:
        """``since 2026-01-01 until 2026-12-31``, ``current``, or empty."""
        parts = ["current"] if self.current else []
        if self.since:
            parts.append(f"since {self.since}")
        if self.until:
            parts.append(f"until {self.until}")
        return " ".join(parts)
