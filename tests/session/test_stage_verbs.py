"""The freeze ladder through the session and the command line: confirm, calendar and status
JSON, the schedule mail, slips that keep passed stages."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest

from relplan.planner.domain.model import Plan
from relplan.planner.domain.policy import Policy
from relplan.planner.domain.stages import PRESETS
from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.store.planfile import load_plan
from relplan.planner.usecases.session import Session
from tests.session.test_release_verbs import DAY, cli, write_demo


def xen_demo() -> Plan:
    """The demo with today's Xen ladder instead of 2009's implicit one."""
    plan = demo_plan()
    policy = replace(plan.policy, stages=PRESETS["xen"], stages_preset="xen")
    return Plan(plan.name, policy, plan.releases, plan.items)


def stages_of(path: Path, version: str, day: str = DAY) -> list[dict[str, object]]:
    code, out, _ = cli("--plan", str(path), "--today", day, "calendar", "--format", "json")
    assert code == 0
    [row] = [r for r in json.loads(out) if r["version"] == version]
    stages: list[dict[str, object]] = row["stages"]
    return stages


def test_calendar_json_gives_each_release_its_stages(tmp_path: Path) -> None:
    path = write_demo(tmp_path)
    assert stages_of(path, "4.0.0")[:3] == [
        {"name": "Last posting date", "date": "2009-08-04", "accepts": "features",
         "tentative": True},
        {"name": "Feature freeze", "date": "2009-08-18", "accepts": "fixes", "tentative": True},
        {"name": "RC1", "date": "2009-09-01", "accepts": "fixes", "tentative": True},
    ]  # fmt: skip
    assert stages_of(path, "4.0.0")[-1] == {
        "name": "Release", "date": "2009-11-10", "accepts": "nothing", "tentative": False,
    }  # fmt: skip
    (tmp_path / "x").mkdir()
    xen = write_demo(tmp_path / "x", xen_demo())
    names = [s["name"] for s in stages_of(xen, "4.1.0")]
    assert names == [
        "Last posting date", "Feature freeze", "Code freeze", "Hard code freeze", "Branch off",
        "Final commits", "Release",
    ]  # fmt: skip


def test_status_json_names_the_stage_and_what_it_accepts(tmp_path: Path) -> None:
    path = write_demo(tmp_path)
    code, out, _ = cli("--plan", str(path), "--today", DAY, "status", "--all", "--format", "json")
    rows = {r["version"]: r for r in json.loads(out)}
    assert (rows["4.0.0"]["stage"], rows["4.0.0"]["accepts"]) == ("Feature freeze", "fixes")
    assert (rows["4.1.0"]["stage"], rows["4.1.0"]["accepts"]) == ("Development", "features")
    assert (rows["3.4.1"]["stage"], rows["3.4.1"]["accepts"]) == ("Release", "nothing")
    code, out, _ = cli("--plan", str(path), "--today", "2009-09-02", "status")
    assert "4.0.0    rc             RC1: fixes" in out


def test_confirm_pins_the_stage_where_it_is_and_dry_run_writes_nothing(tmp_path: Path) -> None:
    path = write_demo(tmp_path, xen_demo())
    before = path.read_bytes()
    common = ("--plan", str(path), "--today", DAY, "confirm", "4.1.0")
    code, out, err = cli(*common, "code freeze", "--dry-run", "--format", "json")
    assert code == 0 and path.read_bytes() == before
    [row] = json.loads(out)
    assert row == {"version": "4.1.0", "field": "pins.code-freeze", "old": None,
                   "new": row["new"]}  # fmt: skip
    code_freeze = next(s for s in stages_of(path, "4.1.0") if s["name"] == "Code freeze")
    assert code_freeze["tentative"] is True and row["new"] == code_freeze["date"]
    code, _, err = cli(*common, "code-freeze")
    assert code == 0 and "confirmed 4.1.0 Code freeze on" in err
    confirmed = next(s for s in stages_of(path, "4.1.0") if s["name"] == "Code freeze")
    assert confirmed == {**code_freeze, "tentative": False}
    assert load_plan(path).plan.spec("4.1.0").pins["code-freeze"].isoformat() == row["new"]  # type: ignore[union-attr]
    code, _, err = cli(*common, "Code freeze")
    assert code == 0 and "decided already" in err


def test_confirm_of_an_unknown_stage_is_exit_2_with_a_did_you_mean(tmp_path: Path) -> None:
    path = write_demo(tmp_path, xen_demo())
    before = path.read_bytes()
    code, out, err = cli("--plan", str(path), "--today", DAY, "confirm", "4.1.0", "code-frezze")
    assert code == 2 and out == "" and path.read_bytes() == before
    assert "4.1.0 has no stage 'code-frezze'" in err and "did you mean code-freeze?" in err
    code, _, err = cli("--plan", str(path), "--today", DAY, "confirm", "9.9", "rc1")
    assert code == 2 and "no release '9.9'" in err
    code, _, err = cli("--today", DAY, "confirm", "4.0.0", "rc1")  # the demo is never written
    assert code == 2 and "never written" in err


def test_confirm_is_one_undoable_change() -> None:
    session = Session(demo_plan(), today=DEMO_TODAY)
    stage = session.next_tentative("4.0.0")
    assert stage is not None and stage.key == "rc1"
    assert session.apply(session.confirm("4.0.0", "rc1"))
    assert not next(s for s in session.stages("4.0.0") if s.key == "rc1").tentative
    assert session.next_tentative("4.0.0").key == "rc2"  # type: ignore[union-attr]
    assert session.undo() == "confirmed 4.0.0 RC1 on 2009-09-01"
    assert next(s for s in session.stages("4.0.0") if s.key == "rc1").tentative


def test_a_slip_keeps_the_passed_stages_where_they_were() -> None:
    today = dt.date(2009, 12, 15)
    session = Session(xen_demo(), today=today)
    before = {s.key: s.day for s in session.stages("4.1.0")}
    passed = {k for k, d in before.items() if d is not None and d < today}
    assert passed == {"last-posting-date", "feature-freeze", "code-freeze"}
    session.apply(session.slip("4.1.0", by=dt.timedelta(weeks=3)))
    after = {s.key: s.day for s in session.stages("4.1.0")}
    assert all(after[k] == before[k] for k in passed)
    assert after["final-commits"] == before["final-commits"] + dt.timedelta(weeks=3)  # type: ignore[operator]
    assert after["hard-code-freeze"] > before["hard-code-freeze"]  # type: ignore[operator]


def test_the_schedule_mail_climbs_the_xen_ladder(tmp_path: Path) -> None:
    path = write_demo(tmp_path, xen_demo())
    code, out, _ = cli("--plan", str(path), "--today", "2009-12-01", "report", "4.1.0",
                       "--kind", "schedule")  # fmt: skip
    assert code == 0
    lines = [line for line in out.splitlines() if line.startswith("  ") and "20" in line]
    titles = [line.split("  ")[-1].strip() for line in lines if not line.startswith("    ")]
    assert titles == [
        "Last posting date", "Feature freeze", "Code freeze", "Hard code freeze", "Branch off",
        "Final commits", "Release",
    ]  # fmt: skip
    assert "Bug fixes only, each approved by the release manager" in out
    assert "Documentation and release preparation only." in out
    # last posting and feature freeze are decided in Xen's mails, the rest tentative
    marks = {t: ("**tentative**" in line) for t, line in zip(titles, lines, strict=False)}
    assert marks["Feature freeze"] is False and marks["Code freeze"] is True


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_every_preset_runs_the_whole_demo(preset: str, tmp_path: Path) -> None:
    plan = demo_plan()
    policy: Policy = replace(plan.policy, stages=PRESETS[preset], stages_preset=preset)
    path = write_demo(tmp_path, Plan(plan.name, policy, plan.releases, plan.items))
    for verb in (("calendar",), ("status",), ("check",), ("report", "--kind", "schedule")):
        code, _, err = cli("--plan", str(path), "--today", DAY, *verb)
        assert code in (0, 1) and "Traceback" not in err
