"""The Jira Cloud adapter against payloads in Jira's documented shape (httpx.MockTransport)."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

import httpx
import pytest
from trackerfakes import TOKEN, Recorder, http_for, payload, respond

from relplan.planner.domain.errors import PlanError, SourceError
from relplan.planner.domain.model import BackportState, Kind, Plan, Priority, State
from relplan.planner.trackers.base import Cursor, FetchResult, SourceConfig
from relplan.planner.trackers.jira import JiraAdapter, jql_window
from relplan.planner.trackers.registry import adapter_for

TABLE = {
    "name": "xen",
    "kind": "jira",
    "url": "https://xen.atlassian.net",
    "project": "XEN",
    "user": "maint@xen.org",
    "token_env": "JIRA_TOKEN",
    "release_pattern": r"^(\d+(?:\.\d+)*)$",
    "kinds": {"New Feature": "feature", "Story": "feature"},
    "blocker": ["blocker"],
    "backport_field": "customfield_10100",
}


def adapter(**change: object) -> JiraAdapter:
    found = adapter_for(SourceConfig.from_table({**TABLE, **change}))
    assert isinstance(found, JiraAdapter)
    return found


class Jira:
    """A fake Jira Cloud site: versions, and the token-chained search."""

    def __init__(self) -> None:
        self.seen: list[httpx.Request] = []
        self.bodies: list[dict] = []  # type: ignore[type-arg]

    def __call__(self, req: httpx.Request) -> httpx.Response:
        self.seen.append(req)
        if req.url.path == "/rest/api/3/project/XEN/versions":
            if req.headers.get("if-none-match") == '"v1"':
                return httpx.Response(304)
            return respond(payload("jira", "versions"), etag='"v1"')
        assert (req.method, req.url.path) == ("POST", "/rest/api/3/search/jql")
        body = json.loads(req.content)
        self.bodies.append(body)
        if "updated >=" in body["jql"]:
            return respond(payload("jira", "search_updated"))
        page = "search_page2" if body.get("nextPageToken") == "CAEaAggD" else "search_page1"
        return respond(payload("jira", page))


async def fetch(
    handler: object,
    rec: Recorder,
    cursor: Cursor | None = None,
    full: bool = False,
    ad: JiraAdapter | None = None,
) -> FetchResult:
    ad = ad or adapter()
    async with http_for(ad, handler, rec) as http:  # type: ignore[arg-type]
        return await ad.fetch(http, cursor or Cursor(), full=full, reporter=rec.reporter)


async def test_search_pages_are_chained_by_next_page_token() -> None:
    jira, rec = Jira(), Recorder()
    result = await fetch(jira, rec)
    assert [b.get("nextPageToken") for b in jira.bodies] == [None, "CAEaAggD"]
    first = jira.bodies[0]
    assert first["jql"] == 'project = "XEN" ORDER BY key ASC'
    assert first["maxResults"] == 100
    assert {"summary", "status", "fixVersions", "customfield_10100"} <= set(first["fields"])
    basic = base64.b64encode(f"maint@xen.org:{TOKEN}".encode()).decode()
    assert jira.seen[0].headers["authorization"] == f"Basic {basic}"
    assert result.complete and result.requests == 3
    assert sorted(it.id for it in result.items) == [
        "xen#XEN-40",
        "xen#XEN-41",
        "xen#XEN-42",
        "xen#XEN-44",
    ]


async def test_issues_map_type_priority_status_and_fix_versions() -> None:
    items = {it.id: it for it in (await fetch(Jira(), Recorder())).items}
    remus = items["xen#XEN-40"]
    assert (remus.kind, remus.priority, remus.state, remus.target, remus.owner) == (
        Kind.FEATURE,
        Priority.CRITICAL,
        State.IN_PROGRESS,
        "4.0",
        "Brendan Cully",
    )
    assert remus.url == "https://xen.atlassian.net/browse/XEN-40"
    assert remus.updated == dt.datetime(2009, 8, 20, 8, tzinfo=dt.UTC)
    blktap = items["xen#XEN-41"]
    assert (blktap.kind, blktap.priority, blktap.blocker, blktap.target) == (
        Kind.BUG,
        Priority.HIGH,
        True,
        "4.0",
    )
    # the 3.4.2 fix version asks for a 3.4 backport; the Backport field adds 3.3 done
    assert blktap.backports == {"3.4": BackportState.REQUIRED, "3.3": BackportState.DONE}
    assert items["xen#XEN-42"].state is State.REJECTED  # Won't Fix
    credit2 = items["xen#XEN-44"]
    assert (credit2.kind, credit2.priority, credit2.target, credit2.state) == (
        Kind.TASK,
        Priority.LOW,
        None,
        State.PROPOSED,
    )


async def test_versions_become_releases() -> None:
    releases = {r.name: r for r in (await fetch(Jira(), Recorder())).releases}
    assert releases["4.0"].start == dt.date(2009, 6, 1)
    assert releases["4.0"].due == dt.date(2010, 1, 15) and not releases["4.0"].closed
    assert releases["3.4.2"].closed and releases["3.3.2"].closed  # released; archived
    assert releases["Backlog"].version is None


async def test_a_malformed_issue_is_skipped_with_a_warning_naming_it() -> None:
    result = await fetch(Jira(), Recorder())
    assert len(result.warnings) == 1
    assert "issue XEN-43: skipped: field 'summary'" in str(result.warnings[0])


async def test_incremental_sync_adds_an_updated_window_to_the_jql() -> None:
    jira, rec = Jira(), Recorder()
    first = await fetch(jira, rec)
    assert first.cursor.since == "2009-08-28T16:45:00Z"
    second = await fetch(jira, rec, first.cursor)
    assert jira.bodies[-1]["jql"] == (
        'project = "XEN" AND updated >= "2009/08/27 16:45" ORDER BY key ASC'
    )
    assert not second.complete and second.requests == 2
    assert jira.seen[-2].headers["if-none-match"] == '"v1"'  # versions: a 304
    assert len(second.releases) == 4
    (blktap,) = second.items
    assert blktap.state is State.DONE
    assert blktap.backports == {"3.4": BackportState.DONE, "3.3": BackportState.DONE}


async def test_query_is_anded_and_full_ignores_the_window() -> None:
    jira = Jira()
    ad = adapter(query='component = "blktap"')
    await fetch(jira, Recorder(), Cursor(since="2009-08-28T16:45:00Z"), full=True, ad=ad)
    assert jira.bodies[0]["jql"] == 'project = "XEN" AND (component = "blktap") ORDER BY key ASC'


async def test_429_on_the_search_is_waited_out() -> None:
    jira, answers = (
        Jira(),
        [respond({"errorMessages": ["Rate limit exceeded"]}, 429, retry_after="3")],
    )

    def handler(req: httpx.Request) -> httpx.Response:
        if req.method == "POST" and answers:
            return answers.pop(0)
        return jira(req)

    rec = Recorder()
    result = await fetch(handler, rec)
    assert rec.sleeps == [3.0] and len(result.items) == 4


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (401, "check the token in $JIRA_TOKEN"),
        (403, "may read project 'XEN'"),
        (404, "check project = 'XEN' and url = 'https://xen.atlassian.net'"),
    ],
)
async def test_refusals_name_the_source_and_what_to_check(status: int, words: str) -> None:
    body = {"errorMessages": ["No project could be found with key 'XEN'."], "errors": {}}
    with pytest.raises(SourceError) as info:
        await fetch(lambda req: respond(body, status), Recorder())
    text = str(info.value)
    assert "sources.xen" in text and words in text and TOKEN not in text
    assert base64.b64encode(f"maint@xen.org:{TOKEN}".encode()).decode() not in text


async def test_an_unreadable_backport_field_skips_that_issue_only() -> None:
    def handler(req: httpx.Request) -> httpx.Response:
        if req.method == "GET":
            return respond([])
        page = payload("jira", "search_updated")
        page["issues"][0]["fields"]["customfield_10100"] = "3.4: MAYBE"
        return respond(page)

    result = await fetch(handler, Recorder())
    assert result.items == ()
    assert "XEN-41" in str(result.warnings[0]) and "3.4: MAYBE" in str(result.warnings[0])


def test_config_needs_a_key_and_an_email_with_a_token() -> None:
    with pytest.raises(PlanError, match="user"):
        JiraAdapter(SourceConfig.from_table({k: v for k, v in TABLE.items() if k != "user"}))
    with pytest.raises(PlanError, match="Jira project key"):
        adapter(project="XEN PROJECT")


def test_the_window_starts_a_day_early_in_the_trackers_wall_clock() -> None:
    assert jql_window("2009-08-28T16:45:59.000+0200") == 'updated >= "2009/08/27 16:45"'
    assert jql_window("garbage") is None


def test_a_sync_through_the_cache_keeps_no_token_anywhere(tmp_path: Path) -> None:
    from relplan.planner.store.cache import Cache
    from relplan.planner.store.demo import demo_plan
    from relplan.planner.trackers.sync import run_sync

    saved: list[Plan] = []
    config = SourceConfig.from_table(TABLE)
    plan = demo_plan().with_items(())
    env = {"JIRA_TOKEN": TOKEN}
    with Cache.open(tmp_path) as cache:
        first = run_sync(
            plan, [config], cache, saved.append, env=env, transport=httpx.MockTransport(Jira())
        )
        second = run_sync(
            saved[-1], [config], cache, saved.append, env=env, transport=httpx.MockTransport(Jira())
        )
        cached = {it.id for it in cache.items("xen")}
    assert cached == {"xen#XEN-40", "xen#XEN-41", "xen#XEN-42", "xen#XEN-44"}
    assert {it.id for it in saved[-1].items} >= cached and TOKEN not in repr(saved)
    assert first.fetched[0].result.complete and not second.fetched[0].result.complete
    basic = base64.b64encode(f"maint@xen.org:{TOKEN}".encode())
    for path in tmp_path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert TOKEN.encode() not in data and basic not in data, path


async def test_a_jql_jira_cannot_run_names_the_query() -> None:
    jira = Jira()

    def handler(req: httpx.Request) -> httpx.Response:
        if req.method == "POST":
            return respond(
                {"errorMessages": ["Field 'componnt' does not exist."], "warningMessages": []}, 400
            )
        return jira(req)

    with pytest.raises(SourceError) as info:
        await fetch(handler, Recorder(), ad=adapter(query="componnt = blktap"))
    problem = info.value.problems[0]
    assert problem.field == "sources.xen.query" and "HTTP 400" in problem.message
    assert "componnt = blktap" in (problem.hint or "")
