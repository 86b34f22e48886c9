"""The HTML status page: the session's facts, outside text escaped, the folder form, the CLI's
refusals, and no Textual on the way. (How Chromium renders it: tests/browser.)"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.laying import lay
from relplan.planner.domain.model import BackportState, Item, Kind, State
from relplan.planner.outputs.html import element, escape_html
from relplan.planner.outputs.statuspage import series_file, site_pages, status_page
from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.store.planfile import dumps_toml
from relplan.planner.usecases.session import Session
from tests.reports.conftest import run

HOSTILE = (
    "<script>alert(1)</script> ]]> \"' onerror=x \x1b]2;pwned\x07 \u202eevil\u202c "
    "\u2066iso\u2069 \x9b31m line\nbreak"
)  # a lone surrogate cannot reach a plan file; escape_html's own test has one
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u202c", "\u2066", "\u2069")


class Tags(HTMLParser):
    """Every start tag and attribute of a page, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(page: str) -> Tags:
    tags = Tags()
    tags.feed(page)
    tags.close()
    return tags


def hostile_session(tmp_path: Path) -> Session:
    """The demo with a blocker fix for 4.0.0 whose title, id, owner hold hostile text, still
    to backport to 3.4, and a plan name of the same."""
    plan = demo_plan()
    evil = Item(
        "demo#evil", HOSTILE, kind=Kind.BUG, state=State.ACCEPTED, target="4.0.0",
        blocker=True, owner=f"mallory {HOSTILE}", backports={"3.4": BackportState.REQUIRED},
    )  # fmt: skip
    plan = dataclasses.replace(plan, name=f"Xen {HOSTILE}", items=(*plan.items, evil))
    train = build_train(plan, DEMO_TODAY)
    path = tmp_path / "evil.toml"
    path.write_text(dumps_toml(lay(plan, train), train), encoding="utf-8")
    return Session.open(plan=str(path), today=DEMO_TODAY.isoformat())


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("<b>", "&lt;b&gt;"),
        ("a\"b'c&", "a&quot;b&#x27;c&amp;"),
        ("]]>", "]]&gt;"),
        ("\x1b]2;t\x07", "\\x1b]2;t\\x07"),
        ("\u202eabc", "\\u202eabc"),
        ("a\nb", "a\\nb"),
        ("\ud800x", "\\ud800x"),
        ("Renée 4.0", "Renée 4.0"),
    ],
)
def test_escape_html(text: str, shown: str) -> None:
    assert escape_html(text) == shown


def test_elements_escape_text_and_attributes() -> None:
    got = element("a", "<i>", href='x" onclick="y')
    assert got == '<a href="x&quot; onclick=&quot;y">&lt;i&gt;</a>'
    assert element("p", got) == f"<p>{got}</p>"  # markup built here is not escaped twice


def test_hostile_text_is_shown_never_obeyed(tmp_path: Path) -> None:
    session = hostile_session(tmp_path)
    pages = site_pages(session)
    assert "series-4.0.html" in pages
    for name, page in pages.items():
        assert not any(ch in page for ch in RAW), name
        tags = parsed(page)
        names = {tag for tag, _ in tags.tags}
        assert names <= {"html", "head", "meta", "title", "style", "body", "main", "h1", "h2",
                         "h3", "p", "a", "div", "table", "caption", "thead", "tbody", "tr",
                         "th", "td", "ul", "li", "strong", "span", "figure", "svg", "line",
                         "text", "rect"}, name  # fmt: skip
        assert not [a for _, attrs in tags.tags for a in attrs if a.startswith("on")], name
        text = "".join(tags.text)
        assert "<script>alert(1)</script> ]]>" in text, name  # shown as written
        assert "\\x1b]2;pwned\\x07" in text and "\\u202eevil\\u202c" in text, name
    index = parsed(pages["index.html"])
    assert "demo#evil" in "".join(index.text)  # in the reasons and the missing backports


def test_the_timeline_is_well_formed_svg(tmp_path: Path) -> None:
    page = status_page(hostile_session(tmp_path))
    svg = re.search(r"<svg .*?</svg>", page, re.S)
    assert svg is not None
    root = ET.fromstring(svg.group())
    labels = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert ["3.3", "3.4", "4.0", "4.1"] == [x for x in labels if x and "." in x]
    assert root.find("{http://www.w3.org/2000/svg}title").text.startswith("Xen <script>")


def test_the_page_says_what_the_session_says() -> None:
    session = Session.open(today=DEMO_TODAY.isoformat())
    text = "".join(parsed(status_page(session)).text)
    for s in session.window_statuses():
        assert s.version in text and s.verdict.value in text
        for reason in s.reasons if s.verdict.value == "no-go" else ():
            assert reason in text
    for branch in session.maintained_branches():
        assert branch.name in text
    assert "rc1 2009-09-01 (in 1 day)" in text
    assert "demo#remus Fault tolerance: Remus and Kemari" in text  # late: open after the freeze


def test_folder_form_writes_one_page_per_series_and_never_over_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    code, out, err = run(capsys, "report", "--format", "html", "-o", f"{site}/")
    assert code == 0, err
    names = sorted(p.name for p in site.iterdir())
    assert names == ["index.html", *sorted(series_file(s) for s in ("3.3", "3.4", "4.0", "4.1"))]
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="series-4.0.html"' in index
    (site / "series-3.3.html").write_text("mine\n")
    (site / "index.html").unlink()
    code, out, err = run(capsys, "report", "--format", "html", "-o", str(site))
    assert code == 2 and "series-3.3.html: the file exists" in err
    assert not (site / "index.html").exists()  # nothing written when any file is taken
    code, out, err = run(capsys, "report", "--format", "html", "-o", str(site), "--force")
    assert code == 0 and "mine" not in (site / "series-3.3.html").read_text()


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (("report", "--kind", "update", "--format", "html"), "--format html is the status page"),
        (("report", "4.0.0", "--format", "html"), "covers the whole plan"),
        (("report", "--kind", "status", "--format", "markdown", "-o", "x/"), "a folder as output"),
    ],
)
def test_html_refusals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], says: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and says in err and out == ""


def test_headless_outputs_never_import_textual(tmp_path: Path) -> None:
    script = (
        "import sys; from relplan.tui.cli import main; "
        "main(['report', '--format', 'html', '-o', 'p.html']); "
        "main(['export', '--format', 'endoflife', '-o', 'e.md']); "
        "main(['export', '--format', 'release-cycle', '-o', 'r.json']); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'textual_serve', "
        "'rich', 'httpx')))"
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
    assert (tmp_path / "p.html").read_text().startswith("<!DOCTYPE html>")


def test_a_branch_held_open_by_a_late_release_says_so(tmp_path: Path) -> None:
    """On 2009-12-01 4.0.0 (planned 2009-11-10) is late: 3.4 takes bug fixes until it
    ships, not until a day already past."""
    path = tmp_path / "plan.toml"
    plan = demo_plan()
    path.write_text(dumps_toml(plan, build_train(plan, DEMO_TODAY)), encoding="utf-8")
    text = " ".join(parsed(status_page(Session.open(plan=str(path), today="2009-12-01"))).text)
    assert "3.4 xen-3.4-testing bug fixes 2009-05-18 3.4.1 when 4.0.0 ships unknown" in text
    assert "3.4: bug fixes 2009-05-18 to 2009-12-01" in text  # the timeline: until today
