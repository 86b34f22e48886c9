"""Outside text (tracker, plan and import text) on its way into widgets.

:func:`relplan.planner.domain.text.printable` shows control characters and escape sequences
escaped; here that is combined with a markup escape for the places that
build console markup around such text, and a Static that applies it to
whatever plain text it is given (status lines quote ids, paths and trackers).
"""

from __future__ import annotations

from typing import Any

from textual.visual import VisualType
from textual.widgets import Static

from relplan.planner.domain.text import printable, printable_lines


def markup_safe(text: object) -> str:
    """Outside text to embed in Textual markup: escaped controls, no markup of its own.

    Every ``[`` is escaped, not only those that open a known tag (as
    ``rich.markup.escape`` does): Textual's parser takes more as tags, and an
    escaped control (``\\x1b[5m``) is followed by one.
    """
    return printable(str(text)).replace("[", "\\[")


class OutsideText(Static):
    """A plain-text Static (no markup) whose string content is shown with controls escaped."""

    def __init__(self, content: VisualType = "", **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)
        super().__init__(_safe(content), **kwargs)

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        super().update(_safe(content), layout=layout)


def _safe(content: VisualType) -> VisualType:
    return printable_lines(content) if isinstance(content, str) else content
