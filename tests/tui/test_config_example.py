"""config.example.toml documents every key: it loads, and names every remappable binding."""

from __future__ import annotations

import re
from pathlib import Path

from relplan.planner.store.configfile import load_config
from relplan.tui.app import binding_ids

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def test_the_example_config_loads_with_the_demo_cadence() -> None:
    config = load_config(EXAMPLE)
    assert config.policy is not None and config.policy.cadence.min_weeks == 10
    assert {s.table["kind"] for s in config.sources} >= {
        "github", "gitlab", "jira", "bugzilla", "redmine", "file",
    }  # fmt: skip


def test_every_binding_id_is_listed_in_the_keymap_section() -> None:
    text = EXAMPLE.read_text()
    section = text[text.index("[keymap]") : text.index("[cache]")]
    listed = set(re.findall(r"^# (\w+) = ", section, re.MULTILINE))
    assert listed == binding_ids()
