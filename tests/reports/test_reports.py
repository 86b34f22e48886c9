"""relplan report: the demo's schedule mail, development update and status page, checked
against expected text; the default release; what changed since a day, from git."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reports.conftest import DEMO_DAY, EXPECTED, PlanRepo, run

CASES = [
    (kind, fmt, f"{kind}.{'md' if fmt == 'markdown' else 'txt'}")
    for kind in ("schedule", "update", "status")
    for fmt in ("text", "markdown")
]


@pytest.mark.parametrize("kind, fmt, expected", CASES)
def test_demo_reports_match_the_expected_text(
    capsys: pytest.CaptureFixture[str], kind: str, fmt: str, expected: str
) -> None:
    code, out, err = run(capsys, "--today", DEMO_DAY, "report", "--kind", kind, "--format", fmt)
    assert code == 0, err
    assert out == (EXPECTED / expected).read_text(encoding="utf-8")


def test_defaults_the_stabilizing_point_release_and_the_kinds_natural_format(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # 3.4.2 (a maintenance release) is in its RCs too; mails are about the point release.
    _, schedule, _ = run(capsys, "report", "--kind", "schedule")
    assert schedule == (EXPECTED / "schedule.txt").read_text(encoding="utf-8")
    assert schedule.startswith("Xen (demo, 2009) 4.0.0 release schedule\n")
    _, status, _ = run(capsys, "report")
    assert status == (EXPECTED / "status.md").read_text(encoding="utf-8")


def test_the_schedule_marks_passed_and_tentative_days(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "report", "--kind", "schedule")
    lines = {line.split()[-1]: line for line in out.splitlines() if "2009  " in line}
    assert "PASSED" in lines["Last posting date".split()[-1]]  # 2009-08-04, before today
    assert "PASSED" in lines["freeze"] and "**tentative**" in lines["RC1"]
    # The release day is pinned in the plan: decided, not tentative.
    release = lines["Release"]
    assert "Tuesday 10th November 2009" in release
    assert "**tentative**" not in release and "PASSED" not in release
    # On release day itself nothing is passed yet for the release line.
    _, later, _ = run(capsys, "--today", "2009-11-10", "report", "4.0.0", "--kind", "schedule")
    assert [ln for ln in later.splitlines() if ln.endswith("Release")][0].count("PASSED") == 0
    assert all("PASSED" in ln for ln in later.splitlines() if ln.endswith(("RC10", "RC1")))


def test_another_release_and_an_unknown_one(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "report", "3.4.2", "--kind", "schedule", "--format", "markdown")
    assert code == 0
    assert "| 2009-08-25 | PASSED | RC1 |" in out and "| 2009-09-08 |  | Release |" in out
    code, _, err = run(capsys, "report", "4.0", "--kind", "update")
    assert code == 2
    assert "no release '4.0'" in err and "4.0.0" in err


def test_update_says_what_changed_since_a_day_from_git(
    plan_repo: PlanRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    # After the first commit (2009-07-01): 4.0 slips two weeks, Remus gets better, a new
    # fix appears; committed on 2009-08-20.
    plan_repo.edit("release = 2009-11-10\n", "release = 2009-11-24\n", count=2)
    plan_repo.edit(
        'prognosis = "fair"\narea = "Toolstack"', 'prognosis = "good"\narea = "Toolstack"'
    )
    plan_repo.commit("2009-08-20T09:00:00Z")
    common = ("--plan", str(plan_repo.plan), "--today", DEMO_DAY)
    code, out, err = run(capsys, *common, "report", "--kind", "update", "--since", "2009-08-01")
    assert code == 0, err
    changes = out.split("= Changes since 2009-08-01 =", 1)[1]
    assert "4.0.0: release 2009-11-10 -> 2009-11-24 (slipped 14 days)" in changes
    assert "demo#remus: prognosis fair -> good" in changes
    assert "4.1.0: release" in changes  # the train behind it moves too
    # Since a day after the last commit, nothing changed.
    _, out, _ = run(capsys, *common, "report", "--kind", "update", "--since", "2009-08-21")
    assert out.split("= Changes since 2009-08-21 =", 1)[1].strip() == "nothing changed"
    # An uncommitted edit is a change too (the plan as loaded is "now").
    plan_repo.edit(
        'state = "in-progress"\nprognosis = "good"', 'state = "done"\nprognosis = "good"'
    )
    _, out, _ = run(capsys, *common, "report", "--kind", "update", "--since", "2009-08-21")
    assert "state in-progress -> done" in out


def test_update_says_when_changes_are_not_known(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "report", "--kind", "update", "--since", "2009-08-01")
    assert out.rstrip().endswith("Not available: the embedded demo has no history.")
    plan = tmp_path / "loose.toml"
    run(capsys, "export", "-o", str(plan))
    common = ("--plan", str(plan), "--today", DEMO_DAY)
    _, out, _ = run(capsys, *common, "report", "--kind", "update", "--since", "2009-08-01")
    assert "Not available: loose.toml is not in a git work tree." in out
    with pytest.raises(SystemExit) as exit_:
        run(capsys, "report", "--kind", "update", "--since", "August")
    assert exit_.value.code == 2
    assert '--since: "August" is not a date (expected YYYY-MM-DD)' in capsys.readouterr().err


def test_the_readme_shows_the_demos_schedule_mail_as_relplan_writes_it() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert (EXPECTED / "schedule.txt").read_text(encoding="utf-8") in readme
