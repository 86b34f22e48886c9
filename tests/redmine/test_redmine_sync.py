"""Syncing from a real Redmine 5: pages, closed issues, versions, Backport, incremental, faults."""

from __future__ import annotations

import dataclasses
import datetime as dt
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from redmine_server import (
    ROOT,
    TOKEN_ENV,
    CountingTransport,
    Redmine,
    source_table,
)

from relplan.planner.domain.errors import SourceError
from relplan.planner.domain.model import BackportState, Plan, Priority, State
from relplan.planner.domain.policy import Policy
from relplan.planner.store.cache import Cache
from relplan.planner.store.planfile import load_plan, save_plan
from relplan.planner.trackers.base import SourceConfig
from relplan.planner.trackers.sync import SyncResult, run_sync

B = BackportState
BACKPORTS = {  # the seeded values, spelled out (seed.rb)
    None: {},
    "4.0: REQUIRED, 3.4: DONE": {"4.0": B.REQUIRED, "3.4": B.DONE},
    "3.4: DONTNEED": {"3.4": B.DONTNEED},
    "4.0: WONTFIX, 3.4: REQUIRED": {"4.0": B.WONTFIX, "3.4": B.REQUIRED},
}
TARGETS = {"3.4": "3.4", "4.0": "4.0", "4.1": "4.1", "Someday": None, None: None}


class Synced:
    """Plan + cache of one simulated user, synced in-process through the real network."""

    def __init__(self, server: Redmine, project: str, folder: Path, plan: Plan | None = None):
        self.server, self.folder = server, folder
        self.config = SourceConfig.from_table(source_table(server, project))
        self.plan = plan or Plan("test", Policy())
        self.saves = 0

    def save(self, plan: Plan) -> None:
        self.plan = plan
        self.saves += 1

    def sync(
        self, *, full: bool = False, transport: Any = None, key: str | None = None, **http: Any
    ) -> tuple[SyncResult, CountingTransport]:
        transport = transport or CountingTransport()
        with Cache.open(self.folder / "cache") as cache:
            result = run_sync(
                self.plan,
                [self.config],
                cache,
                self.save,
                full=full,
                env={TOKEN_ENV: key or self.server.api_key},
                transport=transport,
                http_options=http or None,
            )
        return result, transport

    def conflicts(self) -> list[Any]:
        with Cache.open(self.folder / "cache") as cache:
            return cache.conflicts()


def test_full_sync_reads_every_issue_open_and_closed_across_pages(
    redmine: Redmine, tmp_path: Path
) -> None:
    user = Synced(redmine, "relplan", tmp_path)
    result, transport = user.sync()
    seeded = redmine.issues("relplan")
    assert len(seeded) == 130
    assert {it.id for it in user.plan.items} == {f"xen#{i['id']}" for i in seeded}
    by_id = {it.id: it for it in user.plan.items}
    for issue in seeded:
        item = by_id[f"xen#{issue['id']}"]
        if issue["status"] == "Rejected":
            assert item.state is State.REJECTED
        elif issue["closed"]:
            assert item.state is State.DONE
        elif issue["status"] == "In Progress":
            assert item.state is State.IN_PROGRESS
        else:
            assert item.state in (State.ACCEPTED, State.PROPOSED)
        assert item.kind.value == issue["tracker"].lower()
        assert (item.priority is Priority.CRITICAL) == (issue["priority"] == "Immediate")
    assert sum(i["closed"] for i in seeded) >= 30
    assert not any(it.title.startswith("Not ours") for it in user.plan.items)
    pages = [u for u in transport.urls if "/issues.json" in u]
    assert len(pages) == 2 and any("offset=100" in u for u in pages)
    assert all("status_id=%2A" in u or "status_id=*" in u for u in pages)
    assert transport.count == 4  # 2 pages + versions + the token check
    assert result.outcomes[0].requests == 4 and result.outcomes[0].complete


