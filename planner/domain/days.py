"""Days and spans of days as relplan reads them: one home for every face and file.

``--today 2009-08-31``, a date in a plan file, a tracker's due day and the days typed in
the dashboard all go through :func:`parse_day`; ``--by 2w`` and the slip dialog's
``+10d`` through :func:`parse_span`. Each raises :class:`BadDay`, a ValueError whose
message says what was expected; the callers add where (file, field, flag).
"""

from __future__ import annotations

import datetime as dt
import re

DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(weeks=1)

FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)
"""The days relplan plans with: every date read (and ``--today``) lies between them, so
calendar arithmetic (up to 100 releases of up to 10 years, support windows of up to a
century) stays inside what a date can hold."""


class BadDay(ValueError):
    """Text that is not a day (or span) relplan plans with; the message says why."""


def in_range(day: dt.date) -> dt.date:
    """``day`` when it lies within FIRST_DAY..LAST_DAY, else BadDay saying the range."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise BadDay(f"{day.isoformat()} is outside the days relplan plans with "
                     f"({FIRST_DAY.isoformat()}..{LAST_DAY.isoformat()})")  # fmt: skip
    return day


def parse_day(text: str) -> dt.date:
    """A ``YYYY-MM-DD`` day within FIRST_DAY..LAST_DAY (surrounding blanks ignored)."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise BadDay(f'"{text}" is not a date (expected YYYY-MM-DD)') from None
    return in_range(day)


_SPAN = re.compile(r"^([+-]?\d{1,4})\s*([dw])?$")


def parse_span(text: str) -> dt.timedelta:
    """``3w``, ``10d``, ``-1w``, ``+5`` (days) as a span of days."""
    m = _SPAN.match(text.strip().lower())
    if not m:
        raise BadDay(f'"{text}" is not a span of days (e.g. 2w, 10d or -1w)')
    n = int(m.group(1))
    return n * WEEK if m.group(2) == "w" else n * DAY
