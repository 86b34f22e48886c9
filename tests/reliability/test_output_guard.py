"""Every output format passes outside text through its own guard (issue 23).

A property test puts hostile text in a plan's name, an item's title, owner and target
version and a label: C0/C1 controls and escape sequences, bidi overrides, newlines and
CRs, HTML and Markdown markup (``<script>``, ``onerror=``, ``javascript:`` links, a
forged list entry), XML's ``]]>`` and quotes, lone surrogates, 10 kB lines. Each output
must parse in its own format (tomllib, json, icalendar, xml.etree, html.parser, a
CommonMark parser that must find no raw HTML and no link outside http/https/mailto) and
hold no raw control character.
"""

from __future__ import annotations

import dataclasses
import json
import re
import tomllib
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from markdown_it import MarkdownIt

from relplan.planner.domain.model import Item, Kind, State
from relplan.planner.domain.text import printable
from relplan.planner.outputs import report
from relplan.planner.outputs.contracts import export_json
from relplan.planner.outputs.escape import escape_html, escape_markdown, escape_xml, markdown_link
from relplan.planner.outputs.ics import calendar_ics
from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.store.planfile import dumps_toml
from relplan.planner.usecases.session import Session

PIECES = [
    "\x1b]2;pwned\x07",  # OSC: retitles the terminal
    "\x1b[2J",
    "\x9b31m",  # C1 CSI
    "\x00\x08\x7f\x85",
    "\u202egnp.exe\u202c",  # bidi override
    "\u2066x\u2069",
    "\n",
    "\r\n",
    "\n\n*  Issue 14: forged (done)\n   -  Mallory",
    "\u2028",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "<javascript:alert(1)>",
    "[ref]: javascript:alert(1)",
    "]]>",
    "<![CDATA[",
    "\"'`",
    "&amp;&#x3c;",
    "| a | b |",
    "```",
    "# heading",
    "1. ",
    "- ",
    "\\",
    "\ud800",  # a lone surrogate
    "\ufffe",
    "BEGIN:VEVENT",
    ";,:",
]
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

hostile = st.lists(
    st.one_of(
        st.sampled_from(PIECES),
        st.text(max_size=8),
        st.just("x" * 10_000),  # a 10 kB line
    ),
    min_size=1,
    max_size=6,
).map("".join)


def hostile_session(name: str, title: str, owner: str, version: str) -> Session:
    """The demo with a hostile plan name, and items with hostile title, owner, target."""
    plan = demo_plan()
    items = (
        Item("demo#evil", title, kind=Kind.FEATURE, state=State.ACCEPTED, target="4.0.0",
             owner=owner, labels=(title[:20],), blocker=True),
        Item("demo#evil-target", "target", target=version, owner=owner),
    )  # fmt: skip
    plan = dataclasses.replace(plan, name=name, items=(*plan.items, *items))
    return Session(plan, today=DEMO_TODAY)


def no_raw_controls(text: str, where: str) -> None:
    found = RAW.search(text)
    assert found is None, f"{where}: raw {found.group()!r} at {found.start()}"


def tokens(md: str) -> list[Any]:
    out = []
    for tok in MarkdownIt("commonmark", {"html": True}).enable("table").parse(md):
        out.append(tok)
        out.extend(tok.children or ())
    return out


def markdown_is_inert(md: str, where: str) -> None:
    for tok in tokens(md):
        assert tok.type not in ("html_inline", "html_block"), f"{where}: raw HTML {tok.content!r}"
        assert tok.type != "image", f"{where}: an image"
        if tok.type == "link_open":
            href = str(tok.attrs.get("href", ""))
            assert href.split(":", 1)[0].lower() in ("http", "https", "mailto"), href


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=hostile, title=hostile, owner=hostile, version=hostile)
def test_every_format_parses_and_holds_no_raw_control(
    name: str, title: str, owner: str, version: str
) -> None:
    session = hostile_session(name, title, owner, version)
    for kind in report.KINDS:
        for fmt in report.FORMATS:
            out = _report(session, kind, fmt)
            no_raw_controls(out, f"{kind} {fmt}")
            if fmt == "markdown":
                markdown_is_inert(out, f"{kind} markdown")
            if kind == "update":  # the forged entry never starts a line of its own
                assert "\n*  Issue 14: forged" not in out and "\n- Issue 14" not in out
    ics = calendar_ics(session)
    no_raw_controls(ics.decode("utf-8").replace("\r\n", ""), "ics")
    cal = Calendar.from_ical(ics)
    summaries = [str(ev["summary"]) for ev in cal.walk("VEVENT")]
    assert summaries and all(s.startswith(printable(name)) for s in summaries)
    toml_text = dumps_toml(session.plan, session.train())
    assert tomllib.loads(toml_text)["plan"]["name"] == name if "\ud800" not in name else True
    json.loads(json.dumps(export_json(session)))


