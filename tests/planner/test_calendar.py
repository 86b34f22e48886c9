"""Laws of the point-release calendar: windows, weekdays, blackouts, slips, support, time zones."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relplan.planner.domain.calendar import (
    build_train,
    next_maintenance_version,
    next_point_version,
    phase_on,
    today_in,
    unscheduled,
)
from relplan.planner.domain.model import Phase, Plan, Release, ReleaseKind, ReleaseSpec
from relplan.planner.domain.policy import (
    Cadence,
    DayRange,
    Maintenance,
    MaintenanceModel,
    Policy,
    Stabilization,
)
from relplan.planner.domain.stages import next_milestone
from relplan.planner.domain.version import version_key
from relplan.planner.store.demo import DEMO_TODAY, demo_plan

D = dt.date
ANCHOR = ReleaseSpec("1.0.0", actual=D(2021, 3, 2))
POINT, MAINT = ReleaseKind.POINT, ReleaseKind.MAINTENANCE


def plan_with(policy: Policy, *specs: ReleaseSpec) -> Plan:
    return Plan("t", policy, specs or (ANCHOR,))


def points(train: list[Release]) -> list[Release]:
    return [r for r in train if r.kind is POINT]


def gap_weeks_ok(a: Release, b: Release, cad: Cadence, extra: int = 0) -> bool:
    gap = (b.release - a.day).days
    return 7 * (cad.min_weeks + extra) <= gap <= 7 * (cad.max_weeks + extra)


policies = st.builds(
    lambda lo, span, aim, wd, fw, bl: Policy(
        cadence=Cadence(
            min_weeks=lo, max_weeks=lo + span, target_weeks=lo + aim % (span + 1), weekday=wd
        ),
        stabilization=Stabilization(freeze_weeks=fw),
        blackouts=bl,
    ),
    lo=st.integers(4, 20),
    span=st.integers(0, 6),
    aim=st.integers(0, 6),
    wd=st.none() | st.integers(0, 6),
    fw=st.integers(1, 4),
    bl=st.sampled_from([(), (DayRange.parse("12-18..12-31"),), (DayRange.parse("12-20..01-05"),)]),
)


@settings(max_examples=150, deadline=None)
@given(policy=policies, anchor=st.dates(D(2000, 1, 1), D(2040, 1, 1)))
def test_generated_point_releases_respect_window_weekday_and_blackouts(
    policy: Policy, anchor: dt.date
) -> None:
    train = build_train(plan_with(policy, ReleaseSpec("2.0.0", actual=anchor)), anchor, 8)
    pts = points(train)
    assert len(pts) == 9
    for a, b in zip(pts, pts[1:], strict=False):
        exceeded = any("window exceeded" in n for n in b.notes)
        assert gap_weeks_ok(a, b, policy.cadence) or exceeded, (a, b)
        if exceeded:  # only when blackouts leave no day in the window
            assert policy.blackouts and b.release > a.day + dt.timedelta(
                weeks=policy.cadence.max_weeks
            )
        if not b.notes:
            assert policy.cadence.weekday is None or b.release.weekday() == policy.cadence.weekday
        assert not policy.blocked(b.release)
        assert b.freeze is not None and not policy.blocked(b.freeze)
        assert b.freeze < b.release
        assert all(b.freeze < rc < b.release for rc in b.rcs)
        assert list(b.rcs) == sorted(set(b.rcs))
        assert all(rc.weekday() < 5 and not policy.blocked(rc) for rc in b.rcs)
        wd = policy.cadence.weekday
        span = [b.freeze + dt.timedelta(days=i) for i in range((b.release - b.freeze).days)]
        if (
            wd is not None
            and wd < 5
            and b.freeze.weekday() == wd
            and not any(map(policy.blocked, span))
        ):
            assert all(rc.weekday() == wd for rc in b.rcs)  # RCs on the release weekday


def test_the_target_gap_is_used_when_free() -> None:
    policy = Policy(cadence=Cadence(min_weeks=10, max_weeks=12, target_weeks=11, weekday=1))
    pts = points(build_train(plan_with(policy), D(2021, 3, 2), 3))
    # 2021-03-02 is a Tuesday; 11 weeks later is a Tuesday too.
    assert [r.release for r in pts[1:]] == [D(2021, 5, 18), D(2021, 8, 3), D(2021, 10, 19)]


def test_blackout_pushes_release_and_freeze_out_of_late_december() -> None:
    policy = Policy(
        cadence=Cadence(min_weeks=10, max_weeks=12, target_weeks=10, weekday=1),
        blackouts=(DayRange.parse("12-18..12-31"),),
    )
    anchor = ReleaseSpec("1.0.0", actual=D(2021, 10, 12))  # +10 weeks = 2021-12-21 (blocked)
    nxt = points(build_train(plan_with(policy, anchor), D(2021, 10, 12), 1))[1]
    assert nxt.release == D(2022, 1, 4)
    assert nxt.freeze == D(2021, 12, 7)
    assert not policy.blocked(nxt.release)


def test_year_end_wrapping_blackout_and_holiday() -> None:
    policy = Policy(
        cadence=Cadence(min_weeks=2, max_weeks=6, target_weeks=2, weekday=None),
        stabilization=Stabilization(freeze_weeks=1),
        blackouts=(DayRange.parse("12-20..01-05"),),
        holidays=(DayRange.parse("01-06"),),
    )
    anchor = ReleaseSpec("1.0.0", actual=D(2021, 12, 8))
    nxt = points(build_train(plan_with(policy, anchor), anchor.actual, 1))[1]
    # The release may not land on 12-22..01-06, nor its freeze a week earlier: the first
    # day whose freeze is free again is 01-14 (freeze 01-07, the day after the holiday).
    assert nxt.release == D(2022, 1, 14)
    assert nxt.freeze == D(2022, 1, 7)


def test_no_free_day_in_window_is_noted_not_hidden() -> None:
    policy = Policy(
        cadence=Cadence(min_weeks=1, max_weeks=1, weekday=1),
        stabilization=Stabilization(freeze_weeks=1),
        blackouts=(DayRange.parse("2021-03-05..2021-03-20"),),
    )
    nxt = points(build_train(plan_with(policy), D(2021, 3, 2), 1))[1]
    assert nxt.release > D(2021, 3, 20)
    assert any("window exceeded" in n for n in nxt.notes)


def test_new_major_gets_the_longer_stabilization() -> None:
    policy = Policy(
        cadence=Cadence(min_weeks=10, max_weeks=12, target_weeks=10, weekday=None),
        stabilization=Stabilization(freeze_weeks=4, major_freeze_weeks=12),
    )
    plan = plan_with(policy, ReleaseSpec("3.4.0", actual=D(2009, 5, 18)), ReleaseSpec("4.0.0"))
    pts = points(build_train(plan, D(2009, 5, 18), 2))
    four, four_one = pts[1], pts[2]
    assert (four.release - D(2009, 5, 18)).days == 7 * (10 + 8)
    assert (four.release - four.freeze).days == 7 * 12
    assert (four_one.release - four_one.freeze).days == 7 * 4
    assert gap_weeks_ok(pts[0], four, policy.cadence, extra=8)


@pytest.mark.parametrize("catch_up", [False, True])
def test_a_recorded_slip_moves_every_later_release(catch_up: bool) -> None:
    policy = Policy(
        cadence=Cadence(
            min_weeks=10, max_weeks=12, target_weeks=12, weekday=None, catch_up=catch_up
        )
    )
    on_time = points(build_train(plan_with(policy), D(2021, 3, 2), 4))
    planned_second = on_time[1].release
    slipped = ReleaseSpec("1.1.0", actual=planned_second + dt.timedelta(days=14))
    late = points(build_train(plan_with(policy, ANCHOR, slipped), D(2021, 3, 2), 4))
    assert late[1].actual == planned_second + dt.timedelta(days=14)
    if catch_up:
        # Xen's rule: the next cycle shrinks by the slip (12 -> 10 weeks), not below the minimum.
        assert (late[2].release - late[1].day).days == 7 * 10
    else:
        assert (late[2].release - late[1].day).days == 7 * 12
    shift = 0 if catch_up else 14  # caught up within the window, or everything moves
    for before, after in zip(on_time[2:], late[2:], strict=False):
        assert (after.release - before.release).days == shift


def test_pinned_dates_win() -> None:
    pinned = ReleaseSpec("1.1.0", pins={"release": D(2021, 6, 1), "freeze": D(2021, 4, 20)})
    r = points(build_train(plan_with(Policy(), ANCHOR, pinned), D(2021, 3, 2), 1))[1]
    assert (r.release, r.freeze) == (D(2021, 6, 1), D(2021, 4, 20))
    assert "release day pinned" in r.notes


@pytest.mark.parametrize(
    ("maintenance", "expect"),
    [
        (Maintenance(model=MaintenanceModel.UNTIL_NEXT), "next"),
        (Maintenance(model=MaintenanceModel.UNTIL_NEXT, security_months=6), "next+6"),
        (
            Maintenance(model=MaintenanceModel.WINDOWS, general_months=18, security_months=18),
            "18+18",
        ),
        (Maintenance(model=MaintenanceModel.NEWEST, newest=3), "third"),
    ],
)
def test_maintenance_models(maintenance: Maintenance, expect: str) -> None:
    policy = Policy(cadence=Cadence(weekday=None), maintenance=maintenance)
    pts = points(build_train(plan_with(policy), D(2021, 3, 2), 6))
    for i, r in enumerate(pts[:-3]):
        if expect == "next":
            assert r.maintained_until == pts[i + 1].day and r.security_until is None
        elif expect == "next+6":
            assert r.maintained_until == pts[i + 1].day
            assert r.security_until == pendulum.date(*_ymd(pts[i + 1].day)).add(months=6)
        elif expect == "18+18":
            assert r.maintained_until == pendulum.date(*_ymd(r.day)).add(months=18)
            assert r.security_until == pendulum.date(*_ymd(r.day)).add(months=36)
        else:
            assert r.maintained_until == pts[i + 3].day
    assert pts[-1].maintained_until is not None  # the newest release knows its end too


def _ymd(d: dt.date) -> tuple[int, int, int]:
    return d.year, d.month, d.day


def test_maintenance_releases_are_listed_then_generated_from_the_plans_present() -> None:
    policy = Policy(
        cadence=Cadence(min_weeks=12, max_weeks=12, weekday=None),
        maintenance=Maintenance(release_every_weeks=3, rc_days=7),
    )
    listed = ReleaseSpec("1.0.1", MAINT, actual=D(2021, 3, 20))
    plan = plan_with(policy, ANCHOR, listed)
    train = build_train(plan, D(2021, 4, 20), 1)
    maint = [r for r in train if r.kind is MAINT and r.series == "1.0"]
    assert maint[0].version == "1.0.1" and maint[0].actual == D(2021, 3, 20)
    generated = maint[1:]
    assert [r.version for r in generated] == ["1.0.2", "1.0.3", "1.0.4"]
    # planned from the branch's last shipment, never before the plan's latest one
    assert generated[0].release == D(2021, 4, 10)
    assert all(r.release is not None and r.release > D(2021, 3, 20) for r in generated)
    assert build_train(plan, D(2031, 1, 1), 1) == train  # the day it is read moves nothing
    end = points(train)[0].maintained_until
    assert end is not None and all(r.release < end for r in generated)
    assert all(r.rcs == (r.release - dt.timedelta(days=7),) for r in generated)


def test_a_bug_fix_release_planned_on_the_plans_day_gets_no_rc_before_it() -> None:
    """The plan was made on 2021-04-12: 1.0.2 is planned that day (its cadence day, 04-10,
    had passed), and its RC a week earlier was never planned: none is invented."""
    policy = Policy(
        cadence=Cadence(min_weeks=12, max_weeks=12, weekday=None),
        maintenance=Maintenance(release_every_weeks=3, rc_days=7),
    )
    listed = ReleaseSpec("1.0.1", MAINT, actual=D(2021, 3, 20))
    made = D(2021, 4, 12)
    plan = plan_with(policy, ANCHOR, listed).with_planned_from(made)
    maint = [r for r in build_train(plan, made, 1) if r.kind is MAINT and r.series == "1.0"]
    first = maint[1]
    assert first.version == "1.0.2" and first.release == made and first.rcs == ()
    assert maint[2].rcs == (maint[2].release - dt.timedelta(days=7),)  # ahead: planned


def test_maintenance_release_without_a_day_is_unscheduled_unless_a_cadence_plans_it() -> None:
    plan = plan_with(Policy(), ANCHOR, ReleaseSpec("1.0.1", MAINT))
    train = build_train(plan, D(2021, 4, 1))
    assert "1.0.1" not in [r.version for r in train]
    assert [s.version for s in unscheduled(plan, train)] == ["1.0.1"]
    every = Policy(maintenance=Maintenance(release_every_weeks=4))
    planned = build_train(Plan("t", every, plan.releases), D(2021, 4, 1))
    assert "1.0.1" in [r.version for r in planned]
    assert unscheduled(plan, planned) == []


def test_a_plan_without_any_day_has_an_empty_train_and_every_release_unscheduled() -> None:
    plan = plan_with(Policy(), ReleaseSpec("1.0.0"), ReleaseSpec("1.1.0"))
    train = build_train(plan, D(2021, 1, 1))
    assert train == []
    assert [s.version for s in unscheduled(plan, train)] == ["1.0.0", "1.1.0"]


def test_point_releases_before_the_anchor_are_unscheduled_and_after_it_planned() -> None:
    early, later = ReleaseSpec("0.9.0"), ReleaseSpec("1.1.0")
    plan = plan_with(Policy(cadence=Cadence(min_weeks=10, max_weeks=12)), early, ANCHOR, later)
    train = build_train(plan, D(2021, 3, 2), 1)
    versions = [r.version for r in points(train)]
    assert versions[:2] == ["1.0.0", "1.1.0"] and "0.9.0" not in versions
    assert [s.version for s in unscheduled(plan, train)] == ["0.9.0"]
    assert D(2021, 5, 11) <= train[1].release <= D(2021, 5, 25)  # 10-12 weeks after 1.0.0


def test_a_release_marked_unscheduled_is_never_planned_and_its_version_is_skipped() -> None:
    shipped_unknown_day = ReleaseSpec("1.1.0", unscheduled=True)
    plan = plan_with(Policy(), ANCHOR, shipped_unknown_day)
    train = build_train(plan, D(2021, 3, 2), 2)
    assert [r.version for r in points(train)] == ["1.0.0", "1.2.0", "1.3.0"]
    assert [s.version for s in unscheduled(plan, train)] == ["1.1.0"]
    pinned = ReleaseSpec("1.1.0", unscheduled=True, pins={"release": D(2021, 6, 1)})
    train = build_train(plan_with(Policy(), ANCHOR, pinned), D(2021, 3, 2), 1)
    assert [r.version for r in points(train)][:2] == ["1.0.0", "1.1.0"]  # a day of its own wins


def test_a_real_apache_jira_version_list_builds_without_errors() -> None:
    """Mirrors the version list issues.apache.org answered for ABDERA (recorded in go-jira's
    testing/mock-data/project.json): it starts at 0.2.2, whose series has no point release,
    and ends with unreleased versions without a releaseDate."""
    released = {
        "0.2.2": D(2007, 2, 19),
        "0.3.0": D(2007, 10, 5),
        "0.4.0": D(2008, 4, 11),
        "1.0": D(2010, 5, 2),
        "1.1": D(2010, 7, 11),
        "1.1.1": D(2010, 12, 6),
        "1.1.2": D(2011, 1, 15),
    }
    specs = [
        ReleaseSpec(v, MAINT if v.count(".") == 2 and not v.endswith(".0") else POINT, actual=day)
        for v, day in released.items()
    ]
    specs += [ReleaseSpec("1.1.3", MAINT), ReleaseSpec("1.2")]
    plan = plan_with(Policy(), *specs)
    train = build_train(plan, D(2011, 2, 1))
    by_version = {r.version: r for r in train}
    orphan = by_version["0.2.2"]
    assert (orphan.kind, orphan.series, orphan.day) == (MAINT, "0.2", D(2007, 2, 19))
    assert orphan.notes == ("series 0.2 has no point release on the calendar",)
    assert phase_on(orphan, D(2011, 2, 1)) is Phase.RELEASED
    assert by_version["1.2"].actual is None and by_version["1.2"].release > D(2010, 7, 11)
    assert [s.version for s in unscheduled(plan, train)] == ["1.1.3"]


def test_weekday_survives_dst_and_today_follows_the_policy_time_zone() -> None:
    policy = Policy(
        timezone="America/New_York", cadence=Cadence(min_weeks=1, max_weeks=1, weekday=6)
    )
    anchor = ReleaseSpec("1.0.0", actual=D(2021, 2, 28))  # a Sunday; DST starts 2021-03-14
    pts = points(build_train(plan_with(policy, anchor), anchor.actual, 6))
    assert [r.day.weekday() for r in pts] == [6] * 7
    assert D(2021, 3, 14) in [r.day for r in pts]
    # 03:30 UTC on 2021-03-14 is still the 13th in New York.
    now = dt.datetime(2021, 3, 14, 3, 30, tzinfo=dt.UTC)
    assert today_in(policy, now) == D(2021, 3, 13)
    assert today_in(Policy(timezone="UTC"), now) == D(2021, 3, 14)
    # After the spring-forward gap New York is UTC-4: 04:30 UTC on 03-15 is 00:30 local.
    assert today_in(policy, dt.datetime(2021, 3, 15, 4, 30, tzinfo=dt.UTC)) == D(2021, 3, 15)
    assert today_in(policy, dt.datetime(2021, 3, 15, 3, 30, tzinfo=dt.UTC)) == D(2021, 3, 14)


def test_versions() -> None:
    assert next_point_version("3.4.0") == "4.0.0".replace("4.0", "3.5")
    assert next_point_version("4.9") == "4.10"
    assert next_maintenance_version("3.4.0") == "3.4.1"
    assert next_maintenance_version("4.0") == "4.0.1"
    assert sorted(["4.10.0", "4.9.0", "4.0.0"], key=version_key) == ["4.0.0", "4.9.0", "4.10.0"]


# The demo, as the "done means" states it ------------------------------


def test_demo_calendar_upcoming_point_releases_are_10_to_12_weeks_apart() -> None:
    train = build_train(demo_plan(), DEMO_TODAY, 12)
    upcoming = [r for r in points(train) if not r.shipped]
    assert len(upcoming) == 12
    shipped_or_next = points(train)
    for a, b in zip(upcoming[1:], upcoming[2:], strict=False):  # 4.0's pinned major cycle aside
        assert 70 <= (b.release - a.release).days <= 84
    for i, r in enumerate(shipped_or_next[:-1]):
        # Shipped releases show what was recorded (their RC tags), never a computed freeze.
        assert (r.freeze is None) if r.shipped else (r.freeze is not None and r.freeze < r.day)
        assert r.rcs and all(rc <= r.day for rc in r.rcs)
        assert r.maintained_until == shipped_or_next[i + 1].day


def test_demo_shows_every_phase_on_2009_08_31() -> None:
    train = build_train(demo_plan(), DEMO_TODAY)
    phases = {r.version: phase_on(r, DEMO_TODAY) for r in train}
    assert phases["3.2.0"] is Phase.EOL
    assert phases["3.3.0"] is Phase.SECURITY_ONLY
    assert phases["3.4.0"] is Phase.MAINTAINED
    assert phases["3.4.1"] is Phase.RELEASED
    assert phases["3.4.2"] is Phase.RC
    assert phases["4.0.0"] is Phase.FROZEN
    assert phases["4.1.0"] is Phase.DEVELOPMENT
    assert phases["4.2.0"] is Phase.PLANNING
    assert next_milestone(next(r for r in train if r.version == "4.0.0"), DEMO_TODAY) == (
        "rc1",
        D(2009, 9, 1),
    )


@given(day=st.dates(D(1990, 1, 1), D(2090, 12, 31)), months=st.integers(0, 400))
def test_month_arithmetic_matches_pendulum(day: dt.date, months: int) -> None:
    from relplan.planner.domain.ends import add_months as _add_months

    expected = pendulum.date(day.year, day.month, day.day).add(months=months)
    assert _add_months(day, months) == dt.date(expected.year, expected.month, expected.day)


# Recorded milestones: a shipped release gets no invented dates -------------------------


def test_a_shipped_release_shows_only_recorded_milestones() -> None:
    policy = Policy(
        cadence=Cadence(10, 12), stabilization=Stabilization(4, 2, 7, 7),
        maintenance=Maintenance(MaintenanceModel.WINDOWS, 12, release_every_weeks=6, rc_days=14),
    )  # fmt: skip
    rcs = (D(2021, 2, 10), D(2021, 2, 20))
    plan = plan_with(
        policy,
        ReleaseSpec("1.0.0", actual=D(2021, 3, 2), actual_rcs=rcs),
        ReleaseSpec("1.1.0", actual=D(2021, 5, 20)),
        ReleaseSpec("1.1.1", MAINT, actual=D(2021, 6, 20)),
        ReleaseSpec("1.1.2", MAINT, actual=D(2021, 7, 20), actual_rcs=(D(2021, 7, 10),)),
    )
    train = {r.version: r for r in build_train(plan, D(2021, 8, 1), 3)}
    first, second = train["1.0.0"], train["1.1.0"]
    assert (first.freeze, first.last_posting, first.rcs) == (None, None, rcs)
    assert (second.freeze, second.last_posting, second.rcs) == (None, None, ())
    assert second.development_start == first.day  # first's freeze is unknown: it shipped then
    assert train["1.1.1"].rcs == () and train["1.1.2"].rcs == (D(2021, 7, 10),)
    upcoming = next(r for r in train.values() if not r.shipped and r.kind is POINT)
    assert upcoming.freeze is not None and upcoming.rcs  # the future is still planned
    # bug-fix releases are planned with an RC, but none before the plan's present (the
    # latest shipment, 2021-07-20): there lies what the plan records
    generated = [r for r in train.values() if not r.shipped and r.kind is MAINT]
    assert generated
    for r in generated:
        assert r.release is not None
        rc = r.release - dt.timedelta(days=14)
        assert r.rcs == ((rc,) if rc >= D(2021, 7, 20) else ())
    assert any(r.rcs for r in generated)


def test_recorded_betas_and_rcs_of_an_unshipped_release() -> None:
    policy = Policy(cadence=Cadence(10, 12), stabilization=Stabilization(4, 0, 7, 7))
    beta, rc1 = D(2021, 4, 20), D(2021, 5, 1)
    plan = plan_with(
        policy,
        ANCHOR,
        ReleaseSpec("1.1.0", pins={"release": D(2021, 5, 25)}, actual_rcs=(rc1,),
                    actual_betas=(beta,)),
    )  # fmt: skip
    nxt = points(build_train(plan, D(2021, 5, 3), 1))[1]
    assert nxt.freeze == beta  # the first beta is the feature freeze
    # then weekly, on working days (a Saturday RC was tagged, planned ones move to Friday)
    assert nxt.rcs == (rc1, D(2021, 5, 7), D(2021, 5, 14), D(2021, 5, 21))
    assert phase_on(nxt, D(2021, 5, 3)) is Phase.RC
    shipped = plan_with(policy, ANCHOR, ReleaseSpec("1.1.0", actual=D(2021, 5, 25),
                                                    actual_betas=(beta,)))  # fmt: skip
    assert points(build_train(shipped, D(2021, 6, 1), 1))[1].freeze == beta
