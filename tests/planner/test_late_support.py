"""What happened, not what was planned: late releases, support from actual days and
declared ends, honest history, plans that do not move with time, ship's guards."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relplan.planner.domain.calendar import (
    build_train,
    days_late,
    find,
    phase_on,
    unscheduled,
    why_unscheduled,
)
from relplan.planner.domain.consistency import check_plan
from relplan.planner.domain.ends import add_months
from relplan.planner.domain.errors import PlanError
from relplan.planner.domain.model import (
    Item,
    Kind,
    Phase,
    Plan,
    Priority,
    ReleaseKind,
    ReleaseSpec,
    State,
)
from relplan.planner.domain.policy import Accepts, Cadence, Maintenance, MaintenanceModel, Policy
from relplan.planner.domain.rules import branch_support, current_window, maintained_series
from relplan.planner.domain.stages import first_stage, ladder, stage_on
from relplan.planner.domain.status import all_status, needs_attention
from relplan.planner.domain.support import DeclaredSupport, SupportSource
from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.store.planfile import dumps_toml, loads_plan
from relplan.planner.usecases.releases import ship

D = dt.date
MAINT = ReleaseKind.MAINTENANCE
POLICY = Policy(
    cadence=Cadence(min_weeks=12, max_weeks=12, weekday=None),
    maintenance=Maintenance(security_months=6, release_every_weeks=4),
)
HISTORY = (
    ReleaseSpec("9.0.0", actual=D(2025, 1, 6)),
    ReleaseSpec("9.0.1", MAINT, actual=D(2025, 2, 3)),
    ReleaseSpec("9.1.0", actual=D(2025, 4, 7)),
    ReleaseSpec("9.1.1", MAINT, actual=D(2025, 5, 5)),
)
PLAN = Plan("pytest", POLICY, HISTORY)


def train_on(plan: Plan, today: dt.date) -> dict[str, object]:
    return {r.version: r for r in build_train(plan, today)}


def test_a_planned_release_past_its_day_is_late_and_never_supported() -> None:
    today = D(2026, 12, 3)
    train = build_train(PLAN, today)
    nxt = find(train, "9.2.0")
    assert nxt is not None and nxt.release == D(2025, 6, 30) and not nxt.shipped
    assert phase_on(nxt, today) is Phase.LATE
    assert days_late(nxt, today) == (today - D(2025, 6, 30)).days
    assert branch_support(nxt, today) is None
    assert phase_on(nxt, D(2025, 6, 30)) is not Phase.LATE  # on its day it is not late yet
    # the last real minor stays maintained until the late one ships
    last = find(train, "9.1.0")
    assert last is not None and last.maintained_until == D(2025, 6, 30)
    assert last.maintained_until_shipped == "9.2.0"
    assert phase_on(last, today) is Phase.MAINTAINED
    assert maintained_series(POLICY, train, today) == ["9.1"]
    # no bug-fix release planned on a series that never shipped
    assert not [r for r in train if r.series == "9.2" and r.kind is MAINT]


def test_shipping_the_late_release_ends_the_previous_branchs_maintenance() -> None:
    today = D(2026, 12, 3)
    change = ship(PLAN, build_train(PLAN, today), "9.2.0", D(2026, 11, 1), today)
    train = build_train(change.plan, today)
    last = find(train, "9.1.0")
    assert last is not None and last.maintained_until == D(2026, 11, 1)
    assert phase_on(last, today) is Phase.SECURITY_ONLY
    shipped = find(train, "9.2.0")
    # the day it was planned for is recorded, never recomputed
    assert shipped is not None and shipped.release == D(2025, 6, 30)
    assert change.plan.spec("9.2.0").pins["release"] == D(2025, 6, 30)  # type: ignore[union-attr]


def test_history_from_tags_has_no_planned_day() -> None:
    train = build_train(PLAN, D(2025, 5, 6))
    assert all(r.release is None for r in train if r.shipped)
    text = dumps_toml(PLAN, train)
    assert 'version = "9.1.0"\nkind = "point"\nactual = 2025-04-07' in text
    assert "release = 2025-04-07" not in text


def test_no_release_of_a_series_is_planned_after_its_security_end() -> None:
    policy = Policy(
        cadence=Cadence(min_weeks=12, max_weeks=12, weekday=None),
        maintenance=Maintenance(release_every_weeks=4),
    )
    listed = tuple(ReleaseSpec(f"9.1.{n}", MAINT) for n in range(2, 12))
    plan = Plan("p", policy, HISTORY + listed)
    train = build_train(plan, D(2025, 5, 6))
    end = find(train, "9.1.0").maintained_until  # type: ignore[union-attr]
    assert end is not None
    assert all(r.day <= end for r in train if r.series == "9.1")
    assert "9.1.11" not in {r.version for r in train}


def test_a_maintenance_release_takes_fixes_only() -> None:
    train = build_train(PLAN, D(2025, 5, 6))
    fix = next(r for r in train if r.kind is MAINT and not r.shipped)
    stage = stage_on(ladder(POLICY, fix, None), fix.day - dt.timedelta(days=20), first_stage(fix))
    assert stage.accepts is Accepts.FIXES and stage.name == "Maintenance"


# -- time passing moves nothing ------------------------------------------------------------


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    first=st.dates(D(2000, 1, 1), D(2030, 1, 1)),
    later=st.integers(1, 20_000),
    weeks=st.integers(10, 14),
)
def test_re_export_on_a_later_day_is_identical(first: dt.date, later: int, weeks: int) -> None:
    base = demo_plan()
    policy = replace(base.policy, cadence=Cadence(min_weeks=weeks, max_weeks=weeks))
    plan = Plan(base.name, policy, base.releases, base.items)
    text = dumps_toml(plan, build_train(plan, first))
    back = loads_plan(text)
    again = dumps_toml(back, build_train(back, first + dt.timedelta(days=later)))
    assert again == text


def test_the_demo_re_exported_years_later_is_byte_identical() -> None:
    plan = demo_plan()
    text = dumps_toml(plan, build_train(plan, DEMO_TODAY))
    back = loads_plan(text)
    assert dumps_toml(back, build_train(back, D(2026, 12, 3))) == text
    # one field changed: one line of the file changes
    item = back.items[0]
    other = "low" if item.priority.value != "low" else "high"
    changed = back.with_items(
        [it if it.id != item.id else replace(it, priority=Priority(other)) for it in back.items]
    )  # fmt: skip
    new = dumps_toml(changed, build_train(changed, D(2026, 12, 3)))
    diff = [(a, b) for a, b in zip(text.splitlines(), new.splitlines(), strict=False) if a != b]
    assert len(text.splitlines()) == len(new.splitlines()) and len(diff) == 1


# -- late in status, attention and ship --------------------------------------------------


def test_late_is_no_go_and_first_in_the_attention_list() -> None:
    today = D(2026, 12, 3)
    statuses = all_status(PLAN, build_train(PLAN, today), today)
    late = next(s for s in statuses if s.version == "9.2.0")
    assert late.phase is Phase.LATE and late.verdict == "no-go"
    assert late.stage != "Release" and late.accepts is not Accepts.NOTHING  # not cut yet
    assert late.next_milestone is None  # its planned support has not begun
    assert late.reasons[0] == (
        f"late by {late.days_late} days: planned for 2025-06-30, no shipment recorded "
        "(ship it, or slip it to a new day)"
    )
    attention = needs_attention(statuses)
    assert attention[0].urgent and attention[0].text.startswith("9.")
    assert all("late" in a.text for a in attention[: sum(s.phase is Phase.LATE for s in statuses)])


def test_ship_refuses_blockers_order_and_twice_unless_forced() -> None:
    blocker = Item("x#1", "crash", Kind.BUG, state=State.ACCEPTED, target="9.3.0", blocker=True)
    plan = Plan("p", POLICY, HISTORY, (blocker,))
    today = D(2026, 12, 3)
    train = build_train(plan, today)
    with pytest.raises(PlanError) as out_of_order:
        ship(plan, train, "9.3.0", today, today)
    text = str(out_of_order.value)
    assert "9.2.0 has not shipped yet; 9.3.0 comes after it" in text
    assert "9.3.0 has 1 open blocker(s): x#1" in text and "--force" in text
    forced = ship(plan, train, "9.3.0", today, today, force=True)
    assert forced.plan.spec("9.3.0").actual == today  # type: ignore[union-attr]
    with pytest.raises(PlanError, match="already shipped on 2025-04-07"):
        ship(plan, train, "9.1.0", D(2025, 4, 8), today)
    with pytest.raises(PlanError, match="9.1.0 shipped on 2025-04-07, after 2025-01-01"):
        ship(plan, train, "9.2.0", D(2025, 1, 1), today)


def test_shipping_keeps_the_days_of_later_releases_already_due() -> None:
    today = D(2026, 12, 3)
    train = build_train(PLAN, today)
    due = find(train, "9.3.0")
    assert due is not None and due.release is not None and due.release < today
    change = ship(PLAN, train, "9.2.0", D(2026, 11, 1), today)
    after = find(build_train(change.plan, today), "9.3.0")
    assert after is not None and after.release == due.release  # still late on its day
    # shipped 2 weeks late while 9.3.0 was not yet due: the chain follows the shipment
    soon = D(2025, 7, 15)
    change = ship(PLAN, build_train(PLAN, soon), "9.2.0", D(2025, 7, 14), soon)
    follows = find(build_train(change.plan, soon), "9.3.0")
    assert follows is not None and follows.release == D(2025, 7, 14) + dt.timedelta(weeks=12)
    assert "release" not in change.plan.spec("9.3.0").pins if change.plan.spec("9.3.0") else True


# -- declared support ---------------------------------------------------------------------


def test_declared_beats_plan_beats_policy_and_each_end_names_its_source() -> None:
    declared = DeclaredSupport(
        "9.0", SupportSource.DECLARED, "SUPPORT.md on 9.0.x",
        maintained_until=D(2027, 1, 1), security_until=D(2028, 1, 1),
    )  # fmt: skip
    eol = DeclaredSupport("9.0", SupportSource.ENDOFLIFE, "endoflife", security_ended=True)
    written = ReleaseSpec("9.1.0", actual=D(2025, 4, 7), maintained_until=D(2026, 1, 1))
    plan = Plan("p", POLICY, (*HISTORY[:2], written, HISTORY[3]), (), (eol, declared))
    train = build_train(plan, D(2026, 12, 3))
    first, second = find(train, "9.0.0"), find(train, "9.1.0")
    assert first is not None and second is not None
    assert (first.maintained_until, first.maintained_source) == (
        D(2027, 1, 1), SupportSource.DECLARED,
    )  # fmt: skip
    assert first.security_source is SupportSource.DECLARED
    assert phase_on(first, D(2026, 12, 3)) is Phase.MAINTAINED
    assert (second.maintained_until, second.maintained_source) == (
        D(2026, 1, 1), SupportSource.PLAN,
    )  # fmt: skip
    # the policy's security tail follows the plan's end of general support
    assert (second.security_until, second.security_source) == (D(2026, 7, 1), SupportSource.POLICY)
    assert phase_on(second, D(2026, 12, 3)) is Phase.EOL
    fix = find(train, "9.0.1")
    assert fix is not None and fix.maintained_source is SupportSource.DECLARED


def test_support_tables_round_trip_and_a_written_end_is_the_plans_own() -> None:
    plan = Plan(
        "p", POLICY, HISTORY, (),
        (DeclaredSupport("9.0", SupportSource.ENDOFLIFE, "endoflife.date products/pytest.md",
                         released=D(2025, 1, 6), maintained_ended=True,
                         security_until=D(2026, 1, 6), lts=True),),
    )  # fmt: skip
    text = dumps_toml(plan, build_train(plan, D(2025, 5, 6)))
    assert '[[support]]\nseries = "9.0"\nsource = "endoflife"' in text
    assert "maintained_until = true" in text
    back = loads_plan(text)
    assert back.support == plan.support
    assert all(s.maintained_until is None for s in back.releases)  # computed ends dropped
    assert dumps_toml(back, build_train(back, D(2026, 12, 3))) == text
    edited = text.replace("security_until = 2026-01-06", "security_until = 2027-01-06")
    assert edited != text
    train = build_train(loads_plan(edited), D(2026, 12, 3))
    assert find(train, "9.0.0").security_until == D(2027, 1, 6)  # type: ignore[union-attr]
    # computed ends are not written in release tables: a policy edit takes effect
    assert "maintained_until = 2025-06-30" not in text
    # a person writes a release's own end in the file: it counts, as the plan's
    head = 'version = "9.1.0"\nkind = "point"\n'
    mine = text.replace(head, head + "maintained_until = 2025-12-31\n", 1)
    assert mine != text
    back = loads_plan(mine)
    ends = find(build_train(back, D(2025, 5, 6)), "9.1.0")
    assert ends is not None
    assert (ends.maintained_until, ends.maintained_source) == (D(2025, 12, 31), SupportSource.PLAN)
    assert "maintained_until = 2025-12-31" in dumps_toml(back, build_train(back, D(2025, 5, 6)))
    # a file of an older relplan repeats computed ends: equal ones are not the plan's own
    old = text.replace(head, head + "maintained_until = 2025-06-30\n", 1)
    assert loads_plan(old).spec("9.1.0").maintained_until is None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "table, message",
    [
        ('series = "9.0"\nmaintained_until = "soon"', "support[0] (9.0).maintained_until"),
        ('series = "9.0"\nsource = "rumour"', "support[0] (9.0).source"),
        ("maintained_until = 2026-01-01", "support[0].series"),
        ('series = "9.0"\nlts = "yes"', "support[0] (9.0).lts"),
    ],
)
def test_bad_support_tables_are_named_with_their_line(table: str, message: str) -> None:
    text = f'[plan]\nname = "p"\n\n[[support]]\n{table}\n'
    with pytest.raises(PlanError) as err:
        loads_plan(text, "p.toml")
    assert message in str(err.value) and "p.toml:" in str(err.value)


def test_a_listed_bug_fix_release_of_an_unshipped_series_is_unscheduled_and_says_why() -> None:
    plan = Plan("p", POLICY, (*HISTORY, ReleaseSpec("9.2.0"), ReleaseSpec("9.2.1", MAINT)))
    train = build_train(plan, D(2025, 5, 6))
    assert "9.2.1" not in {r.version for r in train}
    (spec,) = unscheduled(plan, train)
    assert why_unscheduled(plan, spec) == (
        "9.2.0 has not shipped: bug-fix releases of 9.2 are planned once it has "
        "(or pin a release day)"
    )


def test_the_session_recomputes_when_declared_support_changes() -> None:
    from relplan.planner.domain.ops import Change
    from relplan.planner.usecases.session import Session

    session = Session(PLAN, today=D(2026, 12, 3))
    assert find(session.train(), "9.0.0").maintained_source is SupportSource.POLICY  # type: ignore[union-attr]
    record = DeclaredSupport(
        "9.0", SupportSource.DECLARED, "SUPPORT.md", maintained_until=D(2027, 1, 1)
    )
    assert session.apply(Change(replace(PLAN, support=(record,)), "read", ("support:9.0",)))
    assert find(session.train(), "9.0.0").maintained_source is SupportSource.DECLARED  # type: ignore[union-attr]


# -- abandoned: a bug-fix release of a series whose support ended ------------------------------

ABANDONED_HISTORY = (
    ReleaseSpec("9.0.0", actual=D(2025, 1, 6)),
    ReleaseSpec("9.0.1", MAINT, pins={"release": D(2025, 2, 3)}),  # never shipped
    ReleaseSpec("9.1.0", actual=D(2025, 4, 7)),
)


@pytest.mark.parametrize(
    ("support", "ended"),
    [
        ((), "ended on 2025-10-07"),  # the policy: until 9.1.0 shipped, then 6 months
        (  # endoflife.date says 9.0 ended, without a day
            (DeclaredSupport("9.0", SupportSource.ENDOFLIFE, "eol", security_ended=True),),
            "ended (planned",
        ),
    ],
)
def test_a_bug_fix_release_of_an_ended_series_is_abandoned_not_late_forever(
    support: tuple[DeclaredSupport, ...], ended: str
) -> None:
    """Late while its branch could still ship it (security-only included); once the
    series' support has ended, nothing ships from that branch: abandoned, not late."""
    plan = Plan("pytest", POLICY, ABANDONED_HISTORY, support=support)
    during, after = D(2025, 5, 1), D(2026, 12, 3)
    fix = find(build_train(plan, after), "9.0.1")
    assert fix is not None
    if not support:
        assert phase_on(fix, during) is Phase.LATE and days_late(fix, during) == 87
    assert phase_on(fix, after) is Phase.ABANDONED and days_late(fix, after) is None
    train = build_train(plan, after)
    status = next(s for s in all_status(plan, train, after) if s.version == "9.0.1")
    assert status.phase is Phase.ABANDONED and status.days_late is None
    assert status.reasons == [
        f"never shipped; series 9.0 {ended}"
        + (" (planned" if "(" not in ended else "")
        + " for 2025-02-03: abandoned, not late)"
    ]
    assert not any("9.0.1" in p for p in check_plan(plan, train, after))  # check passes
    assert "9.0.1" not in {r.version for r in current_window(train, after)}
    assert not any(a.version == "9.0.1" for a in needs_attention(all_status(plan, train, after)))


