"""Bounds on what a tracker can make a sync do: pages, loops, cursors, and ctrl+c.

A tracker claiming ``total_count: 100000000`` made the Redmine adapter create a task per
claimed page before asking the second one (2.4 GB in 40 s, ctrl+c ignored for minutes);
GitHub's ``Link: rel="last"`` and GitLab's ``x-total-pages`` were trusted the same way.
Page links that loop were followed forever. Work is counted here, not timed, except
for ctrl+c, whose promise is a time (a second).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from hostile import NOW, Fake, User, issue, stamp

from relplan.planner.domain.model import Plan
from relplan.planner.domain.policy import Policy
from relplan.planner.store.cache import Cache
from relplan.planner.store.configfile import loads_config
from relplan.planner.trackers.base import Cursor
from relplan.planner.trackers.itemmap import parse_timestamp
from relplan.planner.trackers.sync import identity, sync_config_async

ROOT = Path(__file__).resolve().parents[2]
CLAIMED = 10_000_000  # pages: 100,000 at 100 a page (enough to see; 10^8 would eat the machine)
ENOUGH = 40  # requests after which a fake tracker says the sync is not bounded


class Unbounded(AssertionError):
    """A fake tracker was asked far more than it ever answered."""


def counting(fake: Fake) -> Fake:
    """``fake`` refusing to answer more than ENOUGH requests (the test fails, never hangs)."""
    inner = fake.override

    def guard(request: httpx.Request) -> httpx.Response | None:
        if len(fake.seen) > ENOUGH:
            raise Unbounded(f"{len(fake.seen)} requests: {request.url}")
        return inner(request) if inner else None

    fake.override = guard
    return fake


def claims_many(kind: str) -> Fake:
    """A tracker of ``kind`` with one page of 100 issues that claims CLAIMED issues."""
    fake = Fake(kind, issues=[issue(kind, n) for n in range(1, 101)])
    original = fake.answer

    def answer(request: httpx.Request) -> httpx.Response | None:
        if not fake.is_list(request):
            return None
        page = int(request.url.params.get("page", "1"))
        offset = int(request.url.params.get("offset", "0"))
        data = original(request) if page == 1 else []
        headers = {}
        if kind == "redmine":
            data = {**data, "total_count": CLAIMED}
        elif kind == "github":
            last = f"{request.url.copy_with(params={'page': CLAIMED // 100})}"
            headers["link"] = f'<{last}>; rel="last"'
        else:
            headers["x-total-pages"] = str(CLAIMED // 100)
            headers["x-total"] = str(CLAIMED)
        del offset
        return httpx.Response(200, content=json.dumps(data).encode(), headers=headers)

    fake.override = answer
    return counting(fake)


@pytest.mark.parametrize("kind", ["redmine", "github", "gitlab"])
def test_a_claimed_total_never_sizes_the_work(kind: str, tmp_path: Path) -> None:
    fake = claims_many(kind)
    synced = User(fake, tmp_path).sync()
    assert len(synced.plan.items) == 100
    asked = len(fake.list_requests())
    assert asked <= 1 + 4, asked  # the first page, then at most one window of empty pages


@pytest.mark.parametrize("kind", ["github", "gitlab", "jira"])
def test_page_links_that_loop_are_followed_once(kind: str, tmp_path: Path) -> None:
    fake = Fake(kind, issues=[issue(kind, 1), issue(kind, 2)])
    original = fake.answer

    def answer(request: httpx.Request) -> httpx.Response | None:
        if not fake.is_list(request):
            return None
        data = original(request)
        headers = {}
        if kind == "github":  # rel="next" names the page itself
            headers["link"] = f'<{request.url}>; rel="next"'
        elif kind == "gitlab":
            headers["x-next-page"] = "2"  # page 2 says page 2 again
        else:
            data = {**data, "isLast": False, "nextPageToken": "again"}
        return httpx.Response(200, content=json.dumps(data).encode(), headers=headers)

    fake.override = answer
    synced = User(counting(fake), tmp_path).sync()
    assert len(synced.plan.items) == 2
    assert len(fake.list_requests()) <= 3


@pytest.mark.parametrize("kind", ["redmine", "github", "jira"])
def test_an_update_time_in_the_future_never_becomes_the_cursor(kind: str, tmp_path: Path) -> None:
    field = {"redmine": "updated_on", "github": "updated_at", "jira": "fields.updated"}[kind]
    fake = Fake(kind, issues=[issue(kind, 1, **{field: "2999-01-01T00:00:00Z"}), issue(kind, 2)])
    user = User(fake, tmp_path)
    synced = user.sync()
    assert len(synced.plan.items) == 2
    said = [w for w in synced.warnings if "future" in w]
    assert len(said) == 1 and "2999-01-01" in said[0] and "xen#" in said[0]
    assert parse_timestamp(user.cursor().since) == parse_timestamp(stamp(2))


def test_a_cursor_a_tracker_refuses_is_repaired_by_a_full_fetch(tmp_path: Path) -> None:
    """A cache written before this fix may hold ``since = "yesterday"``; Redmine answers 422
    to that on every sync. The next sync fetches everything instead, and says so."""

    def strict(request: httpx.Request) -> httpx.Response | None:
        window = request.url.params.get("updated_on")
        if window and parse_timestamp(window.removeprefix(">=")) is None:
            return httpx.Response(422, json={"errors": ["Updated is not a valid date"]})
        return None

    fake = Fake("redmine", issues=[issue("redmine", 1)], override=strict)
    user = User(fake, tmp_path)
    user.sync()
    with Cache.open(tmp_path / "cache") as cache, cache.stage() as staged:
        staged.put_source(
            "xen",
            identity(user.config),
            Cursor(since="yesterday"),
            synced_at=NOW,
            changed=0,
            requests=0,
            warnings=0,
        )
        staged.commit()
    synced = user.sync()
    assert [w for w in synced.warnings if "'yesterday'" in w and "fetched everything" in w]
    assert "updated_on" not in fake.list_requests()[-1].url.params
    assert parse_timestamp(user.cursor().since) == parse_timestamp(stamp(1))


# ctrl+c: asyncio cancels the sync's task; it must end within a second in every phase.


class Hanging:
    """A Redmine whose issue pages (after the first) never answer until released."""

    def __init__(self, total: int = 300) -> None:
        self.total = total
        self.asked = asyncio.Event()

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        path, offset = request.url.path, int(request.url.params.get("offset", "0"))
        if path.endswith("/versions.json"):
            return httpx.Response(200, json={"versions": []})
        if path.endswith("/users/current.json"):
            return httpx.Response(200, json={"user": {"id": 1}})
        if offset:
            self.asked.set()
            await asyncio.sleep(3600)
        issues = [issue("redmine", n) for n in range(1, 101)]
        return httpx.Response(
            200, json={"issues": issues, "total_count": self.total, "offset": 0, "limit": 100}
        )


def _config_text() -> str:
    return (
        '[[sources]]\nname = "xen"\nkind = "redmine"\nurl = "https://redmine.example.org"\n'
        'project = "xen"\n'
    )


async def _cancel_when(
    ready: asyncio.Event,
    tmp_path: Path,
    transport: Any,
    saves: list[Plan],
    monkeypatch: pytest.MonkeyPatch,
) -> float:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    config = loads_config(_config_text(), str(tmp_path / "c.toml"), tmp_path)
    task = asyncio.ensure_future(
        sync_config_async(
            Plan("xen", Policy()), config, saves.append, transport=transport, create=True
        )
    )
    await asyncio.wait_for(ready.wait(), 10)
    start = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 5)
    return time.monotonic() - start


async def test_ctrl_c_while_a_page_hangs_ends_the_sync_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tracker, saves = Hanging(), []
    took = await _cancel_when(
        tracker.asked, tmp_path, httpx.MockTransport(tracker), saves, monkeypatch
    )
    assert took < 1.0 and saves == []


async def test_ctrl_c_during_a_rate_limit_wait_ends_the_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    waiting, saves = asyncio.Event(), []

    def limited(request: httpx.Request) -> httpx.Response:
        waiting.set()
        return httpx.Response(429, headers={"retry-after": "600"})

    took = await _cancel_when(waiting, tmp_path, httpx.MockTransport(limited), saves, monkeypatch)
    assert took < 1.0 and saves == []


async def test_ctrl_c_during_the_merge_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The merge runs without an await: a cancellation arriving there (as asyncio delivers
    ctrl+c) used to be raised only after the plan and the cache were written."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    config = loads_config(_config_text(), str(tmp_path / "c.toml"), tmp_path)
    fake, saves = Fake("redmine", issues=[issue("redmine", 1)]), []

    def interrupted(plan: Plan, description: str) -> None:
        task = asyncio.current_task()
        assert task is not None
        task.cancel()  # what asyncio.run does on SIGINT, while the merge runs

    with pytest.raises(asyncio.CancelledError):
        await sync_config_async(
            Plan("xen", Policy()),
            config,
            saves.append,
            transport=fake.transport(),
            adopt=interrupted,
            create=True,
        )
    assert saves == []
    with Cache.open(tmp_path / "cache" / "relplan") as cache:
        assert cache.statuses() == []


@contextmanager
def claiming_redmine(total: int) -> Iterator[tuple[str, threading.Event]]:
    """A Redmine on 127.0.0.1 with one page of issues claiming ``total``; later pages hang."""
    asked, done = threading.Event(), threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            offset = int(self.path.partition("offset=")[2].partition("&")[0] or 0)
            if "/versions.json" in self.path:
                data: Any = {"versions": []}
            else:
                if offset:
                    asked.set()
                    done.wait(30)
                    return
                data = {
                    "issues": [issue("redmine", n) for n in range(1, 101)],
                    "total_count": total,
                    "offset": offset,
                    "limit": 100,
                }
            body = json.dumps(data).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        done.set()
        server.shutdown()
        server.server_close()


def test_ctrl_c_on_relplan_sync_against_a_tracker_claiming_10_to_the_8_issues(
    tmp_path: Path,
) -> None:
    """The user's path: `relplan sync` in a terminal, ctrl+c once the second page is asked."""
    with claiming_redmine(100_000_000) as (url, asked):
        cfg = tmp_path / "c.toml"
        cfg.write_text(
            f'[[sources]]\nname = "xen"\nkind = "redmine"\nurl = "{url}"\nproject = "xen"\n'
        )
        plan = tmp_path / "p.toml"
        env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "relplan.tui.cli",
                "--config",
                str(cfg),
                "--plan",
                str(plan),
                "sync",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            asked.wait(20)  # before the fix the second page was never asked
            proc.send_signal(signal.SIGINT)
            start = time.monotonic()
            try:
                out, err = proc.communicate(timeout=5)
            except subprocess.TimeoutExpired:
                pytest.fail("relplan sync still runs 5 s after ctrl+c")
            took = time.monotonic() - start
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert asked.is_set()
    assert proc.returncode == 130 and "nothing was written" in err, err
    assert "Traceback" not in err and not plan.exists()
    assert took < 1.0, took
