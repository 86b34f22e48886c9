"""Bugzilla (5.x REST): a product's bugs as items, its target milestones as releases.

``project`` is the product name; ``url`` the Bugzilla root (where
``show_bug.cgi`` lives). The API key goes in the ``X-BUGZILLA-API-KEY`` header.

Bugs come from ``/rest/bug?product=...&include_fields=...`` in ``bug_id``
order, ``limit`` at a time by ``offset``; the search answers no total, so pages
are read one after another until a short page. Incremental fetches add
``last_change_time=<newest change seen>``. The product (``/rest/product``) is
read first: a misspelt product is an error, not an empty sync. Milestones have
no dates in Bugzilla; they become releases without a day (see
:mod:`relplan.planner.trackers.sync`) or map onto the calendar's releases by name.

The kind comes from the bug's ``type`` (``defect``, ``enhancement``, ``task``:
the field bugzilla.mozilla.org has used since 2019), else from the older
severity ``enhancement``; the rules may override either.

Backports come from ``backport_field`` (a ``cf_*`` field in Ruby's
``3.3: REQUIRED, 3.2: DONE`` format) and from Mozilla-style per-release flags
named by ``status_flags`` patterns (``cf_status_firefox_esr{series}``):
status flags say ``affected`` required, ``fixed``/``verified`` done,
``wontfix`` wontfix, ``unaffected``/``disabled`` dontneed (``---``, ``?`` and
``fix-optional`` say nothing); tracking flags (``cf_tracking_...``) say ``+``
required, where no status flag of that series says more. The backport field
wins over the flags.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from relplan.planner.domain.errors import PlanError, SourceError
from relplan.planner.domain.fields import backport_series
from relplan.planner.domain.model import BackportState, Item, Kind, Priority, State
from relplan.planner.domain.series import fill, series_in
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
    TIMESTAMP,
    Collector,
    Malformed,
    default_state,
    need,
    parse_timestamp,
    record_name,
    request_key,
    text,
    unexpected,
)

FIELDS = (
    "id",
    "summary",
    "status",
    "resolution",
    "type",
    "severity",
    "priority",
    "target_milestone",
    "keywords",
    "assigned_to",
    "last_change_time",
)
NO_MILESTONE = frozenset({"---", ""})
# Bugzilla's stock severities (and Mozilla's S1-S4) when the rules name no priority.
SEVERITY_PRIORITY = {
    "blocker": Priority.CRITICAL,
    "critical": Priority.CRITICAL,
    "s1": Priority.CRITICAL,
    "major": Priority.HIGH,
    "s2": Priority.HIGH,
    "normal": Priority.MEDIUM,
    "s3": Priority.MEDIUM,
    "minor": Priority.LOW,
    "trivial": Priority.LOW,
    "s4": Priority.LOW,
}
FLAG_STATES = {
    "affected": BackportState.REQUIRED,
    "fixed": BackportState.DONE,
    "verified": BackportState.DONE,
    "wontfix": BackportState.WONTFIX,
    "unaffected": BackportState.DONTNEED,
    "disabled": BackportState.DONTNEED,
    "verified disabled": BackportState.DONTNEED,
}
TRACKING_STATES = {"+": BackportState.REQUIRED}
TYPE_KINDS = {"defect": Kind.BUG, "enhancement": Kind.FEATURE, "task": Kind.TASK}
WORKING = frozenset({"assigned", "in_progress", "in progress"})


class BugzillaAdapter:
    """Reads one Bugzilla product; see the module docstring."""

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        field = config.rules.backport_field
        if field and not field.startswith("cf_"):
            raise PlanError(
                config.problem(
                    f"backport_field {field!r} is not a Bugzilla custom field",
                    "backport_field",
                    hint='custom fields are named cf_..., e.g. backport_field = "cf_backport"',
                )
            )
        for pattern in config.rules.status_flags:
            if not pattern.startswith("cf_"):
                raise PlanError(
                    config.problem(
                        f"status_flags pattern {pattern!r} is not a Bugzilla custom field",
                        "status_flags",
                        hint='flags are custom fields, e.g. "cf_status_firefox_esr{series}"',
                    )
                )
        self.flags = [(p, p.startswith("cf_tracking_")) for p in config.rules.status_flags]

    def auth_headers(self, token: str) -> dict[str, str]:
        """Bugzilla 5 takes API keys in ``X-BUGZILLA-API-KEY``."""
        return {"X-BUGZILLA-API-KEY": token}

    async def fetch(
        self, http: HttpClient, cursor: Cursor, *, full: bool, reporter: Reporter
    ) -> FetchResult:
        """The product's milestones, then its bugs (all, or changed since the cursor)."""
        start = http.requests
        keep: dict[str, Conditional] = {}
        col = Collector(self.config, reporter)
        try:
            releases = await self._milestones(http, cursor, keep, col)
        except TrackerRefused as exc:
            raise self._explain(exc) from None
        since = None if full else cursor.since
        params: dict[str, str | int] = {
            "product": self.config.project or "",
            "include_fields": ",".join(self._fields()),
            "order": "bug_id",
            "limit": self.config.page_size,
            "offset": 0,
        }
        if since:
            params["last_change_time"] = since
        while True:
            res = await http.get_json("rest/bug", params)
            bugs = res.data.get("bugs") if isinstance(res.data, Mapping) else None
            if not isinstance(bugs, list):
                raise unexpected(self.config, "the bug search")
            for raw in bugs:
                key = raw.get("id") if isinstance(raw, Mapping) else None
                col.add(raw, record_name("bug", key), self._item, BUG_CHECKS)
            col.progress()
            if len(bugs) < self.config.page_size:
                break
            params = {**params, "offset": int(params["offset"]) + len(bugs)}
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
        """Bugzilla answers an invalid or revoked API key (codes 306/307) with HTTP 400."""
        var = self.config.token_env
        if exc.status != 400 or not var:
            return exc
        return SourceError(
            self.config.problem(
                "Bugzilla refused the request (HTTP 400)",
                "token_env",
                hint=f"Bugzilla answers 400 to an invalid or revoked API key: check ${var}",
            )
        )

    def _fields(self) -> list[str]:
        fields = list(FIELDS)
        if self.config.rules.backport_field:
            fields.append(self.config.rules.backport_field)
        if self.config.rules.status_flags:
            fields.append("_custom")  # every cf_* field: the status flags are many
        return fields

    async def _milestones(
        self, http: HttpClient, cursor: Cursor, keep: dict[str, Conditional], col: Collector
    ) -> list[TrackerRelease]:
        params: dict[str, str | int] = {
            "names": self.config.project or "",
            "include_fields": "name,milestones",
        }
        key = request_key("rest/product", params)
        res = await http.get_json("rest/product", params, cursor.conditional.get(key))
        products = res.data.get("products") if isinstance(res.data, Mapping) else None
        if not isinstance(products, list):
            raise unexpected(self.config, "the product")
        if not products:
            raise SourceError(
                self.config.problem(
                    f"Bugzilla has no product {self.config.project!r}",
                    "project",
                    hint="check project (product names are case-sensitive) and that the API key "
                    + (f"in ${self.config.token_env} " if self.config.token_env else "")
                    + "may see it",
                )
            )
        if res.conditional:
            keep[key] = res.conditional
        milestones = products[0].get("milestones") if isinstance(products[0], Mapping) else []
        return [
            r
            for r in col.releases(
                milestones if isinstance(milestones, list) else (),
                "milestone",
                "name",
                self._milestone,
            )
            if r.name not in NO_MILESTONE
        ]

    def _milestone(self, raw: Mapping[str, Any]) -> TrackerRelease:
        name = str(raw["name"])
        return TrackerRelease(
            name=name,
            version=self.config.rules.release_for(name),
            closed=raw.get("is_active") is False,
        )

    def _item(self, raw: Mapping[str, Any]) -> Item:
        bug = need(raw, "id", int)
        rules = self.config.rules
        severity, priority = text(raw, "severity") or "", text(raw, "priority") or ""
        keywords = tuple(k for k in raw.get("keywords") or () if isinstance(k, str))
        milestone = text(raw, "target_milestone")
        target = (
            rules.release_for(milestone) if milestone and milestone not in NO_MILESTONE else None
        )
        words = [w for w in (severity, priority, *keywords) if w]
        kind_type = text(raw, "type") or ""
        default_kind = TYPE_KINDS.get(kind_type.casefold()) or (
            Kind.FEATURE if severity.casefold() == "enhancement" else Kind.BUG
        )
        return Item(
            id=f"{self.config.name}#{bug}",
            title=need(raw, "summary").strip(),
            kind=rules.kind_for([*words, kind_type] if kind_type else words, default_kind)
            or default_kind,
            priority=rules.priority_for([priority, severity])
            or SEVERITY_PRIORITY.get(severity.casefold(), Priority.MEDIUM),
            state=self._state(raw, keywords, target),
            labels=keywords,
            url=f"{self.config.api_url}/show_bug.cgi?id={bug}",
            owner=_owner(raw.get("assigned_to")),
            target=target,
            blocker=rules.is_blocker(words),
            backports=self._backports(raw),
            updated=parse_timestamp(raw.get("last_change_time")),
        )

    def _state(
        self, raw: Mapping[str, Any], keywords: tuple[str, ...], target: str | None
    ) -> State:
        """Rules on resolution/status first; else resolved FIXED is done, others rejected."""
        status = need(raw, "status")
        resolution = text(raw, "resolution")
        ruled = self.config.rules.state_for([w for w in (resolution, status, *keywords) if w])
        if ruled:
            return ruled
        if resolution:
            return State.DONE if resolution.upper() == "FIXED" else State.REJECTED
        if status.casefold() in WORKING:
            return State.IN_PROGRESS
        return default_state(True, target)

    def _backports(self, raw: Mapping[str, Any]) -> dict[str, BackportState]:
        states: dict[str, BackportState] = {}
        tracked: dict[str, BackportState] = {}
        for name, value in raw.items() if self.flags else ():
            for pattern, tracking in self.flags:
                series = series_in(pattern, name, sep="_")
                if series is None or not isinstance(value, str):
                    continue
                word = value.strip().casefold()
                if tracking and word in TRACKING_STATES:
                    tracked[series] = TRACKING_STATES[word]
                elif not tracking and word in FLAG_STATES:
                    states[series] = FLAG_STATES[word]
        states = tracked | states  # a status flag says more than a tracking flag
        field = self.config.rules.backport_field
        value = raw.get(field) if field else None
        if value not in (None, "", "---"):
            if not isinstance(value, str):
                raise Malformed(f"field {field!r} is not text")
            parsed, bad = parse_backport_field(value)
            if bad:
                raise Malformed(f"field {field!r} has unreadable parts: {', '.join(bad)}")
            states |= parsed
        return states

    # -- push ------------------------------------------------------------------------------
    def unsupported(self, field: str, value: Any) -> str | None:
        """Milestones cannot be created over REST; states move through Bugzilla's status
        workflow (not pushed); backports need ``backport_field`` or status flags."""
        rules = self.config.rules
        if field == "create_milestone":
            return (
                "Bugzilla's REST API cannot create milestones: add it to the product in "
                "Bugzilla's administration"
            )
        if field == "state":
            return "Bugzilla changes states through its status workflow, which relplan does not"
        if field == "blocker" and not rules.blocker:
            return "the source's config names no blocker word"
        series = backport_series(field)
        if series is not None and not rules.backport_field:
            if not self._status_flag(series):
                return "the source's config names no backport_field or status_flags"
            if value not in FLAG_WORDS:
                return f"status flags say no {value}"
        return None

    async def read(self, http: HttpClient, key: str) -> Remote:
        """``GET /rest/bug/N`` with the fields a fetch asks for."""
        answer = await http.get_json(
            f"rest/bug/{key}", {"include_fields": ",".join(self._fields())}
        )
        bugs = answer.data.get("bugs") if isinstance(answer.data, Mapping) else None
        if not isinstance(bugs, list) or not bugs or not isinstance(bugs[0], Mapping):
            raise unexpected(self.config, f"bug {key}")
        try:
            item = self._item(bugs[0])
        except Malformed as exc:
            raise unexpected(self.config, f"bug {key} ({exc})") from None
        return Remote(item, bugs[0])

    async def milestones(self, http: HttpClient) -> list[Milestone]:
        """The product's milestones (Bugzilla names them; the name is the reference)."""
        col = Collector(self.config, Reporter())
        return [
            Milestone(r.name, r.name, r.closed)
            for r in await self._milestones(http, Cursor(), {}, col)
        ]

    async def create_milestone(self, http: HttpClient, name: str) -> Milestone:
        """Never called: :meth:`unsupported` says why."""
        raise SourceError(self.config.problem(self.unsupported("create_milestone", name) or ""))

    async def write(
        self, http: HttpClient, remote: Remote, changes: list[FieldWrite]
    ) -> dict[str, str]:
        """One ``PUT /rest/bug/N``: ``target_milestone`` (``---`` clears it), the blocker
        as severity, priority or keyword (whichever the blocker word is), the backport
        field edited in place, or the per-release status flag."""
        body: dict[str, Any] = {}
        left: dict[str, str] = {}
        backports: dict[str, BackportState | None] = {}
        for c in changes:
            if c.field == "target":
                body["target_milestone"] = c.milestone.ref if c.milestone else "---"
            elif c.field == "blocker":
                why = await self._blocker(http, bool(c.new), remote.raw, body)
                if why:
                    left[c.field] = why
            elif c.series is not None and self.config.rules.backport_field:
                backports[c.series] = c.new
            elif c.series is not None:
                body[self._status_flag(c.series)] = FLAG_WORDS[c.new]
        if backports:
            name = self.config.rules.backport_field or ""
            value = remote.raw.get(name)
            old = value if isinstance(value, str) and value != "---" else ""
            body[name] = edit_backport_field(old, backports)
        if body:
            await http.write_json("PUT", f"rest/bug/{remote.raw['id']}", body)
        return left

    def _status_flag(self, series: str) -> str:
        """The status flag field of a series (the first status, not tracking, pattern)."""
        pattern = next(
            (p for p in self.config.rules.status_flags if not p.startswith("cf_tracking_")), None
        )
        return fill(pattern, series, sep="_") if pattern else ""

    async def _blocker(
        self, http: HttpClient, flag: bool, raw: Mapping[str, Any], body: dict[str, Any]
    ) -> str | None:
        """Put the blocker into ``body``; the reason when it cannot be."""
        words = [b.casefold() for b in self.config.rules.blocker]
        keywords = [k for k in raw.get("keywords") or () if isinstance(k, str)]
        if not flag:
            gone = [k for k in keywords if k.casefold() in words]
            if gone:
                body["keywords"] = {"remove": gone}
            for name, plain in (("severity", "normal"), ("priority", "--")):
                if (text(raw, name) or "").casefold() in words:
                    values = await self._values(
                        http, "bug_severity" if name == "severity" else name
                    )
                    if plain not in values:
                        return f"Bugzilla has no {name} {plain!r} to clear the blocker with"
                    body[name] = plain
            return None
        for name in ("bug_severity", "priority"):
            values = await self._values(http, name)
            found = next((v for w in words for v in values if v.casefold() == w), None)
            if found:
                body["severity" if name == "bug_severity" else name] = found
                return None
        body["keywords"] = {"add": [self.config.rules.blocker[0]]}
        return None

    async def _values(self, http: HttpClient, field: str) -> list[str]:
        """The legal values of a bug field (``/rest/field/bug/NAME``)."""
        answer = await http.get_json(f"rest/field/bug/{field}")
        fields = answer.data.get("fields") if isinstance(answer.data, Mapping) else None
        values = fields[0].get("values") if fields and isinstance(fields[0], Mapping) else None
        return [
            v["name"]
            for v in values or ()
            if isinstance(v, Mapping) and isinstance(v.get("name"), str)
        ]


FLAG_WORDS: dict[BackportState | None, str] = {
    BackportState.REQUIRED: "affected",
    BackportState.DONE: "fixed",
    BackportState.WONTFIX: "wontfix",
    BackportState.DONTNEED: "unaffected",
    None: "---",
}
"""What a status flag says for a backport state (the inverse of :data:`FLAG_STATES`)."""


BUG_CHECKS = {"last_change_time": TIMESTAMP}


def _owner(value: object) -> str | None:
    """The assignee, unless it is the "nobody" placeholder account."""
    if not isinstance(value, str) or not value.strip():
        return None
    return None if value.split("@")[0].casefold() in ("nobody", "nobody.") else value.strip()


def make_adapter(config: SourceConfig) -> BugzillaAdapter:
    """The adapter :func:`relplan.planner.trackers.base.adapter_for` finds for ``kind =
    "bugzilla"``."""
    return BugzillaAdapter(config)
