"""Binding ids a config's ``[keymap]`` table can remap, and a warning for ids that match none."""

from __future__ import annotations

from collections.abc import Sequence

from textual.binding import Binding


def binding_ids() -> set[str]:
    """Every binding id a ``[keymap]`` table may remap."""
    from tui.app import RelplanApp
    from tui.screens.backports import BackportsScreen
    from tui.screens.dialogs import ChoiceScreen, ConfirmScreen, PathScreen
    from tui.screens.help import HelpScreen
    from tui.screens.items import ItemsScreen
    from tui.screens.release import ReleaseScreen
    from tui.screens.timeline import TimelineScreen
    from tui.widgets.backport_matrix import BackportMatrix
    from tui.widgets.item_list import ItemList
    from tui.widgets.timeline import Timeline

    owners: list[type] = [
        RelplanApp, TimelineScreen, ItemsScreen, ReleaseScreen, BackportsScreen, HelpScreen,
        ChoiceScreen, ConfirmScreen, PathScreen, Timeline, ItemList, BackportMatrix,
    ]  # fmt: skip
    ids = set()
    for owner in owners:
        for binding in getattr(owner, "BINDINGS", []):
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return ids


def keymap_warning(unknown: Sequence[str]) -> str:
    """A status line naming keymap entries that match no binding, with a guess."""
    import difflib

    known = sorted(binding_ids())
    parts = []
    for name in unknown:
        close = difflib.get_close_matches(name, known, n=1)
        parts.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    return "keymap: no binding with id " + ", ".join(parts) + "; see ? for ids"
