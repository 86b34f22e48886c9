"""`relplan sync` into new and old plan files, through the real CLI, trackers on MockTransport.

Two stories from issue 10:

- a first sync from GitLab, Jira or Bugzilla into a new plan, on answers shaped
  like real servers' (milestones without dates, a version list starting at
  0.2.2), succeeds, and calendar, status and export handle what it wrote;
- a second plan synced from the same config, a plan deleted and synced again,
  and an older copy of a plan all get every item the tracker has, although the
  cache's incremental window has moved on (the cursor is not the plan's).

The payloads are described in payloads/REAL.md.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from trackerfakes import payload, respond

from relplan.planner.domain.calendar import build_train
from relplan.planner.store.planfile import load_plan, save_plan
from relplan.planner.usecases.session import Session
from relplan.tui.cli import main

TODAY = "2026-03-02"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def network(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Any]:
    """Every `relplan sync` of the test goes to the handler put in the returned list."""
    handlers: list[Any] = []
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))

    def transport() -> httpx.MockTransport:
        return httpx.MockTransport(lambda req: handlers[-1](req))

    original = Session.sync

    async def sync(self: Session, *args: Any, **kwargs: Any) -> Any:
        return await original(self, *args, **kwargs, transport=transport())

    monkeypatch.setattr(Session, "sync", sync)
    return handlers


def config(tmp_path: Path, table: str) -> Path:
    path = tmp_path / "relplan.config.toml"
    path.write_text("[policy]\nhorizon = 2\n\n[[sources]]\n" + table)
    return path


# -- a first sync into a new plan ------------------------------------------------------------


def gitlab(req: httpx.Request) -> httpx.Response:
    """gitlab.com: milestones as the v4 API answers them, some with due_date null."""
    if req.url.path.endswith("/milestones"):
        return respond(payload("gitlab", "real_milestones"))
    template = payload("gitlab", "issues_page1")[0]
    issues = []
    for iid, milestone in ((1, "1.0.0"), (2, "1.0.0"), (3, "2.0.0"), (4, "0.9.0"), (5, "Backlog")):
        issue = copy.deepcopy(template)
        ms = next(m for m in payload("gitlab", "real_milestones") if m["title"] == milestone)
        issue.update(
            iid=iid,
            id=900 + iid,
            title=f"issue {iid}",
            milestone=ms,
            state="closed" if milestone == "0.9.0" else "opened",
        )
        issues.append(issue)
    return respond(issues)


def jira(req: httpx.Request) -> httpx.Response:
    """A Jira whose version list is Apache ABDERA's: from 0.2.2, unreleased ones undated."""
    if req.url.path.endswith("/versions"):
        return respond(payload("jira", "real_versions_abdera"))
    page = payload("jira", "search_page1")
    for issue, version in zip(page["issues"], ("1.2", "1.1.3", "0.2.2"), strict=True):
        issue["fields"]["fixVersions"] = [{"name": version}]
    return respond({"issues": page["issues"], "isLast": True})


def bugzilla(req: httpx.Request) -> httpx.Response:
    """bugzilla.mozilla.org: milestones never have dates."""
    if req.url.path == "/rest/product":
        return respond(payload("bugzilla", "real_bmo_product"))
    return respond(payload("bugzilla", "real_bmo_bugs"))


FIRST_SYNCS = {
    "gitlab": (
        gitlab,
        'name = "widget"\nkind = "gitlab"\nurl = "https://gitlab.com"\nproject = "acme/widget"\n',
    ),
    "jira": (
        jira,
        'name = "abdera"\nkind = "jira"\nurl = "https://abdera.atlassian.net"\n'
        'project = "ABDERA"\n',
    ),
    "bugzilla": (
        bugzilla,
        'name = "fx"\nkind = "bugzilla"\nurl = "https://bugzilla.mozilla.org"\n'
        "project = \"Firefox\"\nrelease_pattern = '^Firefox (\\d+)$'\n"
        'status_flags = ["cf_status_firefox{series}"]\n',
    ),
}


@pytest.mark.parametrize("kind", list(FIRST_SYNCS))
def test_a_first_sync_into_a_new_plan_succeeds_on_real_tracker_data(
    kind: str, tmp_path: Path, network: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    handler, table = FIRST_SYNCS[kind]
    network.append(handler)
    plan = tmp_path / "new.toml"
    common = ["--config", str(config(tmp_path, table)), "--plan", str(plan), "--today", TODAY]
    code, out, err = run(capsys, *common, "sync")
    assert code == 0, err
    assert plan.exists() and "releases[" not in out + err
    for command in (
        ["calendar"],
        ["status"],
        ["export", "--format", "json"],
        ["calendar", "--format", "json"],
        ["status", "--format", "json"],
    ):
        code, shown, err = run(capsys, *common, *command)
        assert code == 0, (command, err)
        assert "Traceback" not in err
    exported = json.loads(run(capsys, *common, "export", "--format", "json")[1])
    phases = {r["version"]: r["phase"] for r in exported["releases"]}
    targets = {it["target"] for it in exported["items"]} - {None}
    assert targets <= set(phases)  # every target is a release of the plan, with or without a day
    if kind == "gitlab":
        # 1.0.0 (due_date null) comes before the only dated milestone: unscheduled;
        # 0.9.0 was closed without a date: unscheduled and marked so in the file
        assert phases["1.0.0"] == phases["0.9.0"] == "unscheduled"
        assert phases["2.0.0"] == "development"
        assert "unscheduled = true" in plan.read_text().split('version = "0.9.0"')[1][:200]
        assert "milestone '1.0.0' without a date: added as a release without a day" in out
        assert "milestone '0.9.0' closed without a date: added as an unscheduled release" in out
        assert "milestone 'Backlog' without a version in its name" in out
        assert "[releases.pins] release = YYYY-MM-DD" in out and "actual = YYYY-MM-DD" in out
    if kind == "jira":
        assert phases["0.2.2"] == "released"  # a maintenance release alone on its series
        assert phases["1.1.3"] == "unscheduled"  # unreleased, undated, no maintenance cadence
        assert phases["1.2"] not in (None, "unscheduled")  # planned by the cadence after 1.1
        assert "2 versions ('1.1.3', '1.2') without a date: added as releases without a day" in out
    if kind == "bugzilla":
        assert set(phases.values()) == {"unscheduled"}  # Bugzilla milestones never have dates
        assert "milestone 'Firefox 63' (63) without a date" in out
        assert "milestone 'Firefox 62' (62) closed without a date" in out
        status = json.loads(run(capsys, *common, "status", "--format", "json")[1])
        by_version = {s["version"]: s for s in status}
        assert by_version["63"]["verdict"] == "unscheduled" and by_version["63"]["items_total"] == 1
        assert "record `actual` or pin a release day" in by_version["63"]["reasons"][0]
        code, one, _ = run(capsys, *common, "status", "63")
        assert code == 0 and "63: no release day" in one


# -- a second plan, a deleted plan, an older copy: nothing lost --------------------------------

MILESTONES = [
    {**payload("github", "real_milestones_2012")[0], "title": t, "number": n, "due_on": due}
    for t, n, due in (("1.0", 1, "2026-04-07T07:00:00Z"), ("1.1", 2, "2026-06-16T07:00:00Z"))
]
T0 = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)


