"""`relplan status --repo`: git's backport evidence joined into release status, conflicts shown."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from gitrepos import Stable

from planner.calendar import build_train
from planner.model import BackportState, Item, Kind, Plan, ReleaseSpec
from planner.planfile import dumps_toml
from planner.policy import Policy
from tui.cli import main

TODAY = dt.date(2010, 5, 1)


def write_plan(path: Path, stable: Stable) -> None:
    releases = (
        ReleaseSpec("4.1", actual=dt.date(2010, 1, 5)),
        ReleaseSpec("4.2", actual=dt.date(2010, 3, 20)),
    )
    items = (
        # The tracker says done; git finds no pick of this fix on stable-4.2.
        Item("xen#fixfix", "fix the fix", Kind.BUG, fix_commits=(stable.fix_fix,),
             backports={"4.2": BackportState.DONE}),
        Item("xen#b", "fix B", Kind.BUG, fix_commits=(stable.fix_b,)),
    )  # fmt: skip
    plan = Plan("xen", Policy(), releases, items)
    path.write_text(dumps_toml(plan, build_train(plan, TODAY)))


def test_status_counts_git_states_and_names_the_conflict(
    stable: Stable, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.toml"
    write_plan(plan, stable)
    argv = ["--plan", str(plan), "--today", str(TODAY), "status", "4.2", "--format", "json"]
    assert main(argv) == 0
    without = json.loads(capsys.readouterr().out)[0]
    assert without["backports"] == {"done": 1}  # what the tracker field says

    assert main([*argv, "--repo", str(stable.repo.path)]) == 0
    row = json.loads(capsys.readouterr().out)[0]
    # git: the fix of the fix is required (its culprit was picked), fix B was picked (done)
    assert row["backports"] == {"required": 1, "done": 1}
    assert len(row["backport_conflicts"]) == 1
    assert "xen#fixfix" in row["backport_conflicts"][0]
    assert "git finds no pick on stable-4.2" in row["backport_conflicts"][0]


def test_status_with_a_path_that_is_not_a_repository_exits_2(
    tmp_path: Path, stable: Stable, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.toml"
    write_plan(plan, stable)
    code = main(["--plan", str(plan), "--today", str(TODAY), "status", "--repo", str(tmp_path)])
    assert code == 2
    assert "git" in capsys.readouterr().err.lower()
