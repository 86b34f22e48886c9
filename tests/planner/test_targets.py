"""A roadmap's ``[4.23]`` names a series: it lands on that series' next release, or is said."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.model import Item, Plan, ReleaseKind, ReleaseSpec
from relplan.planner.domain.policy import Cadence, Policy
from relplan.planner.domain.targets import resolve_targets, target_problem
from relplan.planner.store.planfile import load_plan
from relplan.tui.cli import main

D = dt.date
POINT, MAINT = ReleaseKind.POINT, ReleaseKind.MAINTENANCE


def xen_plan() -> Plan:
    """4.22.0 shipped; 4.23.0 planned by the cadence (as `init --from-git` names them)."""
    return Plan("xen", Policy(cadence=Cadence(30, 40)), (
        ReleaseSpec("4.21.0", POINT, actual=D(2025, 11, 19)),
        ReleaseSpec("4.22.0", POINT, actual=D(2026, 7, 30)),
    ))  # fmt: skip


def test_a_series_target_is_its_next_release_and_the_unknown_are_said() -> None:
    train = build_train(xen_plan(), D(2026, 12, 3), 2)
    items = [Item("road#a", "NUMA", target="4.23"), Item("road#b", "x", target="3.9"),
             Item("road#c", "y", target="4.22.0"), Item("road#d", "z")]  # fmt: skip
    got, notes = resolve_targets(items, train)
    assert [i.target for i in got] == ["4.23.0", "3.9", "4.22.0", None]
    assert notes == [
        "road#a: target 4.23 is the series; its next release 4.23.0",
        "road#b: target 3.9 is no release of the plan (kept as written)",
    ]


def test_import_places_the_hint_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from relplan.planner.store.planfile import dumps_toml

    plan = xen_plan()
    (tmp_path / "relplan.toml").write_text(dumps_toml(plan, build_train(plan, D(2026, 12, 3))))
    (tmp_path / "road.md").write_text("- [ ] NUMA placement [4.23] @roger #feature\n")
    monkeypatch.chdir(tmp_path)
    assert main(["import", "road.md", "--today", "2026-12-03"]) == 0
    assert "target 4.23 is the series; its next release 4.23.0" in capsys.readouterr().err
    item = load_plan(tmp_path / "relplan.toml").plan.items[0]
    assert item.target == "4.23.0"


def test_import_refuses_hints_check_would_flag_at_their_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``[4.21]`` (every release shipped) and ``[5.9]`` (no such series) are refused like
    ``add --target 9.9.9``: exit 2, file and line, what was expected, nothing written."""
    from relplan.planner.store.planfile import dumps_toml

    plan = xen_plan()
    path = tmp_path / "relplan.toml"
    path.write_text(dumps_toml(plan, build_train(plan, D(2026, 12, 3))))
    before = path.read_bytes()
    road = "# Roadmap\n\n- Old [4.21]\n- Next [4.23]\n- Far [5.9]\n- Exact [4.22.0] #bug\n"
    (tmp_path / "road.md").write_text(road)
    monkeypatch.chdir(tmp_path)
    assert main(["import", "road.md", "--today", "2026-12-03"]) == 2
    err = capsys.readouterr().err
    assert "road.md:3: target: road#old: every release of series 4.21 has shipped" in err
    assert "road.md:5: target: road#far: 5.9 is no release or series of the plan" in err
    assert "a series with a release not shipped yet: 4.23" in err
    assert "road.md:4" not in err and "road.md:6" not in err and "Traceback" not in err
    assert path.read_bytes() == before


def test_a_plan_with_no_calendar_yet_keeps_the_hints_as_written() -> None:
    assert target_problem("1.0", []) is None
    train = build_train(xen_plan(), D(2026, 12, 3), 2)
    assert target_problem("4.23", train) is None and target_problem("4.22.0", train) is None
    assert target_problem("1.0", train) is not None
