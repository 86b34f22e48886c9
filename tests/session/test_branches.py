"""``relplan branches`` and the Branches view read one query: one row per series, newest first."""

from __future__ import annotations

import dataclasses
import json

import pytest

from relplan.planner.domain import ops
from relplan.planner.domain.model import BackportState, Phase
from relplan.planner.domain.rules import missing_backports
from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.usecases.branches import branch_rows
from relplan.planner.usecases.session import Session


@pytest.fixture
def demo() -> Session:
    return Session(demo_plan(), today=DEMO_TODAY)


def test_rows_are_the_series_that_matter_newest_first(demo: Session) -> None:
    rows = branch_rows(demo)
    assert [r.series for r in rows] == ["4.1", "4.0", "3.4", "3.3"]
    assert [r.phase for r in rows] == [
        Phase.DEVELOPMENT, Phase.FROZEN, Phase.MAINTAINED, Phase.SECURITY_ONLY,
    ]  # fmt: skip
    every = branch_rows(demo, every=True)
    assert len(every) > len(rows) and {r.series for r in rows} <= {r.series for r in every}
    assert any(r.phase is Phase.EOL for r in every)


def test_next_release_countdown_and_verdict_agree_with_status(demo: Session) -> None:
    rows = {r.series: r for r in branch_rows(demo)}
    assert (rows["3.4"].next_release, rows["3.4"].days_to_next) == ("3.4.2", 8)
    assert rows["3.4"].next_verdict == demo.status("3.4.2").verdict
    assert rows["3.3"].next_release is None and rows["3.3"].days_to_next is None
    # late: the frozen 4.0.0's features still open, as the status table's "late" column
    assert rows["4.0"].late == len(demo.status("4.0.0").features_open_after_freeze) == 4


def test_missing_backports_are_the_rules_count_per_branch(demo: Session) -> None:
    rows = {r.series: r for r in branch_rows(demo)}
    items = demo.status_plan().items
    for branch in demo.maintained_branches():
        assert rows[branch.series].missing == len(missing_backports(items, branch))
    assert rows["3.4"].missing == 3
    assert rows["4.1"].missing is None  # a branch not shipped takes no backports


def test_a_backport_marked_done_leaves_the_missing_count(demo: Session) -> None:
    before = {r.series: r.missing for r in branch_rows(demo)}["3.4"]
    pending = next(
        it for it in demo.plan.items if (s := it.backports.get("3.4")) is not None and s.is_pending
    )
    demo.apply(ops.set_backport(demo.plan, {pending.id}, "3.4", BackportState.DONE))
    assert {r.series: r.missing for r in branch_rows(demo)}["3.4"] == before - 1


def test_support_ends_carry_their_source(demo: Session) -> None:
    row = next(r for r in branch_rows(demo) if r.series == "3.4")
    release = demo.release("3.4.0")
    assert row.maintained_until.day == release.maintained_until
    assert row.security_until.day == release.security_until
    assert row.to_json()["maintained_until"] == {
        "date": str(release.maintained_until),
        "source": "policy",
        "until_shipped": None,
    }


def test_cli_json_is_the_query(capsys: pytest.CaptureFixture[str], demo: Session) -> None:
    from relplan.tui.cli import main

    assert main(["--today", "2009-08-31", "branches", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [r.to_json() for r in branch_rows(demo)]
    assert main(["--today", "2009-08-31", "branches", "--all"]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].split()[:2] == ["series", "phase"]
    assert "3.4.2 in 8d" in table and "(policy)" in table


def test_the_next_release_countdown_reads_ahead_today_and_overdue() -> None:
    """One countdown for ``relplan branches`` ("late by 4d") and the Branches view
    ("late 4d", "-" without a next release)."""
    from relplan.tui.widgets.branch_table import next_text

    row = next(r for r in branch_rows(Session(demo_plan(), today=DEMO_TODAY)) if r.next_release)
    said = {d: dataclasses.replace(row, days_to_next=d) for d in (13, 0, -4)}
    assert [said[d].countdown() for d in (13, 0, -4)] == [
        f"{row.next_release} in 13d",
        f"{row.next_release} today",
        f"{row.next_release} late by 4d",
    ]
    assert next_text(said[-4]) == f"{row.next_release} late 4d"
    assert dataclasses.replace(row, next_release=None).countdown() == ""
    assert next_text(dataclasses.replace(row, next_release=None)) == "-"
