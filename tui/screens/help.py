"""Help: every key of the view it was opened from, with what it does."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rich.table import Table
from textual.app import App, ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


def binding_level(active: ActiveBinding) -> int:
    """0 for the app's actions, 1 for the view's, 2 for a widget's (moving around)."""
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


#: Keys every view has that no relplan binding lists: the palette and focus moves.
GLOBAL_KEYS = (
    ("ctrl+p", "Command palette: every action by name, go to release, presets, sorts",
     "palette"),
    ("tab, shift+tab", "Next / previous field or pane", "focus"),
)  # fmt: skip


def help_table(lines: list[tuple[str, str, str]]) -> Table:
    """Keys, what they do (wrapped to the width there is) and the binding id (dim)."""
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(justify="right", style="bold", no_wrap=True)
    table.add_column(ratio=1, overflow="fold")
    table.add_column(style="dim", no_wrap=True)
    for keys, description, binding_id in lines:
        table.add_row(keys, description, binding_id)
    return table


class HelpScreen(ModalScreen[None]):
    """Lists the keys of the view underneath, then the palette and focus keys; any of
    escape, q, ? closes it. Fits 80x24 in its border; long descriptions wrap."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help_close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 110; max-width: 100%; height: auto;
        max-height: 100%; border: round $primary; background: $surface; padding: 0 1; }
    """

    def __init__(
        self,
        bindings: Mapping[str, ActiveBinding],
        view: str,
        display: Callable[[Binding], str] = lambda b: b.key_display or b.key,
    ) -> None:
        super().__init__()
        self.lines = key_lines(bindings, display) + list(GLOBAL_KEYS)
        self.view = view

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = f"Keys of {self.view}"
            scroll.border_subtitle = "esc closes · remap by id in the config's \\[keymap]"
            yield Static(help_table(self.lines), markup=False)
