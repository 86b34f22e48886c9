"""The dashboard's sync line during a real sync: what an adapter reports is what it shows.

The GitLab adapter against ``httpx.MockTransport`` serving issues in the API's shape,
once with ``x-total`` (a bar, ``sync ▰▰▰ 5/5 items``) and once without (a count so far);
the sync line is read from the running app after each status the sync sent (the old
test checked ``progress_text`` with numbers no adapter ever sends).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import httpx
import pytest
from trackerfakes import payload, respond

from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.store.planfile import save_plan
from relplan.planner.usecases.session import Session
from relplan.tui.app import RelplanApp

SOURCE = 'name = "widget"\nkind = "gitlab"\nurl = "https://gitlab.com"\nproject = "acme/widget"\n'


def gitlab(total: bool) -> Any:
    def handle(req: httpx.Request) -> httpx.Response:
        if req.url.path.endswith("/milestones"):
            return respond([])
        template = payload("gitlab", "issues_page1")[0]
        issues = []
        for iid in range(1, 6):
            issue = copy.deepcopy(template)
            issue.update(iid=iid, id=900 + iid, title=f"issue {iid}", milestone=None)
            issues.append(issue)
        return respond(issues, **({"x-total": "5"} if total else {}))

    return handle


@pytest.mark.parametrize(
    ("total", "expected"),
    [(True, "sync ▰▰▰▰▰▰▰▰▰▰▰▰▰▰▰▰▰▰▰▰ 5/5 items"), (False, "sync: 5 items so far")],
)
async def test_the_sync_line_shows_the_adapters_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, total: bool, expected: str
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    config = tmp_path / "relplan.config.toml"
    config.write_text("[[sources]]\n" + SOURCE)
    plan = tmp_path / "plan.toml"
    session = Session(demo_plan(), today=DEMO_TODAY)
    save_plan(session.plan, session.train(), plan, None)
    original = Session.sync

    async def sync(self: Session, *args: Any, **kwargs: Any) -> Any:
        transport = httpx.MockTransport(gitlab(total))
        return await original(self, *args, **kwargs, transport=transport)

    monkeypatch.setattr(Session, "sync", sync)
    app = RelplanApp(Session.open(plan=plan, config=config, today=DEMO_TODAY.isoformat()))
    shown: list[str] = []
    set_status = app.set_sync_status

    def record(text: str) -> None:
        set_status(text)
        shown.append(app.sync_text)

    monkeypatch.setattr(app, "set_sync_status", record)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert expected in shown, shown
    assert {f"widget#{i}" for i in range(1, 6)} <= {it.id for it in app.session.plan.items}
