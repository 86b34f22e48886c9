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


def test_a_plan_changed_on_disk_during_the_sync_is_refused_as_the_dashboard_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone saves the plan while the sources answer: the CLI's sync writes nothing
    over it and exits 2 (it used to merge with the file on disk, while the dashboard's
    sync refuses: one behaviour for both faces, the safe one)."""
    import relplan.planner.trackers.sync as sync

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "wish.md").write_text("Xen 4.0 roadmap:\n- Frobnicate the grant tables\n")
    config = tmp_path / "relplan.config.toml"
    config.write_text('[[sources]]\nname = "wish"\nkind = "file"\npath = "wish.md"\n')
    plan = tmp_path / "plan.toml"
    monkeypatch.chdir(tmp_path)
    assert main(["--today", "2009-08-31", "export", "-o", str(plan)]) == 0
    fetch = sync.fetch_sources

    async def someone_saves_meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        plan.write_text(plan.read_text() + "\n# edited by hand meanwhile\n")
        return await fetch(*args, **kwargs)

    monkeypatch.setattr(sync, "fetch_sources", someone_saves_meanwhile)
    capsys.readouterr()
    code, err = run(capsys, "--config", str(config), "--plan", str(plan), "sync")
    assert code == 2, err
    assert "changed since it was loaded" in err
    assert plan.read_text().endswith("# edited by hand meanwhile\n")
    assert "Frobnicate" not in plan.read_text()
