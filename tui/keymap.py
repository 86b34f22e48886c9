"""Binding ids a config's ``[keymap]`` table can remap, and a warning for ids that match none."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence

from textual.binding import Binding


def ids_of(owners: Iterable[type]) -> set[str]:
    """The binding ids declared by these classes (screens, widgets, the app)."""
    ids = set()
    for owner in owners:
        for binding in getattr(owner, "BINDINGS", []):
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return ids


def _keys(owner: type, keymap: Mapping[str, str]) -> dict[str, list[str]]:
    """Key -> binding ids of one class, after the keymap."""
    out: dict[str, list[str]] = {}
    for binding in getattr(owner, "BINDINGS", []):
        if isinstance(binding, Binding) and binding.id:
            for key in keymap.get(binding.id, binding.key).split(","):
                out.setdefault(key.strip(), []).append(binding.id)
    return out


def keymap_clashes(owners: Sequence[type], keymap: Mapping[str, str]) -> list[str]:
    """Keys that a ``[keymap]`` gives to two actions active together: two bindings of one
    class, or a view's binding and one of the app's (``owners[0]``, active everywhere)."""
    app_keys = _keys(owners[0], keymap)
    out = set()
    for owner in owners:
        for key, ids in _keys(owner, keymap).items():
            together = ids + (app_keys.get(key, []) if owner is not owners[0] else [])
            distinct = list(dict.fromkeys(together))
            if len(distinct) > 1 and any(i in keymap for i in distinct):
                out.add(f"{key!r} is bound to both {distinct[0]} and {distinct[1]}")
    return sorted(out)


def keymap_warning(unknown: Sequence[str], known: Iterable[str]) -> str:
    """A status line naming keymap entries that match no binding, with a guess."""
    choices = sorted(known)
    parts = []
    for name in unknown:
        close = difflib.get_close_matches(name, choices, n=1)
        parts.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    return "keymap: no binding with id " + ", ".join(parts) + "; see ? for ids"
