"""`s` in the real dashboard syncs from the real Redmine: one undoable change, saved, cached."""

from __future__ import annotations

from pathlib import Path

import pytest
from redmine_server import TOKEN_ENV, Redmine, write_config

from relplan.planner.domain.model import Plan
from relplan.planner.domain.policy import Policy
from relplan.planner.store.cache import Cache
from relplan.planner.store.planfile import load_plan, save_plan
from relplan.tui.cli import build_parser
from relplan.tui.cli.dashboard import build_app


async def test_s_syncs_into_the_open_plan_and_saves_it(
    redmine: Redmine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, redmine.api_key)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    config = write_config(tmp_path / "c.toml", redmine, "relplan")
    plan_path = tmp_path / "plan.toml"
    save_plan(Plan("xen", Policy()), [], plan_path, None)
    args = build_parser().parse_args(
        ["--config", str(config), "--plan", str(plan_path), "--today", "2009-08-31"]
    )
    app = build_app(args)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(100):  # the cache is read after the first frame: a condition, not a delay
            await pilot.pause()
            await app.workers.wait_for_complete()
            if app.sync_text:
                break
        assert app.sync_text == "never synced: press s"
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(app.session.plan.items) == 130
        assert app.sync_text.startswith("synced ") and "xen 130 items, 130 changed" in app.sync_text
        on_disk = load_plan(plan_path).plan
        assert {it.id for it in on_disk.items} == {it.id for it in app.session.plan.items}
        await pilot.press("u")  # the sync is one undoable change
        await pilot.pause()
        assert app.session.plan.items == ()
    with Cache.open(tmp_path / "cache" / "relplan") as cache:
        [status] = cache.statuses()
    assert (status.name, status.items) == ("xen", 130)
    assert build_app(args).session.sources_line() == "last sync: xen 0 min ago"  # offline


async def test_a_refused_token_shows_on_the_sync_line_and_changes_nothing(
    redmine: Redmine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "0" * 40)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    config = write_config(tmp_path / "c.toml", redmine, "relplan")
    plan_path = tmp_path / "plan.toml"
    save_plan(Plan("xen", Policy()), [], plan_path, None)
    before = plan_path.read_bytes()
    app = build_app(build_parser().parse_args(["--config", str(config), "--plan", str(plan_path)]))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.sync_text.startswith("sync failed:") and "401" in app.sync_text
        assert TOKEN_ENV in app.sync_text and app.session.plan.items == ()
    assert plan_path.read_bytes() == before
    with Cache.open(tmp_path / "cache" / "relplan") as cache:
        assert cache.statuses() == [] and cache.items() == []
