"""Jira Cloud: issues found by JQL as items, project versions as releases.

``project`` is the project key (``XEN``); item ids keep Jira's keys as they
are (``xen#XEN-42``). ``url`` is the site (``https://xen.atlassian.net``);
``user`` is the account's email and the API token (from ``token_env``) goes
with it in HTTP Basic auth. ``query`` (optional) is extra JQL ANDed to
``project = KEY``.

Search is ``POST /rest/api/3/search/jql`` with explicit ``fields`` and
``maxResults``; pages are chained by ``nextPageToken``, so they are fetched one
after another (a token the search gave before ends it: it would loop). Incremental
fetches add ``updated >= "yyyy/MM/dd HH:mm"``: JQL
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

from relplan.planner.domain.errors import PlanError, SourceError
from relplan.planner.domain.fields import backport_series
from relplan.planner.domain.model import BackportState, Item, Kind, Priority, State, series_of
from relplan.planner.domain.version import is_version, newest_first
from relplan.planner.trackers.base import (
    Conditional,
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
)
from relplan.planner.trackers.http import HttpClient, TrackerRefused
from relplan.planner.trackers.itemmap import (
    DAY,
    TIMESTAMP,
    Collector,
    Malformed,
    default_state,
    forge_labels,
    label_backports,
    label_unsupported,
    need,
    parse_day,
    parse_timestamp,
    record_name,
    request_key,
    text,
    unexpected,
)

FIELDS = (
    "summary",
    "status",
    "issuetype",
    "priority",
    "labels",
    "fixVersions",
    "assignee",
    "updated",
    "resolution",
)
WINDOW_MARGIN = dt.timedelta(days=1)
# Jira's stock priority names that are not relplan's words (rules come first).
JIRA_PRIORITIES = {
    "highest": Priority.CRITICAL,
    "blocker": Priority.CRITICAL,
    "major": Priority.HIGH,
    "minor": Priority.LOW,
    "lowest": Priority.LOW,
    "trivial": Priority.LOW,
}
REJECTING = frozenset(
    {"won't fix", "won't do", "duplicate", "cannot reproduce", "invalid", "incomplete", "declined"}
)


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
            raise PlanError(
                config.problem(
                    f"project {key!r} is not a Jira project key",
                    "project",
                    hint='e.g. project = "XEN"',
                )
            )
        if config.token_env and not config.user:
            raise PlanError(
                config.problem(
                    "Jira Cloud takes the API token together with the account's email",
                    "user",
                    hint='add user = "you@example.org"',
                )
            )

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
        col = Collector(self.config, reporter)
        releases = await self._versions(http, cursor, keep, col)
        since = None if full else cursor.since
        body: dict[str, Any] = {
            "jql": self.jql(since),
            "fields": self._fields(),
            "maxResults": self.config.page_size,
        }
        tokens: set[str] = set()
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
                col.add(raw, record_name("issue", key), self._item, ISSUE_CHECKS)
            col.progress()
            token = page.get("nextPageToken")
            if page.get("isLast") or not isinstance(token, str) or not token:
                break
            if token in tokens:
                col.notes.append(
                    (
                        "the issue search",
                        "its next page token repeats an earlier one: stopped there",
                    )
                )
                break
            tokens.add(token)
            body = {**body, "nextPageToken": token}
        return FetchResult(
            source=self.config.name,
            items=tuple(col.items.values()),
            releases=tuple(releases),
            cursor=col.cursor(cursor, keep),
            complete=since is None,
            warnings=tuple(col.warnings),
            requests=http.requests - start,
        )

    def _explain(self, exc: TrackerRefused) -> SourceError:
        """Jira answers a JQL it cannot run (a typo in ``query``, an unknown field) with 400."""
        if exc.status != 400:
            return exc
        what = f"query = {self.config.query!r}" if self.config.query else "the project key"
        return SourceError(
            self.config.problem(
                "Jira refused the issue search (HTTP 400)",
                "query" if self.config.query else "project",
                hint=f"check {what}; nothing was changed",
            )
        )

    def _fields(self) -> list[str]:
        extra = self.config.rules.backport_field
        return [*FIELDS, extra] if extra else list(FIELDS)

    async def _versions(
        self, http: HttpClient, cursor: Cursor, keep: dict[str, Conditional], col: Collector
    ) -> list[TrackerRelease]:
        path = f"rest/api/3/project/{quote(self.config.project or '', safe='')}/versions"
        key = request_key(path)
        res = await http.get_json(path, None, cursor.conditional.get(key))
        if res.conditional:
            keep[key] = res.conditional
        if not isinstance(res.data, list):
            raise unexpected(self.config, "the project versions")
        return col.releases(res.data, "version", "name", self._version, VERSION_CHECKS)

    def _version(self, raw: Mapping[str, Any]) -> TrackerRelease:
        name = str(raw["name"])
        return TrackerRelease(
            name=name,
            version=self.config.rules.release_for(name),
            due=parse_day(raw.get("releaseDate")),
            start=parse_day(raw.get("startDate")),
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
        backports = {
            s: (BackportState.DONE if state is State.DONE else BackportState.REQUIRED)
            for s in series
            if s != main
        }
        backports |= self._backport_field(fields) | label_backports(rules, labels)
        return Item(
            id=f"{self.config.name}#{key}",
            title=need(fields, "summary").strip(),
            kind=rules.kind_for([w for w in (issue_type, *labels) if w], Kind.FEATURE)
            or Kind.FEATURE,
            priority=rules.priority_for(words)
            or JIRA_PRIORITIES.get((priority or "").casefold(), Priority.MEDIUM),
            state=state,
            labels=labels,
            url=f"{self.config.api_url}/browse/{key}",
            owner=text(fields, "assignee", "displayName"),
            target=target,
            blocker=rules.is_blocker(words),
            backports=backports,
            updated=parse_timestamp(fields.get("updated")),
        )

    def _targets(self, fix_versions: Any) -> list[str]:
        """Mapped fix versions, newest first (the first is the target); non-versions last."""
        names = [v.get("name") for v in fix_versions or () if isinstance(v, Mapping)]
        found = {self.config.rules.release_for(n) for n in names if isinstance(n, str)}
        return newest_first(v for v in found if v)

    def _state(
        self, fields: Mapping[str, Any], labels: tuple[str, ...], target: str | None
    ) -> State:
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
            value = ", ".join(str(o.get("value") if isinstance(o, Mapping) else o) for o in value)
        if not isinstance(value, str):
            raise Malformed(f"field {name!r} is not text")
        states, bad = parse_backport_field(value)
        if bad:
            raise Malformed(f"field {name!r} has unreadable parts: {', '.join(bad)}")
        return states

    # -- push ------------------------------------------------------------------------------
    def unsupported(self, field: str, value: Any) -> str | None:
        """States move through Jira's workflow transitions, which relplan does not drive;
        backports go to ``backport_field`` (else labels)."""
        rules = self.config.rules
        if field == "state":
            return "Jira changes states through workflow transitions, which relplan does not make"
        if field == "blocker" and not rules.blocker:
            return "the source's config names no blocker word"
        if backport_series(field) is not None and not rules.backport_field:
            if not (rules.backport_labels or rules.backport_done_labels):
                return "the source's config names no backport_field or backport_labels"
            return label_unsupported(rules, field, value)
        return None

    async def read(self, http: HttpClient, key: str) -> Remote:
        """``GET /rest/api/3/issue/KEY`` with the fields a fetch asks for."""
        answer = await http.get_json(
            f"rest/api/3/issue/{quote(key, safe='')}", {"fields": ",".join(self._fields())}
        )
        if not isinstance(answer.data, Mapping):
            raise unexpected(self.config, f"issue {key}")
        try:
            item = self._item(answer.data)
        except Malformed as exc:
            raise unexpected(self.config, f"issue {key} ({exc})") from None
        return Remote(item, answer.data)

    async def milestones(self, http: HttpClient) -> list[Milestone]:
        """The project's versions (released and archived ones count as closed)."""
        path = f"rest/api/3/project/{quote(self.config.project or '', safe='')}/versions"
        answer = await http.get_json(path)
        if not isinstance(answer.data, list):
            raise unexpected(self.config, "the project versions")
        return [
            Milestone(v["name"], str(v["id"]), bool(v.get("released") or v.get("archived")))
            for v in answer.data
            if isinstance(v, Mapping) and isinstance(v.get("name"), str) and v.get("id") is not None
        ]

    async def create_milestone(self, http: HttpClient, name: str) -> Milestone:
        """``POST /rest/api/3/version`` (the project's numeric id read first)."""
        project = await http.get_json(
            f"rest/api/3/project/{quote(self.config.project or '', safe='')}"
        )
        ident = project.data.get("id") if isinstance(project.data, Mapping) else None
        if ident is None:
            raise unexpected(self.config, "the project")
        answer = await http.write_json(
            "POST", "rest/api/3/version", {"name": name, "projectId": int(ident)}
        )
        made = answer.data if isinstance(answer.data, Mapping) else {}
        if made.get("id") is None:
            raise unexpected(self.config, "the new version")
        return Milestone(str(made.get("name") or name), str(made["id"]))

    async def write(
        self, http: HttpClient, remote: Remote, changes: list[FieldWrite]
    ) -> dict[str, str]:
        """One ``PUT /rest/api/3/issue/KEY``: fix versions and labels through ``update``
        (the target's version swapped, other versions and labels left alone), the
        priority and the backport field through ``fields``."""
        raw = remote.raw.get("fields") if isinstance(remote.raw.get("fields"), Mapping) else {}
        assert isinstance(raw, Mapping)
        update: dict[str, list[dict[str, Any]]] = {}
        fields: dict[str, Any] = {}
        left: dict[str, str] = {}
        labelled: list[FieldWrite] = []
        backports: dict[str, BackportState | None] = {}
        for c in changes:
            if c.field == "target":
                update["fixVersions"] = self._swap_version(raw, c)
            elif c.field == "blocker":
                priority, why = await self._blocker_priority(http, bool(c.new), raw)
                if why:
                    left[c.field] = why
                    continue
                if priority is not None:
                    fields["priority"] = {"id": priority}
                if not c.new or priority is None:
                    labelled.append(c)  # set by label; cleared: blocker labels go too
            elif c.series is not None and self.config.rules.backport_field:
                backports[c.series] = c.new
            else:
                labelled.append(c)
        if backports:
            name = self.config.rules.backport_field or ""
            fields[name] = _backport_value(raw.get(name), backports)
        if labelled:
            old = [x for x in raw.get("labels") or () if isinstance(x, str)]
            new = forge_labels(self.config.rules, old, labelled)
            update["labels"] = [{"add": x} for x in new if x not in old] + [
                {"remove": x} for x in old if x not in new
            ]
        body = {k: v for k, v in (("update", update), ("fields", fields)) if v}
        if body:
            await http.write_json(
                "PUT", f"rest/api/3/issue/{quote(remote.item.key, safe='')}", body
            )
        return left

    def _swap_version(self, raw: Mapping[str, Any], c: FieldWrite) -> list[dict[str, Any]]:
        """Remove the fix versions that stand for the old target, add the new one's."""
        ops: list[dict[str, Any]] = [
            {"remove": {"id": str(v["id"])}}
            for v in raw.get("fixVersions") or ()
            if isinstance(v, Mapping)
            and v.get("id") is not None
            and c.old is not None
            and self.config.rules.release_for(str(v.get("name", ""))) == c.old
        ]
        if c.milestone is not None:
            ops.append({"add": {"id": str(c.milestone.ref)}})
        return ops

    async def _blocker_priority(
        self, http: HttpClient, flag: bool, raw: Mapping[str, Any]
    ) -> tuple[str | None, str | None]:
        """(priority id to set or None, why not): a blocker word that is a Jira priority
        makes the blocker; clearing one sets Jira's default priority. None, None: labels."""
        words = [b.casefold() for b in self.config.rules.blocker]
        current = (text(raw, "priority", "name") or "").casefold()
        if not flag and current not in words:
            return None, None
        answer = await http.get_json("rest/api/3/priority/search", {"maxResults": 100})
        values = answer.data.get("values") if isinstance(answer.data, Mapping) else None
        listed = [
            p
            for p in values or ()
            if isinstance(p, Mapping) and isinstance(p.get("name"), str) and p.get("id") is not None
        ]
        if flag:
            found = next(
                (str(p["id"]) for w in words for p in listed if p["name"].casefold() == w), None
            )
            return found, None
        default = next(
            (
                str(p["id"])
                for p in listed
                if p.get("isDefault") and p["name"].casefold() not in words
            ),
            None,
        )
        return (
            (default, None)
            if default
            else (None, "Jira has no default priority to clear the blocker priority with")
        )


def _backport_value(value: Any, changes: Mapping[str, BackportState | None]) -> Any:
    """The backport field edited: text stays text; a multi-select stays a list of options."""
    if isinstance(value, list):
        old = ", ".join(str(o.get("value") if isinstance(o, Mapping) else o) for o in value)
        edited = edit_backport_field(old, changes)
        return [{"value": part.strip()} for part in edited.split(",") if part.strip()]
    return edit_backport_field(value if isinstance(value, str) else "", changes)


ISSUE_CHECKS = {"fields.updated": TIMESTAMP}
VERSION_CHECKS = {"releaseDate": DAY, "startDate": DAY}


def make_adapter(config: SourceConfig) -> JiraAdapter:
    """The adapter :func:`relplan.planner.trackers.base.adapter_for` finds for ``kind = "jira"``."""
    return JiraAdapter(config)
