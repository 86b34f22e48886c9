"""Pushing to Jira Cloud through MockTransport, in the documented request/response shapes:
``GET``/``PUT /rest/api/3/issue/{key}`` (``update`` verbs for fixVersions and labels,
``fields`` for priority and the backport field; 204), ``GET /rest/api/3/priority/search``,
``GET /rest/api/3/project/{key}[/versions]``, ``POST /rest/api/3/version`` (201)."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Any

import httpx
from trackerfakes import TOKEN, Saved, payload, respond, sent, synced_cache

from relplan.planner.domain.model import BackportState, Plan, State
from relplan.planner.domain.policy import Policy
from relplan.planner.trackers.base import SourceConfig
from relplan.planner.trackers.jira import JiraAdapter
from relplan.planner.trackers.push import Outcome
from relplan.planner.trackers.pushing import run_push

B = BackportState
CONFIG = SourceConfig.from_table({
    "name": "xen", "kind": "jira", "url": "https://xen.atlassian.net", "project": "XEN",
    "user": "maint@xen.org", "token_env": "JIRA_TOKEN", "release_pattern": r"^(\d+(?:\.\d+)*)$",
    "blocker": ["blocker"], "backport_field": "customfield_10100",
    "states": {"Won't Do": "rejected"},
})  # fmt: skip
ENV = {"JIRA_TOKEN": TOKEN}
PRIORITIES = {
    "values": [
        {
            "self": "https://xen.atlassian.net/rest/api/3/priority/1",
            "id": "1",
            "name": "Blocker",
            "isDefault": False,
        },
        {
            "self": "https://xen.atlassian.net/rest/api/3/priority/3",
            "id": "3",
            "name": "Medium",
            "isDefault": True,
        },
    ],
    "isLast": True,
    "maxResults": 100,
    "startAt": 0,
    "total": 2,
}


class Jira:
    """XEN-40 and XEN-41 of the fixtures; PUT applies ``update`` and ``fields``."""

    def __init__(self) -> None:
        self.issues = {
            i["key"]: copy.deepcopy(i) for i in payload("jira", "search_page1")["issues"]
        }
        self.versions: list[dict[str, Any]] = payload("jira", "versions")
        self.requests: list[httpx.Request] = []
        self.refuse: httpx.Response | None = None

    def __call__(self, req: httpx.Request) -> httpx.Response:
        self.requests.append(req)
        path = req.url.path
        key = path.rsplit("/", 1)[-1]
        if req.method == "GET" and path.startswith("/rest/api/3/issue/"):
            return respond(self.issues[key])
        if path == "/rest/api/3/project/XEN/versions":
            return respond(self.versions)
        if path == "/rest/api/3/project/XEN":
            return respond({"id": "10000", "key": "XEN", "name": "Xen"})
        if path == "/rest/api/3/priority/search":
            return respond(PRIORITIES)
        if req.method == "POST" and path == "/rest/api/3/version":
            made = {
                "id": "10410",
                "name": sent(req)[2]["name"],
                "archived": False,
                "released": False,
                "projectId": 10000,
            }
            self.versions.append(made)
            return respond(made, 201)
        if req.method == "PUT" and path.startswith("/rest/api/3/issue/"):
            if self.refuse is not None:
                return self.refuse
            self.apply(self.issues[key]["fields"], sent(req)[2])
            return httpx.Response(204)
        return respond({"errorMessages": ["not found"], "errors": {}}, 404)

    def apply(self, fields: dict[str, Any], body: dict[str, Any]) -> None:
        for verb in body.get("update", {}).get("fixVersions", []):
            if "remove" in verb:
                fields["fixVersions"] = [
                    v for v in fields["fixVersions"] if v["id"] != verb["remove"]["id"]
                ]
            else:
                fields["fixVersions"] += [v for v in self.versions if v["id"] == verb["add"]["id"]]
        for verb in body.get("update", {}).get("labels", []):
            if "remove" in verb:
                fields["labels"].remove(verb["remove"])
            else:
                fields["labels"].append(verb["add"])
        for name, value in body.get("fields", {}).items():
            fields[name] = (
                {
                    "id": value["id"],
                    "name": next(p["name"] for p in PRIORITIES["values"] if p["id"] == value["id"]),
                }
                if name == "priority"
                else value
            )
        fields["updated"] = "2024-06-01T12:00:00.000+0000"

    @property
    def writes(self) -> list[tuple[str, str, Any]]:
        return [sent(r) for r in self.requests if r.method not in ("GET",)]


def _setup(tmp_path: Path, server: Jira, key: str, **change: Any) -> tuple[Plan, Any]:
    base = JiraAdapter(CONFIG)._item(server.issues[key])
    cache = synced_cache(tmp_path, CONFIG, [base])
    return Plan("t", Policy(), (), (dataclasses.replace(base, **change),)), cache


def _push(plan: Plan, cache: Any, server: Jira, **kw: Any) -> tuple[Any, Saved]:
    saved = Saved()
    return run_push(
        plan, [CONFIG], cache, saved, env=ENV, transport=httpx.MockTransport(server), **kw
    ), saved


def test_target_swaps_one_fix_version_labels_and_backport_field_in_one_put(tmp_path: Path) -> None:
    server = Jira()
    plan, cache = _setup(
        tmp_path,
        server,
        "XEN-41",
        target="4.1",
        blocker=False,
        backports={"3.4": B.DONE, "3.3": B.DONE},
    )
    result, saved = _push(plan, cache, server, create_versions=True)

    assert [(w.field, w.outcome) for w in result.writes] == [
        ("target", Outcome.WRITTEN),
        ("blocker", Outcome.WRITTEN),
        ("backports.3.4", Outcome.WRITTEN),
    ]
    assert server.writes == [
        ("POST", "/rest/api/3/version", {"name": "4.1", "projectId": 10000}),
        (
            "PUT",
            "/rest/api/3/issue/XEN-41",
            {
                "update": {
                    "fixVersions": [{"remove": {"id": "10400"}}, {"add": {"id": "10410"}}],
                    "labels": [{"remove": "blocker"}],
                },
                "fields": {"customfield_10100": "3.4: DONE, 3.3: DONE"},
            },
        ),
    ]
    fields = server.issues["XEN-41"]["fields"]
    assert [v["name"] for v in fields["fixVersions"]] == ["3.4.2", "4.1"]  # the backport's stays
    assert saved.plans and again_nothing(saved.plans[0], cache, server)


def again_nothing(plan: Plan, cache: Any, server: Jira) -> bool:
    result, _ = _push(plan, cache, server)
    return result.writes == ()


def test_a_blocker_word_that_is_a_jira_priority_sets_the_priority(tmp_path: Path) -> None:
    server = Jira()
    plan, cache = _setup(tmp_path, server, "XEN-40", blocker=True, state=State.REJECTED)
    result, _ = _push(plan, cache, server)

    by_field = {w.field: w for w in result.writes}
    assert by_field["blocker"].outcome is Outcome.WRITTEN
    assert by_field["state"].outcome is Outcome.SKIPPED
    assert "workflow transitions" in str(by_field["state"])
    assert server.writes == [
        ("PUT", "/rest/api/3/issue/XEN-40", {"fields": {"priority": {"id": "1"}}})
    ]


def test_jiras_permission_refusal_is_quoted_with_the_token_variable(tmp_path: Path) -> None:
    server = Jira()
    server.refuse = respond(
        {
            "errorMessages": ["You do not have permission to edit issues in this project."],
            "errors": {},
        },
        403,
    )
    plan, cache = _setup(tmp_path, server, "XEN-41", blocker=False)
    result, saved = _push(plan, cache, server)
    text = str(result.failure[0])
    assert "$JIRA_TOKEN needs write access" in text and "permission to edit issues" in text
    assert TOKEN not in text and saved.plans == []