def test_versions_with_due_dates_become_releases_and_targets(
    redmine: Redmine, tmp_path: Path
) -> None:
    user = Synced(redmine, "relplan", tmp_path)
    result, _ = user.sync()
    assert sorted(result.outcomes[0].releases_added) == ["3.4", "4.0", "4.1"]
    assert user.plan.spec("3.4").actual == dt.date(2009, 5, 18)  # closed: shipped
    assert user.plan.spec("4.0").pins["release"] == dt.date(2010, 1, 15)
    assert user.plan.spec("4.1").pins["release"] == dt.date(2010, 4, 30)
    assert user.plan.spec("Someday") is None
    for issue in redmine.issues("relplan"):
        assert user.plan.item(f"xen#{issue['id']}").target == TARGETS[issue["version"]]


def test_the_backport_field_becomes_per_series_states(redmine: Redmine, tmp_path: Path) -> None:
    user = Synced(redmine, "relplan", tmp_path)
    user.sync()
    seeded = redmine.issues("relplan")
    assert sum(1 for i in seeded if i["backport"]) >= 30
    for issue in seeded:
        item = user.plan.item(f"xen#{issue['id']}")
        assert dict(item.backports) == BACKPORTS[issue["backport"]], issue


def test_a_no_change_resync_costs_at_most_three_requests(redmine: Redmine, tmp_path: Path) -> None:
    user = Synced(redmine, "relplan", tmp_path)
    user.sync()
    plan_before, saves = user.plan, user.saves
    result, transport = user.sync()
    assert transport.count <= 3, transport.urls
    assert not result.plan_changed and user.saves == saves and user.plan == plan_before
    assert not result.outcomes[0].complete and result.outcomes[0].changed == 0
    assert any("updated_on=%3E%3D2026-01-01" in u for u in transport.urls)


def _version_ids(server: Redmine, project: str) -> dict[str, int]:
    r = httpx.get(
        f"{server.url}/projects/{project}/versions.json",
        headers={"X-Redmine-API-Key": server.api_key},
        timeout=30,
    )
    return {v["name"]: v["id"] for v in r.json()["versions"]}


def test_incremental_resync_takes_tracker_changes_and_keeps_local_triage(
    redmine: Redmine, tmp_path: Path
) -> None:
    user = Synced(redmine, "edits", tmp_path)
    user.sync()
    seeded = redmine.issues("edits")
    moved = next(i["id"] for i in seeded if i["version"] is None and not i["closed"])
    renamed, triaged = [i["id"] for i in seeded if i["id"] != moved and not i["closed"]][:2]
    # local triage: the maintainer moves two items in the plan
    items = {it.id: it for it in user.plan.items}
    items[f"xen#{moved}"] = dataclasses.replace(items[f"xen#{moved}"], target="4.1")
    items[f"xen#{triaged}"] = dataclasses.replace(items[f"xen#{triaged}"], priority=Priority.LOW)
    user.plan = user.plan.with_items(items.values())
    # the tracker changes three issues
    versions = _version_ids(redmine, "edits")
    field = redmine.field_id("Backport")
    redmine.put_issue(moved, {"fixed_version_id": versions["4.0"]})
    redmine.put_issue(
        renamed,
        {
            "subject": "Renamed upstream",
            "custom_fields": [{"id": field, "value": "4.1: REQUIRED, 4.0: DONE"}],
        },
    )
    redmine.put_issue(triaged, {"notes": "a comment changes nothing we track"})

    result, transport = user.sync()
    outcome = result.outcomes[0]
    assert not outcome.complete and transport.count <= 3
    assert sorted(outcome.updated) == sorted(f"xen#{i}" for i in (moved, renamed, triaged))
    new = user.plan.item(f"xen#{renamed}")
    assert new.title == "Renamed upstream"
    assert dict(new.backports) == {"4.1": B.REQUIRED, "4.0": B.DONE}
    assert user.plan.item(f"xen#{moved}").target == "4.1"  # local decision kept ...
    commented = user.plan.item(f"xen#{triaged}")
    assert commented.priority is Priority.LOW  # only its tracker timestamp moved
    assert commented.updated > dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    conflicts = user.conflicts()  # ... and the clash recorded for the maintainer
    assert [(c.item, c.field, c.local, c.tracker) for c in conflicts] == [
        (f"xen#{moved}", "target", "4.1", "4.0")
    ]
    assert [str(c) for c in outcome.conflicts] == [str(conflicts[0])]
    assert len(user.plan.items) == 20


