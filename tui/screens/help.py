"""Help: every key of the view it was opened from, with what it does."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def key_lines(
    bindings: Mapping[str, ActiveBinding], display: Callable[[Binding], str]
) -> list[tuple[str, str, str]]:
    """(key, description, binding id) for each active binding, grouped by action."""
    by_action: dict[tuple[str, str], list[str]] = {}
    ids: dict[tuple[str, str], str] = {}
    for key, active in bindings.items():
        binding = active.binding
        if binding.system or not binding.description:
            continue
        if binding.id is None and binding.action.startswith(("scroll_", "page_")):
            continue  # the scroll container's own keys; the lists bind their own
        what = (binding.description, active.tooltip or binding.tooltip)
        by_action.setdefault(what, []).append(display(binding.with_key(key)))
        ids[what] = binding.id or binding.action
    return [
        (", ".join(keys), f"{d}: {t}" if t else d, ids[(d, t)])
        for (d, t), keys in by_action.items()
    ]


class HelpScreen(ModalScreen[None]):
    """Lists the keys of the view underneath; any of escape, q, ? closes it."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help_close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90; height: 80%; border: round $primary;
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
                yield Static(f"[b]{keys:>16}[/b]  {description}  [dim]{binding_id}[/dim]")
