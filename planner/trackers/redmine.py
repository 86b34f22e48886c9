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
through the source's :class:`~relplan.planner.trackers.base.Rules` on top of Redmine's
default names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from relplan.planner.domain.errors import SourceError
from relplan.planner.domain.fields import backport_field, backport_series
from relplan.planner.domain.model import BackportState, Item, Kind, Priority, State
from relplan.planner.trackers.base import (
    Cursor,
    FetchResult,
    FieldWrite,
    Milestone,
    Remote,
    Reporter,
    SourceConfig,
    TrackerRelease,
    edit_backport_field,
    parse_backport_field,
    record_warnings,
)
from relplan.planner.trackers.http import HttpClient, JsonResponse, gather_all, pages_until_empty
from relplan.planner.trackers.itemmap import (
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
    unexpected,
)

DEFAULT_KINDS = {
    "bug": Kind.BUG,
    "feature": Kind.FEATURE,
    "support": Kind.TASK,
    "security": Kind.SECURITY,
}
DEFAULT_PRIORITIES = {
    "low": Priority.LOW,
    "normal": Priority.MEDIUM,
    "high": Priority.HIGH,
    "urgent": Priority.CRITICAL,
    "immediate": Priority.CRITICAL,
}
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
        self._lists: dict[str, list[Mapping[str, Any]]] = {}  # enumerations read by a push

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
        params.update(
            {
                "project_id": self.config.project or "",
                "status_id": "*",
                "sort": "id",
                "limit": self.config.page_size,
                "offset": offset,
            }
        )
        if since:
            params["updated_on"] = f">={since}"
        return params

    async def _issue_page(self, http: HttpClient, since: str | None, offset: int) -> JsonResponse:
        return await http.get_json("issues.json", self._params(since, offset))

    async def _other_pages(
        self,
        http: HttpClient,
        since: str | None,
        first: JsonResponse,
        reporter: Reporter,
        issues: _Issues,
    ) -> None:
        data = first.data if isinstance(first.data, Mapping) else {}
        total = data.get("total_count")
        if not isinstance(total, int) or not isinstance(data.get("issues"), list):
            raise SourceError(
                self.config.problem(
                    "the issues answer has no issues/total_count; is this a Redmine?", "url"
                )
            )
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
            tracker.casefold(), Kind.TASK
        )
        prio = rules.priority_for([priority]) or DEFAULT_PRIORITIES.get(
            priority.casefold(), Priority.MEDIUM
        )
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

    def _backports(self, ident: int, fields: Any) -> tuple[dict[str, BackportState], list[Note]]:
        wanted = self.config.rules.backport_field
        if not wanted or not isinstance(fields, list):
            return {}, []
        for f in fields:
            if isinstance(f, Mapping) and str(f.get("name", "")).casefold() == wanted.casefold():
                value = f.get("value")
                text = ", ".join(map(str, value)) if isinstance(value, list) else str(value or "")
                states, bad = parse_backport_field(text)
                problems = [
                    (f"issue {ident}", f"{wanted} field part {shown(b)} is not SERIES: STATE")
                    for b in bad
                ]
                return states, problems
        return {}, []

    def _releases(self, answer: JsonResponse, notes: list[Note]) -> tuple[TrackerRelease, ...]:
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
            out.append(
                TrackerRelease(
                    name=name,
                    version=self.config.rules.release_for(name),
                    due=parse_day(raw.get("due_date")),
                    closed=raw.get("status") == "closed",
                    description=text(raw, "description"),
                )
            )
        return tuple(out)

    # -- push ------------------------------------------------------------------------------
    def unsupported(self, field: str, value: Any) -> str | None:
        """Backports need ``backport_field``; a blocker needs ``blocker`` words."""
        rules = self.config.rules
        if backport_series(field) is not None and not rules.backport_field:
            return "the source's config names no backport_field"
        if field == "blocker" and not rules.blocker:
            return "the source's config names no blocker priority"
        return None

    async def read(self, http: HttpClient, key: str) -> Remote:
        """``GET /issues/N.json``, mapped as a fetch maps it."""
        answer = await http.get_json(f"issues/{key}.json")
        raw = answer.data.get("issue") if isinstance(answer.data, Mapping) else None
        if not isinstance(raw, Mapping):
            raise unexpected(self.config, f"issue {key}")
        item, _ = self._item(raw)
        return Remote(item, raw)

    async def milestones(self, http: HttpClient) -> list[Milestone]:
        """The project's versions (shared ones included); locked and closed ones take no
        issues, so they count as closed."""
        answer = await http.get_json(f"projects/{self.config.project}/versions.json")
        data = answer.data if isinstance(answer.data, Mapping) else {}
        return [
            Milestone(v["name"], v["id"], v.get("status") != "open")
            for v in data.get("versions") or ()
            if isinstance(v, Mapping)
            and isinstance(v.get("name"), str)
            and isinstance(v.get("id"), int)
        ]

    async def create_milestone(self, http: HttpClient, name: str) -> Milestone:
        """``POST /projects/P/versions.json``: an open version without a date."""
        answer = await http.write_json(
            "POST", f"projects/{self.config.project}/versions.json", {"version": {"name": name}}
        )
        made = answer.data.get("version") if isinstance(answer.data, Mapping) else None
        if not isinstance(made, Mapping) or not isinstance(made.get("id"), int):
            raise unexpected(self.config, "the new version")
        return Milestone(str(made.get("name") or name), made["id"])

    async def write(
        self, http: HttpClient, remote: Remote, changes: list[FieldWrite]
    ) -> dict[str, str]:
        """One ``PUT /issues/N.json``: target version, status, priority (blocker), the
        Backport field edited in place (other series and unreadable parts kept)."""
        fields: dict[str, Any] = {}
        left: dict[str, str] = {}
        backports: dict[str, BackportState | None] = {}
        for c in changes:
            if c.field == "target":
                fields["fixed_version_id"] = c.milestone.ref if c.milestone else ""
            elif c.field == "state":
                word = self.config.rules.state_word(c.new) or ""
                found = await self._lookup(http, "issue_statuses.json", "issue_statuses", word)
                if found is None:
                    left[c.field] = f"Redmine has no status named {word!r}"
                else:
                    fields["status_id"] = found
            elif c.field == "blocker":
                found, why = await self._blocker_priority(http, bool(c.new), remote.raw)
                if found is None:
                    left[c.field] = why
                else:
                    fields["priority_id"] = found
            elif c.series is not None:
                backports[c.series] = c.new
        if backports:
            field = self._backport_custom_field(remote.raw)
            if field is None:
                why = f"the issue has no {self.config.rules.backport_field!r} field"
                left.update({backport_field(s): why for s in backports})
            else:
                value = field.get("value")
                text = ", ".join(map(str, value)) if isinstance(value, list) else str(value or "")
                fields["custom_fields"] = [
                    {"id": field["id"], "value": edit_backport_field(text, backports)}
                ]
        if fields:
            await http.write_json("PUT", f"issues/{remote.raw['id']}.json", {"issue": fields})
        return left

    def _backport_custom_field(self, raw: Mapping[str, Any]) -> Mapping[str, Any] | None:
        wanted = (self.config.rules.backport_field or "").casefold()
        for f in raw.get("custom_fields") or ():
            if isinstance(f, Mapping) and str(f.get("name", "")).casefold() == wanted:
                return f
        return None

    async def _blocker_priority(
        self, http: HttpClient, flag: bool, raw: Mapping[str, Any]
    ) -> tuple[int | None, str]:
        """The priority that makes an issue a blocker (the first blocker word Redmine
        knows as a priority), or that clears it (Redmine's default priority)."""
        words = [b.casefold() for b in self.config.rules.blocker]
        if not flag and _name(raw.get("priority")).casefold() not in words:
            return None, "its category makes it a blocker; relplan does not change categories"
        listed = await self._listed(http, "enumerations/issue_priorities.json", "issue_priorities")
        if flag:
            for word in words:
                found = next((p["id"] for p in listed if p["name"].casefold() == word), None)
                if found is not None:
                    return found, ""
            return None, "no blocker word of the config is a Redmine priority"
        default = next(
            (p["id"] for p in listed if p.get("is_default") and p["name"].casefold() not in words),
            None,
        )
        return default, "Redmine has no default priority that is not a blocker word"

    async def _lookup(self, http: HttpClient, path: str, key: str, name: str) -> int | None:
        listed = await self._listed(http, path, key)
        return next((e["id"] for e in listed if e["name"].casefold() == name.casefold()), None)

    async def _listed(self, http: HttpClient, path: str, key: str) -> list[Mapping[str, Any]]:
        """A Redmine enumeration (statuses, priorities), read once per push."""
        if path not in self._lists:
            answer = await http.get_json(path)
            data = answer.data.get(key) if isinstance(answer.data, Mapping) else None
            self._lists[path] = [
                e
                for e in data or ()
                if isinstance(e, Mapping)
                and isinstance(e.get("id"), int)
                and isinstance(e.get("name"), str)
            ]
        return self._lists[path]


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
