"""Command palette (ctrl+p): every action of the app and the view, and "go to release X"."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from relplan.planner.domain.rules import PRESETS
from relplan.planner.domain.text import printable
from relplan.tui.screens.help import binding_level
from relplan.tui.widgets.item_rows import COLUMNS


class RelplanCommands(Provider):
    """Offers each binding's action by its description, plus one entry per release."""

    def _commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        app: Any = self.app
        out: list[tuple[str, Callable[[], Any], str]] = []
        seen: set[str] = set()

        actives = sorted(self.screen.active_bindings.values(), key=binding_level)
        for active in actives:
            binding = active.binding
            if binding.system or not binding.description or binding.id is None:
                continue
            if binding.action in seen:
                continue
            seen.add(binding.action)
            namespace = active.node
            action = partial(app.run_action, binding.action, namespace)
            out.append((binding.description, action, binding.tooltip or f"key {binding.key}"))
        for release in app.session.train():
            out.append(
                (
                    f"go to release {printable(release.version)}",
                    partial(app.open_release, release.version),
                    f"{release.kind.value} release on {release.day}",
                )
            )

        for name, what in PRESETS.items():
            out.append((f"items: {name}", partial(app.show_preset, name), what))
        for column in COLUMNS:
            out.append((f"items: sort by {column}", partial(app.sort_items, column), "Items view"))
        for name, theme in sorted(app.available_themes.items()):
            kind = "dark" if theme.dark else "light"
            out.append((f"theme: {name}", partial(setattr, app, "theme", name), f"{kind} theme"))
        return out

    async def discover(self) -> Hits:
        for name, command, help_text in self._commands():
            yield DiscoveryHit(name, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, command, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, text=name, help=help_text)
