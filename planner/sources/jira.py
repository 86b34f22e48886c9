"""Jira Cloud: issues found by JQL as items, project versions as releases.

``project`` is the project key (``XEN``); item ids keep Jira's keys as they
are (``xen#XEN-42``). ``url`` is the site (``https://xen.atlassian.net``);
``user`` is the account's email and the API token (from ``token_env``) goes
with it in HTTP Basic auth. ``query`` (optional) is extra JQL ANDed to
``project = KEY``.

Search is ``POST /rest/api/3/search/jql`` with explicit ``fields`` and
``maxResults``; pages are chained by ``nextPageToken``, so they are fetched one
after another. Incremental fetches add ``updated >= "yyyy/MM/dd HH:mm"``: JQL
reads that in the account's time zone and to the minute, so the window starts
a day before the newest update seen (a few items more, never one missed).

``fixVersions`` name the target: the highest version that maps to a release.
Further fix versions on other series are backports of that series (done once
the issue is done, required before). ``backport_field`` names a custom field
(``customfield_10100``) holding ``4.0: REQUIRED, 3.4: DONE`` text (or a list of
such options); ``backport_labels`` work as for the forges. Versions come from
``/rest/api/3/project/KEY/versions`` with ``releaseDate``, ``startDate``,
``released`` and ``archived``.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from planner.errors import PlanError, SourceError
from planner.model import BackportState, Item, Kind, Priority, State, series_of
from planner.sources.base import (
    Conditional,
    Cursor,
    FetchResult,
    Reporter,
    SourceConfig,
    TrackerRelease,
    parse_backport_field,
)
from planner.sources.http import HttpClient, TrackerRefused
from planner.sources.itemmap import (
    Collector,
    Malformed,
    default_state,
    label_backports,
    need,
    parse_day,
    parse_timestamp,
    record_name,
    request_key,
    text,
    unexpected,
)
from planner.version import is_version, newest_first

FIELDS = ("summary", "status", "issuetype", "priority", "labels", "fixVersions", "assignee",
          "updated", "resolution")
WINDOW_MARGIN = dt.timedelta(days=1)
# Jira's stock priority names that are not relplan's words (rules come first).
JIRA_PRIORITIES = {"highest": Priority.CRITICAL, "blocker": Priority.CRITICAL,
                   "major": Priority.HIGH, "minor": Priority.LOW, "lowest": Priority.LOW,
                   "trivial": Priority.LOW}
REJECTING = frozenset({"won't fix", "won't do", "duplicate", "cannot reproduce", "invalid",
                       "incomplete", "declined"})


def jql_window(since: str) -> str | None:
    """The JQL clause for "updated since": a day early, in the tracker's wall-clock time."""
    when = parse_timestamp(since)
    if when is None:
        return None
    return f'updated >= "{(when - WINDOW_MARGIN).strftime("%Y/%m/%d %H:%M")}"'


