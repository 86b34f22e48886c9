"""The timeline by series: shipped releases folded into their branch's row, the month axis
never running words together."""

from __future__ import annotations

import datetime as dt

import pytest

from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.model import Plan, ReleaseKind, ReleaseSpec
from relplan.planner.domain.policy import Policy
from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.tui.widgets.timeline import WEEK, monday, ruler_labels, timeline_rows


def test_a_shipped_branch_is_one_row_with_its_releases_folded_in() -> None:
    train = build_train(demo_plan(), DEMO_TODAY)
    rows = timeline_rows(train)
    branch = next(r for r in rows if r.branch and r.release.series == "3.4")
    assert branch.release.version == "3.4.0" and branch.label == "3.4"
    shipped = {r.version for r in train if r.series == "3.4" and r.shipped} - {"3.4.0"}
    assert shipped and {r.version for r in branch.folded} == shipped
    below = rows[rows.index(branch) + 1]
    assert below.nested and below.label == "└3.4.2" and not below.release.shipped
    # every release on the train is on exactly one row, as the row or folded into one
    drawn = [r.release.version for r in rows] + [f.version for r in rows for f in r.folded]
    assert sorted(drawn) == sorted(r.version for r in train)
    # series in version order, never one series split around another
    series = [r.release.series for r in rows]
    assert series == sorted(series, key=lambda s: tuple(int(p) for p in s.split(".")))


def test_a_release_past_its_day_but_not_shipped_keeps_its_own_row() -> None:
    plan = Plan(
        "late",
        Policy(),
        (
            ReleaseSpec("1.0", actual=dt.date(2025, 1, 6)),
            ReleaseSpec("1.0.1", ReleaseKind.MAINTENANCE, pins={"release": dt.date(2025, 3, 3)}),
        ),
    )
    rows = timeline_rows(build_train(plan, dt.date(2025, 4, 1)))
    late = next(r for r in rows if r.release.version == "1.0.1")
    assert late.nested and not late.folded
    assert rows[0].branch and rows[0].release.version == "1.0"


@pytest.mark.parametrize("weeks", [20, 40, 81, 120])
@pytest.mark.parametrize("offset", range(0, 60, 3))
def test_axis_labels_never_run_together(weeks: int, offset: int) -> None:
    start = monday(dt.date(2009, 1, 5) + offset * WEEK)
    today_col = (offset * 7) % weeks
    labels = ruler_labels(start, weeks, today_col)
    assert (today_col, "▼") in labels
    for (a, ta), (b, tb) in zip(labels, labels[1:], strict=False):
        gap = 0 if "▼" in (ta, tb) else 1
        assert a + len(ta) + gap <= b, (ta, tb)
    assert all(at + len(text) <= weeks for at, text in labels)
    # a month's label sits on the week holding the 1st of that month
    for at, text in labels:
        if text != "▼":
            day = start + at * WEEK
            assert day.day <= 7 and text in (day.strftime("%b"), day.strftime("%Y"))
    # most months keep their label: nothing is dropped that fits
    assert len(labels) >= weeks // 6
