"""Field names of an item as sync, push and their conflicts spell them.

One series' backport state is the field ``backports.<series>`` (``backports.3.4``): the
conflict lists of sync, the writes of push and each adapter's refusals name it so, and
parse it back with :func:`backport_series`.
"""

from __future__ import annotations

BACKPORTS = "backports"
_PREFIX = BACKPORTS + "."


def backport_field(series: str) -> str:
    """``backports.<series>``: the field of one series' backport state."""
    return _PREFIX + series


def backport_series(field: str) -> str | None:
    """The series of a ``backports.<series>`` field, None for any other field."""
    return (
        field[len(_PREFIX) :] if field.startswith(_PREFIX) and len(field) > len(_PREFIX) else None
    )


def field_label(field: str) -> str:
    """How a field reads in a sentence: ``backport 3.3`` for ``backports.3.3``."""
    series = backport_series(field)
    return f"backport {series}" if series is not None else field
