"""Fixtures for driving the real dashboard headless."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.laying import lay
from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.store.planfile import dumps_toml, load_plan
from relplan.planner.usecases.session import Session
from relplan.tui.app import RelplanApp


def text_of(app: RelplanApp) -> str:
    """What the screen shows now, as plain text."""
    return "\n".join(strip.text.rstrip() for strip in app.screen._compositor.render_strips())


@pytest.fixture
def screen_text() -> Callable[[RelplanApp], str]:
    """A function giving the screen's text."""
    return text_of


@pytest.fixture
def demo_app() -> RelplanApp:
    """The app on the embedded demo, as of 2009-08-31, opened on the timeline (the demo's
    own start view is Branches: tests/tui/test_branches_view.py)."""
    return RelplanApp(Session(demo_plan(), today=DEMO_TODAY), start="timeline")


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    """A copy of the demo plan written to a file, as `relplan export` writes it (laid)."""
    plan = demo_plan()
    train = build_train(plan, DEMO_TODAY)
    path = tmp_path / "xen.toml"
    path.write_text(dumps_toml(lay(plan, train), train), encoding="utf-8")
    return path


@pytest.fixture
def file_app(plan_file: Path) -> RelplanApp:
    """The app on a plan file (a copy of the demo)."""
    loaded = load_plan(plan_file)
    session = Session(loaded.plan, today=DEMO_TODAY, path=plan_file, fingerprint=loaded.fingerprint)
    return RelplanApp(session, start="timeline")
