"""Hostile values from every tracker kind: one warning naming the record and field, the rest syncs.

Each case is served by a fake tracker (httpx.MockTransport) through the real sync path:
adapter, HTTP layer, merge, cache, and the plan's calendar and TOML (what `relplan sync`
writes). Before the adapters checked what they read, each of these ended in a traceback
(OverflowError in the calendar, UnicodeEncodeError writing the plan, httpx.DecodingError,
RecursionError) or, for update times, in a cursor that broke every later sync.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest
from hostile import (
    DATED,
    DUE,
    KINDS,
    TITLE,
    UPDATED,
    Fake,
    User,
    body,
    issue,
    named,
    release,
    stamp,
)

from relplan.planner.domain.errors import SourceError
from relplan.planner.store.cache import Cache
from relplan.planner.trackers.itemmap import parse_timestamp

WORD = {"github": "milestone", "gitlab": "milestone", "jira": "version", "redmine": "version"}


def _due(kind: str, day: str) -> str:
    return f"{day}T07:00:00Z" if kind == "github" else day  # GitHub sends a time stamp


@pytest.mark.parametrize("kind", DATED)
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31"])
def test_a_release_due_on_a_day_no_calendar_can_place_is_a_warning(
    kind: str, day: str, tmp_path: Path
) -> None:
    fake = Fake(
        kind,
        issues=[issue(kind, 1), issue(kind, 2)],
        releases=[
            release(kind, "Someday", _due(kind, day)),
            release(kind, "4.2", _due(kind, day)),
            release(kind, "4.1", _due(kind, "2026-03-02")),
        ],
    )
    synced = User(fake, tmp_path).sync()
    assert synced.saved is not None and len(synced.plan.items) == 2  # the rest synced
    bad = [w for w in synced.warnings if DUE[kind] in w]
    assert len(bad) == 1, synced.warnings  # one warning for both, naming both
    assert f"{WORD[kind]} 'Someday'" in bad[0] and f"{WORD[kind]} '4.2'" in bad[0]
    assert day in bad[0]
    specs = {s.version: s for s in synced.plan.releases}
    assert specs["4.1"].pins == {"release": dt.date(2026, 3, 2)}
    assert specs["4.2"].pins == {} and specs["4.2"].actual is None  # a release without a day


@pytest.mark.parametrize("kind", ("gitlab", "jira"))
def test_a_start_day_out_of_range_is_a_warning_too(kind: str, tmp_path: Path) -> None:
    start = {"gitlab": "start_date", "jira": "startDate"}[kind]
    fake = Fake(
        kind,
        issues=[issue(kind, 1)],
        releases=[release(kind, "4.1", "2026-03-02", **{start: "0001-01-01"})],
    )
    synced = User(fake, tmp_path).sync()
    assert synced.saved is not None
    assert [w for w in synced.warnings if start in w and "'4.1'" in w]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "bad",
    [
        "yesterday",
        "9999-12-31T00:00:00Z",
        "9999-12-31T23:59:59-05:00",
        "0001-01-01T00:00:00Z",
    ],
)
def test_an_unreadable_update_time_is_a_warning_and_never_the_cursor(
    kind: str, bad: str, tmp_path: Path
) -> None:
    fake = Fake(kind, issues=[issue(kind, 1, **{UPDATED[kind]: bad}), issue(kind, 2)])
    user = User(fake, tmp_path)
    synced = user.sync()
    assert synced.saved is not None and len(synced.plan.items) == 2
    assert synced.item(1, kind).updated is None
    said = [w for w in synced.warnings if UPDATED[kind].split(".")[-1] in w]
    assert len(said) == 1 and f"{named(kind, 1)}:" in said[0] and bad in said[0], synced.warnings
    assert parse_timestamp(user.cursor().since) == parse_timestamp(stamp(2))
    user.sync()  # the next sync asks from that valid time (a bad one answered 422 here)
    assert len(fake.list_requests()) >= 2


@pytest.mark.parametrize("kind", KINDS)
def test_a_lone_surrogate_in_a_title_is_replaced_with_a_warning(kind: str, tmp_path: Path) -> None:
    fake = Fake(kind, issues=[issue(kind, 1, **{TITLE[kind]: "Fix \ud800 crash"}), issue(kind, 2)])
    user = User(fake, tmp_path)
    synced = user.sync()
    assert synced.saved is not None and "Fix \ufffd crash" in synced.saved
    assert synced.item(1, kind).title == "Fix \ufffd crash"
    said = [w for w in synced.warnings if "surrogate" in w]
    assert len(said) == 1 and f"{named(kind, 1)}: field '{TITLE[kind]}'" in said[0]
    with Cache.open(tmp_path / "cache") as cache:  # the cache took it too
        assert {i.title for i in cache.items("xen")} == {"Fix \ufffd crash", "Issue 2"}


@pytest.mark.parametrize("kind", KINDS)
def test_a_lone_surrogate_in_a_release_name_is_replaced_with_a_warning(
    kind: str, tmp_path: Path
) -> None:
    fake = Fake(kind, issues=[issue(kind, 1)], releases=[release(kind, "4.2 \udc00 beta")])
    synced = User(fake, tmp_path).sync()
    assert synced.saved is not None
    assert [w for w in synced.warnings if "surrogate" in w and "4.2" in w]


@pytest.mark.parametrize("hours", [float("inf"), float("-inf"), float("nan"), 1e300, "HUGE"])
def test_redmine_estimated_hours_that_are_no_number_of_hours_are_a_warning(
    hours: object, tmp_path: Path
) -> None:
    fake = Fake(
        "redmine",
        issues=[
            issue("redmine", 1, estimated_hours=hours),
            issue("redmine", 2, estimated_hours=20),
        ],
    )
    if hours == "HUGE":  # a 5000-digit number, as a tracker may send it
        text = body({"issues": fake.issues, "total_count": 2, "offset": 0, "limit": 100})
        text = text.replace(b'"HUGE"', b"9" * 5000)
        fake.override = lambda r: (
            httpx.Response(200, content=text) if r.url.path.endswith("/issues.json") else None
        )
    synced = User(fake, tmp_path).sync()
    assert synced.saved is not None
    assert synced.item(1, "redmine").estimate_days is None
    assert synced.item(2, "redmine").estimate_days == 3
    said = [w for w in synced.warnings if "estimated_hours" in w]
    assert len(said) == 1 and "issue 1: field 'estimated_hours'" in said[0], synced.warnings


@pytest.mark.parametrize("kind", KINDS)
def test_a_5000_digit_record_key_skips_that_record_only(kind: str, tmp_path: Path) -> None:
    key = {"github": "number", "gitlab": "iid", "jira": "key", "redmine": "id", "bugzilla": "id"}[
        kind
    ]
    fake = Fake(kind, issues=[issue(kind, 1, **{key: "HUGE"}), issue(kind, 2)])
    original = fake.answer

    def answer(request: httpx.Request) -> httpx.Response | None:
        if not fake.is_list(request):
            return None
        return httpx.Response(200, content=body(original(request)).replace(b'"HUGE"', b"9" * 5000))

    fake.override = answer
    synced = User(fake, tmp_path).sync()
    assert synced.saved is not None and len(synced.plan.items) == 1
    assert len(synced.warnings) == 1 and (
        "skipped" in synced.warnings[0] or "malformed" in synced.warnings[0]
    )


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("what", ["bogus gzip", "deep nesting"])
def test_an_undecodable_body_is_a_clear_error_and_nothing_is_written(
    kind: str, what: str, tmp_path: Path
) -> None:
    def answer(request: httpx.Request) -> httpx.Response | None:
        if not fake.is_list(request):
            return None
        if what == "bogus gzip":
            return httpx.Response(
                200, content=b"this is not gzip", headers={"content-encoding": "gzip"}
            )
        return httpx.Response(200, content=b"[" * 100_000 + b"]" * 100_000)

    fake = Fake(kind, issues=[issue(kind, 1)], override=answer)
    user = User(fake, tmp_path)
    with pytest.raises(SourceError) as caught:
        user.sync()
    message = str(caught.value)
    assert "sources.xen" in message and "nothing was changed" in message
    assert ("decoded" if what == "bogus gzip" else "nested") in message
    assert user.saved is None and not (tmp_path / "plan.toml").exists()
    with Cache.open(tmp_path / "cache") as cache:
        assert cache.statuses() == []