def test_a_late_point_release_stays_late_whatever_its_support_would_have_been() -> None:
    """Only bug-fix releases are abandoned: a point release's series begins when it ships."""
    today = D(2040, 1, 1)  # long after 9.2.0's planned support would have ended
    nxt = find(build_train(PLAN, today), "9.2.0")
    assert nxt is not None and phase_on(nxt, today) is Phase.LATE


# -- a series newer than every declared one: the newest declared windows ----------------------

XEN_POLICY = Policy(
    cadence=Cadence(min_weeks=33, max_weeks=38, target_weeks=37, weekday=None),
    maintenance=Maintenance(
        model=MaintenanceModel.WINDOWS, general_months=20, security_months=33, measured_from=12
    ),
)


def _support_md(series: str, released: dt.date, general: int, security: int) -> DeclaredSupport:
    """A Xen branch's SUPPORT.md as relplan reads it (months after Initial-Release)."""
    return DeclaredSupport(
        series, SupportSource.DECLARED, f"SUPPORT.md on stable-{series}", released=released,
        maintained_until=add_months(released, general),
        security_until=add_months(released, general + security),
    )  # fmt: skip


def test_a_future_series_gets_the_newest_declared_windows_before_the_measured_policy() -> None:
    """Xen's policy changed in 2026: 4.19 had 18 months + 36 of security, 4.20 on three
    years + two more of security (SUPPORT.md on each branch). 4.23, not released, gets
    4.22's windows from its planned day, named as such; not the measured 20 + 33."""
    history = (
        ReleaseSpec("4.19.0", actual=D(2024, 7, 29)),
        ReleaseSpec("4.22.0", actual=D(2026, 7, 29)),
    )
    support = (
        _support_md("4.19", D(2024, 7, 29), 18, 18),
        _support_md("4.22", D(2026, 7, 30), 36, 24),
    )
    plan = Plan("xen", XEN_POLICY, history, support=support)
    nxt = find(build_train(plan, D(2026, 12, 3)), "4.23.0")
    assert nxt is not None and nxt.actual is None
    assert nxt.maintained_until == add_months(nxt.day, 36)
    assert nxt.security_until == add_months(nxt.day, 60)
    assert nxt.maintained_source is nxt.security_source is SupportSource.DECLARED_POLICY
    assert any("of 4.22 (36 months general" in n and "stable-4.22" in n for n in nxt.notes)
    # a series older than the newest declared one keeps the measured policy
    older = replace(plan, releases=(ReleaseSpec("4.18.0", actual=D(2023, 11, 16)), *history))
    before = find(build_train(older, D(2026, 12, 3)), "4.18.0")
    assert before is not None and before.maintained_source is SupportSource.MEASURED
    # an end a person wrote for the new series beats the declared windows
    written = replace(
        plan, releases=(*history, ReleaseSpec("4.23.0", maintained_until=D(2028, 1, 1)))
    )
    mine = find(build_train(written, D(2026, 12, 3)), "4.23.0")
    assert mine is not None and mine.maintained_until == D(2028, 1, 1)
    assert mine.maintained_source is SupportSource.PLAN


def test_every_support_source_has_its_brief_tag_and_words_once() -> None:
    """Tables and the Branches view's line name a source from one home (the view had no
    words for ``declared-policy`` and showed the raw value)."""
    briefs = [source.brief for source in SupportSource if source is not SupportSource.POLICY]
    assert all(briefs) and len(set(briefs)) == len(briefs)
    assert SupportSource.POLICY.brief == ""  # the policy's own end carries no tag
    words = [source.words for source in SupportSource]
    assert len(set(words)) == len(words) and all(" " in w for w in words)
    assert SupportSource.DECLARED_POLICY.words == "the newest declared series' policy"
