"""GitLab: project issues as items, milestones (``start_date``/``due_date``) as releases.

``project`` is the project path (``group/subgroup/project``, URL-encoded into
``/api/v4/projects/<path>``) or its numeric id; ``url`` is the GitLab root
(``https://gitlab.com``). The token goes in the ``PRIVATE-TOKEN`` header.

Pages come in ``created_at`` order, oldest first (stable while issues change).
When ``x-total-pages`` is present the remaining pages are fetched in parallel
(at most four in flight, none after an empty page: the header only bounds them);
GitLab drops it (and ``x-total``) past 10,000 records, and then
``x-next-page`` is followed one page at a time (never twice to one page, not
after an empty one). Incremental fetches ask for
``updated_after=<newest update seen>``; single-page answers are remembered with
their ETag for a 304 next time. Labels are plain strings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from relplan.planner.domain.errors import PlanError
from relplan.planner.domain.model import Item, Kind, Priority, State
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
)
from relplan.planner.trackers.http import HttpClient, header_number, pages_until_empty
from relplan.planner.trackers.itemmap import (
    DAY,
    LINK,
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
    web_link,
)


def project_root(config: SourceConfig) -> str:
    """``<url>/api/v4/projects/<url-encoded path>`` (``/api/v4`` added unless present)."""
    project = (config.project or "").strip("/")
    if not project or " " in project:
        raise PlanError(
            config.problem(
                f"project {config.project!r} is not a GitLab project path",
                "project",
                hint='e.g. project = "xen-project/xen"',
            )
        )
    base = config.api_url
    if not base.endswith("/api/v4"):
        base += "/api/v4"
    return f"{base}/projects/{quote(project, safe='')}"


class GitLabAdapter:
    """Reads one GitLab project; see the module docstring."""

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        self.root = project_root(config)

    def auth_headers(self, token: str) -> dict[str, str]:
        """GitLab takes personal/project access tokens in ``PRIVATE-TOKEN``."""
        return {"PRIVATE-TOKEN": token}

    async def fetch(
        self, http: HttpClient, cursor: Cursor, *, full: bool, reporter: Reporter
    ) -> FetchResult:
        """Issues (all, or updated after the cursor) and every project milestone."""
        start = http.requests
        since = None if full else cursor.since
        params: dict[str, str | int] = {
            "scope": "all",
            "per_page": self.config.page_size,
            "order_by": "created_at",
            "sort": "asc",
        }
        if since:
            params["updated_after"] = since
        col = Collector(self.config, reporter)
        keep: dict[str, Conditional] = {}

        def take(page: Any) -> int:
            records = self._records(page, "issues")
            for raw in records:
                col.add(
                    raw,
                    record_name("issue", raw.get("iid") if isinstance(raw, Mapping) else None),
                    self._item,
                    ISSUE_CHECKS,
                )
            col.progress()
            return len(records)

        await self.paged(http, f"{self.root}/issues", params, cursor, keep, take, col)
        milestones: list[TrackerRelease] = []

        def take_milestones(page: Any) -> int:
            records = self._records(page, "milestones")
            milestones.extend(
                col.releases(records, "milestone", "title", self._milestone, MILESTONE_CHECKS)
            )
            return len(records)

        await self.paged(
            http, f"{self.root}/milestones", {"per_page": 100}, cursor, keep, take_milestones
        )
        return FetchResult(
            source=self.config.name,
            items=tuple(col.items.values()),
            releases=tuple(milestones),
            cursor=col.cursor(cursor, keep),
            complete=since is None,
            warnings=tuple(col.warnings),
            requests=http.requests - start,
        )

    async def paged(
        self,
        http: HttpClient,
        path: str,
        params: dict[str, str | int],
        cursor: Cursor,
        keep: dict[str, Conditional],
        take: Callable[[Any], int],
        col: Collector | None = None,
    ) -> None:
        """Every page of a list: parallel with ``x-total-pages``, else by ``x-next-page``;
        ``take`` reads one page and says how many records it held."""
        key = request_key(path, params)
        first = await http.get_json(path, params, cursor.conditional.get(key))
        total = header_number(first.headers.get("x-total"))
        if col is not None and total is not None:
            col.total = total
        count = take(first.data)
        pages = header_number(first.headers.get("x-total-pages"))
        if pages is not None and pages > 1:

            async def one(n: int) -> bool:
                return take((await http.get_json(path, {**params, "page": n})).data) > 0

            if count:
                await pages_until_empty(range(2, pages + 1), one)
            return
        next_page = header_number(first.headers.get("x-next-page"))
        if next_page is None and first.conditional:
            keep[key] = first.conditional  # single page: worth a 304 next time
        asked = {1}
        while next_page is not None and count and next_page not in asked:
            asked.add(next_page)
            res = await http.get_json(path, {**params, "page": next_page})
            count = take(res.data)
            next_page = header_number(res.headers.get("x-next-page"))

    def _records(self, page: Any, what: str) -> list[Any]:
        if not isinstance(page, list):
            raise unexpected(self.config, what)
        return page

    def _item(self, raw: Mapping[str, Any]) -> Item:
        iid = need(raw, "iid", int)
        rules = self.config.rules
        labels = tuple(
            str(label).strip()
            for label in raw.get("labels") or ()
            if isinstance(label, str) and label.strip()
        )
        milestone = text(raw, "milestone", "title")
        target = rules.release_for(milestone) if milestone else None
        assignees = raw.get("assignees")
        owner = (
            text(assignees[0], "username")
            if isinstance(assignees, list) and assignees
            else text(raw, "assignee", "username")
        )
        return Item(
            id=f"{self.config.name}#{iid}",
            title=need(raw, "title").strip(),
            kind=rules.kind_for(labels, Kind.FEATURE) or Kind.FEATURE,
            priority=rules.priority_for(labels, Priority.MEDIUM) or Priority.MEDIUM,
            state=self._state(need(raw, "state"), labels, target),
            labels=labels,
            url=web_link(raw.get("web_url")),
            owner=owner,
            target=target,
            blocker=rules.is_blocker(labels),
            backports=label_backports(rules, labels),
            updated=parse_timestamp(raw.get("updated_at")),
        )

    def _state(self, state: str, labels: tuple[str, ...], target: str | None) -> State:
        """``opened``: what the label rules say, else proposed/accepted; ``closed``: done."""
        ruled = self.config.rules.state_for(labels)
        if state != "closed":
            return ruled or default_state(True, target)
        return State.REJECTED if ruled is State.REJECTED else State.DONE

    def _milestone(self, raw: Mapping[str, Any]) -> TrackerRelease:
        title = str(raw["title"])
        return TrackerRelease(
            name=title,
            version=self.config.rules.release_for(title),
            due=parse_day(raw.get("due_date")),
            start=parse_day(raw.get("start_date")),
            closed=raw.get("state") == "closed",
            description=text(raw, "description"),
        )

    # -- push ------------------------------------------------------------------------------
    def unsupported(self, field: str, value: Any) -> str | None:
        """Blocker, state and backports live in labels: what the config's patterns say."""
        return (
            None
            if field == "create_milestone"
            else label_unsupported(self.config.rules, field, value)
        )

    async def read(self, http: HttpClient, key: str) -> Remote:
        """``GET /projects/P/issues/IID``."""
        answer = await http.get_json(f"{self.root}/issues/{key}")
        if not isinstance(answer.data, Mapping):
            raise unexpected(self.config, f"issue {key}")
        try:
            item = self._item(answer.data)
        except Malformed as exc:
            raise unexpected(self.config, f"issue {key} ({exc})") from None
        return Remote(item, answer.data)

    async def milestones(self, http: HttpClient) -> list[Milestone]:
        """The project's milestones (ids, titles, active or closed)."""
        found: list[Milestone] = []

        def take(page: Any) -> int:
            records = list(self._records(page, "milestones"))
            found.extend(
                Milestone(m["title"], m["id"], m.get("state") == "closed")
                for m in records
                if isinstance(m, Mapping)
                and isinstance(m.get("title"), str)
                and isinstance(m.get("id"), int)
            )
            return len(records)

        await self.paged(
            http,
            f"{self.root}/milestones",
            {"per_page": 100},
            Cursor(),
            {},
            take,
        )
        return found

    async def create_milestone(self, http: HttpClient, name: str) -> Milestone:
        """``POST /projects/P/milestones`` with the title."""
        answer = await http.write_json("POST", f"{self.root}/milestones", {"title": name})
        made = answer.data if isinstance(answer.data, Mapping) else {}
        if not isinstance(made.get("id"), int):
            raise unexpected(self.config, "the new milestone")
        return Milestone(str(made.get("title") or name), made["id"])

    async def write(
        self, http: HttpClient, remote: Remote, changes: list[FieldWrite]
    ) -> dict[str, str]:
        """One ``PUT /projects/P/issues/IID``: ``milestone_id`` (0 clears it) and only the
        labels that change (``add_labels``/``remove_labels``), so labels someone added in
        between stay."""
        body: dict[str, Any] = {}
        for c in changes:
            if c.field == "target":
                body["milestone_id"] = c.milestone.ref if c.milestone else 0
        labelled = [c for c in changes if c.field != "target"]
        if labelled:
            old = [str(x) for x in remote.raw.get("labels") or () if isinstance(x, str)]
            new = forge_labels(self.config.rules, old, labelled)
            added = [x for x in new if x not in old]
            removed = [x for x in old if x not in new]
            if added:
                body["add_labels"] = ",".join(added)
            if removed:
                body["remove_labels"] = ",".join(removed)
        if body:
            await http.write_json("PUT", f"{self.root}/issues/{remote.raw['iid']}", body)
        return {}


ISSUE_CHECKS = {"updated_at": TIMESTAMP, "web_url": LINK}
MILESTONE_CHECKS = {"due_date": DAY, "start_date": DAY}


def make_adapter(config: SourceConfig) -> GitLabAdapter:
    """The adapter :func:`relplan.planner.trackers.base.adapter_for` finds for ``kind =
    "gitlab"``."""
    return GitLabAdapter(config)
