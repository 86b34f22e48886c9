"""config.example.toml documents every key: it loads, and names every remappable binding;
it is installed with relplan, every example commented out, and `relplan init --config`
writes it without replacing a file that is there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from relplan.planner.store.config import Config
from relplan.planner.store.configfile import load_config, loads_config
from relplan.planner.store.configlink import example_config, uncommented
from relplan.tui.app import binding_ids
from relplan.tui.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def test_the_example_as_installed_is_all_comments() -> None:
    text = example_config()
    assert text == EXAMPLE.read_text()
    config = loads_config(text)
    assert (config.policy, config.sources, config.plan) == (None, (), None)
    assert config == Config(path=None)  # copying it syncs no tracker


def test_the_example_config_loads_with_the_demo_cadence(tmp_path: Path) -> None:
    live = tmp_path / "live.toml"
    live.write_text(uncommented(EXAMPLE.read_text()))
    config = load_config(live)
    assert config.policy is not None and config.policy.cadence.min_weeks == 10
    assert {s.table["kind"] for s in config.sources} >= {
        "github", "gitlab", "jira", "bugzilla", "redmine", "file",
    }  # fmt: skip


def test_every_binding_id_is_listed_in_the_keymap_section() -> None:
    text = EXAMPLE.read_text()
    section = text[text.index("[keymap]") : text.index("[cache]")]
    listed = set(re.findall(r"^# (\w+) = ", section, re.MULTILINE))
    assert listed == binding_ids()


def test_init_config_writes_the_example_and_never_over_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "--config"]) == 0
    written = tmp_path / "relplan.config.toml"
    assert written.read_text() == example_config()
    written.write_text("# mine\n")
    assert main(["init", "--config"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert written.read_text() == "# mine\n"
    assert main(["init", "--config", "other.toml"]) == 0
    assert (tmp_path / "other.toml").read_text() == example_config()
    assert main(["init", "--config", "--force"]) == 0
    assert written.read_text() == example_config()
