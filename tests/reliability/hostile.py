"""Hostile trackers for the reliability tier: one fake per adapter kind over httpx.MockTransport.

:class:`Fake` answers each tracker's list endpoints in its documented shape from plain
Python records (``issues`` and ``releases``), so a test changes one field of one record
and watches what a whole sync makes of it. Bodies are encoded with ``json.dumps`` as a
tracker would send them: ``float("inf")`` becomes ``Infinity``, a lone surrogate the
escape ``\\ud800``. :func:`sync` runs the real sync path (adapter, HTTP layer, merge,
cache, the plan's TOML written as UTF-8 after the calendar is built from it).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.model import Plan
from relplan.planner.domain.policy import Policy
from relplan.planner.store.cache import Cache
from relplan.planner.store.planfile import dumps_toml
from relplan.planner.trackers.base import Cursor, SourceConfig
from relplan.planner.trackers.registry import ADAPTERS
from relplan.planner.trackers.sync import SyncResult, run_sync

KINDS = tuple(ADAPTERS)  # every adapter the registry knows
DATED = ("github", "gitlab", "jira", "redmine")  # Bugzilla milestones have no dates
TOKEN = "tok-hostile-5e6f7a-never-shown"
TODAY = dt.date(2026, 1, 15)
NOW = dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC)
HOSTS = {
    "github": "https://api.github.com",
    "gitlab": "https://gitlab.example.org",
    "jira": "https://xen.atlassian.net",
    "redmine": "https://redmine.example.org",
    "bugzilla": "https://bugzilla.example.org",
}
PROJECTS = {
    "github": "xen/xen",
    "gitlab": "xen/xen",
    "jira": "XEN",
    "redmine": "xen",
    "bugzilla": "Xen",
}
TITLE = {
    "github": "title",
    "gitlab": "title",
    "jira": "fields.summary",
    "redmine": "subject",
    "bugzilla": "summary",
}
UPDATED = {
    "github": "updated_at",
    "gitlab": "updated_at",
    "jira": "fields.updated",
    "redmine": "updated_on",
    "bugzilla": "last_change_time",
}
DUE = {"github": "due_on", "gitlab": "due_date", "jira": "releaseDate", "redmine": "due_date"}


def named(kind: str, n: int) -> str:
    """How a warning names record ``n``: ``issue 1``, ``issue XEN-1``, ``bug 1``."""
    if kind == "bugzilla":
        return f"bug {n}"
    return f"issue XEN-{n}" if kind == "jira" else f"issue {n}"


def config(kind: str, **extra: Any) -> SourceConfig:
    """A source of ``kind`` named ``xen`` with a token, as a user would configure it."""
    url = "https://github.com" if kind == "github" else HOSTS[kind]
    table = {
        "name": "xen",
        "kind": kind,
        "url": url,
        "project": PROJECTS[kind],
        "token_env": "XEN_TOKEN",
        **extra,
    }
    if kind == "jira":
        table["user"] = "release@example.org"
    return SourceConfig.from_table(table)


def stamp(n: int) -> str:
    return f"2026-01-{1 + n % 14:02d}T10:{n % 60:02d}:00Z"


def issue(kind: str, n: int, **fields: Any) -> dict[str, Any]:
    """Record ``n`` in the tracker's shape; ``fields`` override (dotted names for Jira's)."""
    base: dict[str, Any] = {
        "github": {
            "number": n,
            "title": f"Issue {n}",
            "state": "open",
            "labels": [],
            "updated_at": stamp(n),
            "html_url": f"https://github.com/xen/xen/issues/{n}",
        },
        "gitlab": {
            "iid": n,
            "title": f"Issue {n}",
            "state": "opened",
            "labels": [],
            "updated_at": stamp(n),
            "web_url": f"https://gitlab.example.org/xen/-/issues/{n}",
        },
        "jira": {
            "key": f"XEN-{n}",
            "fields": {"summary": f"Issue {n}", "updated": stamp(n), "status": {"name": "Open"}},
        },
        "redmine": {
            "id": n,
            "subject": f"Issue {n}",
            "updated_on": stamp(n),
            "tracker": {"id": 1, "name": "Bug"},
            "priority": {"id": 2, "name": "Normal"},
            "status": {"id": 1, "name": "New", "is_closed": False},
        },
        "bugzilla": {
            "id": n,
            "summary": f"Issue {n}",
            "status": "NEW",
            "last_change_time": stamp(n),
        },
    }[kind]
    for name, value in fields.items():
        put(base, name, value)
    return base


def put(record: dict[str, Any], dotted: str, value: Any) -> None:
    """Set a (dotted) field of a record."""
    *path, last = dotted.split(".")
    for key in path:
        record = record.setdefault(key, {})
    record[last] = value


def release(kind: str, name: str, due: Any = None, **fields: Any) -> dict[str, Any]:
    """A milestone/version named ``name`` due on ``due`` (a string as the tracker sends it)."""
    base: dict[str, Any] = {
        "github": {"title": name, "state": "open", "due_on": due},
        "gitlab": {"title": name, "state": "active", "due_date": due},
        "jira": {"name": name, "released": False, "releaseDate": due},
        "redmine": {"id": abs(hash(name)) % 1000, "name": name, "status": "open", "due_date": due},
        "bugzilla": {"name": name, "is_active": True},
    }[kind]
    base.update(fields)
    return base


def body(data: Any) -> bytes:
    """JSON as a tracker sends it (Infinity and \\ud800 escapes allowed)."""
    return json.dumps(data).encode()


@dataclass
class Fake:
    """One tracker of ``kind`` serving ``issues`` and ``releases`` on one page each.

    ``override(request)`` may answer instead (return None to fall through); every
    request is kept in ``seen``.
    """

    kind: str
    issues: list[Any] = field(default_factory=list)
    releases: list[Any] = field(default_factory=list)
    override: Callable[[httpx.Request], httpx.Response | None] | None = None
    seen: list[httpx.Request] = field(default_factory=list)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        if self.override is not None:
            answer = self.override(request)
            if answer is not None:
                return answer
        return httpx.Response(
            200, content=body(self.answer(request)), headers={"content-type": "application/json"}
        )

    def is_list(self, request: httpx.Request) -> bool:
        """True for a request of the issue list (not versions, product, user)."""
        path = request.url.path
        return path.endswith(("/issues", "/issues.json", "/search/jql", "/rest/bug"))

    def answer(self, request: httpx.Request) -> Any:
        path, kind = request.url.path, self.kind
        if kind in ("github", "gitlab"):
            return self.issues if path.endswith("/issues") else self.releases
        if kind == "jira":
            if path.endswith("/versions"):
                return self.releases
            return {"issues": self.issues, "isLast": True}
        if kind == "redmine":
            if path.endswith("/versions.json"):
                return {"versions": self.releases}
            if path.endswith("/users/current.json"):
                return {"user": {"id": 1, "login": "admin"}}
            offset = int(request.url.params.get("offset", "0"))
            return {
                "issues": self.issues if offset == 0 else [],
                "total_count": len(self.issues),
                "offset": offset,
                "limit": 100,
            }
        if path == "/rest/product":
            return {"products": [{"name": "Xen", "milestones": self.releases}]}
        offset = int(request.url.params.get("offset", "0"))
        return {"bugs": self.issues if offset == 0 else []}

    def list_requests(self) -> list[httpx.Request]:
        return [r for r in self.seen if self.is_list(r)]


@dataclass
class Synced:
    """What a sync did: its result, the plan text it saved (None: not saved)."""

    result: SyncResult
    saved: str | None
    plan: Plan

    @property
    def warnings(self) -> list[str]:
        return [str(w) for o in self.result.outcomes for w in o.warnings]

    def item(self, n: int, kind: str) -> Any:
        key = f"XEN-{n}" if kind == "jira" else str(n)
        return next(i for i in self.plan.items if i.id == f"xen#{key}")


class User:
    """One plan + cache synced again and again from one fake tracker (like `relplan sync`)."""

    def __init__(self, fake: Fake, folder: Path, **source: Any) -> None:
        self.fake, self.folder = fake, folder
        self.config = config(fake.kind, **source)
        self.plan = Plan("xen", Policy())
        self.saved: str | None = None

    def save(self, plan: Plan) -> None:
        # what the CLI's save does: the calendar of the plan, the TOML, UTF-8 on disk
        text = dumps_toml(plan, build_train(plan, TODAY))
        (self.folder / "plan.toml").write_bytes(text.encode("utf-8"))
        self.saved, self.plan = text, plan

    def sync(self, *, full: bool = False, **http: Any) -> Synced:
        self.saved = None
        with Cache.open(self.folder / "cache") as cache:
            result = run_sync(
                self.plan,
                [self.config],
                cache,
                self.save,
                full=full,
                env={"XEN_TOKEN": TOKEN},
                transport=self.fake.transport(),
                now=NOW,
                http_options={"retries": 1, "backoff": 0.0, **http},
                always_save=True,
            )
        return Synced(result, self.saved, self.plan)

    def cursor(self) -> Cursor:
        from relplan.planner.trackers.sync import identity

        with Cache.open(self.folder / "cache") as cache:
            return cache.cursor(self.config.name, identity(self.config))


def quoted_project(kind: str) -> str:
    return quote(PROJECTS[kind], safe="")
