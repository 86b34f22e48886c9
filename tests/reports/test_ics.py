"""relplan export --format ics: parsed back with icalendar; UIDs stable; a moved day keeps its
UID and bumps SEQUENCE and LAST-MODIFIED."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from icalendar import Calendar

from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.schedule import release_schedule
from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from tests.reports.conftest import DEMO_DAY, PlanRepo, run


def events(data: str) -> dict[str, dict[str, object]]:
    """Every VEVENT of a feed by UID: start, end, sequence, modified, categories, status."""
    cal = Calendar.from_ical(data)
    out: dict[str, dict[str, object]] = {}
    for ev in cal.walk("VEVENT"):
        uid = str(ev["UID"])
        assert uid not in out, f"duplicate UID {uid}"
        out[uid] = {
            "start": ev.decoded("DTSTART"),
            "end": ev.decoded("DTEND"),
            "sequence": int(ev.get("SEQUENCE", 0)),
            "modified": ev.decoded("LAST-MODIFIED"),
            "stamp": ev.decoded("DTSTAMP"),
            "categories": [str(c) for c in ev["CATEGORIES"].cats],
            "status": str(ev["STATUS"]),
            "summary": str(ev["SUMMARY"]),
        }
    return out


def export_ics(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, "--today", DEMO_DAY, *argv, "export", "--format", "ics")
    assert code == 0, err
    return out


def test_one_all_day_event_per_milestone_of_every_release(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = export_ics(capsys)
    cal = Calendar.from_ical(data)
    assert str(cal["X-WR-TIMEZONE"]) == "Europe/London"
    found = events(data)
    plan = demo_plan()
    train = build_train(plan, DEMO_TODAY)
    expected = {
        (r.version, m.key): m
        for r in train
        for m in release_schedule(r, plan.spec(r.version), support=True)
    }
    assert len(found) == len(expected)
    for (version, key), m in expected.items():
        ev = found[f"xen-demo-2009-{version}-{key}@relplan"]
        assert ev["start"] == m.day and type(ev["start"]) is dt.date  # all-day: a DATE
        assert ev["end"] == m.day + dt.timedelta(days=1)
        assert ev["categories"] == [m.phase.value]
        assert ev["sequence"] == 0  # the demo has no history
    freeze = found["xen-demo-2009-4.0.0-freeze@relplan"]
    assert freeze["start"] == dt.date(2009, 8, 18) and freeze["categories"] == ["frozen"]
    assert freeze["status"] == "CONFIRMED"  # passed
    assert found["xen-demo-2009-4.0.0-rc3@relplan"]["status"] == "TENTATIVE"
    assert found["xen-demo-2009-4.0.0-release@relplan"]["status"] == "CONFIRMED"  # pinned
    eom = found["xen-demo-2009-3.4.0-end-of-maintenance@relplan"]
    assert eom["start"] == dt.date(2009, 11, 10) and eom["categories"] == ["maintained"]
    assert "xen-demo-2009-3.4.2-end-of-maintenance@relplan" not in found  # branch's, on 3.4.0
    assert "xen-demo-2009-4.0.0-end-of-security-support@relplan" in found


def test_the_same_plan_and_day_give_the_same_bytes(capsys: pytest.CaptureFixture[str]) -> None:
    assert export_ics(capsys) == export_ics(capsys)


def test_a_moved_day_keeps_its_uid_and_bumps_sequence(
    plan_repo: PlanRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = ("--plan", str(plan_repo.plan))
    first = events(export_ics(capsys, *plan))
    release = "xen-demo-2009-4.0.0-release@relplan"
    committed = dt.datetime(2009, 7, 1, 12, tzinfo=dt.UTC)
    assert first[release]["sequence"] == 0 and first[release]["modified"] == committed

    # Uncommitted: the plan as loaded differs from the last commit.
    plan_repo.edit("release = 2009-11-10\n", "release = 2009-11-24\n", count=2)
    edited = events(export_ics(capsys, *plan))
    assert set(edited) == set(first)  # same UIDs: a subscribed calendar updates
    assert edited[release]["start"] == dt.date(2009, 11, 24)
    assert edited[release]["sequence"] == 1
    assert edited[release]["modified"] == dt.datetime(2009, 8, 30, 23, tzinfo=dt.UTC)
    # Days that did not move keep their SEQUENCE and time.
    assert (
        edited["xen-demo-2009-3.4.2-release@relplan"]
        == first["xen-demo-2009-3.4.2-release@relplan"]
    )

    # Committed: the same count, dated by the commit; a second move counts again.
    plan_repo.commit("2009-08-20T09:30:00Z", "4.0 slips two weeks")
    moved = events(export_ics(capsys, *plan))
    assert moved[release]["sequence"] == 1
    assert moved[release]["modified"] == dt.datetime(2009, 8, 20, 9, 30, tzinfo=dt.UTC)
    assert moved[release]["stamp"] == moved[release]["modified"]
    plan_repo.edit("release = 2009-11-24\n", "release = 2009-11-10\n", count=2)
    plan_repo.commit("2009-08-25T09:30:00Z", "back to the 10th")
    back = events(export_ics(capsys, *plan))
    assert back[release]["start"] == dt.date(2009, 11, 10)
    assert back[release]["sequence"] == 2  # back to an earlier day is still a change


def test_export_ics_refuses_to_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "xen.ics"
    code, _, _ = run(capsys, "export", "--format", "ics", "-o", str(target))
    assert code == 0 and target.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    target.write_text("mine")
    code, _, err = run(capsys, "export", "--format", "ics", "-o", str(target))
    assert code == 2 and str(target) in err and "--force" in err
    assert target.read_text() == "mine"
    code, _, _ = run(capsys, "export", "--format", "ics", "-o", str(target), "--force")
    assert code == 0 and target.read_bytes().startswith(b"BEGIN:VCALENDAR")
