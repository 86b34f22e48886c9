"""GitHub: issues as items, milestones (``due_on``) as releases.

``project`` is ``owner/repo``; ``url`` is ``https://github.com`` (read through
``https://api.github.com``) or a GitHub Enterprise API root such as
``https://ghe.example.com/api/v3``. The token goes in ``Authorization: Bearer``.

Pull requests share the issues list (they carry a ``pull_request`` object with
its URLs; older answers carry that key on plain issues too, with every URL
null: those are issues). A pull request is an item only when it is roadmap
work: it has a milestone or a backport label (CPython asks for backports with
``needs backport to 3.12`` labels on pull requests). Other pull requests are
the fixes of issues, not roadmap entries, and are left out.

Pages come in ``created`` order, oldest first, so an issue updated during a
sync does not shift the pages after it; when the ``Link`` header names the
last page, the remaining pages are fetched in parallel (at most four in
flight, and none after an empty page: the ``last`` GitHub claims only bounds
them), otherwise ``rel="next"`` is followed (on the same host only, never
twice to one URL, and not after an empty page). Incremental fetches
ask for ``since=<newest update seen>``; single-page answers are remembered
with their ETag so an unchanged re-sync is answered by 304s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from relplan.planner.domain.errors import PlanError, SourceError
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

_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="([^"]+)"')


def parse_link(header: str | None) -> dict[str, str]:
    """GitHub's ``Link`` header as rel -> URL (``next``, ``last``, ...)."""
    return {rel: url for url, rel in _LINK.findall(header or "")}


def page_number(url: str | None) -> int | None:
    """The ``page`` query parameter of a pagination URL, or None."""
    if not url:
        return None
    pages = parse_qs(urlsplit(url).query).get("page")
    return header_number(pages[0]) if pages else None


def api_root(config: SourceConfig) -> str:
    """The REST root: api.github.com for github.com, the configured URL otherwise."""
    host = (urlsplit(config.api_url).hostname or "").lower()
    if host in ("github.com", "www.github.com"):
        return "https://api.github.com"
    return config.api_url


