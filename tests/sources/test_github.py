"""The GitHub adapter against payloads in GitHub's documented shape (httpx.MockTransport)."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx
import pytest
from trackerfakes import NOW, TOKEN, Recorder, http_for, payload, respond

from relplan.planner.domain.errors import PlanError, SourceError
from relplan.planner.domain.model import BackportState, Kind, State
from relplan.planner.trackers.base import Cursor, SourceConfig
from relplan.planner.trackers.github import GitHubAdapter, parse_link
from relplan.planner.trackers.registry import adapter_for

TABLE = {
    "name": "cpython",
    "kind": "github",
    "url": "https://github.com",
    "project": "python/cpython",
    "token_env": "GITHUB_TOKEN",
    "release_pattern": r"^(\d+\.\d+)$",
    "kinds": {"type-feature": "feature", "type-crash": "bug", "type-security": "security"},
    "blocker": ["release-blocker"],
    "backport_labels": ["needs backport to {series}"],
    "backport_done_labels": ["backported to {series}"],
}
API = "https://api.github.com/repos/python/cpython"


def adapter(**change: object) -> GitHubAdapter:
    found = adapter_for(SourceConfig.from_table({**TABLE, **change}))
    assert isinstance(found, GitHubAdapter)
    return found


def link(**rels: int) -> str:
    return ", ".join(
        f'<{API}/issues?state=all&per_page=100&sort=created&direction=asc&page={n}>; rel="{r}"'
        for r, n in rels.items()
    )


class GitHub:
    """A fake api.github.com serving the fixture pages; records what was asked."""

    def __init__(self, last: bool = True) -> None:
        self.last = last
        self.seen: list[httpx.Request] = []
        self.answered: list[int] = []

    def __call__(self, req: httpx.Request) -> httpx.Response:
        self.seen.append(req)
        answer = self.answer(req)
        self.answered.append(answer.status_code)
        return answer

    def answer(self, req: httpx.Request) -> httpx.Response:
        page = int(req.url.params.get("page", "1"))
        if req.url.path.endswith("/milestones"):
            if req.headers.get("if-none-match") == 'W/"m1"':
                return httpx.Response(304, headers={"etag": 'W/"m1"'})
            return respond(payload("github", "milestones"), etag='W/"m1"')
        if req.url.params.get("since"):
            if req.headers.get("if-none-match") == '"s1"':
                return httpx.Response(304, headers={"etag": '"s1"'})
            return respond(payload("github", "issues_since"), etag='"s1"')
        rels = {"next": page + 1} if page < 3 else {}
        if self.last and page < 3:
            rels["last"] = 3
        return respond(payload("github", f"issues_page{page}"), link=link(**rels))


async def fetch(
    gh: GitHub,
    rec: Recorder,
    cursor: Cursor | None = None,
    full: bool = False,
    ad: GitHubAdapter | None = None,
):  # type: ignore[no-untyped-def]
    ad = ad or adapter()
    async with http_for(ad, gh, rec) as http:
        return await ad.fetch(http, cursor or Cursor(), full=full, reporter=rec.reporter)


async def test_full_sync_reads_every_page_and_maps_issues() -> None:
    gh, rec = GitHub(), Recorder()
    result = await fetch(gh, rec)
    items = {it.id: it for it in result.items}
    # 102 is a plain pull request (left out); 105 has no title (skipped with a warning)
    assert sorted(items) == [
        "cpython#101",
        "cpython#103",
        "cpython#104",
        "cpython#106",
        "cpython#107",
    ]
    gil = items["cpython#101"]
    assert (gil.target, gil.state, gil.kind, gil.blocker, gil.owner) == (
        "3.13",
        State.ACCEPTED,
        Kind.FEATURE,
        True,
        "colesbury",
    )
    assert gil.url == "https://github.com/python/cpython/issues/101"
    assert items["cpython#103"].kind is Kind.BUG
    assert items["cpython#103"].backports == {"3.12": BackportState.REQUIRED}
    assert items["cpython#104"].state is State.REJECTED  # closed as not planned
    assert items["cpython#106"].kind is Kind.SECURITY
    assert items["cpython#106"].backports == {
        "3.12": BackportState.REQUIRED,
        "3.11": BackportState.REQUIRED,
    }
    assert items["cpython#107"].backports == {
        "3.12": BackportState.REQUIRED,
        "3.11": BackportState.DONE,
    }
    assert items["cpython#107"].updated == dt.datetime(2024, 5, 5, 12, tzinfo=dt.UTC)
    assert result.complete and result.requests == 4
    assert result.cursor.since == "2024-05-05T12:00:00Z"
    assert rec.progress[-1][0] == 7


async def test_pages_after_the_first_are_asked_by_number_when_last_is_known() -> None:
    gh = GitHub(last=True)
    await fetch(gh, Recorder())
    issue_requests = [r for r in gh.seen if r.url.path.endswith("/issues")]
    assert [r.url.params.get("page") for r in issue_requests] == [None, "2", "3"]
    first = issue_requests[0].url.params
    assert (first["state"], first["per_page"], first["sort"]) == ("all", "100", "created")
    assert "since" not in first
    assert issue_requests[0].headers["authorization"] == f"Bearer {TOKEN}"


async def test_without_last_the_next_links_are_followed_one_by_one() -> None:
    gh = GitHub(last=False)
    result = await fetch(gh, Recorder())
    pages = [r.url.params.get("page") for r in gh.seen if r.url.path.endswith("/issues")]
    assert pages == [None, "2", "3"]
    assert len(result.items) == 5


async def test_milestones_become_releases_with_due_days() -> None:
    result = await fetch(GitHub(), Recorder())
    releases = {r.name: r for r in result.releases}
    assert releases["3.13"].version == "3.13"
    assert releases["3.13"].due == dt.date(2024, 10, 1) and not releases["3.13"].closed
    assert releases["3.12"].closed
    assert releases["Someday"].version is None and releases["Someday"].due is None


async def test_a_malformed_issue_is_skipped_with_a_warning_naming_it() -> None:
    result = await fetch(GitHub(), Recorder())
    assert len(result.warnings) == 1
    warning = str(result.warnings[0])
    assert "sources.cpython" in warning and "issue 105" in warning and "'title'" in warning


async def test_incremental_sync_asks_since_and_a_rerun_costs_two_304s() -> None:
    gh, rec = GitHub(), Recorder()
    first = await fetch(gh, rec)
    second = await fetch(gh, rec, first.cursor)
    since_req = [r for r in gh.seen if r.url.params.get("since")]
    assert since_req[0].url.params["since"] == "2024-05-05T12:00:00Z"
    assert not second.complete and second.requests == 2
    items = {it.id: it for it in second.items}
    assert sorted(items) == ["cpython#103", "cpython#108"]
    assert items["cpython#103"].state is State.DONE
    assert items["cpython#103"].backports == {"3.12": BackportState.DONE}
    assert second.cursor.since == "2024-05-06T11:30:00Z"
    assert gh.answered[-2:] == [200, 304]  # new window; milestones unchanged
    # the window moved to 11:30: one 200 for it, then a re-sync is answered by 304s
    third = await fetch(gh, rec, second.cursor)
    fourth = await fetch(gh, rec, third.cursor)
    assert third.requests == 2 and gh.answered[-4:] == [200, 304, 304, 304]
    assert fourth.requests == 2 and fourth.cursor.since == "2024-05-06T11:30:00Z"
    assert {it.id for it in fourth.items} == {"cpython#103", "cpython#108"}


async def test_full_ignores_the_cursor_window() -> None:
    gh = GitHub()
    result = await fetch(gh, Recorder(), Cursor(since="2024-05-05T12:00:00Z"), full=True)
    assert result.complete and not any(r.url.params.get("since") for r in gh.seen)


async def test_rate_limits_are_waited_out_and_reported() -> None:
    gh = GitHub()
    answers = [
        respond(
            {"message": "API rate limit exceeded"},
            403,
            x_ratelimit_remaining="0",
            x_ratelimit_reset=str(int(NOW) + 30),
        ),
        respond({"message": "slow down"}, 429, retry_after="5"),
    ]

    def handler(req: httpx.Request) -> httpx.Response:
        return answers.pop(0) if answers else gh(req)

    rec = Recorder()
    result = await fetch(handler, rec)  # type: ignore[arg-type]
    assert rec.sleeps == [30.0, 5.0]
    assert all("rate limited by api.github.com" in s for s in rec.status)
    assert len(result.items) == 5


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (401, "check the token in $GITHUB_TOKEN"),
        (403, "may read project 'python/cpython'"),
        (404, "check project = 'python/cpython'"),
    ],
)
async def test_refusals_name_the_source_and_what_to_check(status: int, words: str) -> None:
    def handler(req: httpx.Request) -> httpx.Response:
        return respond({"message": "Bad credentials", "documentation_url": "x"}, status)

    with pytest.raises(SourceError) as info:
        await fetch(handler, Recorder())  # type: ignore[arg-type]
    text = str(info.value)
    assert "sources.cpython" in text and words in text and TOKEN not in text


async def test_an_unexpected_answer_shape_is_an_error_not_a_crash() -> None:
    with pytest.raises(SourceError, match="unexpected shape"):
        await fetch(lambda req: respond({"issues": []}), Recorder())  # type: ignore[arg-type]


def test_project_must_be_owner_slash_repo() -> None:
    with pytest.raises(PlanError, match="owner/repo"):
        adapter(project="cpython")


def test_enterprise_urls_are_used_as_the_api_root() -> None:
    ad = adapter(url="https://ghe.example.com/api/v3/")
    assert ad.repo == "https://ghe.example.com/api/v3/repos/python/cpython"


def test_link_header_parsing() -> None:
    assert parse_link(link(next=2, last=9)) == {
        "next": f"{API}/issues?state=all&per_page=100&sort=created&direction=asc&page=2",
        "last": f"{API}/issues?state=all&per_page=100&sort=created&direction=asc&page=9",
    }
    assert parse_link(None) == {}


async def test_parallel_pages_stay_within_four_in_flight() -> None:
    template = payload("github", "issues_page1")[0]

    async def handler(req: httpx.Request) -> httpx.Response:
        for _ in range(3):  # yield, so that concurrent requests overlap
            await asyncio.sleep(0)
        if req.url.path.endswith("/milestones"):
            return respond([])
        page = int(req.url.params.get("page", "1"))
        issues = [{**template, "number": page * 100 + i} for i in range(100)]
        return respond(issues, link=link(next=page + 1, last=12) if page < 12 else "")

    ad, rec = adapter(), Recorder()
    async with http_for(ad, handler, rec) as http:  # type: ignore[arg-type]
        result = await ad.fetch(http, Cursor(), full=True, reporter=rec.reporter)
        peak = http.limiter.peak["api.github.com"]
    assert len(result.items) == 1200 and result.requests == 13
    assert peak == 4


def test_example_config_sources_validate_and_find_their_adapters() -> None:
    import tomllib

    from relplan.planner.store.configlink import example_config, uncommented
    from relplan.planner.trackers.base import parse_sources

    tables = tomllib.loads(uncommented(example_config()))["sources"]
    found = {
        s.kind: type(adapter_for(s)).__name__
        for s in parse_sources(tables)
        if s.kind in ("github", "gitlab", "jira", "bugzilla")
    }
    assert found == {
        "github": "GitHubAdapter",
        "gitlab": "GitLabAdapter",
        "jira": "JiraAdapter",
        "bugzilla": "BugzillaAdapter",
    }
