"""`relplan sync` errors that need no server: they exit 2 with a message and write nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from relplan.tui.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().err


def test_no_sources_in_the_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "c.toml"
    config.write_text("")
    code, err = run(capsys, "--config", str(config), "--plan", str(tmp_path / "p.toml"), "sync")
    assert code == 2 and "no [[sources]]" in err and not (tmp_path / "p.toml").exists()


def test_unknown_source_name_lists_the_known_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        '[[sources]]\nname = "xen"\nkind = "redmine"\nurl = "https://r.example"\nproject = "xen"\n'
    )
    code, err = run(
        capsys, "--config", str(config), "--plan", str(tmp_path / "p.toml"), "sync", "ruby"
    )
    assert code == 2 and "no source named 'ruby'" in err and "known: xen" in err


def test_a_bad_source_table_names_file_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "c.toml"
    config.write_text('plan = "p.toml"\n\n[[sources]]\nname = "xen"\nkind = "redmin"\n')
    code, err = run(capsys, "--config", str(config), "sync")
    assert code == 2
    assert f"{config}:5: sources.xen.kind: 'redmin' is not a source kind" in err  # its own line


def test_a_token_over_plain_http_is_refused_before_any_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XEN_KEY", "sekrit-value")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    config = tmp_path / "c.toml"
    config.write_text(
        '[[sources]]\nname = "xen"\nkind = "redmine"\nurl = "http://r.example"\n'
        'project = "xen"\ntoken_env = "XEN_KEY"\n'
    )
    code, err = run(capsys, "--config", str(config), "--plan", str(tmp_path / "p.toml"), "sync")
    assert code == 2 and "plain http://" in err and "sekrit-value" not in err
    assert not (tmp_path / "p.toml").exists()


def test_the_demo_plan_is_never_synced_into(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, err = run(capsys, "sync")
    assert code == 2 and "demo is never written" in err
