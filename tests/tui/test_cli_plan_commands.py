"""The headless CLI: JSON contracts, global options, exit codes, and clean errors."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from relplan.tui.cli import main

ROOT = Path(__file__).resolve().parents[2]
DEMO_DAY = "2009-08-31"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def relplan(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "relplan.tui.cli", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


@pytest.fixture(autouse=True)
def _no_stray_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./relplan.toml: the demo is the default


def test_calendar_json_done_means(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "calendar", "--format", "json", "--count", "12", "--today", DEMO_DAY)
    assert code == 0
    releases = json.loads(out)
    for r in releases:
        assert {
            "version",
            "kind",
            "phase",
            "freeze_date",
            "release_date",
            "maintained_until",
        } <= set(r)
    points = [r for r in releases if r["kind"] == "point"]
    upcoming = [r for r in points if r["actual"] is None]
    assert len(upcoming) == 12
    days = [dt.date.fromisoformat(r["release_date"]) for r in upcoming]
    gaps = [(b - a).days for a, b in zip(days[1:], days[2:], strict=False)]
    assert gaps and all(70 <= g <= 84 for g in gaps)
    for a, b in zip(points, points[1:], strict=False):
        # A shipped release has no freeze nobody recorded (null); a planned one has one.
        assert (a["freeze_date"] is None) if a["actual"] else a["freeze_date"] < a["release_date"]
        assert a["maintained_until"] == (b["actual"] or b["release_date"])


def test_global_options_before_or_after_the_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    _, before, _ = run(capsys, "--today", "2010-01-15", "calendar", "--format", "json")
    _, after, _ = run(capsys, "calendar", "--format", "json", "--today", "2010-01-15")
    assert before == after
    phases = {r["version"]: r["phase"] for r in json.loads(after)}
    assert phases["4.0.0"] == "late"  # planned for 2009-11-10, no shipment recorded


def test_status_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "status", "--format", "json")
    assert code == 0
    rows = {r["version"]: r for r in json.loads(out)}
    four = rows["4.0.0"]
    assert four["phase"] == "frozen"
    assert four["verdict"] == "no-go"
    assert "demo#remus" in four["features_open_after_freeze"]
    assert rows["3.4.2"]["blockers_open"] == 1
    assert rows["3.4.2"]["backports"]["in-progress"] >= 1
    for r in rows.values():
        assert {
            "version",
            "phase",
            "items_total",
            "items_done",
            "blockers_open",
            "backports",
            "verdict",
        } <= set(r)


def test_status_opens_on_the_present_and_all_shows_everything(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "status", "--format", "json")
    # 2009-08-31: 3.3 security-only, 3.4 maintained, 3.4.2 in its RCs, 4.0 frozen, 4.1 in
    # development; not 3.2 (end of life), 3.4.1 (shipped), 4.2 (still planning).
    assert [r["version"] for r in json.loads(out)] == ["3.3.0", "3.4.0", "3.4.2", "4.0.0", "4.1.0"]
    code, out, _ = run(capsys, "status", "--all", "--format", "json")
    every = [r["version"] for r in json.loads(out)]
    assert {"3.2.0", "3.4.1", "4.2.0"} <= set(every) and len(every) > 5
    code, out, _ = run(capsys, "status")
    assert code == 0 and "3.2.0" not in out and "status --all" in out


def test_status_of_one_release_and_of_an_unknown_one(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "status", "3.4.2", "--format", "json")
    assert code == 0 and [r["version"] for r in json.loads(out)] == ["3.4.2"]
    code, _, err = run(capsys, "status", "9.9.9")
    assert code == 2 and "no release '9.9.9'" in err


def test_export_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "export", "--format", "json")
    data = json.loads(out)
    assert code == 0 and {"releases", "items"} <= set(data)
    items = {it["id"]: it for it in data["items"]}
    assert len([i for i in items.values() if i["kind"] == "feature"]) == 15
    for it in items.values():
        assert {
            "id",
            "title",
            "kind",
            "state",
            "priority",
            "blocker",
            "target",
            "backports",
        } <= set(it)
    assert items["demo#s3-resume"]["backports"] == {"3.3": "dontneed", "3.4": "required"}
    assert items["demo#bridge-switch"]["target"] == "4.1.0"  # laid on the demo day
    assert items["demo#rdma-migration"]["target"] is None


def test_toml_export_round_trip_is_byte_identical(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    assert run(capsys, "export", "--format", "toml", "-o", str(first))[0] == 0
    code, _, _ = run(capsys, "--plan", str(first), "--today", DEMO_DAY, "export", "-o", str(second))
    assert code == 0
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize("later", ["2010-03-01", "2026-12-03"])
def test_the_demo_exported_on_two_days_is_the_same_plan(
    capsys: pytest.CaptureFixture[str], later: str
) -> None:
    """A plan never changes because time passed: untargeted items are laid on the plan's own
    present (the demo's 2009-08-31), not on --today (on 2010-03-01 they went to 4.2.0)."""
    code, first, _ = run(capsys, "--today", DEMO_DAY, "export", "--format", "toml")
    assert code == 0
    code, second, _ = run(capsys, "--today", later, "export", "--format", "toml")
    assert code == 0
    assert second == first
    assert 'target = "4.1.0"\nwhy = "laid 2009-08-31: first release whose freeze' in first


def test_check_fails_on_a_frozen_release_with_blockers_and_passes_when_fixed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "check")
    assert (
        code == 1 and "3.4.2: past its freeze with open blocker(s): demo#pvhvm-migrate-hang" in out
    )
    plan = tmp_path / "plan.toml"
    run(capsys, "export", "-o", str(plan))
    plan.write_text(_set_state(plan.read_text(), "demo#pvhvm-migrate-hang", "done"))
    code, out, _ = run(capsys, "--plan", str(plan), "--today", DEMO_DAY, "check")
    # 4.0.0's feature freeze accepts no more features: its four open ones are named
    late = ("demo#memory-overcommit", "demo#pv-usb-pci", "demo#remus", "demo#vga-passthrough")
    assert code == 1 and [line.split(":")[0] for line in out.splitlines()] == list(late)
    for item_id in late:
        plan.write_text(_set_state(plan.read_text(), item_id, "deferred"))
    code, out, _ = run(capsys, "--plan", str(plan), "--today", DEMO_DAY, "check")
    assert code == 0, out


