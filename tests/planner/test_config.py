"""The config file: defaults, the shared policy parser, keymap, raw sources, paths, problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from relplan.planner.domain.errors import PlanError
from relplan.planner.domain.policy import Policy
from relplan.planner.store.config import Config
from relplan.planner.store.configfile import load_config, loads_config
from relplan.planner.store.demo import demo_policy

ROOT = Path(__file__).resolve().parents[2]


def test_no_file_means_defaults() -> None:
    config = load_config(None)
    assert config == Config()
    assert config.policy is None and config.plan is None and dict(config.keymap) == {}


def test_example_config_is_valid_and_is_the_demo_cadence(tmp_path: Path) -> None:
    from relplan.planner.store.configlink import example_config, uncommented

    live = tmp_path / "example.toml"
    live.write_text(uncommented(example_config()))
    config = load_config(live)
    assert config.policy == demo_policy()
    assert config.plan == tmp_path / "relplan.toml"
    assert config.path == live


def test_full_config(tmp_path: Path) -> None:
    text = """\
plan = "plans/xen.toml"

[keymap]
accept = "a"
save = "ctrl+s"

[[sources]]
name = "ruby"
kind = "redmine"

[[sources]]
name = "notes"
kind = "file"
path = "roadmap.md"

[cache]
dir = "cache"

[git]
repo = "~/src/xen"
upstream = "origin/master"
branch_pattern = "stable-{series}"
"""
    path = tmp_path / "relplan.conf.toml"
    path.write_text(text)
    config = load_config(path)
    assert config.plan == tmp_path / "plans" / "xen.toml"
    assert config.policy is None
    assert dict(config.keymap) == {"accept": "a", "save": "ctrl+s"}
    assert config.source_tables == [
        {"name": "ruby", "kind": "redmine"},
        {"name": "notes", "kind": "file", "path": "roadmap.md"},
    ]
    assert config.source_lines == [7, 11]
    assert dict(config.sources[1].key_lines) == {"name": 12, "kind": 13, "path": 14}
    assert config.cache_dir == tmp_path / "cache"
    assert config.git.repo == Path("~/src/xen").expanduser()
    assert config.git.upstream == "origin/master"
    assert config.git.branch_pattern == "stable-{series}"


def test_policy_uses_the_plan_parser() -> None:
    config = loads_config('[policy]\nhorizon = 6\n[policy.cadence]\nweekday = "friday"\n')
    assert config.policy is not None
    assert config.policy.horizon == 6 and config.policy.cadence.weekday == 4
    assert config.policy.maintenance == Policy().maintenance


def test_every_problem_is_listed() -> None:
    text = """\
plan = 3
polcy = {}

[policy.cadence]
weekday = "someday"

[keymap]
accept = 1

[cache]
folder = "x"

[git]
upstrem = "origin/main"
"""
    with pytest.raises(PlanError) as caught:
        loads_config(text, "c.toml")
    assert str(caught.value).splitlines() == [
        "c.toml:1: plan: 3 is not a string",
        "c.toml:2: polcy: unknown key (did you mean 'policy'?)",
        'c.toml:5: policy.cadence.weekday: "someday" is not a weekday name '
        "(did you mean 'sunday'?)",
        'c.toml:8: keymap.accept: 1 is not a string (expected a key such as "ctrl+s")',
        "c.toml:11: cache.folder: unknown key (expected one of dir)",
        "c.toml:14: git.upstrem: unknown key (did you mean 'upstream'?)",
    ]


def test_syntax_error_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match=r"c.toml:2:\d+: not valid TOML"):
        loads_config("[git]\nrepo = = 1\n", "c.toml")
    with pytest.raises(PlanError, match=r"nope.toml: cannot read"):
        load_config(tmp_path / "nope.toml")


def test_sources_must_be_tables() -> None:
    with pytest.raises(PlanError, match=r"c.toml:1: sources: expected \[\[sources\]\] tables"):
        loads_config('sources = "ruby"\n', "c.toml")
