"""Helpers for the payload-driven adapter tests: fixtures, a recording fake sleep, clients."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from relplan.planner.domain.model import Item, Plan
from relplan.planner.store.cache import Cache
from relplan.planner.trackers.base import Adapter, Cursor, Reporter, SourceConfig
from relplan.planner.trackers.http import HttpClient

PAYLOADS = Path(__file__).parent / "payloads"
TOKEN = "tok-9f8e7d6c5b4a-do-not-leak"
NOW = 1_714_000_000.0  # the fake clock the HTTP layer sees


def payload(*parts: str) -> Any:
    """A JSON fixture from tests/sources/payloads/<tracker>/<name>.json."""
    return json.loads(PAYLOADS.joinpath(*parts).with_suffix(".json").read_text())


def respond(data: Any, status: int = 200, **headers: str) -> httpx.Response:
    """A JSON answer with headers (underscores in names become dashes)."""
    return httpx.Response(
        status, json=data, headers={k.replace("_", "-"): v for k, v in headers.items()}
    )


class Recorder:
    """Fake sleep plus the status lines and progress the adapter reported."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []
        self.status: list[str] = []
        self.progress: list[tuple[int, int | None]] = []

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    @property
    def reporter(self) -> Reporter:
        return Reporter(
            status=self.status.append, progress=lambda d, t: self.progress.append((d, t))
        )


def http_for(
    adapter: Adapter,
    handler: Callable[[httpx.Request], httpx.Response],
    rec: Recorder,
    token: str = TOKEN,
) -> HttpClient:
    """The real HTTP layer for ``adapter`` over a MockTransport, with the fake clock."""
    return HttpClient(
        adapter.config,
        auth=adapter.auth_headers(token),
        transport=httpx.MockTransport(handler),
        reporter=rec.reporter,
        sleep=rec.sleep,
        clock=lambda: NOW,
    )


def leaks(token: str, *texts: object) -> bool:
    """True when the token shows up in any of the texts."""
    return any(token in str(t) for t in texts)


def synced_cache(folder: Path, config: SourceConfig, items: list[Item]) -> Cache:
    """A cache in ``folder`` as a sync of ``config`` that brought ``items`` leaves it."""
    import datetime as dt

    from relplan.planner.trackers.sync import identity

    cache = Cache.open(folder)
    with cache.stage() as staged:
        staged.put_items(config.name, items, replace_all=True)
        staged.put_source(
            config.name,
            identity(config),
            Cursor(),
            synced_at=dt.datetime(2024, 5, 5, tzinfo=dt.UTC),
            changed=0,
            requests=1,
            warnings=0,
        )
        staged.commit()
    return cache


class Saved:
    """A ``save`` callback that keeps what it was given."""

    def __init__(self) -> None:
        self.plans: list[Plan] = []

    def __call__(self, plan: Plan) -> None:
        self.plans.append(plan)


def sent(request: httpx.Request) -> tuple[str, str, Any]:
    """(method, path as sent (percent-encoding kept), JSON body or None) of a request."""
    return (
        request.method,
        request.url.raw_path.decode().split("?")[0],
        json.loads(request.content) if request.content else None,
    )
