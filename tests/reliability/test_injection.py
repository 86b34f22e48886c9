"""Outside text never reaches the terminal raw: escape sequences, C1 controls, bidi
overrides and Rich markup in titles and ids are shown escaped, in the dashboard and the CLI."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.laying import lay
from relplan.planner.domain.model import Item, Kind, State
from relplan.planner.domain.text import printable
from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.store.planfile import dumps_toml, load_plan
from relplan.planner.usecases.session import Session
from relplan.tui.app import RelplanApp
from relplan.tui.cli import main

OSC = "\x1b]2;pwned\x07"  # retitles an xterm
CSI = "\x1b[2J"  # clears the screen
C1 = "\x9b31m"  # an 8-bit CSI
BIDI = "\u202egnp.exe"  # right-to-left override
TITLE = f"evil {OSC}{CSI}{C1} [b red]loud[/] {BIDI}"
EVIL_ID = "demo#x[b]y\x1b[5m"
RAW = ("\x1b", "\x07", "\x9b", "\u202e")


def hostile_plan(tmp_path: Path) -> Path:
    """The demo plan plus one item whose title, id, owner and labels are hostile."""
    plan = demo_plan()
    evil = Item(
        EVIL_ID,
        TITLE,
        kind=Kind.BUG,
        state=State.ACCEPTED,
        target="4.0.0",
        blocker=True,
        owner=f"mallory{OSC}",
        labels=(f"l{CSI}",),
    )
    plan = dataclasses.replace(plan, items=(*plan.items, evil))
    train = build_train(plan, DEMO_TODAY)
    path = tmp_path / "evil.toml"
    path.write_text(dumps_toml(lay(plan, train), train), encoding="utf-8")
    return path


def screen_strings(app: RelplanApp) -> str:
    """Every segment's text as the terminal would receive it."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(seg.text for seg in strip) for strip in strips)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (OSC, "\\x1b]2;pwned\\x07"),
        (CSI, "\\x1b[2J"),
        (C1, "\\x9b31m"),
        (BIDI, "\\u202egnp.exe"),
        ("a\tb\nc", "a\\tb\\nc"),
        ("\ud800", "\\ud800"),
        ("Grüße, 日本, é", "Grüße, 日本, é"),
    ],
)
def test_printable_shows_controls_escaped_and_keeps_real_text(text: str, shown: str) -> None:
    assert printable(text) == shown


async def test_the_items_view_shows_a_hostile_title_escaped(tmp_path: Path) -> None:
    path = hostile_plan(tmp_path)
    loaded = load_plan(path)
    app = RelplanApp(
        Session(loaded.plan, today=DEMO_TODAY, path=path, fingerprint=loaded.fingerprint)
    )
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("2")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = screen_strings(app)
        assert "evil \\x1b]2;pwned\\x07" in screen, screen
        assert "[b red]loud[/]" in screen  # markup in a title is text, not style
        assert not any(raw in screen for raw in RAW)
        svg = app.export_screenshot()
        assert "\x1b" not in svg and "\x07" not in svg and "\u202e" not in svg


async def test_the_release_panel_and_status_line_show_hostile_ids_escaped(
    tmp_path: Path,
) -> None:
    path = hostile_plan(tmp_path)
    loaded = load_plan(path)
    app = RelplanApp(
        Session(loaded.plan, today=DEMO_TODAY, path=path, fingerprint=loaded.fingerprint)
    )
    async with app.run_test(size=(160, 50)) as pilot:
        app.open_release("4.0.0")
        await app.workers.wait_for_complete()
        await pilot.pause()
        panel = screen_strings(app)
        assert "demo#x[b]y\\x1b[5m" in panel  # an open blocker, named in the panel
        assert not any(raw in panel for raw in RAW)
        app.set_status(f"accepted {EVIL_ID}")
        await pilot.pause()
        status = screen_strings(app)
        assert "accepted demo#x[b]y\\x1b[5m" in status
        assert not any(raw in status for raw in RAW)


def test_cli_tables_and_messages_show_hostile_text_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = hostile_plan(tmp_path)
    outputs = []
    for args in (["status"], ["status", "4.0.0"], ["check"], ["calendar"]):
        main(["--plan", str(path), "--today", "2009-08-31", *args])
        captured = capsys.readouterr()
        outputs.append(captured.out + captured.err)
    text = "\n".join(outputs)
    assert "demo#x[b]y\\x1b[5m" in text
    assert not any(raw in text for raw in RAW)


def test_import_output_and_errors_show_hostile_ids_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    items = tmp_path / "in.json"
    items.write_text(
        '[{"id": "a\\u001b]2;x\\u0007", "title": "t\\u009b"}, {"id": "b", "title": 5}]'
    )
    code = main(["--plan", str(tmp_path / "p.toml"), "import", str(items)])
    err = capsys.readouterr().err
    assert code == 2 and "\x1b" not in err and "\x07" not in err
    items.write_text('[{"id": "a\\u001b]2;x\\u0007", "title": "t\\u202e"}]')
    code = main(["--plan", str(tmp_path / "p.toml"), "import", str(items)])
    out = capsys.readouterr().out
    assert code == 0 and "added: in#a\\x1b]2;x\\x07" in out
    assert not any(raw in out for raw in RAW)
