"""Colours come from theme variables: a light theme gets the light set, the palette switches
themes, and no Python module under tui/ spells a colour in hex."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from relplan.planner.domain.model import Phase
from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.usecases.session import Session
from relplan.tui import palette
from relplan.tui.app import RelplanApp
from relplan.tui.widgets.timeline import Timeline

ROOT = Path(__file__).resolve().parents[2]


def _frozen_colour(app: RelplanApp) -> str | None:
    """The colour the timeline draws the ``frozen`` phase name in, as rendered."""
    timeline = app.screen.query_one(Timeline)
    row = next(i for i, r in enumerate(timeline.releases) if r.version == "4.0.0")
    strip = timeline.render_line(row + 1 - timeline.scroll_offset.y)
    found = next(s for s in strip if s.text.startswith("frozen"))
    assert found.style is not None and found.style.color is not None
    return found.style.color.name


async def test_the_palette_switches_to_a_light_theme_and_views_redraw() -> None:
    app = RelplanApp(Session(demo_plan(), today=DEMO_TODAY), start="timeline")
    dark, light = palette.theme_defaults(True), palette.theme_defaults(False)
    assert dark["phase-frozen"] != light["phase-frozen"]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert _frozen_colour(app) == dark["phase-frozen"]
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"theme: textual-light", "enter")
        for _ in range(10):
            await pilot.pause()
            if app.theme == "textual-light":
                break
        assert app.theme == "textual-light"
        await pilot.pause()
        assert app.theme_variables["phase-frozen"] == light["phase-frozen"]
        assert _frozen_colour(app) == light["phase-frozen"]
        app.theme = "textual-dark"
        await pilot.pause()
        await pilot.pause()
        assert _frozen_colour(app) == dark["phase-frozen"]


def test_every_phase_state_and_backport_colour_is_declared_for_both_sets() -> None:
    dark, light = palette.theme_defaults(True), palette.theme_defaults(False)
    assert set(dark) == set(light)
    assert {f"phase-{p.value}" for p in Phase} <= set(dark)
    assert dict(palette.STATE_STYLES) and dict(palette.BACKPORT_STYLES)  # every key resolves


def test_no_hex_colour_in_python_under_tui() -> None:
    hexes: Callable[[str], list[str]] = re.compile(r"[\"']#[0-9a-fA-F]{3,8}[\"']").findall
    found = {
        str(p.relative_to(ROOT)): hexes(p.read_text(encoding="utf-8"))
        for p in (ROOT / "tui").rglob("*.py")
    }
    assert {k: v for k, v in found.items() if v} == {}


async def test_every_view_redraws_in_the_light_set() -> None:
    """Rows built before the switch (the Backports matrix keeps rows of unchanged fixes)
    are drawn in the new theme's colours too."""
    dark, light = palette.theme_defaults(True), palette.theme_defaults(False)
    dark_only = {v.lower() for v in dark.values()} - {v.lower() for v in light.values()}
    app = RelplanApp(Session(demo_plan(), today=DEMO_TODAY))
    async with app.run_test(size=(120, 34)) as pilot:
        for key in ("4", "1", "2", "3"):
            app.theme = "textual-dark"
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert dark["backport-required"] in app.export_screenshot() or key in ("1",)
            app.theme = "textual-light"
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            shown = app.export_screenshot().lower()
            textual_own = {str(v).lower() for v in app.theme_variables.values()}
            stale = {c for c in dark_only - textual_own if c in shown}
            assert not stale, f"view {key}"
