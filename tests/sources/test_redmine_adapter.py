"""The Redmine adapter on payloads in Redmine's documented shape (real server: tests/redmine)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from relplan.planner.domain.model import BackportState, Kind, Priority, State
from relplan.planner.trackers.base import Cursor, Reporter, SourceConfig
from relplan.planner.trackers.http import HostLimiter, HttpClient
from relplan.planner.trackers.redmine import make_adapter

CFG = SourceConfig.from_table(
    {
        "name": "ruby",
        "kind": "redmine",
        "url": "https://bugs.example.org",
        "project": "ruby",
        "backport_field": "Backport",
        "states": {"Assigned": "in-progress"},
        "blocker": ["Urgent"],
    }
)


def issue(n: int, **kw: Any) -> dict[str, Any]:
    return {
        "id": n,
        "subject": f"Issue {n}",
        "tracker": {"id": 1, "name": "Bug"},
        "status": {"id": 1, "name": "New", "is_closed": False},
        "priority": {"id": 2, "name": "Normal"},
        "updated_on": f"2026-01-01T00:{n % 60:02d}:00Z",
        "custom_fields": [{"id": 1, "name": "Backport", "value": ""}],
        **kw,
    }


class Server:
    """Serves N issues in pages of `limit`, like /issues.json does."""

    def __init__(self, issues: list[dict[str, Any]]) -> None:
        self.issues, self.seen = issues, []
        self.limiter = HostLimiter()
        self.gate = asyncio.Event()

    async def __call__(self, req: httpx.Request) -> httpx.Response:
        self.seen.append(req.url)
        if req.url.path.endswith("/versions.json"):
            return httpx.Response(
                200,
                json={
                    "versions": [
                        {"id": 1, "name": "3.4", "status": "closed", "due_date": "2024-12-25"},
                        {"id": 2, "name": "3.5", "status": "open", "due_date": None},
                        {"id": 3, "name": None},
                    ]
                },
            )
        offset, limit = int(req.url.params["offset"]), int(req.url.params["limit"])
        if offset and self.limiter.in_flight.get("bugs.example.org", 0) >= 2:
            self.gate.set()  # later pages are in flight together
        if offset:
            await asyncio.wait_for(self.gate.wait(), 5)
        page = self.issues[offset : offset + limit]
        return httpx.Response(
            200,
            json={
                "issues": page,
                "total_count": len(self.issues),
                "offset": offset,
                "limit": limit,
            },
        )


async def fetch(server: Server, cursor: Cursor | None = None) -> tuple[Any, list[tuple[int, Any]]]:
    cursor = cursor or Cursor()
    progress: list[tuple[int, Any]] = []
    http = HttpClient(CFG, transport=httpx.MockTransport(server), limiter=server.limiter)
    async with http:
        result = await make_adapter(CFG).fetch(
            http,
            cursor,
            full=cursor.since is None,
            reporter=Reporter(progress=lambda d, t: progress.append((d, t))),
        )
    return result, progress


async def test_pages_are_fetched_in_parallel_once_the_total_is_known() -> None:
    server = Server([issue(n) for n in range(1, 351)])
    result, progress = await fetch(server)
    assert len(result.items) == 350 and result.complete
    assert result.requests == 5  # versions + 4 pages (no token: no user check)
    assert server.limiter.peak["bugs.example.org"] >= 3
    assert progress[0] == (100, 350) and progress[-1] == (350, 350)
    pages = sorted(int(u.params["offset"]) for u in server.seen if "offset" in u.params)
    assert pages == [0, 100, 200, 300]
    assert all(u.params["status_id"] == "*" for u in server.seen if "offset" in u.params)


async def test_records_map_by_rules_and_bad_ones_are_skipped_with_a_warning() -> None:
    server = Server(
        [
            issue(
                1,
                status={"id": 2, "name": "Assigned", "is_closed": False},
                fixed_version={"id": 2, "name": "3.5"},
                priority={"id": 4, "name": "Urgent"},
                custom_fields=[{"id": 1, "name": "Backport", "value": "3.4: REQUIRED, 3.3: later"}],
            ),
            {"id": 2, "subject": None},
            "not an issue",
            issue(
                3,
                tracker={"id": 2, "name": "Feature"},
                estimated_hours=20,
                status={"id": 5, "name": "Closed"},
                assigned_to={"id": 9, "name": "matz"},
            ),
        ]
    )
    result, _ = await fetch(server)
    one, three = result.items
    assert (one.id, one.state, one.target) == ("ruby#1", State.IN_PROGRESS, "3.5")
    assert one.blocker
    assert one.priority is Priority.CRITICAL and one.url == "https://bugs.example.org/issues/1"
    assert dict(one.backports) == {"3.4": BackportState.REQUIRED}
    assert (three.kind, three.state, three.estimate_days, three.owner) == (
        Kind.FEATURE,
        State.DONE,
        3,
        "matz",
    )
    texts = [str(w) for w in result.warnings]
    assert any("issue 1" in t and "'3.3: later'" in t for t in texts)
    assert any("issue 2" in t and "malformed" in t for t in texts)
    assert any("issue ?" in t for t in texts)
    assert [r.version for r in result.releases] == ["3.4", "3.5"]
    assert result.releases[0].closed and result.releases[0].due is not None
    assert any("version" in t for t in texts)


async def test_incremental_fetch_asks_only_for_updates_since_the_cursor() -> None:
    server = Server([issue(5)])
    result, _ = await fetch(server, Cursor(since="2026-01-01T00:04:00Z"))
    [page] = [u for u in server.seen if "offset" in u.params]
    assert page.params["updated_on"] == ">=2026-01-01T00:04:00Z"
    assert not result.complete and result.cursor.since == "2026-01-01T00:05:00Z"
