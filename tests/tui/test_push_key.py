"""The dashboard's push: a pending count on the sync line, ``P`` lists, ``n`` cancels.
(The push itself against a real tracker: tests/redmine/test_redmine_push.py.)"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from relplan.planner.domain import ops
from relplan.planner.domain.model import Item, Plan
from relplan.planner.domain.policy import Policy
from relplan.planner.store.cache import Cache
from relplan.planner.store.planfile import save_plan
from relplan.planner.trackers.base import Cursor, SourceConfig
from relplan.planner.trackers.sync import identity
from relplan.tui.cli import build_parser
from relplan.tui.cli.dashboard import build_app
from relplan.tui.screens.dialogs import ConfirmScreen

TABLE = {"name": "xen", "kind": "redmine", "url": "https://r.example", "project": "xen"}


async def test_pending_pushes_are_counted_listed_on_p_and_n_sends_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    config = tmp_path / "c.toml"
    config.write_text(
        "[[sources]]\n"
        + "".join(f'{k} = "{v}"\n' for k, v in TABLE.items())
        + 'blocker = ["Immediate"]\n'
    )
    base = [Item("xen#1", "a", target="4.0"), Item("xen#2", "b", target="4.0")]
    source = SourceConfig.from_table({**TABLE, "blocker": ["Immediate"]})
    with Cache.open(tmp_path / "xdg" / "relplan") as cache, cache.stage() as staged:
        staged.put_items("xen", base, replace_all=True)
        staged.put_source(
            "xen",
            identity(source),
            Cursor(),
            synced_at=dt.datetime.now(dt.UTC),
            changed=0,
            requests=1,
            warnings=0,
        )
        staged.commit()
    plan = Plan("p", Policy(), (), (dataclasses.replace(base[0], target="4.1"), base[1]))
    save_plan(plan, [], tmp_path / "plan.toml", None)
    args = build_parser().parse_args(
        ["--config", str(config), "--plan", str(tmp_path / "plan.toml")]
    )
    app = build_app(args)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.sync_text.endswith(" · 1 pending push (P)")
        await pilot.press("P")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "xen#1: target 4.0 -> 4.1" in app.screen.question
        assert "xen#2" not in app.screen.question
        await pilot.press("n")
        await pilot.pause()
        assert app.status_text == "nothing pushed" and app.pending == 1
        app.apply(ops.set_blocker(app.session.plan, {"xen#2"}, True))  # triage: one more decision
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.sync_text.endswith(" · 2 pending pushes (P)"), app.status_text
