"""`relplan sync` then `relplan export` in a subprocess, as a user runs them, against Redmine."""

from __future__ import annotations

import json
import os
from pathlib import Path

from redmine_server import TOKEN_ENV, Redmine, run_cli, write_config

from relplan.planner.store.planfile import load_plan

BACKPORTS = {
    None: {},
    "4.0: REQUIRED, 3.4: DONE": {"4.0": "required", "3.4": "done"},
    "3.4: DONTNEED": {"3.4": "dontneed"},
    "4.0: WONTFIX, 3.4: REQUIRED": {"4.0": "wontfix", "3.4": "required"},
}
TARGETS = {"3.4": "3.4", "4.0": "4.0", "4.1": "4.1", "Someday": None, None: None}


def _env(tmp_path: Path, key: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "XDG_CACHE_HOME"}
    env.update(
        {
            TOKEN_ENV: key,
            "XDG_CACHE_HOME": str(tmp_path / "xdg-cache"),
            "HOME": str(tmp_path / "home"),
        }
    )
    return env


def _files_holding(root: Path, secret: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def test_sync_then_export_lists_every_issue_with_target_and_backports(
    redmine: Redmine, tmp_path: Path
) -> None:
    config = write_config(tmp_path / "relplan.config.toml", redmine, "relplan", name="ruby")
    plan = tmp_path / "plan.toml"
    env = _env(tmp_path, redmine.api_key)
    common = ["--config", str(config), "--plan", str(plan), "--today", "2009-08-31"]

    synced = run_cli(*common, "sync", env=env)
    assert synced.returncode == 0, synced.stderr
    assert "ruby: 130 items; 130 added" in synced.stdout and plan.exists()
    exported = run_cli(*common, "export", "--format", "json", env=env)
    assert exported.returncode == 0, exported.stderr
    items = {it["id"]: it for it in json.loads(exported.stdout)["items"]}

    seeded = redmine.issues("relplan")
    assert set(items) == {f"ruby#{i['id']}" for i in seeded}
    for issue in seeded:
        item = items[f"ruby#{issue['id']}"]
        assert item["backports"] == BACKPORTS[issue["backport"]]
        if issue["closed"] or TARGETS[issue["version"]]:  # open, unscheduled ones may be laid
            assert item["target"] == TARGETS[issue["version"]], issue
        assert (item["state"] in ("done", "rejected")) == issue["closed"]

    again = run_cli(*common, "sync", env=env)
    assert again.returncode == 0 and "no changes" in again.stdout
    assert "(incremental)" in again.stdout and "3 requests" in again.stdout
    status = run_cli(*common, "sync", "--status", env={**env, TOKEN_ENV: "unused"})
    assert status.returncode == 0 and "ruby: synced 0.0 h ago" in status.stdout
    assert "130 items, 0 changed, 3 requests, 0 warnings, 0 open conflicts" in status.stdout

    assert _files_holding(tmp_path, redmine.api_key) == []


def test_a_wrong_token_exits_2_naming_the_variable_and_changes_nothing(
    redmine: Redmine, tmp_path: Path
) -> None:
    config = write_config(tmp_path / "c.toml", redmine, "relplan")
    plan = tmp_path / "plan.toml"
    common = ["--config", str(config), "--plan", str(plan)]
    assert run_cli(*common, "sync", env=_env(tmp_path, redmine.api_key)).returncode == 0
    files = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}

    wrong = "f" * 40
    failed = run_cli(*common, "sync", "--full", env=_env(tmp_path, wrong))
    assert failed.returncode == 2
    assert TOKEN_ENV in failed.stderr and "401" in failed.stderr and "xen" in failed.stderr
    assert "Traceback" not in failed.stderr and wrong not in failed.stderr + failed.stdout
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == files

    unset = _env(tmp_path, "")
    del unset[TOKEN_ENV]
    missing = run_cli(*common, "sync", env=unset)
    assert missing.returncode == 2 and f"{TOKEN_ENV} is not set" in missing.stderr


def test_a_wrong_project_or_url_says_what_to_check(redmine: Redmine, tmp_path: Path) -> None:
    env = _env(tmp_path, redmine.api_key)
    config = write_config(tmp_path / "c.toml", redmine, "no-such-project")
    done = run_cli("--config", str(config), "--plan", str(tmp_path / "p.toml"), "sync", env=env)
    assert done.returncode == 2 and "404" in done.stderr
    assert "check project = 'no-such-project'" in done.stderr
    assert not (tmp_path / "p.toml").exists()


def test_a_second_plan_and_a_deleted_plan_get_every_issue(redmine: Redmine, tmp_path: Path) -> None:
    """Issue 14's repro: the cursor was the cache's, so a second plan from the same config
    (or a plan deleted and synced again) got only the issues changed since (43 of 150)."""
    config = tmp_path / "two.config.toml"
    config.write_text(
        "".join(
            f'[[sources]]\nname = "{name}"\nkind = "redmine"\nurl = "{redmine.url}"\n'
            f'project = "{project}"\ntoken_env = "{TOKEN_ENV}"\nbackport_field = "Backport"\n\n'
            for name, project in (("xen", "relplan"), ("ed", "edits"))
        )
    )
    env = _env(tmp_path, redmine.api_key)
    seeded = {f"xen#{i['id']}" for i in redmine.issues("relplan")}
    seeded |= {f"ed#{i['id']}" for i in redmine.issues("edits")}
    assert len(seeded) == 150

    def sync(plan: Path) -> tuple[str, set[str]]:
        done = run_cli("--config", str(config), "--plan", str(plan), "sync", env=env)
        assert done.returncode == 0, done.stderr
        exported = run_cli(
            "--config", str(config), "--plan", str(plan), "export", "--format", "json", env=env
        )
        return done.stdout, {it["id"] for it in json.loads(exported.stdout)["items"]}

    first, second = tmp_path / "first.toml", tmp_path / "second.toml"
    out, ids = sync(first)
    assert ids == seeded and "xen: 130 items; 130 added" in out
    changed = redmine.issues("edits")[0]["id"]
    redmine.put_issue(changed, {"subject": "Renamed for the second plan"})

    out, ids = sync(second)
    assert ids == seeded, f"{len(ids)} of 150"
    assert "xen (incremental): 130 items; 130 added" in out
    assert "ed (incremental): 20 items; 20 added" in out and "from the cache" in out
    titles = {it.id: it.title for it in load_plan(second).plan.items}
    assert titles[f"ed#{changed}"] == "Renamed for the second plan"

    first.unlink()
    out, ids = sync(first)
    assert ids == seeded and "(incremental)" in out
    assert {it.id: it.title for it in load_plan(first).plan.items}[f"ed#{changed}"] == (
        "Renamed for the second plan"
    )
