"""One item: everything the plan and git know about it; edit it, open its tracker page.

:class:`ItemScreen` shows an item's fields, why it targets its release, what it
depends on, and per maintained branch the tracker's backport state beside git's
evidence. :class:`ItemForm` adds or edits an item; the values are checked and assembled by
the use case ``relplan add``/``edit`` call too (:mod:`relplan.planner.usecases.edits`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from relplan.planner.domain.errors import PlanError
from relplan.planner.domain.model import Item
from relplan.planner.domain.text import printable
from relplan.planner.outputs.escape import for_terminal
from relplan.planner.usecases.edits import Edit
from relplan.planner.usecases.session import Session
from relplan.tui.widgets.safe import OutsideText


def item_text(session: Session, item: Item) -> Text:
    """The detail view's text: fields, target and why, dependencies, backports with git."""
    text = Text()

    def row(name: str, value: object, style: str = "") -> None:
        text.append(f"{name:>12}  ", style="dim")
        text.append(f"{printable(str(value))}\n", style=style)  # outside text: escaped

    text.append(f"{printable(item.id)}\n", style="bold")
    text.append(f"{printable(item.title)}\n\n")
    row("kind", item.kind.value)
    row("priority", item.priority.value)
    row("state", item.state.value)
    row("owner", item.owner or "nobody")
    if item.prognosis or item.area:
        row("prognosis", item.prognosis.value if item.prognosis else "-")
        row("area", item.area or "-")
    row("target", item.target or "unscheduled")
    if item.why:
        row("why", item.why)
    risky = session.at_risk().get(item.id, "")
    if item.id in session.at_risk():
        row("at risk", f"its release can no longer take it; proposed: {risky or 'none'}", "yellow")
    row("blocker", "yes" if item.blocker else "no", "bold red" if item.blocker else "")
    if item.labels:
        row("labels", ", ".join(item.labels))
    if item.depends_on:
        row("depends on", ", ".join(item.depends_on))
    if item.fix_commits:
        row("fix commits", ", ".join(sha[:12] for sha in item.fix_commits))
    row("tracker", item.url or "no link (o opens it when there is one)")
    if item.kind.is_fix:
        text.append("\nbackports\n", style="bold")
        series = list(dict.fromkeys([*session.maintained_series(), *item.backports]))
        for s in series:
            cell = session.backport_cell(item, s)
            text.append(f"{printable(s):>12}  ", style="dim")
            shown = printable(cell.describe())
            text.append(f"{shown}\n", style="bold red" if cell.conflict else "")
    return text


class ItemScreen(ModalScreen[str | None]):
    """An item's details; ``o`` opens its tracker page, ``E`` edits it, escape closes."""

    BINDINGS = [
        Binding("escape,q", "dismiss_none", "Close", id="item_close"),
        Binding("o", "dismiss_with('open')", "Open link", id="item_open_link",
                tooltip="Open the item's tracker page in the browser"),
        Binding("E", "dismiss_with('edit')", "Edit", id="item_edit"),
    ]  # fmt: skip
    DEFAULT_CSS = """
    ItemScreen { align: center middle; }
    ItemScreen > VerticalScroll { width: 100; max-width: 95%; height: auto; max-height: 90%;
        border: round $primary; background: $surface; padding: 0 1; }
    """

    def __init__(self, session: Session, item: Item) -> None:
        super().__init__()
        self.session, self.item = session, item

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(item_text(self.session, self.item), markup=False)
            yield Static("[dim]o open link  E edit  esc close[/dim]")

    def action_dismiss_none(self) -> None:
        self.dismiss(None)

    def action_dismiss_with(self, what: str) -> None:
        self.dismiss(what)


FORM_FIELDS = (
    ("title", "the item's title"),
    ("kind", "feature, bug, security, task"),
    ("priority", "critical, high, medium, low"),
    ("state", "proposed, accepted, in-progress, done, deferred (drops the target), rejected"),
    ("target", "a release on the calendar (empty: unscheduled)"),
    ("owner", "owner(s), separated by '; '"),
    ("prognosis", "none, fair, ok, good, done (empty: not set)"),
    ("area", "groups the development update"),
    ("url", "the tracker link"),
    ("fix_commits", "fix commits, space separated"),
)


class ItemForm(ModalScreen[Edit | None]):
    """Add or edit an item: one row per field (its name, then its text); the focused
    field's hint shows below. Enter saves when every field is valid, escape cancels.
    Returns the edit the use case assembled from the text (never applied here).

    Tab and shift+tab are priority bindings: focus moves when the key is read, so keys
    typed right after tab (a fast typist, a paste) land in the new field, not the old one.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form_cancel"),
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True,
                id="form_next"),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False,
                priority=True, id="form_previous"),
    ]  # fmt: skip
    DEFAULT_CSS = """
    ItemForm { align: center middle; }
    ItemForm > Vertical { width: 90; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1; }
    ItemForm Horizontal { height: 1; }
    ItemForm Label { width: 12; color: $text-muted; }
    ItemForm Input, ItemForm Input:focus { width: 1fr; height: 1; border: none; padding: 0 1; }
    ItemForm Input:focus { background: $boost; }
    ItemForm #hint { color: $text-muted; height: auto; }
    ItemForm #problems { color: $error; height: auto; }
    """

    def __init__(
        self, title: str, values: Mapping[str, str], assemble: Callable[[dict[str, str]], Edit]
    ) -> None:
        super().__init__()
        self.heading, self.values, self.assemble = title, dict(values), assemble

    def compose(self) -> ComposeResult:
        with Vertical():
            yield OutsideText(self.heading)
            for name, _ in FORM_FIELDS:
                with Horizontal():
                    yield Label(name.replace("_", " "))
                    # outside text: shown escaped (an ESC would be obeyed by the terminal)
                    yield Input(for_terminal(self.values.get(name, "")), id=f"field-{name}")
            yield OutsideText("", id="hint")
            yield OutsideText("", id="problems")
            yield Static("[dim]tab next field  enter save  esc cancel[/dim]")

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The hint of the field that has the focus."""
        name = (event.widget.id or "").removeprefix("field-")
        hint = dict(FORM_FIELDS).get(name, "")
        self.query_one("#hint", Static).update(f"{name.replace('_', ' ')}: {hint}")

    def texts(self) -> dict[str, str]:
        """The text of every field, by field name (a field left as shown keeps its value)."""
        out = {}
        for name, _ in FORM_FIELDS:
            typed, was = self.query_one(f"#field-{name}", Input).value, self.values.get(name, "")
            out[name] = was if typed == for_terminal(was) else typed
        return out

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            edit = self.assemble(self.texts())
        except PlanError as exc:
            shown = "; ".join(f"{p.field}: {p.message}" for p in exc.problems)
            self.query_one("#problems", Static).update(shown)
            return
        self.dismiss(edit)

    def action_cancel(self) -> None:
        self.dismiss(None)
