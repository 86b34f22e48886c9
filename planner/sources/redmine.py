"""Redmine (5.x REST API): issues of one project, its versions, the Backport field.

One fetch makes, concurrently:

- ``GET /projects/P/versions.json`` (conditional on its ETag) -> releases;
- ``GET /users/current.json`` when a token is configured, because
  Redmine treats an unknown key as an anonymous visitor: without this check a
  wrong token would silently sync only the public part of a project;
- ``GET /issues.json?project_id=P&status_id=*&sort=id&limit=100`` (every status,
  open and closed), with ``updated_on=>=<cursor>`` when incremental. The first
  page tells ``total_count``; the remaining pages are fetched in parallel (the
  HTTP layer keeps 4 in flight).

A re-sync where nothing changed thus costs three requests (versions a 304; the
user check is never conditional, since its body holds the API key).
Issue ids become ``<source>#<id>``; trackers, priorities and statuses map
through the source's :class:`~planner.sources.base.Rules` on top of Redmine's
default names.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from planner.errors import SourceError
from planner.model import BackportState, Item, Kind, Priority, State
from planner.sources.base import (
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
from planner.sources.http import HttpClient, JsonResponse, gather_all
from planner.sources.itemmap import unexpected

DEFAULT_KINDS = {"bug": Kind.BUG, "feature": Kind.FEATURE, "support": Kind.TASK,
                 "security": Kind.SECURITY}
DEFAULT_PRIORITIES = {"low": Priority.LOW, "normal": Priority.MEDIUM, "high": Priority.HIGH,
                      "urgent": Priority.CRITICAL, "immediate": Priority.CRITICAL}
_VERSIONS = "versions"
Note = tuple[str, str]  # (record, why) of a record skipped or partly read


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
        pages = [first] + await self._other_pages(http, since, first, reporter)
        items, notes, newest = self._items(pages)
        releases = self._releases(versions, notes)
        conditional = {_VERSIONS: versions.conditional} if versions.conditional else {}
        return FetchResult(
            source=self.config.name,
            items=tuple(items),
            releases=releases,
            cursor=Cursor(since=max(filter(None, (since, newest)), default=None),
                          conditional=conditional),
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
        self, http: HttpClient, since: str | None, first: JsonResponse, reporter: Reporter
    ) -> list[JsonResponse]:
        data = first.data if isinstance(first.data, Mapping) else {}
        total = data.get("total_count")
        if not isinstance(total, int) or not isinstance(data.get("issues"), list):
            raise SourceError(self.config.problem(
                "the issues answer has no issues/total_count; is this a Redmine?", "url"))
        limit = self.config.page_size
        done = len(data["issues"])
        reporter.progress(done, total)

        async def page(offset: int) -> JsonResponse:
            nonlocal done
            answer = await self._issue_page(http, since, offset)
            issues = answer.data.get("issues") if isinstance(answer.data, Mapping) else None
            done += len(issues) if isinstance(issues, list) else 0
            reporter.progress(done, total)
            return answer

        return await gather_all(*(page(off) for off in range(limit, total, limit)))

    def _items(self, pages: list[JsonResponse]) -> tuple[list[Item], list[Note], str | None]:
        items: dict[str, Item] = {}
        notes: list[Note] = []
        newest: str | None = None
        for page in pages:
            for raw in page.data.get("issues") or []:
                try:
                    item, problems = self._item(raw)
                except (KeyError, TypeError, ValueError, AttributeError) as exc:
                    ident = raw.get("id", "?") if isinstance(raw, Mapping) else "?"
                    notes.append((f"issue {ident}", f"malformed ({exc})"))
                    continue
                items[item.id] = item
                notes.extend(problems)
                stamp = raw.get("updated_on")
                if isinstance(stamp, str) and (newest is None or stamp > newest):
                    newest = stamp
        return sorted(items.values(), key=lambda i: int(i.key)), notes, newest

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
        hours = raw.get("estimated_hours")
        estimate = math.ceil(hours / 8) if isinstance(hours, int | float) and hours > 0 else None
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
            estimate_days=estimate,
            backports=backports,
            updated=_stamp(raw.get("updated_on")),
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
                problems = [(f"issue {ident}", f"{wanted} field part {b!r} is not SERIES: STATE")
                            for b in bad]
                return states, problems
        return {}, []

    def _releases(
        self, answer: JsonResponse, notes: list[Note]
    ) -> tuple[TrackerRelease, ...]:
        data = answer.data if isinstance(answer.data, Mapping) else {}
        out: list[TrackerRelease] = []
        for raw in data.get("versions") or []:
            try:
                name = raw["name"]
                if not isinstance(name, str) or not name.strip():
                    raise ValueError("no name")
                due = dt.date.fromisoformat(raw["due_date"]) if raw.get("due_date") else None
            except (KeyError, TypeError, ValueError) as exc:
                notes.append((f"version {raw!r:.60}", f"malformed ({exc})"))
                continue
            out.append(TrackerRelease(
                name=name, version=self.config.rules.release_for(name), due=due,
                closed=raw.get("status") == "closed", description=raw.get("description") or None,
            ))
        return tuple(out)

    # -- push ------------------------------------------------------------------------------
    def unsupported(self, field: str, value: Any) -> str | None:
        """Backports need ``backport_field``; a blocker needs ``blocker`` words."""
        rules = self.config.rules
        if field.startswith("backports.") and not rules.backport_field:
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
        return [Milestone(v["name"], v["id"], v.get("status") != "open")
                for v in data.get("versions") or ()
                if isinstance(v, Mapping) and isinstance(v.get("name"), str)
                and isinstance(v.get("id"), int)]

    async def create_milestone(self, http: HttpClient, name: str) -> Milestone:
        """``POST /projects/P/versions.json``: an open version without a date."""
        answer = await http.write_json("POST", f"projects/{self.config.project}/versions.json",
                                       {"version": {"name": name}})
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
                left.update({f"backports.{s}": why for s in backports})
            else:
                value = field.get("value")
                text = ", ".join(map(str, value)) if isinstance(value, list) else str(value or "")
                fields["custom_fields"] = [{"id": field["id"],
                                            "value": edit_backport_field(text, backports)}]
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
        listed = await self._listed(http, "enumerations/issue_priorities.json",
                                    "issue_priorities")
        if flag:
            for word in words:
                found = next((p["id"] for p in listed if p["name"].casefold() == word), None)
                if found is not None:
                    return found, ""
            return None, "no blocker word of the config is a Redmine priority"
        default = next((p["id"] for p in listed if p.get("is_default")
                        and p["name"].casefold() not in words), None)
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
                e for e in data or () if isinstance(e, Mapping)
                and isinstance(e.get("id"), int) and isinstance(e.get("name"), str)
            ]
        return self._lists[path]


def _name(ref: Any) -> str:
    """The ``name`` of a Redmine reference ``{id, name}`` ('' when absent)."""
    if isinstance(ref, Mapping):
        return str(ref.get("name") or "").strip()
    return ""


def _stamp(text: Any) -> dt.datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None
