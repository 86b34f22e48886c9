"""SourceConfig validation, mapping rules and the Backport field format."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relplan.planner.domain.errors import PlanError
from relplan.planner.domain.model import BackportState, Kind, Priority, State
from relplan.planner.trackers.base import (
    Conditional,
    Cursor,
    Rules,
    SourceConfig,
    format_backport_field,
    parse_backport_field,
    parse_sources,
)

RUBY = {
    "name": "ruby",
    "kind": "redmine",
    "url": "https://bugs.ruby-lang.org",
    "project": "ruby-master",
    "token_env": "RUBY_KEY",
    "backport_field": "Backport",
    "kinds": {"Bug": "bug", "Feature": "feature"},
    "priorities": {"Immediate": "critical", "Normal": "medium"},
    "blocker": ["Immediate"],
}


def test_valid_table_parses_with_rules() -> None:
    cfg = SourceConfig.from_table(RUBY, file="c.toml", line=3)
    assert (cfg.name, cfg.kind, cfg.project, cfg.token_env) == (
        "ruby",
        "redmine",
        "ruby-master",
        "RUBY_KEY",
    )
    assert cfg.rules.kind_for(["bug"]) is Kind.BUG
    assert cfg.rules.priority_for(["IMMEDIATE"]) is Priority.CRITICAL
    assert cfg.rules.is_blocker(["immediate"])
    assert cfg.rules.backport_field == "Backport"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"kind": "trac"}, "sources.ruby.kind", "not a source kind"),
        ({"url": None}, "sources.ruby.url", "missing"),
        ({"url": "ftp://x"}, "sources.ruby.url", "http(s)"),
        ({"project": None}, "sources.ruby.project", "missing"),
        ({"token_env": "abc-123 secret"}, "sources.ruby.token_env", "NAME"),
        ({"kinds": {"Bug": "bugfix"}}, "sources.ruby.kinds.Bug", "not valid"),
        ({"page_size": 500}, "sources.ruby.page_size", "1 to 100"),
        ({"release_pattern": "("}, "sources.ruby.release_pattern", "regular expression"),
        ({"backport_labels": ["backport"]}, "sources.ruby.backport_labels", "{series}"),
        ({"tokn_env": "X"}, "sources.ruby.tokn_env", "not a known"),
    ],
)
def test_invalid_tables_name_the_field(change: dict, field: str, words: str) -> None:
    table = {k: v for k, v in {**RUBY, **change}.items() if v is not None}
    with pytest.raises(PlanError) as info:
        SourceConfig.from_table(table, file="c.toml", line=7)
    problem = next(p for p in info.value.problems if p.field == field)
    assert words in problem.message + (problem.hint or "")
    assert (problem.file, problem.line) == ("c.toml", 7)


def test_missing_name_is_located_by_index_and_duplicates_are_refused() -> None:
    with pytest.raises(PlanError) as info:
        parse_sources([RUBY, {"kind": "redmine"}, RUBY])
    fields = [p.field for p in info.value.problems]
    assert "sources[1].name" in fields
    assert "sources.ruby.name" in fields  # used twice


def test_file_source_needs_a_path_not_a_url() -> None:
    cfg = SourceConfig.from_table({"name": "wish", "kind": "file", "path": "wish.csv"})
    assert cfg.path == "wish.csv" and cfg.url is None
    with pytest.raises(PlanError):
        SourceConfig.from_table({"name": "wish", "kind": "file"})


def test_release_mapping_explicit_pattern_and_identity() -> None:
    rules = Rules(releases={"Next": "4.1"}, release_pattern=r"^Ruby (?P<version>\d+\.\d+)")
    assert rules.release_for("Next") == "4.1"
    assert rules.release_for("Ruby 3.4 (dev)") == "3.4"
    assert rules.release_for("Someday") is None
    assert Rules().release_for("4.0.1") == "4.0.1"
    assert Rules().release_for("Xen v4.1 (next)") == "4.1"
    assert Rules().release_for("Someday") is None
    assert Rules().release_for("2to3 cleanup") is None


def test_state_rules_override_enum_names() -> None:
    rules = Rules(states={"Assigned": State.IN_PROGRESS})
    assert rules.state_for(["assigned"]) is State.IN_PROGRESS
    assert rules.state_for(["Rejected"]) is State.REJECTED
    assert rules.state_for(["Feedback"], State.PROPOSED) is State.PROPOSED


def test_backport_labels() -> None:
    rules = Rules(backport_labels=("needs backport to {series}", "backport-{series}"))
    got = rules.backports_from_labels(["needs backport to 3.12", "backport-3.11", "bug"])
    assert got == {"3.12": BackportState.REQUIRED, "3.11": BackportState.REQUIRED}


def test_backport_field_round_trip_and_bad_parts() -> None:
    states, bad = parse_backport_field("3.3: REQUIRED, 3.2: DONE, 3.1: DONTNEED, 2.7: maybe")
    assert states == {
        "3.3": BackportState.REQUIRED,
        "3.2": BackportState.DONE,
        "3.1": BackportState.DONTNEED,
    }
    assert bad == ["2.7: maybe"]
    assert format_backport_field(states) == "3.3: REQUIRED, 3.2: DONE, 3.1: DONTNEED"
    assert parse_backport_field("") == ({}, [])
    assert parse_backport_field(" 3.4 : wontfix ")[0] == {"3.4": BackportState.WONTFIX}


def test_cursor_json_round_trip() -> None:
    cur = Cursor("2026-01-01T00:00:00Z", {"u": Conditional('W/"x"', "[]")}, {"closed": "5,6"})
    assert Cursor.from_json(cur.to_json()) == cur
    assert Cursor.from_json(None) == Cursor()


SERIES = st.lists(st.integers(0, 40), min_size=1, max_size=3).map(
    lambda parts: ".".join(map(str, parts))
)


@given(st.dictionaries(SERIES, st.sampled_from(list(BackportState)), max_size=6))
def test_backport_field_format_then_parse_is_identity(states: dict[str, BackportState]) -> None:
    text = format_backport_field(states)
    assert parse_backport_field(text) == (states, [])


def test_a_typo_in_a_source_names_its_own_line_with_a_guess(tmp_path: Path) -> None:
    """[[sources]] typos are reported like [policy] ones: the key's line and a did-you-mean."""
    from relplan.planner.store.configfile import load_config
    from relplan.planner.trackers.base import config_sources

    path = tmp_path / "relplan.toml"
    path.write_text(
        '[[sources]]\nname = "ruby"\nkind = "redmine"\nurl = "https://bugs.ruby-lang.org"\n'
        'project = "ruby-master"\n\ntokn_env = "RUBY_KEY"\n'
    )
    with pytest.raises(PlanError) as caught:
        config_sources(load_config(path))
    [problem] = caught.value.problems
    assert problem.line == 7 and problem.field == "sources.ruby.tokn_env"
    assert "did you mean 'token_env'" in str(problem)


def test_the_adapter_registry_is_the_one_list_of_tracker_kinds() -> None:
    """The config check's kinds are the registry's (it names them without loading httpx),
    and each registered adapter is made for its own kind."""
    from relplan.planner.trackers.base import TRACKER_KINDS
    from relplan.planner.trackers.registry import ADAPTERS, adapter_for

    assert tuple(ADAPTERS) == TRACKER_KINDS
    projects = {"github": "o/p", "gitlab": "o/p", "jira": "XEN"}
    for kind in ADAPTERS:
        project = projects.get(kind, "xen")
        table = {"name": "t", "kind": kind, "url": "https://t.example", "project": project}
        adapter = adapter_for(SourceConfig.from_table(table))
        assert type(adapter).__module__ == f"relplan.planner.trackers.{kind}"