class GitHub:
    """A repository of 48 issues in GitHub's answer shape of 2012 (a ``pull_request`` key
    with null URLs on every plain issue), paged 20 at a time, honouring ``since``."""

    def __init__(self) -> None:
        template = payload("github", "real_issues_2012")[0]
        self.issues: dict[int, dict[str, Any]] = {}
        for n in range(1, 49):
            self.change(
                n,
                template=template,
                milestone=MILESTONES[0],
                title=f"issue {n}",
                when=T0 + dt.timedelta(minutes=n),
            )
        self.requests: list[httpx.Request] = []

    def change(self, n: int, *, when: dt.datetime, template: Any = None, **fields: Any) -> None:
        issue = copy.deepcopy(template or self.issues[n])
        issue.update(
            number=n, id=1000 + n, updated_at=when.isoformat().replace("+00:00", "Z"), **fields
        )
        self.issues[n] = issue

    def __call__(self, req: httpx.Request) -> httpx.Response:
        self.requests.append(req)
        if req.url.path.endswith("/milestones"):
            return respond(MILESTONES)
        since = req.url.params.get("since")
        found = [i for i in self.issues.values() if not since or i["updated_at"] >= since]
        size, page = int(req.url.params["per_page"]), int(req.url.params.get("page", "1"))
        last = max(1, -(-len(found) // size))
        base = str(req.url.copy_remove_param("page"))
        link = f'<{base}&page={page + 1}>; rel="next", <{base}&page={last}>; rel="last"'
        return respond(found[(page - 1) * size : page * size], link=link if page < last else "")


def targets(path: Path) -> dict[str, str | None]:
    return {it.id: it.target for it in load_plan(path).plan.items}


def test_every_plan_gets_every_item_whatever_the_cache_has_seen(
    tmp_path: Path, network: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    gh = GitHub()
    network.append(gh)
    cfg = config(
        tmp_path,
        'name = "widget"\nkind = "github"\nurl = "https://github.com"\n'
        'project = "acme/widget"\npage_size = 20\n',
    )

    def sync(plan: Path) -> str:
        code, out, err = run(
            capsys, "--config", str(cfg), "--plan", str(plan), "--today", TODAY, "sync"
        )
        assert code == 0, err
        return out

    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    assert "widget: 48 items; 48 added; 0 updated" in sync(a)
    older = tmp_path / "older.toml"  # a copy of a, kept aside (a backup, a git checkout)
    older.write_bytes(a.read_bytes())

    gh.change(7, milestone=MILESTONES[1], when=T0 + dt.timedelta(days=1))
    out = sync(b)  # a second plan from the same config: incremental, yet complete
    assert "widget (incremental): 48 items; 48 added; 0 updated; 46 from the cache" in out
    assert len(targets(b)) == 48 and targets(b)["widget#7"] == "1.1"
    assert [r.url.params.get("since") for r in gh.requests if "issues" in r.url.path][-1]

    gh.change(9, title="issue 9, renamed", when=T0 + dt.timedelta(days=2))
    sync(b)
    a.unlink()
    out = sync(a)  # a plan deleted and synced again
    assert "48 added" in out and len(targets(a)) == 48
    assert targets(a)["widget#7"] == "1.1"
    assert load_plan(a).plan.item("widget#9").title == "issue 9, renamed"

    # the older copy lacks both changes; its own triage of issue 3 stays
    loaded = load_plan(older)
    three = loaded.plan.item("widget#3")
    assert three is not None
    edited = loaded.plan.with_items(
        [
            dataclasses.replace(it, target="1.1") if it.id == "widget#3" else it
            for it in loaded.plan.items
        ]
    )
    save_plan(edited, build_train(edited, dt.date(2026, 3, 2)), older, loaded.fingerprint)
    out = sync(older)
    assert "conflict" not in out
    got = targets(older)
    assert got["widget#7"] == "1.1"  # the tracker moved it, the copy had not: taken
    assert got["widget#3"] == "1.1"  # moved locally only: kept
    assert load_plan(older).plan.item("widget#9").title == "issue 9, renamed"
    assert "2 updated; 1 from the cache" in out
