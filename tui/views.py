"""The dashboard's views by registry: adding a view is one module plus one entry here.

Each :class:`View` says what the app needs to know about a view: its mode name, the key
that switches to it (its binding, with the ``view_<name>`` id a ``[keymap]`` can remap),
the palette's description, which classes own remappable bindings, and whether it is the
view to start on. :class:`relplan.tui.app.RelplanApp` builds its ``MODES``, bindings and
keymap owners from :data:`VIEWS`; the command palette offers each view through its binding.

Screens are named by module and class and imported when first shown: the start view is
the only one the first frame pays for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

if TYPE_CHECKING:
    from textual.screen import Screen

    from relplan.planner.usecases.session import Session
    from relplan.tui.screens.base import ViewScreen


def _load(dotted: str) -> type:
    """``package.module:Name`` -> the class."""
    module, _, name = dotted.partition(":")
    found: type = getattr(importlib.import_module(module), name)
    return found


@dataclass(frozen=True, slots=True)
class View:
    """One main view of the dashboard.

    ``screen`` is ``module:Class`` of its :class:`ViewScreen`; ``owners`` more classes whose
    bindings a ``[keymap]`` may remap (its widgets, its dialogs). ``starts`` says, for a
    session, whether the dashboard opens on this view (the first view in :data:`VIEWS`
    whose ``starts`` says yes; the last one otherwise).
    """

    name: str
    key: str
    title: str
    screen: str
    tooltip: str
    owners: tuple[str, ...] = ()
    starts: Callable[[Session], bool] | None = field(default=None)

    def screen_class(self) -> type[ViewScreen]:
        """The view's screen class (imported on first use)."""
        found: type[ViewScreen] = _load(self.screen)
        return found

    def make(self) -> ViewScreen:
        """A new screen of this view (what ``MODES`` calls)."""
        return self.screen_class()()

    def binding(self) -> Binding:
        """The app binding that switches to this view; the palette offers it by its title."""
        return Binding(
            self.key, f"view('{self.name}')", self.title, id=f"view_{self.name}",
            tooltip=self.tooltip,
        )  # fmt: skip

    def owner_classes(self) -> list[type]:
        """The screen and every other class whose bindings a ``[keymap]`` may remap."""
        return [self.screen_class(), *(_load(o) for o in self.owners)]


def has_supported_branches(session: Session) -> bool:
    """The plan has branches taking fixes today: the Branches view answers first."""
    return bool(session.maintained_branches())


VIEWS: tuple[View, ...] = (
    View(
        "timeline",
        "1",
        "Timeline",
        "relplan.tui.screens.timeline:TimelineScreen",
        "Every release on a week scale, grouped by series",
        owners=("relplan.tui.widgets.timeline:Timeline",),
    ),
    View(
        "items",
        "2",
        "Items",
        "relplan.tui.screens.items:ItemsScreen",
        "Every roadmap item: filter, presets, sort, triage",
        owners=("relplan.tui.widgets.item_list:ItemList",),
    ),
    View(
        "backports",
        "3",
        "Backports",
        "relplan.tui.screens.backports:BackportsScreen",
        "Fixes by maintained branch, with git's evidence",
        owners=(
            "relplan.tui.widgets.backport_matrix:BackportMatrix",
            "relplan.tui.screens.backports:ConflictsScreen",
        ),
    ),
    View(
        "branches",
        "4",
        "Branches",
        "relplan.tui.screens.branches:BranchesScreen",
        "One row per series: support ends, next release, missing backports, late items",
        owners=("relplan.tui.widgets.branch_table:BranchTable",),
        starts=has_supported_branches,
    ),
)
"""The main views in key order."""

OTHER_OWNERS: tuple[str, ...] = (
    "relplan.tui.screens.release:ReleaseScreen",
    "relplan.tui.screens.help:HelpScreen",
    "relplan.tui.screens.dialogs:ChoiceScreen",
    "relplan.tui.screens.dialogs:ConfirmScreen",
    "relplan.tui.screens.dialogs:PathScreen",
    "relplan.tui.screens.dialogs:MessagesScreen",
    "relplan.tui.screens.item:ItemScreen",
    "relplan.tui.screens.item:ItemForm",
)
"""Screens that are not main views but own remappable bindings."""


def start_view(session: Session) -> str:
    """The view the dashboard opens on for this session: the first whose ``starts`` says
    yes, else the timeline."""
    for view in VIEWS:
        if view.starts is not None and view.starts(session):
            return view.name
    return "timeline"


def view_modes() -> dict[str, str | Callable[[], Screen[Any]]]:
    """``App.MODES``: each view's screen, built (and imported) when first shown."""
    return {view.name: view.make for view in VIEWS}


def view_bindings() -> list[Binding]:
    """One binding per view, in key order."""
    return [view.binding() for view in VIEWS]


def view_owners() -> list[type]:
    """Every class of the views and other screens whose bindings a ``[keymap]`` may remap."""
    out: list[type] = []
    for view in VIEWS:
        out += view.owner_classes()
    return out + [_load(o) for o in OTHER_OWNERS]
