"""The adapters and the HTTP layer on answers shaped like what real servers sent.

Each payload mirrors an answer a public client library recorded from a real
server (see payloads/REAL.md): field names, nulls and legacy keys as observed,
values trimmed and written anew. The documented-shape payloads beside them
stay in the per-tracker test files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import httpx
import pytest
from trackerfakes import Recorder, http_for, payload, respond

from relplan.planner.domain.errors import SourceError
from relplan.planner.domain.model import BackportState, Item, Kind, Priority, State
from relplan.planner.store.cache import KEEP_VERSIONS, Cache
from relplan.planner.trackers.base import Cursor, FetchResult, SourceConfig
from relplan.planner.trackers.registry import adapter_for
from relplan.planner.trackers.sync import fetch_sources

B = BackportState
GITHUB = {"name": "widget", "kind": "github", "url": "https://github.com", "project": "acme/widget"}


async def fetch(
    table: dict[str, Any], handler: Any, rec: Recorder | None = None, **http: Any
) -> FetchResult:
    rec = rec or Recorder()
    ad = adapter_for(SourceConfig.from_table(table))
    client = http_for(ad, handler, rec)
    for key, value in http.items():
        setattr(client, key, value)
    async with client:
        return await ad.fetch(client, Cursor(), full=True, reporter=rec.reporter)


def github(issues: list[Any], milestones: list[Any] | None = None) -> Any:
    def handler(req: httpx.Request) -> httpx.Response:
        if req.url.path.endswith("/milestones"):
            return respond(milestones or [])
        return respond(issues)

    return handler


# -- GitHub ----------------------------------------------------------------------------------


async def test_old_issue_answers_with_null_pull_request_urls_are_issues() -> None:
    """PyGithub's Repository.testGetIssues (api.github.com, 2012): every plain issue carries
    "pull_request": {"patch_url": null, "diff_url": null, "html_url": null}."""
    result = await fetch(
        GITHUB,
        github(payload("github", "real_issues_2012"), payload("github", "real_milestones_2012")),
    )
    items = {it.key: it for it in result.items}
    assert sorted(items) == ["20", "30"]  # 11 is a real pull request, without a milestone
    assert items["20"].target is None and items["20"].state is State.PROPOSED
    assert items["30"].target == "1.0" and items["30"].owner == "jdoe"
    [milestone] = result.releases
    assert (milestone.name, milestone.version, milestone.due) == (
        "Version 1.0: coherent public interface",
        "1.0",
        dt.date(2012, 6, 4),
    )


SECONDARY = {
    "message": "You have exceeded a secondary rate limit. Please wait a few minutes "
    "before you try again.",
    "documentation_url": "https://docs.github.com/rest/overview/rate-limits",
}
ABUSE = {
    "message": "You have triggered an abuse detection mechanism. Please wait a few "
    "minutes before you try again."
}
PRIMARY_2013 = {"message": "API Rate Limit Exceeded for 192.0.2.1"}  # no x-ratelimit-reset


def limited_then(answers: list[httpx.Response]) -> Any:
    ok = github(payload("github", "real_issues_2012"))

    def handler(req: httpx.Request) -> httpx.Response:
        return answers.pop(0) if answers else ok(req)

    return handler


async def test_a_403_with_retry_after_is_a_rate_limit_waited_out_and_said() -> None:
    rec = Recorder()
    answers = [
        respond(SECONDARY, 403, retry_after="60"),
        httpx.Response(403, headers={"Retry-After": "5"}),
    ]  # a bare 403 + Retry-After
    result = await fetch(GITHUB, limited_then(answers), rec)
    assert len(result.items) == 2 and rec.sleeps == [60.0, 5.0]
    assert rec.status == [
        "widget: rate limited by api.github.com (secondary rate limit); waiting 60 s "
        "(Retry-After: 60)",
        "widget: rate limited by api.github.com; waiting 5 s (Retry-After: 5)",
    ]


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (ABUSE, {}),  # the older wording of the secondary limit, no rate-limit headers
        (PRIMARY_2013, {"x_ratelimit_remaining": "0"}),  # SpecificExceptions.testRateLimitExceeded
    ],
)
async def test_a_rate_limit_without_a_time_says_the_wait_is_relplans_own(
    body: Any, headers: dict[str, str]
) -> None:
    rec = Recorder()
    result = await fetch(GITHUB, limited_then([respond(body, 403, **headers)]), rec)
    assert len(result.items) == 2 and rec.sleeps == [60.0]
    assert "waiting 60 s (relplan's default wait; the tracker named no time)" in rec.status[0]
    with pytest.raises(SourceError) as info:
        await fetch(GITHUB, lambda req: respond(body, 403, **headers), rec, retries=2)
    text = str(info.value)
    assert "still limited after 2 wait(s) of 60 s (relplan's default wait" in text
    assert "access denied" not in text and "asks to wait" not in text


async def test_a_plain_403_is_still_access_denied() -> None:
    handler = github([])
    with pytest.raises(SourceError, match="access denied"):
        await fetch(
            GITHUB,
            lambda req: (
                respond({"message": "Must have admin rights"}, 403)
                if "issues" in req.url.path
                else handler(req)
            ),
        )


def moved(to: str) -> Any:
    """PyGithub's Repository.testGetRepositoryWith301Redirect: a renamed repository answers
    301 with Location https://api.github.com/repositories/<id> and a JSON body."""
    issues = payload("github", "real_issues_2012")

    def handler(req: httpx.Request) -> httpx.Response:
        if req.url.path.startswith("/repos/acme/widget"):
            rest = req.url.path.removeprefix("/repos/acme/widget")
            return respond(
                {
                    "message": "Moved Permanently",
                    "url": to + rest,
                    "documentation_url": "https://developer.github.com/v3/#http-redirects",
                },
                301,
                location=to + rest + "?" + req.url.query.decode(),
            )
        return respond(issues if req.url.path.endswith("/issues") else [])

    return handler


