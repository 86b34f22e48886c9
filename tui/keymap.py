"""Binding ids a config's ``[keymap]`` table can remap, and a warning for ids that match none."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual.binding import Binding


def ids_of(owners: Iterable[type]) -> set[str]:
    """The binding ids declared by these classes (screens, widgets, the app)."""
    ids = set()
    for owner in owners:
        for binding in getattr(owner, "BINDINGS", []):
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return ids


def keymap_warning(unknown: Sequence[str], known: Iterable[str]) -> str:
    """A status line naming keymap entries that match no binding, with a guess."""
    import difflib

    choices = sorted(known)
    parts = []
    for name in unknown:
        close = difflib.get_close_matches(name, choices, n=1)
        parts.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    return "keymap: no binding with id " + ", ".join(parts) + "; see ? for ids"
