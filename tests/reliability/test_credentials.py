"""A source URL with ``user:password@`` is refused when the config is loaded: exit 2 naming
the source and token_env; the password is never echoed, sent, or stored in plan or cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from relplan.planner.domain.errors import PlanError
from relplan.planner.store.configfile import loads_config
from relplan.tui.cli import main

SECRET = "s3cret-pw-91b2"


@pytest.mark.parametrize(
    "url",
    [
        f"http://admin:{SECRET}@127.0.0.1:9",
        f"https://admin:{SECRET}@bugs.example.org/redmine",
        "https://admin@bugs.example.org",
        f"https://:{SECRET}@bugs.example.org",
    ],
)
def test_credentials_in_a_source_url_are_refused_at_load(url: str) -> None:
    text = f'[[sources]]\nname = "xen"\nkind = "redmine"\nurl = "{url}"\nproject = "xen"\n'
    with pytest.raises(PlanError) as caught:
        loads_config(text, "c.toml")
    message = str(caught.value)
    assert "c.toml:4: sources.xen.url" in message and "token_env" in message
    assert SECRET not in message


@pytest.mark.parametrize("command", [["sync"], ["status"], ["sync", "--status"]])
def test_no_command_runs_with_such_a_config_and_nothing_is_stored(
    tmp_path: Path,
    command: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    config = tmp_path / "c.toml"
    config.write_text(
        f'[[sources]]\nname = "xen"\nkind = "redmine"\n'
        f'url = "http://admin:{SECRET}@127.0.0.1:9"\nproject = "xen"\n'
    )
    plan = tmp_path / "p.toml"
    code = main(["--config", str(config), "--plan", str(plan), *command])
    captured = capsys.readouterr()
    assert code == 2 and "sources.xen.url" in captured.err
    assert SECRET not in captured.out + captured.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.toml"]
