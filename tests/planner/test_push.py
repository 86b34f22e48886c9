"""What a push writes, decided without a tracker: local changes, the three-way rule per
field, the version recorded afterwards, and the tracker-side encodings (Ruby's backport
field, labels)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relplan.planner.domain.model import BackportState, Item, State
from relplan.planner.trackers.base import (
    Milestone,
    SourceConfig,
    edit_backport_field,
    parse_backport_field,
)
from relplan.planner.trackers.itemmap import backport_labels, blocker_labels, state_labels
from relplan.planner.trackers.push import (
    Outcome,
    Write,
    decide,
    local_writes,
    milestone_for,
    pushed_version,
    show,
)

B = BackportState
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
CONFIG = SourceConfig.from_table({
    "name": "ruby", "kind": "redmine", "url": "https://bugs.example.org", "project": "ruby",
    "backport_field": "Backport", "states": {"Rejected": "rejected"},
})  # fmt: skip
BASE = Item("ruby#1", "a bug", target="3.4", backports={"3.3": B.REQUIRED}, updated=T0)


def never(field: str, value: Any) -> str | None:
    return None


def writes(item: Item, base: Item = BASE, config: SourceConfig = CONFIG) -> list[str]:
    return [str(w) for w in local_writes([item], {base.id: base}, config, never).writes]


def test_only_fields_changed_since_the_sync_are_writes() -> None:
    assert writes(BASE) == []
    moved = dataclasses.replace(BASE, target="3.5", title="renamed locally", owner="ko1")
    assert writes(moved) == ["ruby#1: target 3.4 -> 3.5"]
    triaged = dataclasses.replace(
        BASE, blocker=True, backports={"3.4": B.REQUIRED, "3.3": B.DONE}, state=State.REJECTED
    )
    assert writes(triaged) == [
        "ruby#1: blocker no -> yes",
        "ruby#1: state proposed -> rejected",
        "ruby#1: backport 3.4 - -> required",
        "ruby#1: backport 3.3 required -> done",
    ]


def test_states_go_back_only_where_the_config_names_a_word_for_them() -> None:
    deferred = dataclasses.replace(BASE, state=State.DEFERRED)
    found = local_writes([deferred], {BASE.id: BASE}, CONFIG, never)
    assert found.writes == () and "state deferred of 1 item(s) stays local" in found.notes[0]
    unmapped = dataclasses.replace(CONFIG, rules=dataclasses.replace(CONFIG.rules, states={}))
    silent = local_writes([deferred], {BASE.id: BASE}, unmapped, never)
    assert silent.writes == () and silent.notes == ()  # a project that maps no state at all
    working = dataclasses.replace(BASE, state=State.IN_PROGRESS)
    assert writes(working) == []  # work states are the tracker's to say


def test_a_target_relplan_laid_itself_and_what_the_tracker_cannot_hold_are_skipped() -> None:
    laid = dataclasses.replace(BASE, target="3.5", why="laid 2026-01-02: first release ...")
    (w,) = local_writes([laid], {BASE.id: BASE}, CONFIG, never).writes
    assert w.outcome is Outcome.SKIPPED and "laid the target itself" in str(w)
    (w,) = local_writes(
        [dataclasses.replace(BASE, blocker=True)], {BASE.id: BASE}, CONFIG,
        lambda f, v: "no blocker words" if f == "blocker" else None,
    ).writes  # fmt: skip
    assert str(w) == "ruby#1: blocker no -> yes (not pushed: no blocker words)"


def test_items_of_other_sources_are_ignored_and_unsynced_ones_named() -> None:
    other = Item("redmine#1", "x", target="9")
    unsynced = Item("ruby#2", "y", target="3.5")
    found = local_writes([other, unsynced], {}, CONFIG, never)
    assert found.writes == () and found.unsynced == ("ruby#2",)


@pytest.mark.parametrize(
    "tracker, outcome",
    [
        ("3.4", Outcome.PENDING),  # unchanged since the sync: write it
        ("3.5", Outcome.ALREADY),  # someone made the same decision
        ("4.0", Outcome.CONFLICT),  # someone decided otherwise: never written over
        (None, Outcome.CONFLICT),
    ],
)
def test_the_three_way_rule_per_field(tracker: str | None, outcome: Outcome) -> None:
    write = Write("ruby", "ruby#1", "target", "3.4", "3.5")
    now = dataclasses.replace(BASE, target=tracker)
    decided = decide(write, now)
    assert decided.outcome is outcome and decided.tracker == tracker


def test_the_recorded_version_takes_only_the_pushed_fields_and_the_new_stamp() -> None:
    after = dataclasses.replace(
        BASE, target="3.5", priority=BASE.priority, title="renamed upstream",
        backports={"3.4": B.REQUIRED}, updated=T0 + dt.timedelta(hours=1),
    )  # fmt: skip
    version = pushed_version(BASE, after, ["target", "backports.3.3", "backports.3.4"])
    assert version.target == "3.5" and dict(version.backports) == {"3.4": B.REQUIRED}
    assert version.title == "a bug"  # unpushed fields stay at the sync's: the next sync sees them
    assert version.updated == after.updated


def test_milestones_named_exactly_come_first_then_open_ones() -> None:
    rules = dataclasses.replace(CONFIG.rules)
    found = [Milestone("Ruby 3.5", 7, closed=True), Milestone("3.5 backlog", 8),
             Milestone("3.5", 9, closed=True)]  # fmt: skip
    assert milestone_for("3.5", found, rules) == Milestone("3.5", 9, closed=True)
    assert milestone_for("3.5", found[:2], rules) == Milestone("3.5 backlog", 8)
    assert milestone_for("3.6", found, rules) is None


def test_show_spells_values_as_the_push_lists_them() -> None:
    assert [show(v) for v in (None, True, False, B.DONE, "3.4")] == [
        "-",
        "yes",
        "no",
        "done",
        "3.4",
    ]


@pytest.mark.parametrize(
    "before, changes, after",
    [
        ("", {"3.3": B.REQUIRED}, "3.3: REQUIRED"),
        (
            "3.4: REQUIRED, 3.2: DONE",
            {"3.3": B.REQUIRED},
            "3.4: REQUIRED, 3.3: REQUIRED, 3.2: DONE",
        ),
        ("3.4: REQUIRED, 3.2: DONE", {"3.4": B.DONE}, "3.4: DONE, 3.2: DONE"),
        ("3.4: REQUIRED,3.2:done, 3.1: MAYBE", {"3.2": None}, "3.4: REQUIRED, 3.1: MAYBE"),
        ("3.4: REQUIRED, 3.4: DONE", {"3.4": B.WONTFIX}, "3.4: WONTFIX"),
        ("2.7: DONE", {"3.0": B.IN_PROGRESS}, "3.0: IN-PROGRESS, 2.7: DONE"),
    ],
)
def test_the_backport_field_is_edited_in_place(
    before: str, changes: dict[str, BackportState | None], after: str
) -> None:
    assert edit_backport_field(before, changes) == after


SERIES = st.sampled_from(["2.7", "3.2", "3.3", "3.4", "3.10", "4.0"])
STATES = st.sampled_from(list(BackportState))


@given(
    st.dictionaries(SERIES, STATES),
    st.dictionaries(SERIES, st.one_of(st.none(), STATES)),
)
def test_editing_the_backport_field_changes_exactly_the_series_asked(
    start: dict[str, BackportState], changes: dict[str, BackportState | None]
) -> None:
    text = ", ".join(f"{s}: {b.value.upper()}" for s, b in start.items())
    states, bad = parse_backport_field(edit_backport_field(text, changes))
    expected = {**start, **{s: b for s, b in changes.items() if b is not None}}
    for s in (s for s, b in changes.items() if b is None):
        expected.pop(s, None)
    assert bad == [] and states == expected


def test_labels_say_blocker_state_and_backports_as_the_config_reads_them() -> None:
    rules = SourceConfig.from_table({
        "name": "c", "kind": "github", "url": "https://github.com", "project": "o/r",
        "blocker": ["release-blocker"], "states": {"wontfix": "rejected", "later": "deferred"},
        "backport_labels": ["needs backport to {series}"],
        "backport_done_labels": ["backported to {series}"],
    }).rules  # fmt: skip
    labels = ["type-bug", "Release-Blocker", "needs backport to 3.12", "later"]
    assert blocker_labels(rules, labels, False) == ["type-bug", "needs backport to 3.12", "later"]
    assert blocker_labels(rules, labels[:1], True) == ["type-bug", "release-blocker"]
    assert state_labels(rules, labels, State.REJECTED) == [
        "type-bug", "Release-Blocker", "needs backport to 3.12", "wontfix"]  # fmt: skip
    assert backport_labels(rules, labels, "3.12", B.DONE) == [
        "type-bug", "Release-Blocker", "later", "backported to 3.12"]  # fmt: skip
    assert backport_labels(rules, labels, "3.12", None) == ["type-bug", "Release-Blocker", "later"]
