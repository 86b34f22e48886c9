"""The output guard: one escaping function per output format, by that format's own rules.

Anyone who can file an issue controls its title, its owner, a milestone name; a plan
file or a roadmap from someone else controls the plan's name and its versions. Every
writer of every format passes such text through the one function of its format here,
so it is shown, never obeyed:

- terminal and plain-text reports: :func:`for_terminal` (the printable rule of
  :mod:`relplan.planner.domain.text`: controls, escape sequences, bidi overrides and
  newlines shown escaped, ``\\x1b``), also for the values a form's Input shows;
- Markdown: :func:`escape_markdown` (no raw HTML, no markup from the text, one line)
  and :func:`markdown_link` (links only to http, https and mailto);
- HTML: :func:`escape_html` (text and attribute values);
- SVG and other XML: :func:`escape_xml`, and :func:`xml_text` where a library (Rich's
  SVG export) escapes the markup itself but keeps characters XML forbids;
- iCalendar: :func:`ics_text` (no control character; the ``icalendar`` library then
  escapes ``\\ , ;`` and folds lines as RFC 5545 says);
- TOML and JSON: their writers (tomli-w, json) escape every string already.

Each function shows a newline as a visible ``\\n``: one value is one line in every
format, so no title can start a line of its own (a forged entry, a header, a heading).
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from relplan.planner.domain.text import printable

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
"""The only schemes a link in a Markdown or HTML output may point to."""

for_terminal = printable
"""Outside text for a terminal, a plain-text report or a form field (one home: domain.text)."""


class Markup(str):
    """Text that is already in the output's markup (relplan's own words, never outside
    text): renderers pass it as it is."""

    __slots__ = ()


# The characters CommonMark (and GitHub's tables and strikethrough) give a meaning anywhere
# in a line: escaped with a backslash each is the character itself (CommonMark 6.1). `<`
# and `&` escaped means no raw HTML and no entity; `[` `]` `!` no link or image; `|` no
# table cell. A list marker or heading mark is markup only at the start of a line.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~!])")
_MD_LINE_START = re.compile(r"^(\s*)([-+=#](?=[\s+=#-]|$)|\d{1,9}(?=[.)](?:\s|$)))")


def escape_markdown(text: str) -> str:
    """``text`` as one line of Markdown that shows exactly its characters: markup
    characters backslash-escaped, controls and newlines shown escaped (``\\n``)."""
    if text.isalnum():
        return text
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    escaped = _MD_LINE_START.sub(_line_start, escaped)
    return printable(escaped)


def _line_start(m: re.Match[str]) -> str:
    mark = m.group(2)
    if mark.isdigit():  # "1." / "1)": an ordered list; escape the dot or paren after it
        return f"{m.group(1)}{mark}\\"
    return f"{m.group(1)}\\{mark}"


def safe_url(url: str) -> str | None:
    """``url`` when its scheme is http, https or mailto (and it holds no control or
    space), else None."""
    url = url.strip()
    if not url or printable(url) != url or any(c.isspace() for c in url):
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in LINK_SCHEMES else None


def markdown_link(text: str, url: str | None) -> str:
    """``[text](url)`` when the url is allowed (:func:`safe_url`), else the text alone."""
    shown = escape_markdown(text)
    target = safe_url(url or "")
    if target is None:
        return shown
    # In angle brackets a destination may hold anything but <, > and line breaks.
    return f"[{shown}](<{target.replace('<', '%3C').replace('>', '%3E')}>)"


def escape_html(text: str) -> str:
    """``text`` for HTML element content or a quoted attribute value."""
    return html.escape(printable(text), quote=True)


def xml_text(text: str) -> str:
    """``text`` holding only characters XML 1.0 allows (controls shown escaped), for a
    writer that escapes ``< & >`` itself."""
    return printable(text)


def escape_xml(text: str) -> str:
    """``text`` for XML (SVG) element content or a quoted attribute value."""
    return html.escape(printable(text), quote=True)


def ics_text(text: str) -> str:
    """``text`` for an iCalendar TEXT value: no control character (RFC 5545 allows none
    but tab in TEXT); the ``icalendar`` library escapes and folds the rest."""
    return printable(text)
