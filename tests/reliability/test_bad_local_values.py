"""Bad local values are exit-2 errors naming file:line (or the option), never tracebacks:
out-of-range days, an all-year blackout, huge counts, 5000-digit numbers, 5000-deep
nesting, ~nosuchuser paths, a full stdout; a UTF-8 BOM is accepted; a CSV with an
unbalanced quote is refused at its line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.laying import lay
from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.store.planfile import dumps_toml, load_plan
from relplan.tui.cli import main

DEMO = dumps_toml(lay(demo_plan(), build_train(demo_plan(), DEMO_TODAY)),
                  build_train(demo_plan(), DEMO_TODAY))  # fmt: skip
DEEP = "[" * 5000 + "]" * 5000
HUGE = "9" * 5000


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.err


def plan_with(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    assert old in DEMO, old
    text = DEMO.replace(old, new, 1)
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    return path, text


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_today_far_out_is_refused(capsys: pytest.CaptureFixture[str], day: str) -> None:
    for command in (["status"], ["calendar"], ["export"]):
        code, err = run(capsys, "--today", day, *command)
        assert code == 2
        assert f"--today: {day} is outside the days relplan plans with" in err


@pytest.mark.parametrize(
    ("old", "new", "expect"),
    [
        ("actual = 2008-01-17", "actual = 0001-01-01", "actual: 0001-01-01 is outside"),
        ("actual = 2008-01-17", "actual = 9999-12-31", "actual: 9999-12-31 is outside"),
        ('"12-18..12-31"', '"01-01..06-30", "07-01..12-31"', "policy.blackouts: blackouts and"),
        ('"12-18..12-31"', '"2009-01-01..2011-01-01"', "policy.blackouts: blackouts and"),
        ('"12-18..12-31"', '"0001-01-01..0001-02-01"', "year 1 is outside 1900..2999"),
        ('"01-01",', '"01-01..12-31",', "policy.holidays: blackouts and"),
        ("max_weeks = 12", "max_weeks = 99999999999", "max_weeks: 99999999999 is more than 520"),
        ("general_months = 18", "general_months = 10000000", "is more than 1,200"),
        ("rc_every_days = 7", "rc_every_days = 100000", "is more than 3,650"),
        ("horizon = 4", "horizon = 10000", "horizon: 10000 is more than 100"),
        ("horizon = 4", f"horizon = {HUGE}", "a number with thousands of digits"),
        ("horizon = 4", f"horizon = [{DEEP}]", "nested more than 100 levels deep"),
    ],
)
def test_bad_values_in_the_plan_name_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, expect: str
) -> None:
    path, text = plan_with(tmp_path, old, new)
    # a problem in a list is reported on the line of its key
    key = "holidays = [" if "holidays" in expect else "blackouts = ["
    line = line_of(text, new if "=" in new else key)
    code, err = run(capsys, "--plan", str(path), "status")
    assert code == 2, err
    assert f"{path}:{line}" in err and expect in err


def test_a_huge_horizon_is_refused_at_once_not_computed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run(capsys, "calendar", "--count", "1000000000")
    assert code == 2 and "relplan computes at most 100 ahead" in err


def test_a_policy_that_makes_thousands_of_releases_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = DEMO.replace("horizon = 4", "horizon = 100")
    text = text.replace('model = "until-next"', 'model = "windows"')
    text = text.replace("general_months = 18", "general_months = 1200")
    text = text.replace("release_every_weeks = 6", "release_every_weeks = 1")
    # bug-fix releases are planned only on the three shipped branches, up to the horizon:
    # a longer cadence stretches it past 5,000 of them
    for key in ("min_weeks = 10", "max_weeks = 12", "target_weeks = 11"):
        text = text.replace(key, f"{key.split(' = ')[0]} = 30")
    path = tmp_path / "p.toml"
    path.write_text(text)
    code, err = run(capsys, "--plan", str(path), "status")
    assert code == 2 and f"{path}: policy: the policy puts more than 5,000 releases" in err


@pytest.mark.parametrize(
    ("name", "text", "expect"),
    [
        ("c.toml", f"[git]\nupstream = {HUGE}\n", "c.toml:2: a number with thousands"),
        ("c.toml", f"[git]\nupstream = {DEEP}\n", "c.toml:2: nested more than 100"),
        ("c.toml", 'plan = "~nosuchuser/p.toml"\n', 'c.toml:1: plan: "~nosuchuser/p.toml"'),
        ("c.toml", '[cache]\ndir = "~nosuchuser"\n', "c.toml:2: cache.dir"),
        ("c.toml", "[policy]\nhorizon = 10000\n", "c.toml:2: policy.horizon: 10000 is more"),
    ],
)
def test_bad_values_in_the_config_name_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, expect: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    code, err = run(capsys, "--config", str(path), "status")
    assert code == 2 and f"{tmp_path}/{expect}" in err, err


@pytest.mark.parametrize(
    ("name", "text", "expect"),
    [
        ("in.json", f'[{{"title": "x", "estimate_days": {HUGE}}}]', "in.json:1: a number"),
        ("in.json", DEEP, "in.json:1: nested more than 100 levels deep"),
        ("in.toml", f'[[items]]\ntitle = "x"\nestimate_days = {HUGE}\n', "in.toml:3: a number"),
        ("in.toml", f"[[items]]\ntitle = {DEEP}\n", "in.toml:2: nested more than 100"),
        ("in.json", '[{"title": "lone \\ud800"}]', "in.json:1: items[0].title: holds \\ud800"),
        (
            "in.json",
            '[{"title": "x", "updated": "0001-01-01T00:00:00+01:00"}]',
            "in.json:1: items[0].updated: 0001-01-01T00:00:00+01:00 is out of range in UTC",
        ),  # fmt: skip
        ("in.csv", 'id,title\n1,one\n2,"two\n3,three\n', "in.csv:3: not valid CSV: a quoted cell"),
        ("in.csv", 'id,title\n1,"one" x\n', "in.csv:2: not valid CSV"),
    ],
)
def test_bad_import_files_name_file_and_line_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, expect: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    plan = tmp_path / "p.toml"
    code, err = run(capsys, "--plan", str(plan), "import", str(path))
    assert code == 2 and f"{tmp_path}/{expect}" in err, err
    assert not plan.exists()


def test_files_starting_with_a_utf8_bom_are_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bom = "\ufeff"
    plan = tmp_path / "p.toml"
    plan.write_text(bom + DEMO, encoding="utf-8")
    config = tmp_path / "c.toml"
    config.write_text(bom + '[git]\nupstream = "main"\n', encoding="utf-8")
    base = ["--config", str(config), "--plan", str(plan)]
    assert run(capsys, *base, "status")[0] == 0
    for name, text in [
        ("a.csv", "id,title\nx1,From CSV\n"),
        ("b.json", '[{"id": "x2", "title": "From JSON"}]'),
        ("c.toml", '[[items]]\nid = "x3"\ntitle = "From TOML"\n'),
        ("d.md", "- From Markdown\n"),
    ]:
        source = tmp_path / "in" / name
        source.parent.mkdir(exist_ok=True)
        source.write_text(bom + text, encoding="utf-8")
        code, err = run(capsys, *base, "import", str(source), "--source", "x")
        assert code == 0, err
    titles = {it.title for it in load_plan(plan).plan.items}
    assert {"From CSV", "From JSON", "From TOML", "From Markdown"} <= titles


def test_a_full_stdout_is_a_clear_error(tmp_path: Path) -> None:
    for args in (["export"], ["status"], ["calendar", "--format", "json"]):
        with open("/dev/full", "w") as full:
            done = subprocess.run(
                [sys.executable, "-m", "relplan.tui.cli", *args],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                cwd=tmp_path,
                timeout=60,
            )
        assert done.returncode == 2, done.stderr
        assert done.stderr.strip().endswith(
            "relplan: cannot write the output: No space left on device"
        )
        assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


async def test_the_dashboard_says_when_a_typed_path_names_no_user() -> None:
    from relplan.planner.usecases.session import Session
    from relplan.tui.app import RelplanApp

    app = RelplanApp(Session(demo_plan(), today=DEMO_TODAY))
    async with app.run_test(size=(120, 40)) as pilot:
        app._save_as("~nosuchuser/plan.toml")
        await pilot.pause()
        assert "not saved" in app.status_text and "cannot expand ~nosuchuser" in app.status_text
        app._export("~nosuchuser/out.toml")
        await pilot.pause()
        assert "not exported" in app.status_text and app.is_running
