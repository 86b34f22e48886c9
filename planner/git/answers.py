"""The answers of "will it apply?" and what the merge engine is told about a branch."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


class MergeUnreadable(Exception):
    """An object a pick needs cannot be read (a damaged or partial clone)."""


@dataclass(slots=True)
class BranchFacts:
    """What the applicability pass needs to know about one scanned branch."""

    tip: str
    bases: list[str]
    native: Callable[[str], bool]
    picked: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Answer:
    """Will one fix apply to one branch tip (see :mod:`relplan.planner.git.applies`)."""

    apply: str
    conflicts: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The answer as stored in the cache."""
        return {"apply": self.apply, "conflicts": list(self.conflicts), "needs": list(self.needs)}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Answer:
        """An answer read back from the cache."""
        conflicts = data.get("conflicts") or []
        needs = data.get("needs") or []
        assert isinstance(conflicts, list) and isinstance(needs, list)
        return cls(str(data["apply"]), tuple(map(str, conflicts)), tuple(map(str, needs)))
