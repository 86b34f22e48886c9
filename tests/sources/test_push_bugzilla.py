"""Pushing to Bugzilla 5 through MockTransport, in the documented request/response shapes:
``GET``/``PUT /rest/bug/{id}`` (``target_milestone``, ``keywords: {add, remove}``, custom
``cf_*`` fields), ``GET /rest/field/bug/{name}``, ``GET /rest/product``."""

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
from relplan.planner.trackers.bugzilla import BugzillaAdapter
from relplan.planner.trackers.push import Outcome
from relplan.planner.trackers.pushing import run_push

B = BackportState
TABLE = {
    "name": "gecko", "kind": "bugzilla", "url": "https://bugzilla.mozilla.org",
    "project": "Core", "token_env": "BMO_API_KEY", "release_pattern": r"^(\d+) Branch$",
    "blocker": ["regression"], "backport_field": "cf_backport",
}  # fmt: skip
ENV = {"BMO_API_KEY": TOKEN}
FIELD_VALUES = {
    "bug_severity": ["--", "S1", "S2", "S3", "S4", "N/A"],
    "priority": ["--", "P1", "P2", "P3", "P4", "P5"],
}


class Bugzilla:
    """Two bugs of the fixtures; PUT applies the documented parameters."""

    def __init__(self) -> None:
        self.bugs = {b["id"]: copy.deepcopy(b) for b in payload("bugzilla", "bugs_page1")["bugs"]}
        self.requests: list[httpx.Request] = []

    def __call__(self, req: httpx.Request) -> httpx.Response:
        self.requests.append(req)
        path = req.url.path
        if path == "/rest/product":
            return respond(payload("bugzilla", "product"))
        if path.startswith("/rest/field/bug/"):
            name = path.rsplit("/", 1)[1]
            return respond(
                {
                    "fields": [
                        {
                            "name": name,
                            "values": [
                                {"name": v, "sort_key": i, "is_active": True}
                                for i, v in enumerate(FIELD_VALUES[name])
                            ],
                        }
                    ]
                }
            )
        bug = self.bugs[int(path.rsplit("/", 1)[1])]
        if req.method == "GET":
            return respond({"bugs": [bug], "faults": []})
        body = sent(req)[2]
        for name, value in body.items():
            if name == "keywords":
                bug["keywords"] = [k for k in bug["keywords"] if k not in value.get("remove", [])]
                bug["keywords"] += value.get("add", [])
            else:
                bug[name] = value
        bug["last_change_time"] = "2024-03-09T09:00:00Z"
        return respond(
            {
                "bugs": [
                    {
                        "id": bug["id"],
                        "alias": [],
                        "last_change_time": bug["last_change_time"],
                        "changes": {},
                    }
                ]
            }
        )

    @property
    def writes(self) -> list[tuple[str, str, Any]]:
        return [sent(r) for r in self.requests if r.method != "GET"]


def _push(
    tmp_path: Path, server: Bugzilla, bug: int, table: dict[str, Any] | None = None, **change: Any
) -> Any:
    config = SourceConfig.from_table(table or TABLE)
    base = BugzillaAdapter(config)._item(server.bugs[bug])
    cache = synced_cache(tmp_path, config, [base])
    plan = Plan("t", Policy(), (), (dataclasses.replace(base, **change),))
    return run_push(
        plan,
        [config],
        cache,
        Saved(),
        env=ENV,
        create_versions=True,
        transport=httpx.MockTransport(server),
    )


def test_milestone_keyword_and_backport_field_in_one_put(tmp_path: Path) -> None:
    server = Bugzilla()
    result = _push(
        tmp_path, server, 1880002, target="125", blocker=True, backports={"124": B.REQUIRED}
    )
    assert {w.outcome for w in result.writes} == {Outcome.WRITTEN}
    assert server.writes == [
        (
            "PUT",
            "/rest/bug/1880002",
            {
                "target_milestone": "125 Branch",
                "keywords": {"add": ["regression"]},
                "cf_backport": "124: REQUIRED",
            },
        )
    ]
    put = next(r for r in server.requests if r.method == "PUT")
    assert put.headers["x-bugzilla-api-key"] == TOKEN


def test_status_flags_carry_backports_and_a_blocker_keyword_is_removed(tmp_path: Path) -> None:
    server = Bugzilla()
    table = {
        **{k: v for k, v in TABLE.items() if k != "backport_field"},
        "status_flags": ["cf_status_firefox{series}", "cf_status_firefox_esr{series}"],
    }
    result = _push(
        tmp_path,
        server,
        1880001,
        table,
        blocker=False,
        backports={"123": B.WONTFIX, "124": B.DONE, "115": B.DONE},
    )
    assert [(w.field, w.outcome) for w in result.writes] == [
        ("blocker", Outcome.WRITTEN),
        ("backports.124", Outcome.WRITTEN),
    ]
    assert server.writes == [
        (
            "PUT",
            "/rest/bug/1880001",
            {"keywords": {"remove": ["regression"]}, "cf_status_firefox124": "fixed"},
        )
    ]


def test_a_missing_milestone_cannot_be_created_over_rest_and_says_so(tmp_path: Path) -> None:
    server = Bugzilla()
    result = _push(tmp_path, server, 1880002, target="126")
    (write,) = result.writes
    assert write.outcome is Outcome.MISSING
    assert "no milestone '126'" in str(write) and "cannot create milestones" in str(write)
    assert server.writes == []
