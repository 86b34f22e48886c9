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


class KeyHints(Static):
    """``key Description`` for each shown binding of the screen, in binding order."""

    DEFAULT_CSS = """
    KeyHints { dock: bottom; height: 1; background: $footer-background;
        color: $footer-foreground; padding: 0 1; }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._redraw()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self._redraw()

    def _redraw(self) -> None:
        app = self.app
        text = Text(no_wrap=True, overflow="ellipsis")
        seen: set[str] = set()
        palette = None
        # ? Help and q Quit first: a narrow terminal cuts the line's end, never them
        first = ("help", "quit")
        actives = sorted(
            self.screen.active_bindings.items(),
            key=lambda kv: first.index(kv[1].binding.id) if kv[1].binding.id in first else 2,
        )
        for key, (_, binding, enabled, _) in actives:
            if key == app.COMMAND_PALETTE_BINDING and app.ENABLE_COMMAND_PALETTE:
                palette = (binding, enabled)
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            style = "" if enabled else "dim"
            text.append(f"{app.get_key_display(binding)} ", style=f"bold {style}".strip())
            text.append(f"{binding.description}  ", style=style)
        if palette is not None:
            text.append(f"{app.get_key_display(palette[0])} palette", style="dim")
        self.update(text)
