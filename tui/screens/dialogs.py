"""Small modal questions: pick one of a few choices, confirm, or type a path."""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from relplan.planner.domain.text import printable
from relplan.tui.widgets.safe import OutsideText


class ChoiceScreen(ModalScreen[str | None]):
    """Pick one value from a list; escape cancels (returns None).

    Opens on the current value; ``j``/``k`` and the arrows move, a letter jumps to
    the next choice starting with it, enter picks.
    """

    BINDINGS = [
        Binding("escape", "dismiss_none", "Cancel", id="dialog_cancel"),
        Binding("j", "move(1)", "Down", show=False, id="dialog_down"),
        Binding("k", "move(-1)", "Up", show=False, id="dialog_up"),
    ]
    DEFAULT_CSS = """
    ChoiceScreen { align: center middle; }
    ChoiceScreen > Vertical { width: 60; height: auto; max-height: 80%;
        border: round $primary; background: $surface; padding: 0 1; }
    ChoiceScreen OptionList { height: auto; max-height: 20; }
    """

    def __init__(
        self, question: str, choices: Sequence[tuple[str, str]], current: str | None = None
    ) -> None:
        super().__init__()
        self.question = question
        self.choices = list(choices)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield OutsideText(self.question)
            options = (Option(printable(label), id=value) for value, label in self.choices)
            yield OptionList(*options, markup=False)

    def on_mount(self) -> None:
        values = [value for value, _ in self.choices]
        if self.current in values:
            self.query_one(OptionList).highlighted = values.index(self.current)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        options.action_cursor_down() if step > 0 else options.action_cursor_up()

    def on_key(self, event: events.Key) -> None:
        letter = event.character
        if not letter or len(letter) != 1 or not letter.isalnum() or letter in "jk":
            return
        options = self.query_one(OptionList)
        start = (options.highlighted if options.highlighted is not None else -1) + 1
        labels = [label.lower() for _, label in self.choices]
        count = len(labels)
        for i in range(count):
            row = (start + i) % count
            if labels[row].startswith(letter.lower()):
                options.highlighted = row
                event.stop()
                return

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[str | None]):
    """A question answered by one key among ``keys`` (escape: None)."""

    BINDINGS = [Binding("escape", "answer('')", "Cancel", id="dialog_cancel")]
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Static { width: auto; min-width: 64; max-width: 90%; height: auto;
        border: round $warning; background: $surface; padding: 1 2; }
    """

    def __init__(self, question: str, keys: Sequence[str] = ("y", "n")) -> None:
        super().__init__()
        self.question = question
        self.keys = list(keys)

    def compose(self) -> ComposeResult:
        yield Static(self.question)

    def on_key(self, event: events.Key) -> None:
        if event.key in self.keys:
            event.stop()
            self.dismiss(event.key)

    def action_answer(self, key: str) -> None:
        self.dismiss(key or None)


class PathScreen(ModalScreen[str | None]):
    """Ask for a line of text (a file path by default); enter accepts, escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog_cancel")]
    DEFAULT_CSS = """
    PathScreen { align: center middle; }
    PathScreen > Vertical { width: 72; height: auto; border: round $primary;
        background: $surface; padding: 0 1; }
    """

    def __init__(
        self, question: str, value: str = "", placeholder: str = "path/to/plan.toml"
    ) -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield OutsideText(self.question)
            yield Input(self.value, placeholder=self.placeholder)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class MessagesScreen(ModalScreen[None]):
    """Every status and sync message of this session, oldest first, each whole (the status
    lines cut long ones at the terminal's width); opens at the newest."""

    BINDINGS = [Binding("escape,q,m", "dismiss", "Close", id="messages_close")]
    DEFAULT_CSS = """
    MessagesScreen { align: center middle; }
    MessagesScreen > VerticalScroll { width: 110; max-width: 100%; height: auto;
        max-height: 100%; border: round $primary; background: $surface; padding: 0 1; }
    """

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__()
        self.messages = list(messages)

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = f"Messages ({len(self.messages)})"
            scroll.border_subtitle = "esc closes"
            yield OutsideText("\n".join(self.messages) or "no messages yet")

    def on_mount(self) -> None:
        scroll = self.query_one(VerticalScroll)
        scroll.focus()
        scroll.scroll_end(animate=False)
