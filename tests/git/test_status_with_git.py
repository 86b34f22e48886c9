"""`relplan status --repo`: git's backport evidence joined into release status, conflicts shown."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from gitrepos import Stable

from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.model import BackportState, Item, Kind, Plan, ReleaseSpec
from relplan.planner.domain.policy import Maintenance, MaintenanceModel, Policy
from relplan.planner.store.planfile import dumps_toml
from relplan.tui.cli import main

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
    # git: the fix of the fix is required (its culprit was picked), fix B was picked (done),
    # and the fixes no plan item names count too, as `relplan backports` lists them
    repo = ["--repo", str(stable.repo.path), "--upstream", "master"]
    assert (
        main(["--plan", str(plan), "--today", str(TODAY), "backports", *repo, "--format", "json"])
        == 0
    )
    rows = [r for r in json.loads(capsys.readouterr().out) if r["series"] == "4.2"]
    counted: dict[str, int] = {}
    for r in rows:
        counted[r["state"]] = counted.get(r["state"], 0) + 1
    assert row["backports"] == counted and counted["required"] >= 1 and counted["done"] >= 1
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


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_status_counts_every_fix_git_finds_not_only_plan_items(
    stable: Stable, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plan with no items (made by init --from-git): each maintained series' next release
    counts exactly what `relplan backports --missing` lists for its branch."""
    plan_path = tmp_path / "plan.toml"
    releases = (
        ReleaseSpec("4.1", actual=dt.date(2010, 1, 5)),
        ReleaseSpec("4.2", actual=dt.date(2010, 3, 20)),
    )
    plan = Plan("xen", Policy(), releases, ())
    plan_path.write_text(dumps_toml(plan, build_train(plan, TODAY)))
    common = ("--plan", str(plan_path), "--today", str(TODAY))
    repo = ("--repo", str(stable.repo.path))
    missing = json.loads(
        _cli(
            capsys,
            *common,
            "backports",
            *repo,
            "--upstream",
            "master",
            "--missing",
            "--format",
            "json",
        )  # fmt: skip
    )
    assert missing, "the fixture has fixes still missing on a stable branch"
    statuses = json.loads(_cli(capsys, *common, "status", *repo, "--format", "json"))
    by_series: dict[str, int] = {}
    for row in missing:
        by_series[row["series"]] = by_series.get(row["series"], 0) + 1
    for series, count in by_series.items():
        nxt = next(  # the next release that answers for the branch
            s for s in statuses if s["verdict"] != "shipped" and series in s["backports_by_branch"]
        )
        pending = sum(
            n for state, n in nxt["backports_by_branch"][series].items()
            if state in ("required", "in-progress")
        )  # fmt: skip
        assert pending == count, (series, nxt["backports_by_branch"])
        if nxt["kind"] == "maintenance":  # a bug-fix release waits for its backports
            assert nxt["verdict"] == "no-go"


async def test_the_backports_view_lists_fixes_only_git_knows(stable: Stable) -> None:
    from test_dashboard_evidence import until_git_read

    from relplan.planner.store.config import Config, GitConfig
    from relplan.planner.usecases.session import Session
    from relplan.tui.app import RelplanApp
    from relplan.tui.screens.backports import BackportsScreen
    from relplan.tui.widgets.backport_matrix import BackportMatrix

    releases = (
        ReleaseSpec("4.1", actual=dt.date(2010, 1, 5)),
        ReleaseSpec("4.2", actual=dt.date(2010, 3, 20)),
    )
    git = GitConfig(repo=Path(stable.repo.path), upstream="master")
    session = Session(Plan("xen", Policy(), releases, ()), today=TODAY, config=Config(git=git))
    app = RelplanApp(session)
    async with app.run_test(size=(120, 30)) as pilot:
        await until_git_read(app, pilot)
        await pilot.press("3")
        await pilot.pause()
        assert isinstance(app.screen, BackportsScreen)
        matrix = app.screen.query_one(BackportMatrix)
        ids = [it.id for it in matrix.fixes]
        assert ids and all(i.startswith("git#") for i in ids)
        assert {it.id for it in session.git_items()} == set(ids)
        assert session.backport_cell(matrix.fixes[0], "4.2").mark == "g"
        first = matrix.fixes[0].id
        await pilot.press("+")  # one key (Textual names it plus): the git fix becomes a plan item
        assert session.plan.item(first) is not None
        assert first not in {it.id for it in session.git_items()}


def test_status_with_git_when_no_branch_is_maintained_still_shows_the_table(
    stable: Stable, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Long after every branch's support ended (an old plan, a clone nobody fetched) git
    has nothing to scan: that is no error, status shows the plan as without git."""
    windows = Maintenance(model=MaintenanceModel.WINDOWS, general_months=6)
    releases = (ReleaseSpec("4.1", actual=dt.date(2010, 1, 5)),)
    plan = tmp_path / "plan.toml"
    old = Plan("xen", Policy(maintenance=windows, horizon=0), releases, ())
    plan.write_text(dumps_toml(old, build_train(old, TODAY)))
    argv = ["--plan", str(plan), "--today", "2040-01-01", "status", "--all", "--format", "json"]
    assert main(argv) == 0
    without = capsys.readouterr().out
    assert "maintained" not in {r["phase"] for r in json.loads(without)}
    assert main([*argv, "--repo", str(stable.repo.path)]) == 0
    assert capsys.readouterr().out == without


def test_export_writes_the_plan_not_git_evidence(
    stable: Stable, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With ``[git] repo`` linked (what ``init --from-git`` writes), the TOML export is the
    plan: git's states and the fixes no item names stay out of it (xen.git: 19,000 lines of
    ``git#`` items), and exporting the export again is byte-identical."""
    plan = tmp_path / "plan.toml"
    write_plan(plan, stable)
    config = tmp_path / "relplan.config.toml"
    config.write_text(f'[git]\nrepo = "{stable.repo.path}"\n')
    linked = ["--plan", str(plan), "--config", str(config), "--today", str(TODAY)]
    assert main([*linked, "status", "4.2", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["backport_conflicts"]  # git was read
    assert main(["--plan", str(plan), "--today", str(TODAY), "export"]) == 0
    alone = capsys.readouterr().out
    assert main([*linked, "export"]) == 0
    exported = capsys.readouterr().out
    assert exported == alone and "git#" not in exported
    again = tmp_path / "again.toml"
    again.write_text(exported)
    assert main(["--plan", str(again), "--config", str(config), "--today", str(TODAY),
                 "export"]) == 0  # fmt: skip
    assert capsys.readouterr().out == exported


def test_status_with_git_when_the_maintained_branch_is_not_cut_yet(
    stable: Stable, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Right after 4.3 shipped, 4.3 is the one maintained branch and the repository has no
    stable-4.3 yet (pytest cuts 9.2.x later): status says so and shows the plan, exit 0."""
    releases = (
        ReleaseSpec("4.1", actual=dt.date(2010, 1, 5)),
        ReleaseSpec("4.2", actual=dt.date(2010, 3, 20)),
        ReleaseSpec("4.3", actual=dt.date(2010, 4, 20)),
    )
    plan = tmp_path / "plan.toml"
    p = Plan("xen", Policy(), releases, ())
    plan.write_text(dumps_toml(p, build_train(p, TODAY)))
    argv = ["--plan", str(plan), "--today", str(TODAY), "status", "--format", "json"]
    assert main(argv) == 0
    without = capsys.readouterr().out
    assert main([*argv, "--repo", str(stable.repo.path)]) == 0
    out, err = capsys.readouterr()
    assert out == without
    assert "stable-4.3" in err and "branch_pattern" in err
