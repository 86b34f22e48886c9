"""The Bugzilla adapter against payloads in Bugzilla 5's documented shape (MockTransport)."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from trackerfakes import TOKEN, Recorder, http_for, payload, respond

from relplan.planner.domain.errors import PlanError, SourceError
from relplan.planner.domain.model import BackportState, Kind, Priority, State
from relplan.planner.trackers.base import Cursor, FetchResult, SourceConfig
from relplan.planner.trackers.bugzilla import BugzillaAdapter
from relplan.planner.trackers.registry import adapter_for

TABLE = {
    "name": "gecko",
    "kind": "bugzilla",
    "url": "https://bugzilla.mozilla.org",
    "project": "Core",
    "token_env": "BMO_API_KEY",
    "page_size": 2,
    "release_pattern": r"^(\d+) Branch$",
    "kinds": {"sec-high": "security"},
    "blocker": ["regression"],
    "backport_field": "cf_backport",
}
B = BackportState


def adapter(**change: object) -> BugzillaAdapter:
    table = {k: v for k, v in {**TABLE, **change}.items() if v is not None}
    found = adapter_for(SourceConfig.from_table(table))
    assert isinstance(found, BugzillaAdapter)
    return found


class Bugzilla:
    """A fake bugzilla.mozilla.org: the product, and offset-paged bug searches."""

    def __init__(self) -> None:
        self.seen: list[httpx.Request] = []
        self.answered: list[int] = []

    def __call__(self, req: httpx.Request) -> httpx.Response:
        self.seen.append(req)
        answer = self.answer(req)
        self.answered.append(answer.status_code)
        return answer

    def answer(self, req: httpx.Request) -> httpx.Response:
        params = req.url.params
        if req.url.path == "/rest/product":
            if params["names"] != "Core":
                return respond({"products": []})
            if req.headers.get("if-none-match") == '"p1"':
                return httpx.Response(304)
            return respond(payload("bugzilla", "product"), etag='"p1"')
        assert req.url.path == "/rest/bug" and params["product"] == "Core"
        if params.get("last_change_time"):
            return respond(payload("bugzilla", "bugs_changed"))
        page = int(params["offset"]) // int(params["limit"]) + 1
        return respond(payload("bugzilla", f"bugs_page{page}"))


async def fetch(
    handler: object,
    rec: Recorder,
    cursor: Cursor | None = None,
    full: bool = False,
    ad: BugzillaAdapter | None = None,
) -> FetchResult:
    ad = ad or adapter()
    async with http_for(ad, handler, rec) as http:  # type: ignore[arg-type]
        return await ad.fetch(http, cursor or Cursor(), full=full, reporter=rec.reporter)


async def test_offset_pages_are_read_until_a_short_page() -> None:
    bz, rec = Bugzilla(), Recorder()
    result = await fetch(bz, rec)
    searches = [r.url.params for r in bz.seen if r.url.path == "/rest/bug"]
    assert [p["offset"] for p in searches] == ["0", "2", "4"]
    assert searches[0]["order"] == "bug_id" and searches[0]["limit"] == "2"
    assert {"summary", "target_milestone", "cf_backport"} <= set(
        searches[0]["include_fields"].split(",")
    )
    assert bz.seen[0].headers["x-bugzilla-api-key"] == TOKEN
    assert result.complete and result.requests == 4
    assert sorted(it.key for it in result.items) == ["1880001", "1880002", "1880003", "1880005"]
    assert result.cursor.since == "2024-03-05T17:20:00Z"


async def test_bugs_map_severity_milestone_state_and_the_backport_field() -> None:
    items = {it.key: it for it in (await fetch(Bugzilla(), Recorder())).items}
    crash = items["1880001"]
    assert (crash.id, crash.kind, crash.priority, crash.state, crash.target) == (
        "gecko#1880001",
        Kind.BUG,
        Priority.HIGH,
        State.IN_PROGRESS,
        "125",
    )
    assert crash.blocker and crash.owner == "dev@mozilla.com"
    assert crash.url == "https://bugzilla.mozilla.org/show_bug.cgi?id=1880001"
    assert crash.backports == {"124": B.REQUIRED, "115": B.DONE}
    avif = items["1880002"]
    assert (avif.kind, avif.state, avif.owner, avif.target) == (
        Kind.FEATURE,
        State.PROPOSED,
        None,
        None,
    )
    uaf = items["1880003"]
    assert (uaf.kind, uaf.state, uaf.priority) == (Kind.SECURITY, State.DONE, Priority.CRITICAL)
    assert uaf.updated == dt.datetime(2024, 3, 5, 17, 20, tzinfo=dt.UTC)
    assert (items["1880005"].state, items["1880005"].priority) == (State.REJECTED, Priority.LOW)


async def test_mozilla_status_flags_are_a_backport_matrix() -> None:
    bz = Bugzilla()
    ad = adapter(backport_field=None, status_flag_prefix="firefox")
    items = {it.key: it for it in (await fetch(bz, Recorder(), ad=ad)).items}
    fields = bz.seen[1].url.params["include_fields"].split(",")
    assert "_custom" in fields and "cf_backport" not in fields
    # cf_status_firefox_esr115 belongs to another prefix ("firefox_esr"): not read here
    assert items["1880001"].backports == {"124": B.REQUIRED, "123": B.WONTFIX}
    assert items["1880003"].backports == {"124": B.DONE, "123": B.DONTNEED}
    esr = adapter(backport_field=None, status_flag_prefix="firefox_esr")
    items = {it.key: it for it in (await fetch(Bugzilla(), Recorder(), ad=esr)).items}
    assert items["1880001"].backports == {"115": B.DONE}


async def test_milestones_become_releases_by_name() -> None:
    releases = {r.name: r for r in (await fetch(Bugzilla(), Recorder())).releases}
    assert "---" not in releases
    assert releases["125 Branch"].version == "125" and not releases["125 Branch"].closed
    assert releases["124 Branch"].closed and releases["Future"].version is None


async def test_a_malformed_bug_is_skipped_with_a_warning_naming_it() -> None:
    result = await fetch(Bugzilla(), Recorder())
    assert len(result.warnings) == 1
    assert "sources.gecko: bug 1880004: skipped: field 'status'" in str(result.warnings[0])


async def test_incremental_sync_asks_last_change_time() -> None:
    bz, rec = Bugzilla(), Recorder()
    first = await fetch(bz, rec)
    second = await fetch(bz, rec, first.cursor)
    assert bz.seen[-1].url.params["last_change_time"] == "2024-03-05T17:20:00Z"
    assert bz.answered[-2:] == [304, 200]  # product unchanged; one short page
    assert not second.complete and second.requests == 2
    (crash,) = second.items
    assert crash.state is State.DONE and crash.backports == {"124": B.DONE, "115": B.DONE}
    assert len(second.releases) == 3  # from the 304's cached body


async def test_an_unknown_product_is_an_error_naming_it() -> None:
    with pytest.raises(SourceError) as info:
        await fetch(Bugzilla(), Recorder(), ad=adapter(project="Croe"))
    problem = info.value.problems[0]
    assert problem.field == "sources.gecko.project" and "'Croe'" in problem.message
    assert "$BMO_API_KEY" in (problem.hint or "")


async def test_429_retry_after_is_honoured() -> None:
    bz, answers = (
        Bugzilla(),
        [respond({"error": True, "message": "slow down"}, 429, retry_after="2")],
    )

    def handler(req: httpx.Request) -> httpx.Response:
        return answers.pop(0) if answers and req.url.path == "/rest/bug" else bz(req)

    rec = Recorder()
    result = await fetch(handler, rec)
    assert rec.sleeps == [2.0] and len(result.items) == 4


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (401, "check the token in $BMO_API_KEY"),
        (403, "may read project 'Core'"),
        (404, "check project = 'Core' and url = 'https://bugzilla.mozilla.org'"),
    ],
)
async def test_refusals_name_the_source_and_what_to_check(status: int, words: str) -> None:
    body = {"error": True, "code": 410, "message": "You must log in before using this part"}
    with pytest.raises(SourceError) as info:
        await fetch(lambda req: respond(body, status), Recorder())
    text = str(info.value)
    assert "sources.gecko" in text and words in text and TOKEN not in text


def test_backport_field_must_be_a_custom_field() -> None:
    with pytest.raises(PlanError, match="cf_"):
        adapter(backport_field="Backport")


async def test_an_invalid_api_key_answered_400_says_to_check_the_key() -> None:
    body = {
        "error": True,
        "code": 306,
        "message": "The API key you specified is invalid.",
        "documentation": "https://bmo.readthedocs.io/en/latest/api/",
    }
    with pytest.raises(SourceError) as info:
        await fetch(lambda req: respond(body, 400), Recorder())
    problem = info.value.problems[0]
    assert problem.field == "sources.gecko.token_env" and "HTTP 400" in problem.message
    assert "check $BMO_API_KEY" in (problem.hint or "") and TOKEN not in str(info.value)
