"""Errors in the dashboard: shown where they belong, never a traceback; edits are kept."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from textual.worker import WorkerFailed

from relplan.tui.app import RelplanApp
from relplan.tui.screens.items import ItemsScreen

SIZE = (120, 40)


async def test_an_unexpected_sync_error_is_shown_not_left_syncing(
    demo_app: RelplanApp,
) -> None:
    async def broken(reporter: object = None) -> None:
        raise RuntimeError("tracker answered something odd")

    demo_app.session.sync = broken  # type: ignore[method-assign,assignment]
    async with demo_app.run_test(size=SIZE) as pilot:
        demo_app.run_sync()
        with contextlib.suppress(WorkerFailed):
            await demo_app.workers.wait_for_complete()
        await pilot.pause()
        assert demo_app.is_running
        assert demo_app.sync_text == "sync failed: RuntimeError: tracker answered something odd"


async def test_a_crash_keeps_unsaved_edits_and_exits_non_zero(
    file_app: RelplanApp, plan_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from relplan.planner.store.planfile import load_plan

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    app = file_app

    def boom(self: ItemsScreen) -> None:
        raise OverflowError("date value out of range")

    with pytest.raises(OverflowError):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("2", "slash", *"rdma", "enter", "a")  # an unsaved edit
            assert app.session.dirty
            monkeypatch.setattr(ItemsScreen, "plan_shown", boom)
            await pilot.press("d")  # the next redraw fails
            await pilot.pause()
    assert app.return_code == 1
    note = app._crash_note
    assert "relplan stopped on an unexpected error: OverflowError" in note
    [recovered] = list(plan_file.parent.glob("xen.recovered-*.toml"))
    assert str(recovered) in note
    kept = load_plan(recovered).plan.item("demo#rdma-migration")
    assert kept is not None and kept.state.value == "deferred"  # every edit, the last too
    assert (tmp_path / "cache" / "relplan" / "crash.log").read_text().count("OverflowError") >= 1
    assert "Traceback" not in note
