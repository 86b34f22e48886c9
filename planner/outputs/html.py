"""HTML for pages others open in a browser: one escaping function and the few elements the
status page is built from.

Every piece of outside text (titles, owners, ids, plan and branch names, reasons naming
items) reaches a page through :func:`escape_html` and nothing else: the terminal's printable
rule first (:func:`relplan.planner.domain.text.printable`: controls, escape sequences, bidi
overrides and isolates, line separators and lone surrogates shown as ``\\x1b``, ``\\u202e``),
then the standard library's :func:`html.escape` with quotes, so a title holding ``<script>``,
``"onerror=``, ``]]>`` or a right-to-left override is shown as written and never obeyed, in
element text and in attribute values alike. The same function serves inline SVG (its
escapes are XML's).

The element helpers take text and escape it themselves; only :class:`Markup` (what these
helpers return) is put in a page as it is.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from importlib import resources

from relplan.planner.domain.text import printable

__all__ = ["Markup", "bullets", "element", "escape_html", "page", "stylesheet", "table"]


class Markup(str):
    """HTML built by this module (already escaped): placed in a page as it is."""

    __slots__ = ()


Cell = str | Markup


def escape_html(text: str) -> Markup:
    """``text`` as HTML (or XML) character data or a quoted attribute value: controls and
    bidi overrides shown escaped (the printable rule), then ``& < > " '`` as entities."""
    return Markup(html.escape(printable(text), quote=True))


def _content(value: Cell) -> str:
    return value if isinstance(value, Markup) else escape_html(value)


def element(tag: str, *children: Cell, **attrs: str) -> Markup:
    """``<tag attrs>children</tag>``; text children and every attribute value are escaped.
    ``class_`` stands for ``class``."""
    names = "".join(
        f' {name.rstrip("_").replace("_", "-")}="{escape_html(value)}"'
        for name, value in attrs.items()
    )
    return Markup(f"<{tag}{names}>{''.join(_content(c) for c in children)}</{tag}>")


def table(
    headers: Sequence[str], rows: Iterable[Sequence[Cell]], caption: str = "", **attrs: str
) -> Markup:
    """A table with real column headers (``<th scope="col">``); each cell carries its
    header as ``data-label`` so a narrow screen can show the rows as cards."""
    head = element("tr", *(element("th", h, scope="col") for h in headers))
    body = [
        element("tr", *(element("td", c, data_label=h) for h, c in zip(headers, row, strict=True)))
        for row in rows
    ]
    parts = [element("caption", caption)] if caption else []
    parts += [element("thead", head), element("tbody", *body)]
    return element("div", element("table", *parts, **attrs), class_="scroll")


def bullets(rows: Iterable[Cell], empty: str) -> Markup:
    """A list, or a paragraph saying ``empty`` when there is nothing in it."""
    items = [element("li", r) for r in rows]
    return element("ul", *items) if items else element("p", empty, class_="none")


def stylesheet() -> str:
    """The status page's CSS (``statuspage.css`` beside this module): light and dark by
    ``prefers-color-scheme``, tables as cards on narrow screens."""
    return resources.files(__package__).joinpath("statuspage.css").read_text(encoding="utf-8")


def page(title: str, *body: Cell, lang: str = "en") -> str:
    """A whole self-contained document: inline CSS, no script, nothing fetched."""
    head = Markup(
        '<meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light dark">'
        # Nothing on the page may fetch or run anything, even text that slipped through.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">"
    )
    head = Markup(head + element("title", title) + element("style", Markup(stylesheet())))
    doc = element("html", element("head", head), element("body", *body), lang=lang)
    return "<!DOCTYPE html>\n" + doc + "\n"
