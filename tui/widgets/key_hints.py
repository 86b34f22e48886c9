"""The key-hint line at the bottom of every view: one widget, one line of text.

Textual's ``Footer`` builds a widget per key and rebuilds them all whenever the
bindings change (three times before the first frame); this line renders the
same hints as one ``Static``. Disabled keys are dimmed; the command palette's
key stands last.
"""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static

#: Binding ids the footer keeps first when the line is too narrow for every key, in
#: this order; the view's own keys come next, then the rest in binding order.
FIRST = ("help", "quit", "undo", "save")


class KeyHints(Static):
    """``key Description`` for each shown binding of the screen. When the line is too
    narrow for all of them (80 columns) it keeps :data:`FIRST`, then the view's own keys,
    then the app's, as many as fit whole, and ``?`` says it lists the rest."""

    DEFAULT_CSS = """
    KeyHints { dock: bottom; height: 1; background: $footer-background;
        color: $footer-foreground; padding: 0 1; }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._redraw()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self) -> None:
        self._redraw()

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self._redraw()

    def hints(self) -> list[tuple[int, str, str, bool, str]]:
        """(rank, key, description, enabled, id) of each shown binding, in binding order."""
        app = self.app
        out: list[tuple[int, str, str, bool, str]] = []
        seen: set[str] = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            palette = key == app.COMMAND_PALETTE_BINDING and app.ENABLE_COMMAND_PALETTE
            if not palette and (not binding.show or binding.action in seen):
                continue
            seen.add(binding.action)
            bid = binding.id or binding.action
            rank = (
                FIRST.index(bid) if bid in FIRST
                else 9 if palette
                else 4 if active.node is self.screen or active.node is not app
                else 5
            )  # fmt: skip
            description = "palette" if palette else binding.description
            out.append((rank, app.get_key_display(binding), description, active.enabled, bid))
        return out

    def _redraw(self) -> None:
        hints = self.hints()
        room = self.content_size.width or self.app.size.width - 2
        width = sum(len(f"{k} {d}  ") for _, k, d, _, _ in hints)
        shown = hints
        if width > room:
            keep: list[tuple[int, str, str, bool, str]] = []
            used = len("? all keys  ")
            for hint in sorted(hints, key=lambda h: h[0]):  # stable: binding order within
                cost = len(f"{hint[1]} {hint[2]}  ")
                if hint[4] == "help" or used + cost <= room:
                    keep.append(hint)
                    used += cost if hint[4] != "help" else 0
            shown = [h for h in hints if h in keep]
        cut = shown is not hints
        # FIRST in its order, then binding order, the palette last
        shown = sorted(shown, key=lambda h: h[0] if h[0] <= len(FIRST) or h[0] == 9 else 4)
        text = Text(no_wrap=True, overflow="ellipsis")
        for rank, key, description, enabled, bid in shown:
            style = "" if enabled else "dim"
            text.append(f"{key} ", style=f"bold {style}".strip())
            words = "all keys" if bid == "help" and cut else description
            text.append(f"{words}  ", style="dim" if rank == 9 else style)
        self.update(text)