class JiraAdapter:
    """Reads one Jira Cloud project; see the module docstring."""

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        key = config.project or ""
        if not key.replace("_", "").isalnum():
            raise PlanError(config.problem(f"project {key!r} is not a Jira project key",
                                           "project", hint='e.g. project = "XEN"'))
        if config.token_env and not config.user:
            raise PlanError(config.problem(
                "Jira Cloud takes the API token together with the account's email",
                "user", hint='add user = "you@example.org"'))

    def auth_headers(self, token: str) -> dict[str, str]:
        """HTTP Basic with ``user:token`` (Atlassian API tokens)."""
        pair = f"{self.config.user}:{token}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}

    def jql(self, since: str | None) -> str:
        """The search: the project, the configured ``query``, the update window."""
        parts = [f'project = "{self.config.project}"']
        if self.config.query:
            parts.append(f"({self.config.query})")
        window = jql_window(since) if since else None
        if window:
            parts.append(window)
        return " AND ".join(parts) + " ORDER BY key ASC"

    async def fetch(
        self, http: HttpClient, cursor: Cursor, *, full: bool, reporter: Reporter
    ) -> FetchResult:
        """Versions first (a wrong project key is a clear 404), then the issues."""
        start = http.requests
        keep: dict[str, Conditional] = {}
        releases = await self._versions(http, cursor, keep)
        since = None if full else cursor.since
        col = Collector(self.config, reporter)
        body: dict[str, Any] = {"jql": self.jql(since), "fields": self._fields(),
                                "maxResults": self.config.page_size}
        while True:
            try:
                res = await http.post_json("rest/api/3/search/jql", body)
            except TrackerRefused as exc:
                raise self._explain(exc) from None
            page = res.data
            if not isinstance(page, Mapping) or not isinstance(page.get("issues"), list):
                raise unexpected(self.config, "the issue search")
            for raw in page["issues"]:
                key = raw.get("key") if isinstance(raw, Mapping) else None
                col.add(raw, record_name("issue", key), self._item)
            col.progress()
            token = page.get("nextPageToken")
            if page.get("isLast") or not isinstance(token, str) or not token:
                break
            body = {**body, "nextPageToken": token}
        return FetchResult(
            source=self.config.name, items=tuple(col.items.values()),
            releases=tuple(releases), cursor=col.cursor(cursor, keep),
            complete=since is None, warnings=tuple(col.warnings),
            requests=http.requests - start,
        )

    def _explain(self, exc: TrackerRefused) -> SourceError:
        """Jira answers a JQL it cannot run (a typo in ``query``, an unknown field) with 400."""
        if exc.status != 400:
            return exc
        what = f"query = {self.config.query!r}" if self.config.query else "the project key"
        return SourceError(self.config.problem(
            "Jira refused the issue search (HTTP 400)", "query" if self.config.query else "project",
            hint=f"check {what}; nothing was changed"))

    def _fields(self) -> list[str]:
        extra = self.config.rules.backport_field
        return [*FIELDS, extra] if extra else list(FIELDS)

    async def _versions(
        self, http: HttpClient, cursor: Cursor, keep: dict[str, Conditional]
    ) -> list[TrackerRelease]:
        path = f"rest/api/3/project/{quote(self.config.project or '', safe='')}/versions"
        key = request_key(path)
        res = await http.get_json(path, None, cursor.conditional.get(key))
        if res.conditional:
            keep[key] = res.conditional
        if not isinstance(res.data, list):
            raise unexpected(self.config, "the project versions")
        return [self._version(v) for v in res.data
                if isinstance(v, Mapping) and isinstance(v.get("name"), str)]

    def _version(self, raw: Mapping[str, Any]) -> TrackerRelease:
        name = str(raw["name"])
        return TrackerRelease(
            name=name, version=self.config.rules.release_for(name),
            due=parse_day(raw.get("releaseDate")), start=parse_day(raw.get("startDate")),
            closed=bool(raw.get("released") or raw.get("archived")),
            description=text(raw, "description"),
        )

    def _item(self, raw: Mapping[str, Any]) -> Item:
        key = need(raw, "key")
        fields = need(raw, "fields", Mapping)
        rules = self.config.rules
        labels = tuple(s.strip() for s in fields.get("labels") or () if isinstance(s, str))
        issue_type = text(fields, "issuetype", "name")
        priority = text(fields, "priority", "name")
        words = [w for w in (priority, *labels) if w]
        targets = self._targets(fields.get("fixVersions"))
        target = targets[0] if targets else None
        state = self._state(fields, labels, target)
        # Fix versions on other branches are backports (names that are no version are not).
        main = series_of(target) if target and is_version(target) else None
        series = [series_of(v) for v in targets[1:] if main and is_version(v)]
        backports = {s: (BackportState.DONE if state is State.DONE else BackportState.REQUIRED)
                     for s in series if s != main}
        backports |= self._backport_field(fields) | label_backports(rules, labels)
        return Item(
            id=f"{self.config.name}#{key}",
            title=need(fields, "summary").strip(),
            kind=rules.kind_for([w for w in (issue_type, *labels) if w], Kind.FEATURE)
            or Kind.FEATURE,
            priority=rules.priority_for(words) or JIRA_PRIORITIES.get(
                (priority or "").casefold(), Priority.MEDIUM),
            state=state, labels=labels,
            url=f"{self.config.api_url}/browse/{key}",
            owner=text(fields, "assignee", "displayName"),
            target=target, blocker=rules.is_blocker(words), backports=backports,
            updated=parse_timestamp(fields.get("updated")),
        )

    def _targets(self, fix_versions: Any) -> list[str]:
        """Mapped fix versions, newest first (the first is the target); non-versions last."""
        names = [v.get("name") for v in fix_versions or () if isinstance(v, Mapping)]
        found = {self.config.rules.release_for(n) for n in names if isinstance(n, str)}
        return newest_first(v for v in found if v)

    def _state(self, fields: Mapping[str, Any], labels: tuple[str, ...],
               target: str | None) -> State:
        """Rules on status/resolution first; else Jira's status category."""
        status = text(fields, "status", "name")
        resolution = text(fields, "resolution", "name")
        ruled = self.config.rules.state_for([w for w in (resolution, status, *labels) if w])
        if ruled:
            return ruled
        category = text(fields, "status", "statusCategory", "key")
        if category == "done":
            return State.REJECTED if (resolution or "").casefold() in REJECTING else State.DONE
        if category == "indeterminate":
            return State.IN_PROGRESS
        return default_state(True, target)

    def _backport_field(self, fields: Mapping[str, Any]) -> dict[str, BackportState]:
        name = self.config.rules.backport_field
        value = fields.get(name) if name else None
        if value is None:
            return {}
        if isinstance(value, list):  # a multi-select: options with a "value"
            value = ", ".join(str(o.get("value") if isinstance(o, Mapping) else o)
                              for o in value)
        if not isinstance(value, str):
            raise Malformed(f"field {name!r} is not text")
        states, bad = parse_backport_field(value)
        if bad:
            raise Malformed(f"field {name!r} has unreadable parts: {', '.join(bad)}")
        return states


def make_adapter(config: SourceConfig) -> JiraAdapter:
    """The adapter :func:`planner.sources.base.adapter_for` finds for ``kind = "jira"``."""
    return JiraAdapter(config)