class GitHubAdapter:
    """Reads one GitHub repository; see the module docstring."""

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        project = config.project or ""
        if project.count("/") != 1 or not all(project.split("/")):
            raise PlanError(
                config.problem(
                    f"project {project!r} is not owner/repo",
                    "project",
                    hint='e.g. project = "python/cpython"',
                )
            )
        self.repo = f"{api_root(config)}/repos/{project}"

    def auth_headers(self, token: str) -> dict[str, str]:
        """GitHub takes personal access tokens as a bearer token."""
        return {"Authorization": f"Bearer {token}", "X-GitHub-Api-Version": "2022-11-28"}

    async def fetch(
        self, http: HttpClient, cursor: Cursor, *, full: bool, reporter: Reporter
    ) -> FetchResult:
        """Issues (all, or updated since the cursor) and every milestone."""
        start = http.requests
        since = None if full else cursor.since
        params: dict[str, str | int] = {
            "state": "all",
            "per_page": self.config.page_size,
            "sort": "created",
            "direction": "asc",
        }
        if since:
            params["since"] = since
        col = Collector(self.config, reporter)
        keep: dict[str, Conditional] = {}

        def take(page: Any) -> int:
            records = self._records(page, "issues")
            for raw in records:
                if is_pull_request(raw) and not self._on_roadmap(raw):
                    col.left_out()
                    continue
                col.add(raw, record_name("issue", _get(raw, "number")), self._item, ISSUE_CHECKS)
            col.progress()
            return len(records)

        await self.paged(http, f"{self.repo}/issues", params, cursor, keep, take)
        milestones: list[TrackerRelease] = []

        def take_milestones(page: Any) -> int:
            records = self._records(page, "milestones")
            milestones.extend(
                col.releases(records, "milestone", "title", self._milestone, {"due_on": DAY})
            )
            return len(records)

        await self.paged(
            http,
            f"{self.repo}/milestones",
            {"state": "all", "per_page": 100},
            cursor,
            keep,
            take_milestones,
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
    ) -> None:
        """Fetch every page of a list, handing each page's JSON to ``take`` (which says
        how many records the page held)."""
        key = request_key(path, params)
        first = await http.get_json(path, params, cursor.conditional.get(key))
        count = take(first.data)
        links = parse_link(first.headers.get("link"))
        last = page_number(links.get("last"))
        if last and last > 1:

            async def one(n: int) -> bool:
                return take((await http.get_json(path, {**params, "page": n})).data) > 0

            if count:
                await pages_until_empty(range(2, last + 1), one)
            return
        if "next" not in links and first.conditional:
            keep[key] = first.conditional  # single page: worth a 304 next time
        next_url = links.get("next")
        asked = {first.url}
        while next_url and count and next_url not in asked:
            asked.add(self._same_host(next_url, path))
            res = await http.get_json(next_url)
            count = take(res.data)
            next_url = parse_link(res.headers.get("link")).get("next")

    def _same_host(self, link: str, path: str) -> str:
        """``link`` when it is on the list's scheme, host and port (the token goes there)."""
        try:
            a, b = urlsplit(link), urlsplit(path)
            same = (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)
        except ValueError:  # an unbalanced [ in the host, a port that is no number
            same = False
        if not same:
            raise SourceError(
                self.config.problem(
                    "the next page of a list is on another host; not followed",
                    "url",
                    hint="the token goes only to the configured host; nothing was changed",
                )
            )
        return link

    def _records(self, page: Any, what: str) -> list[Any]:
        if not isinstance(page, list):
            raise unexpected(self.config, what)
        return page

    def _on_roadmap(self, raw: Mapping[str, Any]) -> bool:
        labels = _labels(raw)
        return bool(raw.get("milestone")) or bool(label_backports(self.config.rules, labels))

    def _item(self, raw: Mapping[str, Any]) -> Item:
        number = need(raw, "number", int)
        rules = self.config.rules
        labels = _labels(raw)
        milestone = text(raw, "milestone", "title")
        target = rules.release_for(milestone) if milestone else None
        return Item(
            id=f"{self.config.name}#{number}",
            title=need(raw, "title").strip(),
            kind=rules.kind_for(labels, Kind.FEATURE) or Kind.FEATURE,
            priority=rules.priority_for(labels, Priority.MEDIUM) or Priority.MEDIUM,
            state=self._state(raw, labels, target),
            labels=labels,
            url=web_link(raw.get("html_url")),
            owner=text(raw, "assignee", "login"),
            target=target,
            blocker=rules.is_blocker(labels),
            backports=label_backports(rules, labels),
            updated=parse_timestamp(raw.get("updated_at")),
        )

    def _state(self, raw: Mapping[str, Any], labels: tuple[str, ...], target: str | None) -> State:
        """Closed: done, or rejected when closed as not planned or duplicate (or a rule says so)."""
        is_open = need(raw, "state") == "open"
        ruled = self.config.rules.state_for(labels)
        if is_open:
            return ruled or default_state(True, target)
        if raw.get("state_reason") in ("not_planned", "duplicate") or ruled is State.REJECTED:
            return State.REJECTED
        return State.DONE

    def _milestone(self, raw: Mapping[str, Any]) -> TrackerRelease:
        title = str(raw["title"])
        return TrackerRelease(
            name=title,
            version=self.config.rules.release_for(title),
            due=parse_day(raw.get("due_on")),
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
        """``GET /repos/O/R/issues/N``; a strong ETag guards the write (``If-Match``).

        ``If-Match`` compares strongly (RFC 9110, 13.1.1): a weak ``W/"..."`` validator
        never matches, and api.github.com answers an issue PATCH carrying one with 400.
        Issues there come with weak ETags, so the guard is the read itself: each field
        is compared just before the write (and read back after it).
        """
        answer = await http.get_json(f"{self.repo}/issues/{key}")
        if not isinstance(answer.data, Mapping):
            raise unexpected(self.config, f"issue {key}")
        try:
            item = self._item(answer.data)
        except Malformed as exc:
            raise unexpected(self.config, f"issue {key} ({exc})") from None
        etag = answer.headers.get("etag")
        return Remote(item, answer.data, etag if etag and not etag.startswith("W/") else None)

    async def milestones(self, http: HttpClient) -> list[Milestone]:
        """Every milestone, open and closed (a closed one may still take issues)."""
        found: list[Milestone] = []

        def take(page: Any) -> int:
            records = list(self._records(page, "milestones"))
            found.extend(
                Milestone(m["title"], m["number"], m.get("state") == "closed")
                for m in records
                if isinstance(m, Mapping)
                and isinstance(m.get("title"), str)
                and isinstance(m.get("number"), int)
            )
            return len(records)

        await self.paged(
            http,
            f"{self.repo}/milestones",
            {"state": "all", "per_page": 100},
            Cursor(),
            {},
            take,
        )
        return found

    async def create_milestone(self, http: HttpClient, name: str) -> Milestone:
        """``POST /repos/O/R/milestones`` with the title."""
        answer = await http.write_json("POST", f"{self.repo}/milestones", {"title": name})
        made = answer.data if isinstance(answer.data, Mapping) else {}
        if not isinstance(made.get("number"), int):
            raise unexpected(self.config, "the new milestone")
        return Milestone(str(made.get("title") or name), made["number"])

    async def write(
        self, http: HttpClient, remote: Remote, changes: list[FieldWrite]
    ) -> dict[str, str]:
        """One ``PATCH /repos/O/R/issues/N`` (milestone number, the whole label list),
        sent with ``If-Match: <strong ETag of the read>`` where there is one, so a change
        in between is a 412."""
        body: dict[str, Any] = {}
        for c in changes:
            if c.field == "target":
                body["milestone"] = c.milestone.ref if c.milestone else None
        labelled = [c for c in changes if c.field != "target"]
        if labelled:
            body["labels"] = forge_labels(self.config.rules, _labels(remote.raw), labelled)
        headers = {"If-Match": remote.guard} if remote.guard else None
        await http.write_json("PATCH", f"{self.repo}/issues/{remote.raw['number']}", body, headers)
        return {}


def is_pull_request(raw: Any) -> bool:
    """True for a pull request in the issues list: a ``pull_request`` object naming a URL.

    GitHub's answers of 2012 (recorded in PyGithub's tests/ReplayData) carry
    ``"pull_request": {"html_url": null, "diff_url": null, "patch_url": null}``
    on every plain issue.
    """
    pr = raw.get("pull_request") if isinstance(raw, Mapping) else None
    return isinstance(pr, Mapping) and any(
        pr.get(k) for k in ("url", "html_url", "diff_url", "patch_url")
    )


def _get(raw: Any, key: str) -> Any:
    return raw.get(key) if isinstance(raw, Mapping) else None


def _labels(raw: Mapping[str, Any]) -> tuple[str, ...]:
    """Label names; GitHub sends objects with ``name`` (plain strings are accepted too)."""
    out: list[str] = []
    labels = raw.get("labels")
    for label in labels if isinstance(labels, list) else ():
        name = label.get("name") if isinstance(label, Mapping) else label
        if isinstance(name, str) and name.strip():
            out.append(name.strip())
    return tuple(out)


ISSUE_CHECKS = {"updated_at": TIMESTAMP, "html_url": LINK}


def make_adapter(config: SourceConfig) -> GitHubAdapter:
    """The adapter :func:`relplan.planner.trackers.base.adapter_for` finds for ``kind =
    "github"``."""
    return GitHubAdapter(config)
