"""`relplan push` against a real Redmine 5: writes, idempotence, conflicts, versions, rights.

One project (``pushes``, 64 seeded issues, two more open versions) serves every test;
each test takes issues no other test touches (:func:`take`), so their order is free.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from redmine_server import TOKEN_ENV, Redmine, _script, run_cli

from relplan.planner.domain import ops
from relplan.planner.domain.model import BackportState, Item, Plan, State
from relplan.planner.domain.policy import Policy
from relplan.planner.store.cache import FILENAME, Cache
from relplan.planner.store.planfile import load_plan
from relplan.planner.trackers.base import SourceConfig
from relplan.planner.trackers.push import Outcome, PushResult
from relplan.planner.trackers.pushing import run_push
from relplan.planner.trackers.sync import run_sync

PROJECT = "pushes"
B = BackportState
TABLE = {
    "name": "xen", "kind": "redmine", "project": PROJECT, "token_env": TOKEN_ENV,
    "backport_field": "Backport", "blocker": ["Immediate"], "states": {"Rejected": "rejected"},
}  # fmt: skip
_taken: set[int] = set()


@dataclasses.dataclass
class Project:
    server: Redmine
    issues: list[dict[str, Any]]
    viewer_key: str  # a member whose role may only view issues
    outsider_key: str  # no member: Redmine's "Non member" role may view and add notes

    def take(self, pred: Callable[[dict[str, Any]], bool]) -> int:
        """An issue of the project that no other test uses, matching ``pred``."""
        for issue in self.issues:
            if issue["id"] not in _taken and pred(issue):
                _taken.add(issue["id"])
                return int(issue["id"])
        raise AssertionError("no seeded issue left for this test")

    def open_on_4_0(self, backport: str | None = None) -> int:
        return self.take(
            lambda i: (
                not i["closed"]
                and i["version"] == "4.0"
                and (backport is None or i["backport"] == backport)
            )
        )

    def get(self, issue_id: int) -> dict[str, Any]:
        r = httpx.get(
            f"{self.server.url}/issues/{issue_id}.json",
            timeout=30,
            headers={"X-Redmine-API-Key": self.server.api_key},
        )
        issue: dict[str, Any] = r.json()["issue"]
        return issue

    def versions(self) -> dict[str, int]:
        r = httpx.get(
            f"{self.server.url}/projects/{PROJECT}/versions.json",
            timeout=30,
            headers={"X-Redmine-API-Key": self.server.api_key},
        )
        return {v["name"]: v["id"] for v in r.json()["versions"]}


def _admin(server: Redmine, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = httpx.request(
        method,
        f"{server.url}/{path}",
        json=body,
        timeout=30,
        headers={"X-Redmine-API-Key": server.api_key},
    )
    assert r.status_code in (200, 201), r.text
    data: dict[str, Any] = r.json()
    return data


def _user(server: Redmine, login: str) -> tuple[int, str]:
    """A new user (id, API key) made by the admin over REST."""
    made = _admin(
        server,
        "POST",
        "users.json",
        {
            "user": {
                "login": login,
                "firstname": login,
                "lastname": "Test",
                "mail": f"{login}@example.org",
                "password": f"{login}-password-1",
            }
        },
    )["user"]
    shown = httpx.get(
        f"{server.url}/users/{made['id']}.json",
        timeout=30,
        headers={"X-Redmine-API-Key": server.api_key},
    ).json()["user"]
    return int(made["id"]), str(shown["api_key"])


@pytest.fixture(scope="module")
def project(redmine: Redmine) -> Project:
    """The ``pushes`` project, versions 4.2 and 5.0 added, and two users who may not edit:
    a member with the Viewer role (setup.rb) and a non-member."""
    _script("seed", str(redmine.folder), "64", PROJECT)
    manifest = json.loads((redmine.folder / f"manifest-{PROJECT}.json").read_text())
    for name in ("4.2", "5.0"):
        _admin(redmine, "POST", f"projects/{PROJECT}/versions.json", {"version": {"name": name}})
    roles = httpx.get(
        f"{redmine.url}/roles.json", timeout=30, headers={"X-Redmine-API-Key": redmine.api_key}
    ).json()["roles"]
    viewer_id, viewer_key = _user(redmine, "viewer")
    _admin(
        redmine,
        "POST",
        f"projects/{PROJECT}/memberships.json",
        {
            "membership": {
                "user_id": viewer_id,
                "role_ids": [r["id"] for r in roles if r["name"] == "Viewer"],
            }
        },
    )
    return Project(redmine, manifest["issues"], viewer_key, _user(redmine, "outsider")[1])


class Recording(httpx.AsyncBaseTransport):
    """The real network, recording (method, path) of each request; cuts the network at
    the ``fail_at``-th write."""

    def __init__(self, fail_at: int | None = None, error: BaseException | None = None) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.sent: list[tuple[str, str]] = []
        self.fail_at, self.error = fail_at, error

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append((request.method, request.url.path))
        if self.fail_at is not None and len(self.writes) > self.fail_at:
            raise self.error or httpx.ConnectError("cut", request=request)
        return await self.inner.handle_async_request(request)

    @property
    def writes(self) -> list[tuple[str, str]]:
        return [s for s in self.sent if s[0] != "GET"]

    async def aclose(self) -> None:
        await self.inner.aclose()


class User:
    """One maintainer: a plan and a cache, synced and pushed in-process over the network."""

    def __init__(self, project: Project, folder: Path, **rules: Any) -> None:
        self.project, self.folder = project, folder
        self.config = SourceConfig.from_table({**TABLE, "url": project.server.url, **rules})
        self.plan = Plan("test", Policy())
        self.saves = 0

    def save(self, plan: Plan) -> None:
        self.plan, self.saves = plan, self.saves + 1

    def sync(self) -> Any:
        with Cache.open(self.folder / "cache") as cache:
            return run_sync(
                self.plan,
                [self.config],
                cache,
                self.save,
                env={TOKEN_ENV: self.project.server.api_key},
            )

    def push(
        self, *, key: str | None = None, transport: Recording | None = None, **kw: Any
    ) -> tuple[PushResult, Recording]:
        transport = transport or Recording()
        with Cache.open(self.folder / "cache") as cache:
            result = run_push(
                self.plan,
                [self.config],
                cache,
                self.save,
                env={TOKEN_ENV: key or self.project.server.api_key},
                transport=transport,
                **kw,
            )
        return result, transport

    def edit(self, issue_id: int, change: Callable[[Item], Item]) -> None:
        item = self.plan.item(f"xen#{issue_id}")
        self.plan = self.plan.with_items(
            change(item) if it.id == item.id else it for it in self.plan.items
        )

    def conflicts(self) -> list[Any]:
        with Cache.open(self.folder / "cache") as cache:
            return cache.conflicts()


def outcomes(result: PushResult) -> dict[tuple[str, str], Outcome]:
    return {(w.item, w.field): w.outcome for w in result.writes}


def test_push_writes_each_decision_once_and_a_second_push_writes_nothing(
    project: Project, tmp_path: Path
) -> None:
    moved, blocker, rejected = (project.open_on_4_0() for _ in range(3))
    backported = project.open_on_4_0(backport="4.0: REQUIRED, 3.4: DONE")
    user = User(project, tmp_path)
    user.sync()
    user.edit(moved, lambda it: dataclasses.replace(it, target="4.2"))
    user.edit(blocker, lambda it: dataclasses.replace(it, blocker=True))
    user.edit(
        backported,
        lambda it: dataclasses.replace(
            it, backports={**it.backports, "4.0": B.DONE, "3.3": B.REQUIRED}
        ),
    )
    user.plan = ops.reject(user.plan, [f"xen#{rejected}"]).plan
    user.saves = 0

    result, transport = user.push()

    assert not result.failure and not result.failed
    assert set(outcomes(result).values()) == {Outcome.WRITTEN}
    assert sorted(outcomes(result)) == sorted(
        [
            (f"xen#{moved}", "target"),
            (f"xen#{blocker}", "blocker"),
            (f"xen#{backported}", "backports.4.0"),
            (f"xen#{backported}", "backports.3.3"),
            (f"xen#{rejected}", "target"),
            (f"xen#{rejected}", "state"),
        ]
    )
    assert sorted(transport.writes) == sorted(
        ("PUT", f"/issues/{i}.json") for i in (moved, blocker, backported, rejected)
    )
    assert project.get(moved)["fixed_version"]["name"] == "4.2"
    assert project.get(blocker)["priority"]["name"] == "Immediate"
    # edited in place: the series nobody changed kept, the new one after the newer ones
    assert project.get(backported)["custom_fields"][0]["value"] == (
        "4.0: DONE, 3.4: DONE, 3.3: REQUIRED"
    )
    gone = project.get(rejected)
    assert gone["status"]["name"] == "Rejected" and "fixed_version" not in gone
    assert user.saves == 1  # the plan took the tracker's new update stamps

    again, transport = user.push()
    assert again.writes == () and transport.sent == []  # nothing to push: no request at all

    synced = user.sync()
    assert synced.outcomes[0].conflicts == [] and user.conflicts() == []
    assert user.plan.item(f"xen#{moved}").target == "4.2"
    assert user.plan.item(f"xen#{blocker}").blocker
    assert user.plan.item(f"xen#{rejected}").state is State.REJECTED
    assert user.push()[0].writes == ()


def test_a_field_changed_in_redmine_since_the_sync_is_a_conflict_and_not_written(
    project: Project, tmp_path: Path
) -> None:
    issue = project.open_on_4_0()
    user = User(project, tmp_path)
    user.sync()
    user.edit(issue, lambda it: dataclasses.replace(it, target="4.2", blocker=True))
    project.server.put_issue(issue, {"fixed_version_id": project.versions()["5.0"]})

    result, transport = user.push()

    assert outcomes(result) == {
        (f"xen#{issue}", "target"): Outcome.CONFLICT,
        (f"xen#{issue}", "blocker"): Outcome.WRITTEN,
    }
    conflict = next(w for w in result.writes if w.outcome is Outcome.CONFLICT)
    assert conflict.tracker == "5.0"
    assert str(conflict) == (
        f"xen#{issue}: target 4.0 -> 4.2 (conflict: the tracker says 5.0 "
        "since the last sync; not written)"
    )
    now = project.get(issue)
    assert now["fixed_version"]["name"] == "5.0"  # their change stands
    assert now["priority"]["name"] == "Immediate"  # the field nobody else touched was written
    assert result.ids(Outcome.CONFLICT) == [f"xen#{issue}"]
    synced = user.sync()  # the next sync lists the same clash, keeping the plan's value
    assert [(c.field, c.local, c.tracker) for c in synced.outcomes[0].conflicts] == [
        ("target", "4.2", "5.0")
    ]


def test_a_missing_version_is_reported_and_created_only_when_asked(
    project: Project, tmp_path: Path
) -> None:
    issue = project.open_on_4_0()
    user = User(project, tmp_path)
    user.sync()
    user.edit(issue, lambda it: dataclasses.replace(it, target="4.3"))

    result, transport = user.push()
    (write,) = result.writes
    assert write.outcome is Outcome.MISSING and "no version '4.3'" in str(write)
    assert transport.writes == [] and "4.3" not in project.versions()
    assert project.get(issue)["fixed_version"]["name"] == "4.0"

    dry, transport = user.push(dry_run=True, create_versions=True)
    assert [w.outcome for w in dry.writes] == [Outcome.WOULD_WRITE]
    assert transport.writes == [] and "4.3" not in project.versions()

    made, transport = user.push(create_versions=True)
    assert [w.outcome for w in made.writes] == [Outcome.WRITTEN]
    assert transport.writes == [
        ("POST", f"/projects/{PROJECT}/versions.json"),
        ("PUT", f"/issues/{issue}.json"),
    ]
    assert project.get(issue)["fixed_version"]["name"] == "4.3"
    assert any("created version '4.3'" in str(n) for n in made.notes)


def _snapshot(folder: Path) -> list[str]:
    with sqlite3.connect(folder / "cache" / FILENAME) as conn:
        return list(conn.iterdump())


def test_a_read_only_token_is_told_to_need_write_access_and_nothing_changes(
    project: Project, tmp_path: Path
) -> None:
    issue = project.open_on_4_0()
    user = User(project, tmp_path)
    user.sync()
    user.edit(issue, lambda it: dataclasses.replace(it, target="4.2", blocker=True))
    before, cache_before, plan_before = project.get(issue), _snapshot(tmp_path), user.plan
    user.saves = 0

    result, transport = user.push(key=project.viewer_key)  # Redmine answers 403

    (problem,) = result.failure
    text = str(problem)
    assert "HTTP 403" in text and f"${TOKEN_ENV}" in text and "write access" in text
    assert project.viewer_key not in text
    assert {w.outcome for w in result.writes} == {Outcome.UNWRITTEN} and result.written == []
    assert transport.writes == [("PUT", f"/issues/{issue}.json")]  # refused, once
    assert project.get(issue) == before
    assert _snapshot(tmp_path) == cache_before and user.plan == plan_before and user.saves == 0


def test_a_change_redmine_answers_but_ignores_is_not_taken_naming_the_token(
    project: Project, tmp_path: Path
) -> None:
    """A non-member may add notes, so Redmine answers 204 and drops every field it may
    not change: the read-back shows it, and nothing is recorded as pushed."""
    issue = project.open_on_4_0()
    user = User(project, tmp_path)
    user.sync()
    user.edit(issue, lambda it: dataclasses.replace(it, target="4.2"))

    result, _ = user.push(key=project.outsider_key)

    (write,) = result.writes
    assert write.outcome is Outcome.NOT_TAKEN and write.tracker == "4.0"
    assert f"the token in ${TOKEN_ENV} may lack the right" in str(write)
    assert project.get(issue)["fixed_version"]["name"] == "4.0"
    again, _ = user.push()  # with the admin's key the decision still goes out
    assert [w.outcome for w in again.writes] == [Outcome.WRITTEN]


@pytest.mark.parametrize("fault", ["network", "ctrl+c"])
def test_a_failure_half_way_says_what_was_written_and_the_cache_records_it(
    project: Project, tmp_path: Path, fault: str
) -> None:
    first, second, third = sorted(project.open_on_4_0() for _ in range(3))
    user = User(project, tmp_path)
    user.sync()
    for issue in (first, second, third):
        user.edit(issue, lambda it: dataclasses.replace(it, target="4.2"))

    cut = Recording(fail_at=1, error=KeyboardInterrupt() if fault == "ctrl+c" else None)
    if fault == "ctrl+c":  # the interrupt goes on up; what was written is recorded first
        with pytest.raises(KeyboardInterrupt):
            user.push(transport=cut)
    else:
        result, _ = user.push(transport=cut)  # the 2nd write is cut
        assert result.written == [f"xen#{first}"]
        assert outcomes(result) == {
            (f"xen#{first}", "target"): Outcome.WRITTEN,
            (f"xen#{second}", "target"): Outcome.UNWRITTEN,
            (f"xen#{third}", "target"): Outcome.UNWRITTEN,
        }
        assert "no answer to PUT" in str(result.failure[0])
    assert [project.get(i)["fixed_version"]["name"] for i in (first, second, third)] == [
        "4.2", "4.0", "4.0"]  # fmt: skip

    rest, transport = user.push()  # the cache and the plan know the first one went out
    assert outcomes(rest) == {
        (f"xen#{second}", "target"): Outcome.WRITTEN,
        (f"xen#{third}", "target"): Outcome.WRITTEN,
    }
    assert [p for _, p in transport.writes] == [f"/issues/{second}.json", f"/issues/{third}.json"]


@pytest.fixture
def cli(project: Project, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    config = tmp_path / "relplan.config.toml"
    config.write_text(
        f'[cache]\ndir = "{tmp_path / "cache"}"\n\n[[sources]]\nname = "xen"\nkind = "redmine"\n'
        f'url = "{project.server.url}"\nproject = "{PROJECT}"\ntoken_env = "{TOKEN_ENV}"\n'
        'backport_field = "Backport"\nblocker = ["Immediate"]\n'
    )
    env = {**os.environ, TOKEN_ENV: project.server.api_key, "HOME": str(tmp_path)}
    common = ["--config", str(config), "--plan", str(tmp_path / "plan.toml")]
    yield lambda *args: run_cli(*common, *args, env=env)


def test_the_command_line_dry_run_lists_writes_then_push_makes_them(
    project: Project, tmp_path: Path, cli: Callable[..., Any]
) -> None:
    moved, clash = project.open_on_4_0(), project.open_on_4_0()
    assert cli("sync").returncode == 0
    for issue in (moved, clash):
        done = cli("set", f"xen#{issue}", "--target", "4.2", "--force")  # after its freeze
        assert done.returncode == 0, done.stderr
    stamp = project.get(moved)["updated_on"]

    dry = cli("push", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"xen#{moved}: target 4.0 -> 4.2\n" in dry.stdout
    assert "nothing was written" in dry.stdout and project.get(moved)["updated_on"] == stamp
    rows = json.loads(cli("push", "--dry-run", "--format", "json").stdout)
    assert rows["dry_run"] and rows["written"] == [] and rows["errors"] == []
    assert {
        (w["id"], w["field"], w["base"], w["plan"], w["tracker"], w["result"])
        for w in rows["writes"]
    } == {(f"xen#{i}", "target", "4.0", "4.2", "4.0", "would-write") for i in (moved, clash)}

    project.server.put_issue(clash, {"fixed_version_id": project.versions()["5.0"]})
    pushed = cli("push")
    assert pushed.returncode == 1, pushed.stderr
    assert f"not pushed: xen#{clash}: the tracker changed them" in pushed.stderr
    assert project.get(moved)["fixed_version"]["name"] == "4.2"
    assert project.get(clash)["fixed_version"]["name"] == "5.0"
    plan = load_plan(tmp_path / "plan.toml").plan
    assert plan.item(f"xen#{moved}").updated is not None

    again = cli("push")
    assert again.returncode == 1 and f"xen#{moved}" not in again.stdout  # only the clash left
    assert project.server.api_key not in again.stdout + again.stderr


async def test_the_dashboard_counts_pending_pushes_lists_them_on_p_and_pushes_on_y(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from relplan.tui.cli import build_parser
    from relplan.tui.cli.dashboard import build_app
    from relplan.tui.screens.dialogs import ConfirmScreen

    issue = project.open_on_4_0()
    monkeypatch.setenv(TOKEN_ENV, project.server.api_key)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    config = tmp_path / "c.toml"
    config.write_text(
        f'[[sources]]\nname = "xen"\nkind = "redmine"\nurl = "{project.server.url}"\n'
        f'project = "{PROJECT}"\ntoken_env = "{TOKEN_ENV}"\n'
    )
    common = ["--config", str(config), "--plan", str(tmp_path / "plan.toml")]
    env = {**os.environ}
    assert run_cli(*common, "sync", env=env).returncode == 0
    assert (
        run_cli(*common, "set", f"xen#{issue}", "--target", "4.2", "--force", env=env).returncode
        == 0
    )
    app = build_app(build_parser().parse_args(common))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.sync_text.endswith(" · 1 pending push (P)")
        await pilot.press("P")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert f"xen#{issue}: target 4.0 -> 4.2" in app.screen.question
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.sync_text.startswith("pushed 1 field(s) of 1 item(s)"), app.sync_text
        assert app.pending == 0 and "pending" not in app.sync_text
    assert project.get(issue)["fixed_version"]["name"] == "4.2"
    assert load_plan(tmp_path / "plan.toml").plan.item(f"xen#{issue}").target == "4.2"
    again = run_cli(*common, "push", env=env)  # nothing left to push
    assert again.returncode == 0 and "nothing to push" in again.stdout
