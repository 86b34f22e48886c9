"""The output guard where the dashboard writes: the edit form's fields and the SVG export
(issue 23: the form showed an escape sequence raw and the pane title changed; the SVG
carried a control character from the plan name and was no longer XML)."""

from __future__ import annotations

import asyncio
import dataclasses
import xml.etree.ElementTree as ET
from pathlib import Path

from test_injection import OSC, RAW, hostile_plan

from relplan.planner.store.demo import DEMO_TODAY
from relplan.planner.store.planfile import load_plan
from relplan.planner.usecases.session import Session
from relplan.tui.app import RelplanApp
from relplan.tui.screens.item import ItemForm
from relplan.tui.screenshot import timeline_svg


def hostile_session(tmp_path: Path) -> Session:
    path = hostile_plan(tmp_path)
    loaded = load_plan(path)
    return Session(loaded.plan, today=DEMO_TODAY, path=path, fingerprint=loaded.fingerprint)


async def test_the_edit_form_shows_a_hostile_title_and_owner_escaped(tmp_path: Path) -> None:
    session = hostile_session(tmp_path)
    app = RelplanApp(session)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("2", "slash", *"evil", "enter", "E")
        form = app.screen
        assert isinstance(form, ItemForm)
        await pilot.pause()
        title = form.query_one("#field-title").value  # type: ignore[attr-defined]
        owner = form.query_one("#field-owner").value  # type: ignore[attr-defined]
        assert "\\x1b]2;pwned\\x07" in title and owner == "mallory\\x1b]2;pwned\\x07"
        strips = app.screen._compositor.render_strips()
        screen = "\n".join("".join(seg.text for seg in strip) for strip in strips)
        assert not any(raw in screen for raw in RAW)
        # saved untouched, the fields keep the item's real values (not their escaped form)
        assert form.texts()["owner"] == f"mallory{OSC}"


async def test_the_svg_timeline_is_xml_with_a_hostile_plan_name(tmp_path: Path) -> None:
    session = hostile_session(tmp_path)
    evil = dataclasses.replace(session.plan, name=f"Xen {OSC}\n]]> <b>\x0c")
    session = Session(evil, today=DEMO_TODAY)
    # the export's own path (its own event loop, so in a thread)
    svg = await asyncio.to_thread(timeline_svg, session, (100, 30))
    ET.fromstring(svg)  # parses
    assert not any(raw in svg for raw in RAW) and "\x0c" not in svg
