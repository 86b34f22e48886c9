"""The dashboard's backport views show git's evidence per cell, and tracker-vs-git conflicts."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

from gitrepos import Stable

from relplan.planner.domain.model import BackportState, Item, Kind, Plan, ReleaseSpec
from relplan.planner.domain.policy import Policy
from relplan.planner.store.config import Config, GitConfig
from relplan.planner.usecases.session import Session
from relplan.tui.app import RelplanApp
from relplan.tui.screens.backports import BackportsScreen
from relplan.tui.widgets.backport_matrix import BackportMatrix

TODAY = dt.date(2010, 5, 1)


def text_of(app: RelplanApp) -> str:
    return "\n".join(strip.text.rstrip() for strip in app.screen._compositor.render_strips())


async def until_git_read(app: RelplanApp, pilot: Any) -> None:
    """Wait until the dashboard has read git (its scan starts after the first frame)."""
    for _ in range(100):  # a condition, not a delay: usually one round
        await pilot.pause()
        await app.workers.wait_for_complete()
        if "git" not in app.loading:
            return
    raise AssertionError(f"git never read: {app.loading}")


def plan_for(stable: Stable) -> Plan:
    releases = (
        ReleaseSpec("4.1", actual=dt.date(2010, 1, 5)),
        ReleaseSpec("4.2", actual=dt.date(2010, 3, 20)),
    )
    items = (
        Item("xen#fixfix", "fix the fix", Kind.BUG, fix_commits=(stable.fix_fix,),
             backports={"4.2": BackportState.DONE}),
        Item("xen#b", "fix B", Kind.BUG, fix_commits=(stable.fix_b,),
             backports={"4.2": BackportState.DONE}),
    )  # fmt: skip
    return Plan("xen", Policy(), releases, items)


async def test_backports_view_marks_git_agreement_and_conflict(stable: Stable) -> None:
    git = GitConfig(repo=Path(stable.repo.path), upstream="master")
    app = RelplanApp(Session(plan_for(stable), today=TODAY, config=Config(git=git)))
    async with app.run_test(size=(120, 30)) as pilot:
        await until_git_read(app, pilot)
        await pilot.pause()
        assert app.session.evidence is not None
        assert "1 tracker-vs-git conflict(s)" in app.sync_text
        await pilot.press("3")
        await pilot.pause()
        assert isinstance(app.screen, BackportsScreen)
        matrix = app.screen.query_one(BackportMatrix)
        rows = {it.id: i for i, it in enumerate(matrix.fixes)}
        text = text_of(app)
        fixfix = next(line for line in text.splitlines() if line.startswith("xen#fixfix"))
        fix_b = next(line for line in text.splitlines() if line.startswith("xen#b "))
        assert "done ! +" in fixfix  # the tracker says done, git finds no pick; it applies
        assert "done ✓" in fix_b  # git found the pick
        if matrix.row != rows["xen#fixfix"]:
            await pilot.press("j" if matrix.row < rows["xen#fixfix"] else "k")
        await pilot.pause()
        pane = str(app.screen.query_one("#evidence").render()).splitlines()
        assert pane[:3] == [
            "xen#fixfix  fix the fix",
            "on 4.2 (stable-4.2): tracker says done; git says required",
            "CONFLICT: tracker says DONE for 4.2, git finds no pick on stable-4.2",
        ]
        assert pane[3] == "will it apply to stable-4.2: clean"
        assert "will it apply: + clean, × conflict" in str(
            app.screen.query_one("#presets").render()
        )
        # git's reasons, one a line: the culprit it fixes ships in the branch (as a pick)
        assert f"· {stable.fix_fix[:12]}: Fixes: {stable.fix_a[:12]} ships in stable-4.2" in (
            "\n".join(pane)
        )


async def test_without_a_repository_the_view_says_so(stable: Stable) -> None:
    app = RelplanApp(Session(plan_for(stable), today=TODAY))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        assert "git: no repository scanned" in text_of(app)


async def test_marks_appear_when_a_scan_finishes_after_the_view_is_shown(
    stable: Stable,
) -> None:
    git = GitConfig(repo=Path(stable.repo.path), upstream="master")
    session = Session(plan_for(stable), today=TODAY, config=Config(git=git))
    go = threading.Event()
    scan = session.scan_git

    def slow_scan(repo: str | Path | None = None) -> object:
        assert go.wait(30), "the test never let the scan finish"
        return scan(repo)

    session.scan_git = slow_scan  # type: ignore[method-assign]
    app = RelplanApp(session)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        assert isinstance(app.screen, BackportsScreen)
        matrix = app.screen.query_one(BackportMatrix)
        assert [it.id for it in matrix.fixes] == ["xen#fixfix", "xen#b"]
        row = next(line for line in text_of(app).splitlines() if line.startswith("xen#b "))
        assert "done" in row and "✓" not in row  # no git evidence yet
        assert "git: no evidence yet" in str(app.screen.query_one("#evidence").render())
        go.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        lines = text_of(app).splitlines()
        assert "done ✓" in next(line for line in lines if line.startswith("xen#b "))
        assert "done !" in next(line for line in lines if line.startswith("xen#fixfix"))
        assert any(line.startswith("git#") for line in lines)  # fixes only git knows
        assert "1 tracker-vs-git conflict(s) (c lists them)" in text_of(app)


async def test_release_panel_counts_what_applies(stable: Stable) -> None:
    git = GitConfig(repo=Path(stable.repo.path), upstream="master")
    session = Session(plan_for(stable), today=TODAY, config=Config(git=git))
    session.scan_git()
    summary = session.backport_summary("4.2")
    rows = [r for r in session.evidence.scan.rows if r.series == "4.2"] if session.evidence else []
    missing = [r for r in rows if r.state.is_pending]
    assert missing and all(r.apply for r in missing)
    assert summary == f"{len(missing)} missing: {len(missing)} clean"
    app = RelplanApp(session)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_release("4.2")
        await pilot.pause()
        assert f"backports to stable-4.2: {summary}" in text_of(app)


async def test_the_title_says_a_stale_clone(stable: Stable) -> None:
    stable.repo.tag("RELEASE-4.2.0")
    newest = dt.datetime.fromtimestamp(stable.repo.clock, dt.UTC).date()
    git = GitConfig(repo=Path(stable.repo.path), upstream="master")
    for today, stale in ((newest, False), (newest + dt.timedelta(days=3 * 365), True)):
        app = RelplanApp(Session(plan_for(stable), today=today, config=Config(git=git)))
        async with app.run_test(size=(160, 30)) as pilot:
            await until_git_read(app, pilot)
            await pilot.pause()
            title = text_of(app).splitlines()[:2]  # the warning has a line of its own
            assert ("stale clone: newest tag" in "\n".join(title)) is stale
