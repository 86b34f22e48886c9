"""Errors a user can cause, each naming where the problem is and what was expected.

Every user-facing failure in relplan (a malformed plan, a bad import file, an
unknown release, a tracker refusing a token) is a :class:`RelplanError` carrying
one or more :class:`Problem` records. The CLI prints them, one per line, and
exits with code 2; nothing user-caused ever reaches the user as a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input: where it is, what is wrong, what was expected."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
        parts = [p for p in (where, self.field) if p]
        head = ": ".join(parts)
        text = f"{head}: {self.message}" if head else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class RelplanError(Exception):
    """A failure caused by the user's input or environment, never a bug.

    It holds every problem found, not just the first, so a user can fix a file
    in one pass.
    """

    def __init__(self, problems: Problem | str | Iterable[Problem]) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class PlanError(RelplanError):
    """A plan, config or import file that cannot be used as it is."""


class SourceError(RelplanError):
    """A tracker or repository that refused or could not answer."""


class PlanChangedOnDisk(RelplanError):
    """The plan file changed since it was loaded; writing would lose someone's edit."""
