"""The Branches view: the start view when branches take fixes; what needs you first; and an
attention list that waits for git instead of claiming an all-clear."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.content import Content

from relplan.planner.domain.model import Plan, ReleaseSpec
from relplan.planner.domain.policy import Policy
from relplan.planner.store.config import Config, GitConfig
from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.usecases.session import Session
from relplan.tui.app import RelplanApp
from relplan.tui.screens.branches import BranchesScreen
from relplan.tui.screens.release import ReleaseScreen
from relplan.tui.screens.timeline import TimelineScreen
from relplan.tui.widgets.attention import AttentionPane, attention_text
from relplan.tui.widgets.branch_table import BranchTable

Text = Callable[[RelplanApp], str]


async def test_the_demo_opens_on_its_branches_with_what_needs_you_first(
    screen_text: Text,
) -> None:
    app = RelplanApp(Session(demo_plan(), today=DEMO_TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, BranchesScreen)
        lines = screen_text(app).splitlines()
        urgent = next(i for i, line in enumerate(lines) if "▲" in line)
        row = next(i for i, line in enumerate(lines) if line.startswith(" 3.4 "))
        assert urgent < row
        assert "maintained" in lines[row] and "3.4.2 in 8d" in lines[row] and "no-go" in lines[row]
        assert any(line.startswith(" 3.3 ") and "security" in line for line in lines)
        await pilot.press("j", "j", "enter")  # 4.1, 4.0, then 3.4: its next release
        await pilot.pause()
        assert isinstance(app.screen, ReleaseScreen) and app.screen.version == "3.4.2"
        await pilot.press("escape", "j", "enter")  # 3.3 has nothing ahead: its point release
        await pilot.pause()
        assert isinstance(app.screen, ReleaseScreen) and app.screen.version == "3.3.0"


async def test_the_cursor_line_names_where_support_ends_come_from(screen_text: Text) -> None:
    app = RelplanApp(Session(demo_plan(), today=DEMO_TODAY))
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("j", "j")
        await pilot.pause()
        text = screen_text(app)
        assert "3.4 (" in text and "computed from the plan's cadence" in text
        assert "source" in text.splitlines()[next(
            i for i, line in enumerate(text.splitlines()) if line.startswith(" series")
        )]  # fmt: skip
        await pilot.press("A")
        await pilot.pause()
        assert " eol " in screen_text(app)  # every series, end-of-life ones too


async def test_a_plan_without_supported_branches_opens_on_the_timeline() -> None:
    plan = Plan("new", Policy(), (ReleaseSpec("1.0"),))
    app = RelplanApp(Session(plan, today=dt.date(2026, 1, 5)))
    async with app.run_test(size=(80, 24)):
        assert isinstance(app.screen, TimelineScreen)


@pytest.mark.parametrize("view", ["branches", "timeline"])
async def test_while_git_loads_the_attention_list_waits(
    view: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Until the scan ends the pane says it waits; after, it says what the session says."""
    plan = Plan("calm", Policy(), (ReleaseSpec("1.0", actual=dt.date(2025, 6, 2)),))
    config = Config(git=GitConfig(repo=tmp_path))
    session = Session(plan, today=dt.date(2025, 7, 1), config=config)
    release = threading.Event()
    monkeypatch.setattr(session, "scan_git", lambda repo=None: release.wait(30) and None)
    monkeypatch.setattr(session, "stale_repo", lambda repo=None: None)  # not a real clone
    app = RelplanApp(session, start=view)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.screen.query_one(AttentionPane)
        for _ in range(50):  # until the attention worker has spoken (a condition, not a delay)
            await pilot.pause()
            if "waiting" in str(pane.render()):
                break
        shown = str(pane.render())
        assert "waiting for git evidence" in shown and "nothing needs you" not in shown
        if view == "branches":  # no count claims "0 missing" or "go" before git has spoken
            row = app.screen.query_one(BranchTable).rows[0]
            assert not row.counted and row.missing is None and row.next_verdict is None
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        after = str(app.screen.query_one(AttentionPane).render())
        assert "waiting" not in after
        assert after == str(Content.from_markup(attention_text(session)))
        if view == "branches":
            assert app.screen.query_one(BranchTable).rows[0].counted


async def test_a_long_history_at_80x24_opens_on_its_supported_branches_and_next_releases(
    screen_text: Text,
) -> None:
    """Twenty years of releases (as Xen's plan from init --from-git): the first screen at
    80x24 shows every supported branch and each next release, not history."""
    from tests.tui.test_timeline_present import TODAY, long_history

    session = Session(long_history(), today=TODAY)
    app = RelplanApp(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, BranchesScreen)
        lines = screen_text(app).splitlines()
        supported = [b.series for b in session.maintained_branches()]
        assert len(supported) >= 2
        for series in supported:
            assert any(line.startswith(f" {series} ") for line in lines), series
        for row in app.screen.query_one(BranchTable).rows:
            if row.next_release:
                assert any(row.next_release in line for line in lines), row.next_release
        assert not any(line.startswith(" 4.0 ") for line in lines)  # 2006 stays off screen


def stale_clone_app(start: str | None = None) -> RelplanApp:
    """The demo linked to a clone whose newest tag is long past (git's scan finds nothing)."""
    from relplan.planner.git.join import Evidence
    from relplan.planner.git.project import Staleness
    from relplan.planner.git.rows import ScanResult

    config = Config(git=GitConfig(repo=Path("/src/xen")))
    session = Session(demo_plan(), today=DEMO_TODAY, config=config)
    stale = Staleness(dt.date(2009, 1, 6), "RELEASE-3.3.1", 237, 30.0)
    session.stale_repo = lambda repo=None: stale  # type: ignore[method-assign]
    session.scan_git = lambda repo=None: Evidence(ScanResult("master", []), {}, [])  # type: ignore[method-assign]
    return RelplanApp(session, start=start)


@pytest.mark.parametrize("view", ["branches", "timeline", "items", "backports"])
async def test_a_stale_clone_is_said_whole_at_80x24(view: str, screen_text: Text) -> None:
    """The warning has a line of its own under the title: at 80 columns the title fills its
    line, and a warning after it was cut to nothing."""
    app = stale_clone_app(start=view)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert lines[0].startswith(" relplan · ")
        assert lines[1].strip() == (
            "▲ stale clone: newest tag RELEASE-3.3.1 is 237 days old (git fetch --tags?)"
        )
