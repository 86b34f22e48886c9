"""Messages the app and its views exchange."""

from __future__ import annotations

from textual.message import Message


class SyncStatus(Message):
    """New text for the tracker-sync status line; a newer one replaces an unhandled older one.

    Post it to the app (``app.post_message(SyncStatus("syncing ruby: 120/400"))``)
    from a worker; the app shows it on every view's sync line.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__()

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SyncStatus)