def _snapshot(folder: Path) -> dict[str, Any]:
    """Plan bytes and the cache's full contents (as SQL), to compare before/after."""
    db = folder / "cache" / "relplan" / "cache.sqlite3"
    out: dict[str, Any] = {"plan": (folder / "plan.toml").read_bytes()}
    if db.exists():
        with sqlite3.connect(db) as conn:
            out["cache"] = list(conn.iterdump())
    return out


def _prepare(redmine: Redmine, folder: Path) -> Synced:
    """A user with a plan file holding one local item and a cache from an earlier sync."""
    user = Synced(redmine, "relplan", folder)
    user.sync()
    local = dataclasses.replace(user.plan.items[0], id="local#1", title="keep me")
    plan = user.plan.with_items([local, *user.plan.items[:5]])
    save_plan(plan, [], folder / "plan.toml", None)
    user.plan, user.saves = load_plan(folder / "plan.toml").plan, 0
    return user


@pytest.mark.parametrize("fault", ["network", "ctrl+c"])
def test_an_interrupted_sync_leaves_plan_and_cache_as_they_were(
    redmine: Redmine, tmp_path: Path, fault: str
) -> None:
    user = _prepare(redmine, tmp_path)
    before = _snapshot(tmp_path)
    error = KeyboardInterrupt() if fault == "ctrl+c" else None
    cut = CountingTransport(fail_at=3, error=error)
    expected = KeyboardInterrupt if fault == "ctrl+c" else SourceError
    with pytest.raises(expected):
        user.sync(full=True, transport=cut, retries=0)
    assert cut.count >= 3 and user.saves == 0
    assert _snapshot(tmp_path) == before


def test_a_sync_killed_while_writing_leaves_plan_and_cache_as_they_were(
    redmine: Redmine, tmp_path: Path
) -> None:
    _prepare(redmine, tmp_path)
    before = _snapshot(tmp_path)
    code = f"""
import os, signal, sys
sys.path.insert(0, {str(Path(__file__).parent)!r})
from pathlib import Path
from redmine_server import Redmine, source_table
from relplan.planner.store.cache import Cache
from relplan.planner.store.planfile import load_plan
from relplan.planner.trackers.base import SourceConfig
from relplan.planner.trackers.sync import run_sync
server = Redmine({redmine.url!r}, {redmine.api_key!r}, Path("."), {{}})
config = SourceConfig.from_table(source_table(server, "relplan"))
folder = Path({str(tmp_path)!r})
plan = load_plan(folder / "plan.toml").plan
def save(plan):  # killed after the cache staged everything, before the plan is written
    os.kill(os.getpid(), signal.SIGKILL)
with Cache.open(folder / "cache") as cache:
    run_sync(plan, [config], cache, save, full=True, env={{{TOKEN_ENV!r}: {redmine.api_key!r}}})
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert _snapshot(tmp_path) == before


def test_a_wrong_token_fails_naming_the_variable_and_loses_nothing(
    redmine: Redmine, tmp_path: Path
) -> None:
    user = _prepare(redmine, tmp_path)
    before = _snapshot(tmp_path)
    with pytest.raises(SourceError) as info:
        user.sync(key="0" * 40)
    text = str(info.value)
    assert "401" in text and f"${TOKEN_ENV}" in text and "0" * 40 not in text
    assert _snapshot(tmp_path) == before


def test_a_malformed_backport_value_is_a_warning_naming_the_issue(
    redmine: Redmine, tmp_path: Path
) -> None:
    last = redmine.issues("edits")[-1]["id"]
    redmine.put_issue(
        last,
        {"custom_fields": [{"id": redmine.field_id("Backport"), "value": "4.1: soon, 4.0: DONE"}]},
    )
    user = Synced(redmine, "edits", tmp_path)
    result, _ = user.sync()
    [warning] = [w for w in result.outcomes[0].warnings if f"issue {last}" in str(w)]
    assert "'4.1: soon'" in str(warning) and warning.field == "sources.xen"
    assert dict(user.plan.item(f"xen#{last}").backports) == {"4.0": B.DONE}
    assert len(user.plan.items) == 20