def _set_state(text: str, item_id: str, state: str) -> str:
    head, _, tail = text.partition(f'id = "{item_id}"')
    block, sep, rest = tail.partition("[[items]]")
    lines = [f'state = "{state}"' if ln.startswith("state = ") else ln for ln in block.split("\n")]
    return head + f'id = "{item_id}"' + "\n".join(lines) + sep + rest


def test_check_reports_inconsistencies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.toml"
    run(capsys, "export", "-o", str(plan))
    text = plan.read_text()
    text = text.replace('target = "4.1.0"', 'target = "9.0.0"', 1)
    text = text.replace(
        'depends_on = [\n    "demo#memory-overcommit",\n]', 'depends_on = [\n    "demo#nowhere",\n]'
    )
    plan.write_text(text)
    code, out, _ = run(capsys, "--plan", str(plan), "--today", DEMO_DAY, "check")
    assert code == 1
    assert "targets release 9.0.0, which is not on the calendar" in out
    assert "depends on demo#nowhere, which is not in the plan" in out


def test_malformed_plan_exits_2_with_line_no_traceback_file_untouched(tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    assert relplan("export", "-o", str(plan), cwd=tmp_path).returncode == 0
    bad = plan.read_text().replace('priority = "high"', 'priority = "urgentt"', 1)
    bad = bad.replace('weekday = "tuesday"', 'weekday = "tuesdy"')
    plan.write_text(bad)
    for argv in (
        ["status"],
        ["export", "--format", "toml", "-o", str(plan)],
        ["import", str(plan)],
    ):
        proc = relplan("--plan", str(plan), *argv, cwd=tmp_path)
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr
        assert plan.read_text() == bad
    lines = proc.stderr.strip().splitlines()
    assert any(
        ":21: policy.cadence.weekday" in ln and "did you mean 'tuesday'" in ln for ln in lines
    )
    assert any(
        'priority: "urgentt" is not one of critical, high, medium, low' in ln for ln in lines
    )


def test_bad_today_and_missing_plan_are_clear(tmp_path: Path) -> None:
    proc = relplan("--today", "2009-13-01", "calendar", cwd=tmp_path)
    assert (
        proc.returncode == 2
        and '--today: "2009-13-01" is not a date (expected YYYY-MM-DD)' in proc.stderr
    )
    proc = relplan("--plan", "nope.toml", "status", cwd=tmp_path)
    assert proc.returncode == 2 and "nope.toml: no such plan file" in proc.stderr


def test_relplan_toml_in_the_current_folder_is_the_default_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "export", "-o", str(tmp_path / "relplan.toml"))
    text = (tmp_path / "relplan.toml").read_text().replace("Xen (demo, 2009)", "Xen local")
    (tmp_path / "relplan.toml").write_text(text)
    _, out, _ = run(capsys, "--today", DEMO_DAY, "export", "--format", "json")
    assert json.loads(out)["plan"]["name"] == "Xen local"


def test_the_demo_is_never_written(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    md = tmp_path / "roadmap.md"
    md.write_text("- Something new\n")
    code, _, err = run(capsys, "import", str(md))
    assert code == 2 and "the embedded demo is never written" in err


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("calendar", "status", "export", "import", "check"):
        with pytest.raises(SystemExit) as exc:
            main([command, "--help"])
        assert exc.value.code == 0
        assert "--today" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "2009-08-31" in capsys.readouterr().out


def test_import_merges_into_the_plan_and_a_second_import_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.toml"
    run(capsys, "export", "-o", str(plan))
    md = tmp_path / "roadmap.md"
    md.write_text("• RDMA live migration\n• Something new (high)\n")
    code, out, _ = run(capsys, "--plan", str(plan), "--today", DEMO_DAY, "import", str(md))
    assert code == 0 and out.startswith("added 2, updated 0, unchanged 0 -> ")
    before = plan.stat().st_mtime_ns, plan.read_bytes()
    code, out, _ = run(capsys, "--plan", str(plan), "--today", DEMO_DAY, "import", str(md))
    assert code == 0 and out.startswith("added 0, updated 0, unchanged 2 (nothing to write)")
    assert (plan.stat().st_mtime_ns, plan.read_bytes()) == before
    _, out, _ = run(capsys, "--plan", str(plan), "--today", DEMO_DAY, "export", "--format", "json")
    new = {it["id"]: it for it in json.loads(out)["items"]}["roadmap#something-new"]
    assert new["priority"] == "high" and new["state"] == "proposed"