async def test_a_renamed_repository_is_followed_with_a_note_naming_the_new_place(
    tmp_path: Path,
) -> None:
    rec = Recorder()
    new = "https://api.github.com/repositories/112116543"
    with Cache.open(tmp_path) as cache:
        [got] = await fetch_sources(
            [SourceConfig.from_table(GITHUB)],
            cache,
            transport=httpx.MockTransport(moved(new)),
            reporter=rec.reporter,
        )
    assert len(got.result.items) == 2
    [note] = got.result.warnings
    assert note.field == "sources.widget.project"
    assert note.message == (
        "https://api.github.com/repos/acme/widget/issues moved to "
        f"{new}/issues (HTTP 301); relplan followed it"
    )
    assert "update project = 'acme/widget'" in (note.hint or "")
    assert any("moved to" in s and "following" in s for s in rec.status)


async def test_a_redirect_to_another_host_is_refused_naming_it() -> None:
    with pytest.raises(SourceError) as info:
        await fetch(GITHUB, moved("https://elsewhere.example/repos/acme/widget"))
    text = str(info.value)
    assert "moved to https://elsewhere.example/repos/acme/widget/issues (HTTP 301)" in text
    assert "not followed" in text and "try again later" not in text


async def test_identical_warnings_are_counted_not_repeated() -> None:
    template = payload("github", "real_issues_2012")[0]
    broken = [{**template, "number": n, "title": None} for n in range(1, 201)]
    result = await fetch(GITHUB, github(broken + payload("github", "real_issues_2012")))
    [warning] = result.warnings
    assert str(warning) == (
        "sources.widget: skipped: field 'title' is missing or not a string (200 items: "
        "issue 1, issue 2, issue 3 and 197 more) (the rest of the source was synced)"
    )
    assert len(result.items) == 2


# -- GitLab, Jira ----------------------------------------------------------------------------


async def test_gitlab_milestones_without_dates_are_read_as_such() -> None:
    """GitLab's v4 milestone entity (lib/api/entities/milestone.rb) as gitlab.com answers a
    milestone made with a title only: due_date and start_date null, expired false."""
    table = {
        "name": "widget",
        "kind": "gitlab",
        "url": "https://gitlab.com",
        "project": "acme/widget",
    }

    def handler(req: httpx.Request) -> httpx.Response:
        return respond(payload("gitlab", "real_milestones") if "milestones" in req.url.path else [])

    releases = {r.name: r for r in (await fetch(table, handler)).releases}
    assert (releases["1.0.0"].due, releases["1.0.0"].start, releases["1.0.0"].closed) == (
        None,
        None,
        False,
    )
    assert releases["0.9.0"].closed and releases["Backlog"].version is None
    assert releases["2.0.0"].due == dt.date(2026, 6, 30)


async def test_jira_versions_of_a_real_project_list() -> None:
    """go-jira's testing/mock-data/project.json (issues.apache.org, project ABDERA)."""
    table = {
        "name": "abdera",
        "kind": "jira",
        "url": "https://issues.example.org",
        "project": "ABDERA",
    }

    def handler(req: httpx.Request) -> httpx.Response:
        if req.url.path.endswith("/versions"):
            return respond(payload("jira", "real_versions_abdera"))
        return respond({"issues": [], "isLast": True})

    releases = {r.name: r for r in (await fetch(table, handler)).releases}
    assert list(releases)[0] == "0.2.2" and releases["0.2.2"].closed
    assert releases["0.2.2"].due == dt.date(2007, 2, 19)
    assert not releases["1.1.3"].closed and releases["1.1.3"].due is None


