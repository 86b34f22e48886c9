"""The rows a backport matrix shows: fixes with their cell on every branch, a preset, a text
filter and a sort.

Everything a keypress needs is computed once per session revision: each fix's cells
(tracker state, git state, evidence, conflict), their labels and styles, the text a
filter searches and the counts sorts use. A row is rebuilt only when its item is a new
object or git's evidence changed (edits return plans that share unchanged items), so
setting one cell re-reads one row. ``view`` holds indices into ``rows`` in display order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from rich.style import Style

from relplan.planner.domain.model import BackportState, Item, natural_key
from relplan.planner.domain.rules import (
    BackportCell,
    Branch,
    backport_presets,
    in_backport_preset,
)
from relplan.tui.palette import BACKPORT_STYLES

CellInfo = Callable[[Item, str], BackportCell]
MUTED = Style(color="#6a6a6a")
CONFLICT = Style(color="#d05050", bold=True)

#: Sort orders, in the order ``>`` cycles through them.
SORTS: dict[str, str] = {
    "plan": "plan order",
    "id": "id",
    "title": "title",
    "missing": "most missing first",
    "conflicts": "conflicts first",
}


@dataclass(frozen=True, slots=True)
class Label:
    """What one cell shows: the full and the abbreviated text, and its style."""

    full: str
    short: str
    style: Style


@cache
def label(state: BackportState | None, mark: str) -> Label:
    """The label of a cell: the tracker's state (git's when the tracker says nothing) and
    git's mark (``!`` conflict, ``✓`` agrees, ``g`` git knows more); a few dozen exist."""
    full = f"{state.value if state else '·'} {mark}".rstrip()
    short = f"{state.short if state else '·'} {mark}".rstrip()
    style = CONFLICT if mark == "!" else BACKPORT_STYLES[state] if state else MUTED
    return Label(full, short, style)


@dataclass(frozen=True, slots=True)
class MatrixRow:
    """One fix with everything the matrix shows and filters by, computed once."""

    item: Item
    cells: tuple[BackportCell, ...]
    labels: tuple[Label, ...]
    hay: str
    missing: int
    conflicts: int
    id_key: tuple[object, ...]


def make_row(
    item: Item,
    series: Sequence[str],
    branches: Sequence[str],
    cell_info: CellInfo | None,
    subject: str = "",
) -> MatrixRow:
    """A fix's row: its cell on each branch (``cell_info`` adds git's word), the labels,
    and the lowercase text a filter searches (id, title, git's subject, fix commits, the
    branches it has a state on, git's evidence)."""
    cells, labels = [], []
    hay = [item.id, item.title, subject, *item.fix_commits]
    for s, branch in zip(series, branches, strict=True):
        cell = cell_info(item, s) if cell_info else plain_cell(item, s)
        state = item.backports.get(s) or cell.git
        cells.append(cell)
        labels.append(label(state, cell.mark))
        if state is not None or cell.git is not None:
            hay += [s, branch, cell.evidence]
    return MatrixRow(
        item,
        tuple(cells),
        tuple(labels),
        " ".join(hay).lower(),
        sum(1 for c in cells if c.is_missing),
        sum(1 for c in cells if c.conflict),
        natural_key(item.id),
    )


def plain_cell(item: Item, series: str) -> BackportCell:
    """A cell from the item's own mark alone (no git, the branch not known to be
    security-only): what a matrix shows without a session."""
    return BackportCell(item.backports.get(series)).for_fix(item, Branch(series, series))


def _sort_key(name: str) -> Callable[[MatrixRow], Any]:
    keys: dict[str, Callable[[MatrixRow], Any]] = {
        "id": lambda r: r.id_key,
        "title": lambda r: r.item.title.lower(),
        "missing": lambda r: -r.missing,
        "conflicts": lambda r: -r.conflicts,
    }
    return keys[name]


class BackportRows:
    """Fixes in display order for one matrix, with preset, text filter and sort."""

    def __init__(self) -> None:
        self.series: list[str] = []
        self.branches: list[str] = []
        self.rows: list[MatrixRow] = []
        self.preset = "all"
        self.text = ""
        self.sort = "plan"
        self.view: list[int] = []
        self._token: object = None
        self._members: dict[str, list[bool]] = {}  # preset -> row is in it, per revision

    def __len__(self) -> int:
        return len(self.view)

    @property
    def presets(self) -> list[str]:
        """The preset lists for the branches shown
        (:func:`relplan.planner.domain.rules.backport_presets`)."""
        return backport_presets(self.series)

    def set_fixes(
        self,
        fixes: Sequence[Item],
        series: Sequence[str],
        cell_info: CellInfo | None = None,
        *,
        branches: Sequence[str] | None = None,
        token: object = None,
        subject: Callable[[Item], str] | None = None,
    ) -> None:
        """Take the fixes and branches to show. ``token`` names git's evidence (the
        session's ``evidence`` object): while it is the same, rows of unchanged items are
        kept (the same object, or an equal one: git-only fixes are rebuilt with every plan).
        ``branches`` are the git branch names of ``series`` (searched by the filter)."""
        names = list(branches) if branches is not None else list(series)
        same = token is self._token and list(series) == self.series and names == self.branches
        known = {r.item.id: r for r in self.rows} if same else {}
        self.series, self.branches, self._token = list(series), names, token
        self._members = {}
        rows = []
        for item in fixes:
            row = known.get(item.id)
            if row is None or not (row.item is item or row.item == item):
                text = subject(item) if subject else ""
                row = make_row(item, self.series, names, cell_info, text)
            rows.append(row)
        self.rows = rows
        if self.preset not in self.presets:
            self.preset = "all"
        self._rebuild()

    def row_at(self, index: int) -> MatrixRow:
        """The row shown at a display position."""
        return self.rows[self.view[index]]

    def row_of(self, item_id: str) -> int | None:
        """The display position of a fix, or None when the preset or filter hides it."""
        rows = self.rows
        return next((n for n, i in enumerate(self.view) if rows[i].item.id == item_id), None)

    def set_preset(self, name: str) -> None:
        """Show one preset list; a ValueError names the known ones."""
        if name not in self.presets:
            raise ValueError(f"unknown preset {name!r}; expected one of {', '.join(self.presets)}")
        self.preset = name
        self._rebuild()

    def set_filter(self, text: str) -> None:
        """Show only fixes whose id, title, subject, commits, branches or evidence contain
        ``text`` (case-insensitive)."""
        self.text = text.strip().lower()
        self._rebuild()

    def sort_by(self, name: str) -> None:
        """Sort by one of :data:`SORTS` (ties keep plan order)."""
        if name not in SORTS:
            raise ValueError(f"unknown sort {name!r}; expected one of {', '.join(SORTS)}")
        self.sort = name
        self._rebuild()

    def _rebuild(self) -> None:
        rows, needle = self.rows, self.text
        members = self._members.get(self.preset)
        if members is None:
            preset, series = self.preset, self.series
            members = [in_backport_preset(preset, r.item, r.cells, series) for r in rows]
            self._members[preset] = members
        view = [i for i, r in enumerate(rows) if members[i] and needle in r.hay]
        if self.sort != "plan":
            key = _sort_key(self.sort)
            view.sort(key=lambda i: key(rows[i]))
        self.view = view
