"""The GitLab adapter against payloads in GitLab's documented shape (httpx.MockTransport)."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from trackerfakes import TOKEN, Recorder, http_for, payload, respond

from relplan.planner.domain.errors import PlanError, SourceError
from relplan.planner.domain.model import BackportState, Kind, State
from relplan.planner.trackers.base import Cursor, FetchResult, SourceConfig
from relplan.planner.trackers.gitlab import GitLabAdapter
from relplan.planner.trackers.registry import adapter_for

TABLE = {
    "name": "xen",
    "kind": "gitlab",
    "url": "https://gitlab.com",
    "project": "xen-project/xen",
    "token_env": "GITLAB_TOKEN",
    "kinds": {"feature": "feature", "bug": "bug", "security": "security"},
    "states": {"wontfix": "rejected"},
    "blocker": ["blocker"],
    "backport_labels": ["backport-{series}"],
    "backport_done_labels": ["backported-{series}"],
}
ROOT = "/api/v4/projects/xen-project%2Fxen"


def adapter(**change: object) -> GitLabAdapter:
    found = adapter_for(SourceConfig.from_table({**TABLE, **change}))
    assert isinstance(found, GitLabAdapter)
    return found


class GitLab:
    """A fake gitlab.com; ``totals=False`` answers like GitLab past 10,000 records."""

    def __init__(self, totals: bool = True) -> None:
        self.totals = totals
        self.seen: list[httpx.Request] = []
        self.answered: list[int] = []

    def __call__(self, req: httpx.Request) -> httpx.Response:
        self.seen.append(req)
        answer = self.answer(req)
        self.answered.append(answer.status_code)
        return answer

    def answer(self, req: httpx.Request) -> httpx.Response:
        assert req.url.raw_path.decode().startswith(ROOT)
        if req.url.path.endswith("/milestones"):
            if req.headers.get("if-none-match") == 'W/"ms"':
                return httpx.Response(304)
            return respond(
                payload("gitlab", "milestones"),
                etag='W/"ms"',
                x_total="2",
                x_total_pages="1",
                x_next_page="",
            )
        if req.url.params.get("updated_after"):
            if req.headers.get("if-none-match") == 'W/"u1"':
                return httpx.Response(304)
            return respond(payload("gitlab", "issues_updated"), etag='W/"u1"', x_next_page="")
        page = int(req.url.params.get("page", "1"))
        headers = {
            "x_page": str(page),
            "x_per_page": "100",
            "x_next_page": str(page + 1) if page < 3 else "",
        }
        if self.totals:
            headers |= {"x_total": "5", "x_total_pages": "3"}
        return respond(payload("gitlab", f"issues_page{page}"), **headers)


async def fetch(
    handler: object, rec: Recorder, cursor: Cursor | None = None, full: bool = False
) -> FetchResult:
    ad = adapter()
    async with http_for(ad, handler, rec) as http:  # type: ignore[arg-type]
        return await ad.fetch(http, cursor or Cursor(), full=full, reporter=rec.reporter)


@pytest.mark.parametrize("totals", [True, False], ids=["x-total-pages", "past-10k"])
async def test_full_sync_reads_every_page(totals: bool) -> None:
    gl, rec = GitLab(totals), Recorder()
    result = await fetch(gl, rec)
    assert sorted(it.id for it in result.items) == ["xen#201", "xen#202", "xen#203", "xen#205"]
    pages = [r.url.params.get("page") for r in gl.seen if r.url.path.endswith("/issues")]
    assert pages == [None, "2", "3"]
    first = gl.seen[0]
    assert first.headers["private-token"] == TOKEN
    assert (first.url.params["scope"], first.url.params["per_page"]) == ("all", "100")
    assert result.complete and result.requests == 4
    assert rec.progress[-1] == ((5, 5) if totals else (5, None))


async def test_issues_map_labels_milestones_and_backports() -> None:
    result = await fetch(GitLab(), Recorder())
    items = {it.id: it for it in result.items}
    remus = items["xen#201"]
    assert (remus.target, remus.state, remus.kind, remus.blocker, remus.owner) == (
        "4.20",
        State.ACCEPTED,
        Kind.FEATURE,
        True,
        "andyhhp",
    )
    assert remus.url == "https://gitlab.com/xen-project/xen/-/issues/201"
    assert items["xen#202"].backports == {
        "4.19": BackportState.REQUIRED,
        "4.18": BackportState.REQUIRED,
    }
    assert items["xen#203"].state is State.REJECTED
    xsa = items["xen#205"]
    assert (xsa.kind, xsa.state, xsa.target) == (Kind.SECURITY, State.DONE, "4.19")
    assert xsa.backports == {"4.19": BackportState.REQUIRED, "4.18": BackportState.DONE}
    assert xsa.updated == dt.datetime(2024, 9, 4, 12, 30, tzinfo=dt.UTC)
    assert result.cursor.since == "2024-09-04T12:30:00Z"


async def test_milestones_carry_start_and_due_dates() -> None:
    result = await fetch(GitLab(), Recorder())
    releases = {r.name: r for r in result.releases}
    assert releases["4.20"].start == dt.date(2024, 7, 30)
    assert releases["4.20"].due == dt.date(2025, 3, 5) and not releases["4.20"].closed
    assert releases["4.19"].closed and releases["4.19"].version == "4.19"


async def test_a_malformed_issue_is_skipped_with_a_warning_naming_it() -> None:
    result = await fetch(GitLab(), Recorder())
    assert [str(w) for w in result.warnings] == [
        "sources.xen: issue two hundred four: skipped: field 'iid' is missing or not a number "
        "(the rest of the source was synced)"
    ]


async def test_incremental_sync_asks_updated_after_then_304() -> None:
    gl, rec = GitLab(), Recorder()
    first = await fetch(gl, rec)
    second = await fetch(gl, rec, first.cursor)
    asked = [r for r in gl.seen if r.url.params.get("updated_after")]
    assert asked[0].url.params["updated_after"] == "2024-09-04T12:30:00Z"
    assert not second.complete and [it.id for it in second.items] == ["xen#202"]
    item = second.items[0]
    assert item.state is State.DONE
    assert item.backports == {"4.19": BackportState.DONE, "4.18": BackportState.REQUIRED}
    third = await fetch(gl, rec, second.cursor)  # new window: one 200
    fourth = await fetch(gl, rec, third.cursor)  # nothing changed: two 304s
    assert fourth.requests == 2 and gl.answered[-2:] == [304, 304]
    assert [it.id for it in fourth.items] == ["xen#202"]


async def test_429_retry_after_is_honoured() -> None:
    gl, answers = GitLab(), [respond({"message": "429 Too Many Requests"}, 429, retry_after="12")]

    def handler(req: httpx.Request) -> httpx.Response:
        return answers.pop(0) if answers else gl(req)

    rec = Recorder()
    result = await fetch(handler, rec)
    assert rec.sleeps == [12.0] and "waiting 12 s" in rec.status[0]
    assert len(result.items) == 4


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (401, "check the token in $GITLAB_TOKEN"),
        (403, "may read project 'xen-project/xen'"),
        (404, "check project = 'xen-project/xen' and url = 'https://gitlab.com'"),
    ],
)
async def test_refusals_name_the_source_and_what_to_check(status: int, words: str) -> None:
    with pytest.raises(SourceError) as info:
        await fetch(lambda req: respond({"message": f"{status}"}, status), Recorder())
    text = str(info.value)
    assert "sources.xen" in text and words in text and TOKEN not in text


def test_project_paths_are_url_encoded_and_api_v4_added_once() -> None:
    assert adapter().root == "https://gitlab.com/api/v4/projects/xen-project%2Fxen"
    assert adapter(url="https://git.example.org/api/v4").root == (
        "https://git.example.org/api/v4/projects/xen-project%2Fxen"
    )
    with pytest.raises(PlanError, match="project path"):
        adapter(project="xen project")