# -- Bugzilla --------------------------------------------------------------------------------

BMO = {
    "name": "fx",
    "kind": "bugzilla",
    "url": "https://bugzilla.mozilla.org",
    "project": "Firefox",
    "release_pattern": r"^Firefox (\d+)$",
    "status_flags": [
        "cf_status_firefox{series}",
        "cf_status_firefox_esr{series}",
        "cf_tracking_firefox_esr{series}",
    ],
}


def bmo(req: httpx.Request) -> httpx.Response:
    if req.url.path == "/rest/product":
        return respond(payload("bugzilla", "real_bmo_product"))
    return respond(payload("bugzilla", "real_bmo_bugs"))


async def test_bmo_bug_type_is_the_kind_and_status_flags_are_backports() -> None:
    """mozilla/bugbug's tests/fixtures/bugs.json (bugs as bugzilla.mozilla.org's REST API
    answers them): "type" defect/enhancement/task, severity S3/N/A, priority "--",
    resolution "" on open bugs, cf_status_firefoxNN / cf_status_firefox_esrNN /
    cf_tracking_firefox_esrNN flags."""
    items = {it.key: it for it in (await fetch(BMO, bmo)).items}
    lazy, ask, crash, old = (items[k] for k in ("1457001", "1457002", "1457003", "1457004"))
    assert (lazy.kind, lazy.state, lazy.target) == (Kind.FEATURE, State.DONE, "62")
    assert lazy.backports == {"61": B.WONTFIX, "62": B.DONE, "60": B.DONTNEED}
    assert (ask.kind, ask.priority, ask.state, ask.owner) == (
        Kind.FEATURE,
        Priority.MEDIUM,
        State.PROPOSED,
        None,
    )  # type enhancement, severity S3
    assert crash.kind is Kind.BUG
    # affected on 62; ESR 60 says nothing in its status flag but is tracked (+)
    assert crash.backports == {"62": B.REQUIRED, "60": B.REQUIRED, "52": B.DONTNEED}
    assert (old.kind, old.state) == (Kind.TASK, State.REJECTED)


async def test_bugzilla_asks_for_the_type_field() -> None:
    seen: list[httpx.Request] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        return bmo(req)

    await fetch(BMO, handler)
    fields = seen[-1].url.params["include_fields"].split(",")
    assert "type" in fields and "_custom" in fields


def test_a_status_flag_pattern_needs_series_and_a_custom_field() -> None:
    from relplan.planner.domain.errors import PlanError

    with pytest.raises(PlanError, match="lacks {series}"):
        SourceConfig.from_table({**BMO, "status_flags": ["cf_status_firefox"]})
    with pytest.raises(PlanError, match="not a Bugzilla custom field"):
        adapter_for(SourceConfig.from_table({**BMO, "status_flags": ["status_{series}"]}))


# -- the cache keeps the versions a plan may still hold ----------------------------------------


def test_the_cache_keeps_superseded_versions_for_older_plans(tmp_path: Path) -> None:
    def version(n: int) -> Item:
        return Item("x#1", f"title {n}", updated=dt.datetime(2026, 1, n + 1, tzinfo=dt.UTC))

    with Cache.open(tmp_path) as cache:
        for n in range(KEEP_VERSIONS + 3):
            with cache.stage() as staged:
                staged.put_items("x", [version(n)], replace_all=False)
                staged.commit()
        latest = KEEP_VERSIONS + 2
        assert cache.item_map("x")["x#1"] == version(latest)
        wanted = [("x#1", version(n).updated) for n in (1, 2, latest - 1)]
        assert cache.versions("x", wanted[2:]) == {"x#1": version(latest - 1)}
        assert cache.versions("x", wanted[1:2]) == {"x#1": version(2)}
        assert cache.versions("x", wanted[:1]) == {}  # older than the last KEEP_VERSIONS


def test_a_cache_from_before_history_still_reads_and_writes(tmp_path: Path) -> None:
    import sqlite3

    with Cache.open(tmp_path) as cache:
        cache.writable()  # opening alone creates no file
    db = sqlite3.connect(tmp_path / "cache.sqlite3")
    db.execute("DROP TABLE history")
    db.close()
    with Cache.open(tmp_path) as cache:
        assert cache.versions("x", [("x#1", None)]) == {}
        with cache.stage() as staged:
            staged.put_items("x", [Item("x#1", "a")], replace_all=True)
            staged.commit()
        assert list(cache.item_map("x")) == ["x#1"]
