"""Pushing to GitLab through MockTransport, in the documented request/response shapes:
``GET``/``PUT /projects/:id/issues/:iid`` (``milestone_id``, ``add_labels``,
``remove_labels``), ``GET``/``POST /projects/:id/milestones``."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Any

import httpx
from trackerfakes import TOKEN, Saved, payload, respond, sent, synced_cache

from relplan.planner.domain import ops
from relplan.planner.domain.model import BackportState, Plan, State
from relplan.planner.domain.policy import Policy
from relplan.planner.trackers.base import SourceConfig
from relplan.planner.trackers.gitlab import GitLabAdapter
from relplan.planner.trackers.push import Outcome
from relplan.planner.trackers.pushing import run_push

B = BackportState
CONFIG = SourceConfig.from_table({
    "name": "xen", "kind": "gitlab", "url": "https://gitlab.com", "project": "xen-project/xen",
    "token_env": "GITLAB_TOKEN", "kinds": {"bug": "bug"}, "states": {"wontfix": "rejected"},
    "blocker": ["blocker"], "backport_labels": ["backport-{series}"],
    "backport_done_labels": ["backported-{series}"],
})  # fmt: skip
ROOT = "/api/v4/projects/xen-project%2Fxen"
ENV = {"GITLAB_TOKEN": TOKEN}


class GitLab:
    """Issue 202 of the fixtures; PUT applies the documented parameters."""

    def __init__(self) -> None:
        self.issue = copy.deepcopy(payload("gitlab", "issues_page1")[1])
        self.milestones: list[dict[str, Any]] = payload("gitlab", "milestones")
        self.requests: list[httpx.Request] = []
        self.refuse: httpx.Response | None = None

    def __call__(self, req: httpx.Request) -> httpx.Response:
        self.requests.append(req)
        path = req.url.raw_path.decode().split("?")[0]
        if req.method == "GET" and path == f"{ROOT}/issues/202":
            return respond(self.issue)
        if req.method == "GET" and path == f"{ROOT}/milestones":
            return respond(self.milestones)
        if req.method == "PUT" and path == f"{ROOT}/issues/202":
            if self.refuse is not None:
                return self.refuse
            body = sent(req)[2]
            if "milestone_id" in body:
                found = [m for m in self.milestones if m["id"] == body["milestone_id"]]
                self.issue["milestone"] = found[0] if found else None
            gone = set(body.get("remove_labels", "").split(","))
            self.issue["labels"] = [x for x in self.issue["labels"] if x not in gone] + [
                x for x in body.get("add_labels", "").split(",") if x
            ]
            self.issue["updated_at"] = "2024-09-09T09:09:09.000Z"
            return respond(self.issue)
        return respond({"message": "404 Not found"}, 404)

    @property
    def writes(self) -> list[tuple[str, str, Any]]:
        return [sent(r) for r in self.requests if r.method != "GET"]


def _setup(tmp_path: Path, server: GitLab, change: Any) -> tuple[Plan, Any]:
    base = GitLabAdapter(CONFIG)._item(server.issue)
    cache = synced_cache(tmp_path, CONFIG, [base])
    return Plan("t", Policy(), (), (change(base),)), cache


def _push(plan: Plan, cache: Any, server: GitLab) -> tuple[Any, Saved]:
    saved = Saved()
    return run_push(
        plan, [CONFIG], cache, saved, env=ENV, transport=httpx.MockTransport(server)
    ), saved


def test_milestone_and_only_the_changed_labels_go_out(tmp_path: Path) -> None:
    server = GitLab()
    plan, cache = _setup(
        tmp_path,
        server,
        lambda it: dataclasses.replace(
            it, target="4.19", blocker=True, backports={**it.backports, "4.19": B.DONE}
        ),
    )
    result, saved = _push(plan, cache, server)

    assert {w.outcome for w in result.writes} == {Outcome.WRITTEN} and len(result.writes) == 3
    assert server.writes == [
        (
            "PUT",
            f"{ROOT}/issues/202",
            {
                "milestone_id": 4019,
                "add_labels": "blocker,backported-4.19",
                "remove_labels": "backport-4.19",
            },
        )
    ]
    put = next(r for r in server.requests if r.method == "PUT")
    assert put.headers["private-token"] == TOKEN
    assert saved.plans[0].items[0].updated.isoformat() == "2024-09-09T09:09:09+00:00"


def test_a_rejection_maps_to_the_configured_label_and_clears_the_milestone(tmp_path: Path) -> None:
    server = GitLab()
    plan, cache = _setup(
        tmp_path,
        server,
        lambda it: ops.reject(Plan("t", Policy(), (), (it,)), [it.id]).plan.items[0],
    )
    result, _ = _push(plan, cache, server)

    assert [(w.field, w.outcome) for w in result.writes] == [
        ("target", Outcome.WRITTEN),
        ("state", Outcome.WRITTEN),
    ]
    assert server.writes == [
        ("PUT", f"{ROOT}/issues/202", {"milestone_id": 0, "add_labels": "wontfix"})
    ]
    assert GitLabAdapter(CONFIG)._item(server.issue).state is State.REJECTED


def test_a_read_only_token_gets_gitlabs_insufficient_scope_named(tmp_path: Path) -> None:
    server = GitLab()
    server.refuse = respond(
        {
            "error": "insufficient_scope",
            "error_description": "The request requires higher privileges than provided by the "
            "access token.",
            "scope": "api",
        },
        403,
    )
    plan, cache = _setup(tmp_path, server, lambda it: dataclasses.replace(it, blocker=True))
    result, saved = _push(plan, cache, server)
    text = str(result.failure[0])
    assert "HTTP 403 on PUT" in text and "$GITLAB_TOKEN needs write access" in text
    assert "insufficient_scope" in text and "higher privileges" in text and TOKEN not in text
    assert saved.plans == [] and result.written == []
