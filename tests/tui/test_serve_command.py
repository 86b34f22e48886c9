"""``relplan serve``'s guards without a server: loopback only unless --public, tokens out of
the served environment, the served command names the same plan. (The server itself, in a
browser: tests/browser/test_serve.py.)"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

import pytest

from relplan.planner.usecases.session import Session
from relplan.tui.cli.serve_command import is_loopback, scrub, served_command, token_names
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
