"""Help: every key of the view it was opened from, with what it does."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def binding_level(active: ActiveBinding) -> int:
    """0 for the app's actions, 1 for the view's, 2 for a widget's (moving around)."""
    from textual.app import App
    from textual.screen import Screen

    return 0 if isinstance(active.node, App) else 1 if isinstance(active.node, Screen) else 2


def key_lines(
    bindings: Mapping[str, ActiveBinding], display: Callable[[Binding], str]
) -> list[tuple[str, str, str]]:
    """(key, description, binding id) for each active binding, grouped by action: the
    app's actions (triage, views, files) first, then the view's, then moving around."""
    by_action: dict[tuple[str, str], list[str]] = {}
    ids: dict[tuple[str, str], str] = {}
    rank: dict[tuple[str, str], int] = {}

    for key, active in bindings.items():
        binding = active.binding
        if binding.system or not binding.description or binding.id is None:
            continue  # framework keys (focus, scrolling) have no id: relplan's own only
        what = (binding.description, active.tooltip or binding.tooltip)
        by_action.setdefault(what, []).append(display(binding.with_key(key)))
        ids[what] = binding.id or binding.action
        rank.setdefault(what, binding_level(active))
    ordered = sorted(by_action, key=lambda what: rank[what])  # stable: binding order within
    return [
        (", ".join(by_action[(d, t)]), f"{d}: {t}" if t else d, ids[(d, t)]) for d, t in ordered
    ]


class HelpScreen(ModalScreen[None]):
    """Lists the keys of the view underneath; any of escape, q, ? closes it."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help_close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 100; height: 80%; border: round $primary;
        background: $surface; padding: 0 1; }
    """

    def __init__(
        self,
        bindings: Mapping[str, ActiveBinding],
        view: str,
        display: Callable[[Binding], str] = lambda b: b.key_display or b.key,
    ) -> None:
        super().__init__()
        self.lines = key_lines(bindings, display)
        self.view = view

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(f"[b]Keys of {self.view}[/b] (remap by id in the config's \\[keymap])\n")
            for keys, description, binding_id in self.lines:
                text = Text.assemble(
                    (f"{keys:>14}", "bold"),
                    "  ",
                    f"{description[:58]:<58}",
                    " ",
                    (binding_id, "dim"),
                )
                yield Static(text, markup=False)