def _report(session: Session, kind: str, fmt: str) -> str:
    if kind == "status":
        return report.status_report(session, fmt)
    if kind == "schedule":
        return report.schedule_report(session, "4.0.0", fmt)
    return report.update_report(session, "4.0.0", fmt)


@settings(max_examples=200, deadline=None)
@given(text=hostile)
def test_markdown_html_and_xml_escapes_parse_back_to_the_shown_text(text: str) -> None:
    shown = printable(text)
    md = f"- {escape_markdown(text)} | {markdown_link(text, 'javascript:alert(1)')}\n"
    markdown_is_inert(md, "markdown")
    assert len([t for t in tokens(md) if t.type == "list_item_open"]) == 1
    tree = ET.fromstring(f'<svg><title a="{escape_xml(text)}">{escape_xml(text)}</title></svg>')
    title = tree.find("title")
    assert title is not None and (title.text or "") == shown and title.get("a") == shown
    parsed = _Html()
    parsed.feed(f'<p title="{escape_html(text)}">{escape_html(text)}</p>')
    assert parsed.tags == ["p"] and "".join(parsed.data) == shown and parsed.title == shown


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.data: list[str] = []
        self.title: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.title = dict(attrs).get("title")

    def handle_data(self, data: str) -> None:
        self.data.append(data)


def test_links_only_to_http_https_mailto() -> None:
    assert markdown_link("x", "https://x.org/a") == "[x](<https://x.org/a>)"
    assert markdown_link("x", "mailto:a@b.org") == "[x](<mailto:a@b.org>)"
    for bad in ("javascript:alert(1)", "JaVaScRiPt:x", "data:text/html,x", "vbscript:x",
                "https://x.org/\x1b", " java\nscript:x", "file:///etc/passwd"):  # fmt: skip
        assert markdown_link("x", bad) == "x"


@pytest.mark.parametrize("kind", report.KINDS)
def test_reports_show_escape_sequences_escaped(kind: str) -> None:
    # issue 23: `relplan report` printed ESC/BEL/C1 and bidi overrides from titles
    session = hostile_session("Xen", "evil \x1b]2;pwned\x07 \u202egnp", "m\x9b31m", "4.0.0")
    for fmt in report.FORMATS:
        out = _report(session, kind, fmt)
        no_raw_controls(out, kind)
        if kind == "update":  # the one report that shows titles
            shown = "\\x1b]2;pwned\\x07" if fmt == "text" else "\\x1b\\]2;pwned\\x07"
            assert shown in out and "\\u202egnp" in out


def test_markdown_report_carries_no_html_and_no_script_links() -> None:
    session = hostile_session(
        "Xen <script>alert(1)</script>",
        '<img src=x onerror="alert(1)"> [c](javascript:alert(1))',
        "<b>m</b>",
        "4.0.0",
    )
    for kind in report.KINDS:
        markdown_is_inert(_report(session, kind, "markdown"), kind)


def test_ics_takes_a_newline_cr_and_esc_in_the_plan_name() -> None:
    # issue 23: a newline in the plan name crashed the export; CR and ESC went out raw
    session = hostile_session("Xen\nnext\r\x1b[2J", "t", "o", "4.0.0")
    data = calendar_ics(session)
    no_raw_controls(data.decode("utf-8").replace("\r\n", ""), "ics")
    cal = Calendar.from_ical(data)
    assert str(cal["x-wr-calname"]).startswith("Xen\\nnext\\r\\x1b[2J")
