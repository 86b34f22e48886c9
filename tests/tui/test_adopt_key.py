"""``+`` tracks a fix only git knows as a plan item, by its key and from the palette; the
evidence pane then shows the new item, never the git-only row it replaced."""

from __future__ import annotations

from relplan.tui.app import RelplanApp
from tests.tui.test_backports_view import GIT_ID, open_view, pane, scanned_session


async def _on_git_only_fix(app: RelplanApp, pilot: object) -> None:
    matrix = await open_view(app, pilot)
    await pilot.press("slash", *"zeta", "enter")  # type: ignore[attr-defined]
    current = matrix.current
    assert current is not None and current[0].id == GIT_ID
    assert "only git knows this fix" in pane(app)


async def test_plus_tracks_the_git_only_fix_under_the_cursor() -> None:
    app = RelplanApp(scanned_session())
    async with app.run_test(size=(120, 40)) as pilot:
        await _on_git_only_fix(app, pilot)
        await pilot.press("plus")
        assert app.session.plan.item(GIT_ID) is not None  # a plan item now
        assert "only git knows this fix" not in pane(app)
        assert "a plan item, added from git history" in pane(app)


async def test_the_palette_s_track_fix_redraws_the_evidence_pane() -> None:
    app = RelplanApp(scanned_session())
    async with app.run_test(size=(120, 40)) as pilot:
        await _on_git_only_fix(app, pilot)
        await pilot.press("ctrl+p", *"Track fix")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.plan.item(GIT_ID) is not None  # a plan item now
        assert "only git knows this fix" not in pane(app)
        assert "a plan item, added from git history" in pane(app)
