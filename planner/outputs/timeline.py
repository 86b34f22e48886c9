"""The release timeline as a small SVG chart, for pages (pure: no terminal, no Textual).

One row per series: its development (from the previous release), then bug-fix support from
its release day, then security fixes only, with a line at the session's day, in the manner
of the CPython devguide's "Status of Python versions" chart. The picture scales to its
container (``viewBox`` and ``width="100%"``), so it never makes a phone's page wider. Its
colours are CSS classes (``dev``, ``bugfix``, ``security``, ``today``, ``axis``) styled by the
page, so it follows the page's light or dark scheme.

(``relplan export --format svg`` is something else: a screenshot of the dashboard's timeline,
which needs the Textual app.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from relplan.planner.outputs.html import Markup, element, escape_html

__all__ = ["Bar", "timeline_svg"]

WIDTH = 800
LABEL = 90  # room for the series names on the left
ROW = 26
AXIS = 24


@dataclass(frozen=True, slots=True)
class Bar:
    """One series on the chart: the days its spans start and end (None: not known)."""

    series: str
    development_start: dt.date | None
    release: dt.date
    maintained_until: dt.date | None
    security_until: dt.date | None
    shipped: bool


def _bounds(bars: Sequence[Bar], today: dt.date) -> tuple[dt.date, dt.date]:
    days = [today]
    for b in bars:
        days += [d for d in (b.development_start, b.release, b.maintained_until,
                             b.security_until) if d is not None]  # fmt: skip
    first, last = min(days), max(days)
    return dt.date(first.year, 1, 1), dt.date(last.year + 1, 1, 1)


def timeline_svg(bars: Sequence[Bar], today: dt.date, title: str) -> Markup:
    """The chart as an inline ``<svg>`` element (``title`` is outside text: escaped)."""
    start, end = _bounds(bars, today)
    span = max((end - start).days, 1)

    def x(day: dt.date) -> float:
        return round(LABEL + (WIDTH - LABEL - 4) * (day - start).days / span, 1)

    height = AXIS + ROW * len(bars) + 4
    parts: list[str] = [element("title", title)]
    for year in range(start.year, end.year + 1):
        gx = x(dt.date(year, 1, 1))
        parts.append(f'<line class="grid" x1="{gx}" y1="{AXIS - 4}" x2="{gx}" y2="{height}"/>')
        if year < end.year:
            parts.append(f'<text class="axis" x="{gx + 3}" y="{AXIS - 8}">{year}</text>')
    for row, bar in enumerate(bars):
        y = AXIS + row * ROW
        parts.append(
            f'<text class="label" x="{LABEL - 6}" y="{y + ROW * 0.65}" text-anchor="end">'
            f"{escape_html(bar.series)}</text>"
        )
        planned = "" if bar.shipped else " planned"
        for cls, a, b in _spans(bar):
            parts.append(
                f'<rect class="{cls}{planned}" x="{x(a)}" y="{y + 4}" '
                f'width="{max(x(b) - x(a), 1)}" height="{ROW - 8}" rx="3">'
                f"<title>{escape_html(_what(bar, cls, a, b))}</title></rect>"
            )
    tx = x(today)
    parts.append(f'<line class="today" x1="{tx}" y1="{AXIS - 6}" x2="{tx}" y2="{height}"/>')
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet">'
        + "".join(parts)
        + "</svg>"
    )


def _spans(bar: Bar) -> list[tuple[str, dt.date, dt.date]]:
    out = []
    if bar.development_start is not None and bar.development_start < bar.release:
        out.append(("dev", bar.development_start, bar.release))
    if bar.maintained_until is not None and bar.maintained_until > bar.release:
        out.append(("bugfix", bar.release, bar.maintained_until))
        if bar.security_until is not None and bar.security_until > bar.maintained_until:
            out.append(("security", bar.maintained_until, bar.security_until))
    return out


_WORDS = {"dev": "development", "bugfix": "bug fixes", "security": "security fixes only"}


def _what(bar: Bar, cls: str, a: dt.date, b: dt.date) -> str:
    return f"{bar.series}: {_WORDS[cls]} {a.isoformat()} to {b.isoformat()}"
