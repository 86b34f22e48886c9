"""Redmine (5.x REST API): issues of one project, its versions, the Backport field.

One fetch makes, concurrently:

- ``GET /projects/P/versions.json`` (conditional on its ETag) -> releases;
- ``GET /users/current.json`` when a token is configured, because
  Redmine treats an unknown key as an anonymous visitor: without this check a
  wrong token would silently sync only the public part of a project;
- ``GET /issues.json?project_id=P&status_id=*&sort=id&limit=100`` (every status,
  open and closed), with ``updated_on=>=<cursor>`` when incremental. The first
  page tells ``total_count``; the remaining pages are fetched in parallel, at
  most 4 at once and none after an empty page (``total_count`` only bounds them:
  a tracker claiming 10^8 issues costs what it actually answers). Each page is
  read as it arrives.

A re-sync where nothing changed thus costs three requests (versions a 304; the
user check is never conditional, since its body holds the API key).
Issue ids become ``<source>#<id>``; trackers, priorities and statuses map
through the source's :class:`~planner.sources.base.Rules` on top of Redmine's
default names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from planner.errors import SourceError
from planner.model import BackportState, Item, Kind, Priority, State
from planner.sources.base import (
    Cursor,
    FetchResult,
    Reporter,
    SourceConfig,
    TrackerRelease,
    parse_backport_field,
    record_warnings,
)
from planner.sources.http import HttpClient, JsonResponse, gather_all, pages_until_empty
from planner.sources.itemmap import (
    DAY,
    HOURS,
    TIMESTAMP,
    Note,
    cursor_text,
    estimate_days,
    parse_day,
    parse_timestamp,
    record_name,
    screen,
    shown,
    text,
)

DEFAULT_KINDS = {"bug": Kind.BUG, "feature": Kind.FEATURE, "support": Kind.TASK,
                 "security": Kind.SECURITY}
DEFAULT_PRIORITIES = {"low": Priority.LOW, "normal": Priority.MEDIUM, "high": Priority.HIGH,
                      "urgent": Priority.CRITICAL, "immediate": Priority.CRITICAL}
_VERSIONS = "versions"
ISSUE_CHECKS = {"updated_on": TIMESTAMP, "estimated_hours": HOURS}
VERSION_CHECKS = {"due_date": DAY}


def make_adapter(config: SourceConfig) -> RedmineAdapter:
    """The adapter for a ``kind = "redmine"`` source."""
    return RedmineAdapter(config)


class RedmineAdapter:
    """Reads one Redmine project; stateless between fetches (state is in the Cursor)."""

    def __init__(self, config: SourceConfig) -> None:
        self.config = config

    def auth_headers(self, token: str) -> dict[str, str]:
        """Redmine takes the API key in ``X-Redmine-API-Key``."""
        return {"X-Redmine-API-Key": token}

    async def fetch(
        self, http: HttpClient, cursor: Cursor, *, full: bool, reporter: Reporter
    ) -> FetchResult:
        """Fetch versions and issues (all, or updated since the cursor)."""
        since = None if full else cursor.since
        start = http.requests
        project = self.config.project or ""
        cond = cursor.conditional
        jobs = [
            http.get_json(f"projects/{project}/versions.json", conditional=cond.get(_VERSIONS)),
            self._issue_page(http, since, 0),
        ]
        if http.authenticated:  # its body holds the API key: never cached, only checked
            jobs.append(http.get_json("users/current.json"))
        answers = await gather_all(*jobs)
        versions, first = answers[0], answers[1]
        issues = _Issues(self)
        await self._other_pages(http, since, first, reporter, issues)
        notes = issues.notes
        releases = self._releases(versions, notes)
        conditional = {_VERSIONS: versions.conditional} if versions.conditional else {}
        return FetchResult(
            source=self.config.name,
            items=tuple(sorted(issues.items.values(), key=lambda i: int(i.key))),
            releases=releases,
            cursor=Cursor(since=issues.since(since), conditional=conditional),
            complete=since is None,
            warnings=record_warnings(self.config, notes),
            requests=http.requests - start,
        )

    def _params(self, since: str | None, offset: int) -> dict[str, str | int]:
        params: dict[str, str | int] = dict(parse_qsl(self.config.query or ""))
        params.update({"project_id": self.config.project or "", "status_id": "*",
                       "sort": "id", "limit": self.config.page_size, "offset": offset})
        if since:
            params["updated_on"] = f">={since}"
        return params

    async def _issue_page(self, http: HttpClient, since: str | None, offset: int) -> JsonResponse:
        return await http.get_json("issues.json", self._params(since, offset))

    async def _other_pages(
        self, http: HttpClient, since: str | None, first: JsonResponse, reporter: Reporter,
        issues: _Issues,
    ) -> None:
        data = first.data if isinstance(first.data, Mapping) else {}
        total = data.get("total_count")
        if not isinstance(total, int) or not isinstance(data.get("issues"), list):
            raise SourceError(self.config.problem(
                "the issues answer has no issues/total_count; is this a Redmine?", "url"))
        limit = self.config.page_size
        done = issues.take(data["issues"])
        reporter.progress(done, total)

        async def page(offset: int) -> bool:
            nonlocal done
            answer = await self._issue_page(http, since, offset)
            records = answer.data.get("issues") if isinstance(answer.data, Mapping) else None
            count = issues.take(records) if isinstance(records, list) else 0
            done += count
            reporter.progress(done, total)
            return count > 0

        if done:
            await pages_until_empty(range(limit, total, limit), page)

    def _item(self, raw: Mapping[str, Any]) -> tuple[Item, list[Note]]:
        ident = raw["id"]
        if not isinstance(ident, int) or not isinstance(raw["subject"], str):
            raise ValueError("id or subject missing")
        rules = self.config.rules
        tracker, priority = _name(raw.get("tracker")), _name(raw.get("priority"))
        category, version = _name(raw.get("category")), _name(raw.get("fixed_version"))
        kind = rules.kind_for([tracker, category]) or DEFAULT_KINDS.get(
            tracker.casefold(), Kind.TASK)
        prio = rules.priority_for([priority]) or DEFAULT_PRIORITIES.get(
            priority.casefold(), Priority.MEDIUM)
        backports, problems = self._backports(ident, raw.get("custom_fields"))
        item = Item(
            id=f"{self.config.name}#{ident}",
            title=raw["subject"].strip(),
            kind=kind,
            priority=prio,
            state=self._state(raw.get("status"), bool(version)),
            labels=tuple(x for x in (category,) if x),
            url=f"{self.config.api_url}/issues/{ident}",
            owner=_name(raw.get("assigned_to")) or None,
            target=rules.release_for(version) if version else None,
            blocker=rules.is_blocker([priority, category]),
            estimate_days=estimate_days(raw.get("estimated_hours")),
            backports=backports,
            updated=parse_timestamp(raw.get("updated_on")),
        )
        return item, problems

    def _state(self, status: Any, targeted: bool) -> State:
        name = _name(status)
        mapped = self.config.rules.state_for([name]) if name else None
        if mapped:
            return mapped
        closed = status.get("is_closed") if isinstance(status, Mapping) else None
        if closed is None:  # before Redmine 5.1 the status may not say
            closed = name.casefold() in ("closed", "rejected")
        if closed:
            return State.DONE
        return State.ACCEPTED if targeted else State.PROPOSED

    def _backports(
        self, ident: int, fields: Any
    ) -> tuple[dict[str, BackportState], list[Note]]:
        wanted = self.config.rules.backport_field
        if not wanted or not isinstance(fields, list):
            return {}, []
        for f in fields:
            if isinstance(f, Mapping) and str(f.get("name", "")).casefold() == wanted.casefold():
                value = f.get("value")
                text = ", ".join(map(str, value)) if isinstance(value, list) else str(value or "")
                states, bad = parse_backport_field(text)
                problems = [(f"issue {ident}",
                             f"{wanted} field part {shown(b)} is not SERIES: STATE")
                            for b in bad]
                return states, problems
        return {}, []

    def _releases(
        self, answer: JsonResponse, notes: list[Note]
    ) -> tuple[TrackerRelease, ...]:
        data = answer.data if isinstance(answer.data, Mapping) else {}
        versions = data.get("versions")
        out: list[TrackerRelease] = []
        for found in versions if isinstance(versions, list) else ():
            name = found.get("name") if isinstance(found, Mapping) else None
            what = f"version {shown(name)}" if isinstance(name, str) else f"version {shown(found)}"
            raw, whys = screen(found, VERSION_CHECKS)
            notes.extend((what, why) for why in whys)
            name = raw.get("name") if isinstance(raw, Mapping) else None
            if not isinstance(name, str) or not name.strip():
                notes.append((what, "malformed (no name)"))
                continue
            out.append(TrackerRelease(
                name=name, version=self.config.rules.release_for(name),
                due=parse_day(raw.get("due_date")), closed=raw.get("status") == "closed",
                description=text(raw, "description"),
            ))
        return tuple(out)


class _Issues:
    """The issues of one fetch, read page by page as they arrive: items, notes (records
    skipped or partly read) and the newest valid update time."""

    def __init__(self, adapter: RedmineAdapter) -> None:
        self.adapter = adapter
        self.items: dict[str, Item] = {}
        self.notes: list[Note] = []
        self.newest: dt.datetime | None = None

    def take(self, records: list[Any]) -> int:
        """Read one page's issues; how many records the page held."""
        for found in records:
            ident = found.get("id") if isinstance(found, Mapping) else None
            name = record_name("issue", ident) if ident is not None else "issue ?"
            raw, whys = screen(found, ISSUE_CHECKS)
            self.notes.extend((name, why) for why in whys)
            try:
                item, problems = self.adapter._item(raw)
            except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
                self.notes.append((name, f"malformed ({str(exc)[:80]})"))
                continue
            self.items[item.id] = item
            self.notes.extend(problems)
            if item.updated and (self.newest is None or item.updated > self.newest):
                self.newest = item.updated
        return len(records)

    def since(self, old: str | None) -> str | None:
        """The next cursor: the newest update seen, in the form Redmine's filter takes."""
        if self.newest is None:
            return old
        newest = cursor_text(self.newest)
        old_at = parse_timestamp(old)
        return old if old_at is not None and old_at > self.newest else newest


def _name(ref: Any) -> str:
    """The ``name`` of a Redmine reference ``{id, name}`` ('' when absent)."""
    name = ref.get("name") if isinstance(ref, Mapping) else None
    return name.strip() if isinstance(name, str) else ""
