"""Pushing to GitHub through MockTransport, in the documented request/response shapes:
``GET``/``PATCH /repos/{o}/{r}/issues/{n}`` (the PATCH guarded by ``If-Match`` where the
ETag is strong), ``GET``/``POST /repos/{o}/{r}/milestones``."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Any

import httpx
from trackerfakes import TOKEN, Saved, payload, respond, sent, synced_cache

from relplan.planner.domain.model import BackportState, Plan
from relplan.planner.domain.policy import Policy
from relplan.planner.trackers.base import SourceConfig
from relplan.planner.trackers.github import GitHubAdapter
from relplan.planner.trackers.push import Outcome
from relplan.planner.trackers.pushing import run_push

B = BackportState
CONFIG = SourceConfig.from_table({
    "name": "cpython", "kind": "github", "url": "https://github.com",
    "project": "python/cpython", "token_env": "GITHUB_TOKEN", "release_pattern": r"^(\d+\.\d+)$",
    "kinds": {"type-crash": "bug"}, "blocker": ["release-blocker"],
    "backport_labels": ["needs backport to {series}"],
    "backport_done_labels": ["backported to {series}"],
})  # fmt: skip
ISSUES = "/repos/python/cpython/issues"
ENV = {"GITHUB_TOKEN": TOKEN}


class GitHub:
    """Issue 103 of the fixtures and the milestones; PATCH applies the change and moves the
    ETag. Issues come with weak ETags, as api.github.com sends them, and a PATCH carrying
    a weak one in ``If-Match`` gets 400 (what GitHub answers); with ``strong`` ETags a
    stale ``If-Match`` gets 412."""

    def __init__(self, strong: bool = False) -> None:
        self.weak = "" if strong else "W/"
        self.issue = copy.deepcopy(
            next(i for i in payload("github", "issues_page1") if i["number"] == 103)
        )
        self.milestones: list[dict[str, Any]] = payload("github", "milestones")
        self.etag, self.version = f'{self.weak}"etag-1"', 1
        self.requests: list[httpx.Request] = []
        self.refuse: httpx.Response | None = None

    def __call__(self, req: httpx.Request) -> httpx.Response:
        self.requests.append(req)
        if req.method == "GET" and req.url.path == f"{ISSUES}/103":
            return respond(self.issue, etag=self.etag)
        if req.method == "GET" and req.url.path.endswith("/milestones"):
            return respond(self.milestones)
        if req.method == "POST" and req.url.path.endswith("/milestones"):
            made = {"number": 14, "title": sent(req)[2]["title"], "state": "open", "due_on": None}
            self.milestones.append(made)
            return respond(made, 201)
        if req.method == "PATCH" and req.url.path == f"{ISSUES}/103":
            if self.refuse is not None:
                return self.refuse
            guard = req.headers.get("if-match")
            if guard and guard.startswith("W/"):
                return respond(
                    {
                        "message": "Conditional request headers are not allowed in "
                        "unsafe requests unless supported by the endpoint"
                    },
                    400,
                )
            if guard and guard != self.etag:
                return respond({"message": "Precondition Failed"}, 412)
            self.apply(sent(req)[2])
            return respond(self.issue, etag=self.etag)
        return respond({"message": "Not Found"}, 404)

    def apply(self, body: dict[str, Any]) -> None:
        if "milestone" in body:
            found = [m for m in self.milestones if m["number"] == body["milestone"]]
            self.issue["milestone"] = found[0] if found else None
        if "labels" in body:
            self.issue["labels"] = [{"name": n} for n in body["labels"]]
        self.version += 1
        self.etag = f'{self.weak}"etag-{self.version}"'
        self.issue["updated_at"] = f"2024-05-06T10:00:0{self.version}Z"

    @property
    def writes(self) -> list[tuple[str, str, Any]]:
        return [sent(r) for r in self.requests if r.method != "GET"]


def _setup(tmp_path: Path, server: GitHub, **change: Any) -> tuple[Plan, Any]:
    base = GitHubAdapter(CONFIG)._item(server.issue)
    cache = synced_cache(tmp_path, CONFIG, [base])
    return Plan("t", Policy(), (), (dataclasses.replace(base, **change),)), cache


def _push(plan: Plan, cache: Any, server: GitHub, **kw: Any) -> Any:
    saved = Saved()
    result = run_push(
        plan, [CONFIG], cache, saved, env=ENV, transport=httpx.MockTransport(server), **kw
    )
    return result, saved


def test_target_blocker_and_backports_go_out_in_one_guarded_patch(tmp_path: Path) -> None:
    server = GitHub()
    plan, cache = _setup(
        tmp_path,
        server,
        target="3.12",
        blocker=True,
        backports={"3.12": B.DONE, "3.11": B.REQUIRED},
    )
    result, saved = _push(plan, cache, server)

    assert [str(w) for w in result.writes] == [
        "cpython#103: target 3.13 -> 3.12",
        "cpython#103: blocker no -> yes",
        "cpython#103: backport 3.12 required -> done",
        "cpython#103: backport 3.11 - -> required",
    ]
    assert {w.outcome for w in result.writes} == {Outcome.WRITTEN}
    assert server.writes == [
        (
            "PATCH",
            f"{ISSUES}/103",
            {
                "milestone": 12,  # a closed milestone still takes issues on GitHub
                "labels": [
                    "type-crash",
                    "release-blocker",
                    "backported to 3.12",
                    "needs backport to 3.11",
                ],
            },
        )
    ]
    patch = next(r for r in server.requests if r.method == "PATCH")
    assert "if-match" not in patch.headers  # a weak ETag never matches: not sent
    assert patch.headers["authorization"] == f"Bearer {TOKEN}"
    (stamped,) = saved.plans[0].items
    assert (
        stamped.updated is not None and stamped.updated.isoformat() == "2024-05-06T10:00:02+00:00"
    )

    again, _ = _push(saved.plans[0], cache, server)
    assert again.writes == ()


def test_a_strong_etag_guards_the_patch_and_a_change_in_between_is_a_conflict(
    tmp_path: Path,
) -> None:
    server = GitHub(strong=True)
    plan, cache = _setup(tmp_path, server, blocker=True)
    real = server.__call__

    def racing(req: httpx.Request) -> httpx.Response:
        if req.method == "PATCH":  # someone edits the issue after relplan read it
            assert req.headers["if-match"] == '"etag-1"'
            server.etag = '"etag-someone"'
        return real(req)

    saved = Saved()
    result = run_push(plan, [CONFIG], cache, saved, env=ENV, transport=httpx.MockTransport(racing))
    (write,) = result.writes
    assert write.outcome is Outcome.CONFLICT and "changed while pushing" in str(write)
    assert saved.plans == [] and result.ids(Outcome.CONFLICT) == ["cpython#103"]


def test_a_label_someone_changed_since_the_sync_is_not_written_over(tmp_path: Path) -> None:
    server = GitHub()
    plan, cache = _setup(tmp_path, server, backports={"3.12": B.DONE}, target="3.12")
    server.issue["labels"] = [{"name": "type-crash"}]  # the 3.12 request was dropped upstream

    result, _ = _push(plan, cache, server)
    by_field = {w.field: w for w in result.writes}
    assert by_field["backports.3.12"].outcome is Outcome.CONFLICT
    assert by_field["backports.3.12"].tracker is None
    assert by_field["target"].outcome is Outcome.WRITTEN
    assert server.writes == [("PATCH", f"{ISSUES}/103", {"milestone": 12})]


def test_a_missing_milestone_is_reported_then_created_when_asked(tmp_path: Path) -> None:
    server = GitHub()
    plan, cache = _setup(tmp_path, server, target="3.14")
    result, _ = _push(plan, cache, server)
    (write,) = result.writes
    assert write.outcome is Outcome.MISSING and "no milestone '3.14'" in str(write)
    assert server.writes == []

    made, _ = _push(plan, cache, server, create_versions=True)
    assert [w.outcome for w in made.writes] == [Outcome.WRITTEN]
    assert server.writes == [
        ("POST", "/repos/python/cpython/milestones", {"title": "3.14"}),
        ("PATCH", f"{ISSUES}/103", {"milestone": 14}),
    ]


def test_a_token_without_write_scope_is_named_and_nothing_is_recorded(tmp_path: Path) -> None:
    server = GitHub()
    server.refuse = respond(
        {
            "message": "Resource not accessible by personal access token",
            "documentation_url": "https://docs.github.com/rest",
        },
        403,
    )
    plan, cache = _setup(tmp_path, server, blocker=True)
    result, saved = _push(plan, cache, server)
    text = " ".join(str(p) for p in result.failure)
    assert "HTTP 403 on PATCH" in text and "$GITHUB_TOKEN needs write access" in text
    assert "Resource not accessible by personal access token" in text and TOKEN not in text
    assert [w.outcome for w in result.writes] == [Outcome.UNWRITTEN] and saved.plans == []


def test_a_dry_run_reads_and_writes_nothing(tmp_path: Path) -> None:
    server = GitHub()
    plan, cache = _setup(tmp_path, server, blocker=True, target="3.14")
    result, saved = _push(plan, cache, server, dry_run=True, create_versions=True)
    assert [(w.field, w.outcome) for w in result.writes] == [
        ("target", Outcome.WOULD_WRITE),
        ("blocker", Outcome.WOULD_WRITE),
    ]
    assert "creates milestone '3.14'" in str(result.writes[0])
    assert server.writes == [] and saved.plans == []
