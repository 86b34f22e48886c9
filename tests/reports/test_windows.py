"""``calendar``, ``report --kind status`` and ``export --format ics`` take a window:
``--since``, ``--until`` (dates) or ``--current`` (what ``status`` shows by default)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.usecases.session import Session
from relplan.tui.cli import main

DAY = ["--today", "2009-08-31"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([*DAY, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def demo() -> Session:
    return Session(demo_plan(), today=DEMO_TODAY)


def test_calendar_current_is_what_status_shows(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "calendar", "--current", "--format", "json")
    assert code == 0
    shown = [r["version"] for r in json.loads(out)]
    assert shown == [r.version for r in demo().window()]
    assert len(shown) < len(demo().train())


def test_calendar_dates_keep_releases_with_a_milestone_inside(
    capsys: pytest.CaptureFixture[str],
) -> None:
    since, until = dt.date(2009, 9, 1), dt.date(2009, 12, 31)
    code, out, _ = run(capsys, "calendar", "--since", str(since), "--until", str(until),
                       "--format", "json")  # fmt: skip
    assert code == 0
    shown = {r["version"] for r in json.loads(out)}
    for r in demo().train():
        inside = any(since <= day <= until for _, day in r.milestones())
        assert (r.version in shown) == inside, r.version
    assert shown and len(shown) < len(demo().train())
    code, out, _ = run(capsys, "calendar", "--since", str(since))
    assert "more releases outside the window" in out


def test_ics_events_fall_in_the_window(capsys: pytest.CaptureFixture[str]) -> None:
    _, whole, _ = run(capsys, "export", "--format", "ics")
    code, part, _ = run(capsys, "export", "--format", "ics", "--since", "2009-10-01",
                        "--until", "2010-03-31")  # fmt: skip
    assert code == 0
    days = re.findall(r"DTSTART;VALUE=DATE:(\d{8})", part)
    assert days and all("20091001" <= d <= "20100331" for d in days)
    assert len(days) < whole.count("BEGIN:VEVENT")
    _, current, _ = run(capsys, "export", "--format", "ics", "--current")
    versions = set(re.findall(r"UID:xen-demo-2009-(\d[\d.]*)-", current))
    assert versions == {r.version for r in demo().window()}


def test_report_status_takes_the_window(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "report", "--kind", "status", "--current", "--format", "text")
    assert code == 0
    listed = {line.split()[0] for line in out.splitlines() if re.match(r"\d+\.\d+\.\d+ ", line)}
    assert listed == {r.version for r in demo().window()}


@pytest.mark.parametrize(
    "args",
    [
        ["calendar", "--since", "2010-01-01", "--until", "2009-01-01"],
        ["export", "--format", "toml", "--current"],
        ["report", "--kind", "schedule", "--current"],
        ["calendar", "--since", "yesterday"],
    ],
)
def test_a_window_that_cannot_apply_is_refused(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    try:
        code, _, err = run(capsys, *args)
    except SystemExit as exc:  # argparse's own refusal of a bad date
        code, err = int(exc.code or 0), capsys.readouterr().err
    assert code == 2 and err


def test_report_opens_on_the_present_with_what_needs_attention_first(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "report", "--format", "text")
    assert code == 0
    listed = [line.split()[0] for line in out.splitlines() if re.match(r"\d+\.\d+\.\d+ ", line)]
    assert set(listed) == {r.version for r in demo().window()}
    assert out.index("= Not a go =") < out.index("= Releases =")
    hidden = len(demo().train()) - len(listed)
    assert f"{hidden} more releases are outside this window." in out
    _, everything, _ = run(capsys, "report", "--all", "--format", "text")
    assert sum(bool(re.match(r"\d+\.\d+\.\d+ ", ln)) for ln in everything.splitlines()) == len(
        demo().train()
    )


def test_a_branch_backport_count_is_said_once_under_its_next_release(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = run(capsys, "report", "--all", "--format", "text")
    assert out.count("3 fix(es) still to backport to 3.4") == 1
    said = out.index("3 fix(es) still to backport to 3.4")
    assert out.rindex("3.4.2 (rc)", 0, said) >= 0  # under 3.4.2, the branch's next release
    assert "Held by the same reasons as an earlier release: 3.4.3." in out
