"""``relplan serve``'s guards without a server: loopback only unless --public, tokens out of
the served environment, the served command names the same plan. (The server itself, in a
browser: tests/browser/test_serve.py.)"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from pathlib import Path

import pytest

from relplan.planner.domain.errors import PlanError
from relplan.planner.usecases.session import Session
from relplan.tui.cli.serve_command import (
    build_server,
    external_urls,
    is_loopback,
    offline_templates,
    scrub,
    served_command,
    token_names,
)
from tests.reports.conftest import run


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.1.2.3", True), ("localhost", True), ("::1", True),
     ("[::1]", True), ("0.0.0.0", False), ("::", False), ("192.168.1.5", False),
     ("example.org", False), ("localhost.evil.example", False)],
)  # fmt: skip
def test_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("host", ["0.0.0.0", "10.0.0.1", "example.org"])
def test_a_non_loopback_host_is_refused_without_public(
    host: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "serve", "--host", host)
    assert code == 2
    assert f"--host: {host} is not a loopback address" in err and "pass --public" in err


def test_tokens_named_by_the_config_and_secret_names_are_removed() -> None:
    env = {"PATH": "/bin", "HOME": "/h", "TRACKER_KEY_VAR": "t1", "GITHUB_TOKEN": "t2",
           "MY_API_KEY": "t3", "db_password": "t4", "LANG": "C"}  # fmt: skip
    names = token_names([{"token_env": "TRACKER_KEY_VAR"}, {"name": "files"}], env)
    assert scrub(env, names) == ["GITHUB_TOKEN", "MY_API_KEY", "TRACKER_KEY_VAR", "db_password"]
    assert env == {"PATH": "/bin", "HOME": "/h", "LANG": "C"}


def test_the_served_command_names_the_same_plan_config_and_day(
    plan_file: Path, tmp_path: Path
) -> None:
    session = Session.open(plan=str(plan_file), today="2009-08-31")
    args = argparse.Namespace(config=str(tmp_path / "c.toml"), today="2009-08-31")
    argv = shlex.split(served_command(session, args))
    assert argv == [sys.executable, "-m", "relplan.tui.cli.served", "--plan",
                    str(plan_file.resolve()), "--config", str(tmp_path / "c.toml"),
                    "--today", "2009-08-31"]  # fmt: skip


def test_the_served_command_names_the_config_found_in_the_current_folder(
    plan_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A config in the current folder that names a plan elsewhere: the served dashboard
    looks for a config beside the plan only, so serve names the one it read."""
    folder = tmp_path / "here"
    folder.mkdir()
    (folder / "relplan.config.toml").write_text(f'plan = "{plan_file}"\n', encoding="utf-8")
    monkeypatch.chdir(folder)
    session = Session.open(today="2009-08-31")
    assert session.path == plan_file
    argv = shlex.split(served_command(session, argparse.Namespace(config=None, today=None)))
    assert argv[argv.index("--config") + 1] == str(folder / "relplan.config.toml")


async def test_the_served_page_fetches_nothing_from_another_host(tmp_path: Path) -> None:
    """relplan is used over SSH and offline: the page textual-serve sends (its Google Fonts
    stylesheet included) must load everything from the server itself, the font too."""
    from aiohttp.test_utils import TestClient, TestServer

    args = argparse.Namespace(host="127.0.0.1", port=8123, public_url=None)
    server = build_server("true", args, "relplan (read-only): t", tmp_path)
    async with TestClient(TestServer(await server._make_app())) as client:
        page = await client.get("/")
        html = await page.text()
        assert page.status == 200 and "relplan (read-only): t" in html
        assert external_urls(html, own="http://127.0.0.1:8123") == []
        fonts = re.findall(r'url\("http://127\.0\.0\.1:8123(/static/fonts/[^"]+)"\)', html)
        assert len(fonts) == 2  # Roboto Mono, upright and italic, from its own static folder
        for path in fonts:
            assert (await client.get(path)).status == 200


def test_a_template_that_still_fetches_from_the_internet_is_refused(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "src" / "app_index.html").write_text(
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=X" />\n'
        '<script src="https://cdn.example.org/x.js"></script>\n'
        '<svg xmlns="http://www.w3.org/2000/svg"></svg>'
    )
    with pytest.raises(PlanError, match="would fetch https://cdn.example.org/x.js"):
        offline_templates(tmp_path / "src", tmp_path / "static", tmp_path / "out")
