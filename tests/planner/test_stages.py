"""The freeze ladder: presets against published schedules, the implicit ladder of old plans,
the stage on a day, what each stage accepts, and the laws of a computed ladder."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.errors import PlanError
from relplan.planner.domain.model import Item, Kind, Plan, Release, ReleaseSpec, State
from relplan.planner.domain.policy import Accepts, DayRange, Policy, StageRule
from relplan.planner.domain.rules import stage_refuses
from relplan.planner.domain.stages import (
    DEVELOPMENT,
    PRESETS,
    Stage,
    ladder,
    propose_preset,
    stage_on,
)
from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.store.planfile import dumps_toml, loads_plan

D = dt.date


def _release(policy: Policy, day: dt.date, **pins: dt.date) -> tuple[Plan, Release]:
    """One point release pinned to ``day`` (the anchor of its train), seen a year before."""
    plan = Plan("t", policy, (ReleaseSpec("1.0", pins={"release": day, **pins}),))
    train = build_train(plan, day - dt.timedelta(days=400), upcoming=1)
    return plan, train[0]


def _days(preset: str, day: dt.date) -> dict[str, dt.date | None]:
    policy = Policy(stages=PRESETS[preset], stages_preset=preset)
    plan, release = _release(policy, day)
    return {s.name: s.day for s in ladder(policy, release, plan.spec("1.0"))}


# -- presets on known releases ---------------------------------------------------------


def test_xen_preset_gives_the_416_schedule_mail() -> None:
    # Xen 4.16's schedule as Ian Jackson mailed it to xen-devel ("Xen 4.16 - Last Posting
    # Date - 24th September", September 2021): release "week of 6th December (probably
    # Tuesday or Wednesday)"; we take Tuesday 7 December 2021.
    assert _days("xen", D(2021, 12, 7)) == {
        "Last posting date": D(2021, 9, 24),
        "Feature freeze": D(2021, 10, 15),
        "Code freeze": D(2021, 11, 5),
        "Hard code freeze": D(2021, 11, 19),
        "Branch off": D(2021, 11, 23),
        "Final commits": D(2021, 12, 3),
        "Release": D(2021, 12, 7),
    }


def test_cpython_preset_gives_pep_745_as_first_published() -> None:
    # PEP 745 (Python 3.14 release schedule) as committed on 2024-04-24, "Expected" dates,
    # final on Wednesday 2025-10-01. One difference: PEP 745 put alpha 6 on Friday
    # 2025-03-14 (Pi Day, for "πthon"); the preset keeps the Tuesday rhythm (03-11).
    days = _days("cpython", D(2025, 10, 1))
    published = {
        "Alpha 1": D(2024, 10, 15), "Alpha 2": D(2024, 11, 19), "Alpha 3": D(2024, 12, 17),
        "Alpha 4": D(2025, 1, 14), "Alpha 5": D(2025, 2, 11), "Alpha 6": D(2025, 3, 14),
        "Alpha 7": D(2025, 4, 8), "Beta 1": D(2025, 5, 6), "Beta 2": D(2025, 5, 27),
        "Beta 3": D(2025, 6, 17), "Beta 4": D(2025, 7, 8), "RC1": D(2025, 7, 22),
        "RC2": D(2025, 8, 26), "Release": D(2025, 10, 1),
    }  # fmt: skip
    differ = {name for name in published if days[name] != published[name]}
    assert differ == {"Alpha 6"} and days["Alpha 6"] == D(2025, 3, 11)
    assert list(days) == list(published)


def test_linux_preset_gives_the_6_8_cycle() -> None:
    # Linux 6.8: v6.7 on Sunday 2024-01-07 opened the merge window, v6.8-rc1 2024-01-21,
    # then one rc each Sunday to rc7 on 2024-03-03, v6.8 on Sunday 2024-03-10.
    days = _days("linux", D(2024, 3, 10))
    assert days["Merge window"] == D(2024, 1, 7)
    assert [days[f"rc{n}"] for n in range(1, 8)] == [
        D(2024, 1, 21) + dt.timedelta(weeks=n) for n in range(7)
    ]


def test_openstack_preset_gives_the_caracal_schedule() -> None:
    # OpenStack 2024.1 Caracal (openstack/releases doc/source/caracal/schedule.yaml and
    # .rst): release Wednesday 2024-04-03; deadlines on the Thursday of their R-n week:
    # Caracal-1 2023-11-16, Caracal-2 2024-01-11, Caracal-3 and feature
    # freeze 2024-02-29, RC1 target week of 2024-03-11, final RCs week of
    # 2024-03-25.
    assert _days("openstack", D(2024, 4, 3)) == {
        "Milestone 1": D(2023, 11, 16),
        "Milestone 2": D(2024, 1, 11),
        "Feature freeze": D(2024, 2, 29),
        "RC1": D(2024, 3, 14),
        "Final RCs": D(2024, 3, 28),
        "Release": D(2024, 4, 3),
    }


@pytest.mark.parametrize(
    ("preset", "day", "freeze", "rcs"),
    [
        ("xen", D(2021, 12, 7), D(2021, 10, 15), 0),
        ("cpython", D(2025, 10, 1), D(2025, 5, 6), 2),
        ("linux", D(2024, 3, 10), D(2024, 1, 21), 7),
        ("openstack", D(2024, 4, 3), D(2024, 2, 29), 1),
    ],
)
def test_the_calendar_takes_freeze_and_rcs_from_the_ladder(
    preset: str, day: dt.date, freeze: dt.date, rcs: int
) -> None:
    _, release = _release(Policy(stages=PRESETS[preset]), day)
    assert release.freeze == freeze and len(release.rcs) == rcs


# -- old plans: the implicit ladder -------------------------------------------------------


def test_the_demo_plan_climbs_the_implicit_ladder_of_its_own_milestones() -> None:
    plan = demo_plan()
    for release in build_train(plan, DEMO_TODAY):
        stages = ladder(plan.policy, release, plan.spec(release.version))
        names = {"last posting": "last-posting", "freeze": "freeze", "release": "release"}
        assert [(s.key, s.day) for s in stages] == [
            (names.get(name, name), day) for name, day in release.milestones()
        ]


def test_the_demo_toml_loads_and_saves_byte_identical() -> None:
    plan = demo_plan()
    text = dumps_toml(plan, build_train(plan, DEMO_TODAY))
    again = loads_plan(text, "demo.toml")
    assert again.policy.stages == () and again.policy == plan.policy
    assert dumps_toml(again, build_train(again, DEMO_TODAY)) == text
    assert "stages" not in text


def test_a_preset_added_to_the_demo_toml_is_kept_by_name_and_moves_the_freeze() -> None:
    plan = demo_plan()
    text = dumps_toml(plan, build_train(plan, DEMO_TODAY))
    holidays = 'holidays = [\n    "01-01",\n]\n'
    with_xen = text.replace(holidays, holidays + 'stages = "xen"\n')
    assert with_xen != text
    loaded = loads_plan(with_xen, "demo.toml")
    assert loaded.policy.stages == PRESETS["xen"] and loaded.policy.stages_preset == "xen"
    saved = dumps_toml(loaded, build_train(loaded, DEMO_TODAY))
    assert 'stages = "xen"' in saved
    again = loads_plan(saved, "demo.toml")
    assert dumps_toml(again, build_train(again, DEMO_TODAY)) == saved  # a fixed point
    four = next(r for r in build_train(loaded, DEMO_TODAY) if r.version == "4.0.0")
    assert four.freeze == D(2009, 9, 18)  # Friday of the week 8 weeks before 2009-11-10
    assert four.rcs == ()


def test_stages_written_out_round_trip() -> None:
    rules = (
        StageRule("Last posting", weeks_before_release=6, weekday=4, accepts=Accepts.FEATURES),
        StageRule("Soft freeze", days_before_release=20, tentative=False),
        StageRule("rc1", after_previous_days=3, accepts=Accepts.BLOCKERS),
    )
    plan = Plan("w", replace(demo_plan().policy, stages=rules), demo_plan().releases)
    text = dumps_toml(plan, build_train(plan, DEMO_TODAY))
    assert "[[policy.stages]]" in text and 'weekday = "friday"' in text
    loaded = loads_plan(text, "w.toml")
    assert loaded.policy.stages == rules and loaded.policy.stages_preset is None
    assert dumps_toml(loaded, build_train(loaded, DEMO_TODAY)) == text


@pytest.mark.parametrize(
    ("policy_text", "expect"),
    [
        ('stages = "xne"', "\"xne\" is not a preset (did you mean 'xen'?"),
        ("[[policy.stages]]\nname = \"A\"\n", "needs exactly one of weeks_before_release"),
        (
            "[[policy.stages]]\nname = \"A\"\nweeks_before_release = 2\ndays_before_release = 3\n",
            "(found weeks_before_release, days_before_release)",
        ),
        ("[[policy.stages]]\nname = \"A\"\nafter_previous_days = 2\n", "no previous one"),
        ("[[policy.stages]]\nname = \"A\"\nweeks_before = 2\n",
         "did you mean 'weeks_before_release'"),
        ("[[policy.stages]]\nname = \"A\"\nweeks_before_release = 2\naccepts = \"bugs\"\n",
         "is not one of features, fixes, approved-fixes"),
        ("[[policy.stages]]\nname = \"A\"\nweeks_before_release = 2\nweekday = \"fri\"\n",
         "is not a weekday name"),
        ("[[policy.stages]]\nname = \"Release\"\nweeks_before_release = 1\n",
         "cannot name a stage"),
        (
            "[[policy.stages]]\nname = \"Code freeze\"\nweeks_before_release = 2\n"
            "[[policy.stages]]\nname = \"code-freeze\"\nweeks_before_release = 1\n",
            "names stage 0 already",
        ),
    ],
)  # fmt: skip
def test_bad_stages_are_named_with_file_and_line(policy_text: str, expect: str) -> None:
    text = f'[plan]\nname = "x"\n\n[policy]\ntimezone = "UTC"\n{policy_text}'
    with pytest.raises(PlanError) as err:
        loads_plan(text, "bad.toml")
    [problem] = [p for p in err.value.problems if expect in str(p)]
    assert problem.file == "bad.toml" and problem.line is not None and problem.line >= 5


def test_a_pin_of_a_stage_the_ladder_lacks_is_refused_with_a_hint() -> None:
    text = (
        '[plan]\nname = "x"\n[policy]\nstages = "xen"\n[[releases]]\nversion = "1.0"\n'
        "[releases.pins]\nrelease = 2021-12-07\ncode-freez = 2021-11-05\n"
    )
    with pytest.raises(PlanError) as err:
        loads_plan(text, "p.toml")
    assert "did you mean 'code-freeze'?" in str(err.value.problems[0])
    assert err.value.problems[0].line == 9
    fixed = text.replace("code-freez", "code-freeze")
    plan = loads_plan(fixed, "p.toml")
    release = build_train(plan, D(2021, 1, 1), upcoming=1)[0]
    code = next(s for s in ladder(plan.policy, release, plan.spec("1.0")) if s.key == "code-freeze")
    assert code.day == D(2021, 11, 5) and not code.tentative  # pinned: decided


# -- the stage on a day -------------------------------------------------------------------


def _xen_416() -> list[Stage]:
    policy = Policy(stages=PRESETS["xen"])
    plan, release = _release(policy, D(2021, 12, 7))
    return ladder(policy, release, plan.spec("1.0"))


@pytest.mark.parametrize(
    ("day", "name", "accepts"),
    [
        (D(2021, 9, 23), "Development", Accepts.FEATURES),
        (D(2021, 9, 24), "Last posting date", Accepts.FEATURES),  # a stage starts on its day
        (D(2021, 10, 14), "Last posting date", Accepts.FEATURES),
        (D(2021, 10, 15), "Feature freeze", Accepts.FIXES),
        (D(2021, 11, 4), "Feature freeze", Accepts.FIXES),
        (D(2021, 11, 5), "Code freeze", Accepts.APPROVED_FIXES),
        (D(2021, 11, 19), "Hard code freeze", Accepts.BLOCKERS),
        (D(2021, 11, 22), "Hard code freeze", Accepts.BLOCKERS),
        (D(2021, 11, 23), "Branch off", Accepts.BLOCKERS),
        (D(2021, 12, 6), "Final commits", Accepts.DOCS),
        (D(2021, 12, 7), "Release", Accepts.NOTHING),
        (D(2022, 6, 1), "Release", Accepts.NOTHING),
    ],
)
def test_stage_on_a_day_boundaries(day: dt.date, name: str, accepts: Accepts) -> None:
    stage = stage_on(_xen_416(), day)
    assert (stage.name, stage.accepts) == (name, accepts)
    assert stage_on([], day) is DEVELOPMENT


def test_a_stage_in_a_blackout_moves_earlier_by_a_week_on_its_weekday() -> None:
    # Xen 4.16's code freeze (Friday 2021-11-05) in a blackout: the Friday before.
    blocked = DayRange.parse("2021-11-01..2021-11-07")
    policy = Policy(stages=PRESETS["xen"], blackouts=(blocked,))
    plan, release = _release(policy, D(2021, 12, 7))
    days = {s.name: s.day for s in ladder(policy, release, plan.spec("1.0"))}
    assert days["Code freeze"] == D(2021, 10, 29)
    assert days["Hard code freeze"] == D(2021, 11, 19)  # the others stay


def test_a_stage_without_weekday_moves_earlier_by_days_off_a_holiday() -> None:
    rules = (StageRule("Freeze", days_before_release=10),)
    policy = Policy(stages=rules, holidays=(DayRange.parse("05-22"), DayRange.parse("05-21")))
    plan, release = _release(policy, D(2030, 6, 1))
    assert ladder(policy, release, plan.spec("1.0"))[0].day == D(2030, 5, 20)


def test_weekday_rules_stay_in_the_week_and_before_the_release() -> None:
    rules = (
        StageRule("Early", weeks_before_release=2, weekday=0),  # Monday of that week
        StageRule("Same week", weeks_before_release=1, weekday=6),  # its Sunday
        StageRule("Release week", weeks_before_release=0, weekday=4),  # Friday after: no
    )
    policy = Policy(stages=rules)
    plan, release = _release(policy, D(2030, 6, 5))  # a Wednesday
    days = [s.day for s in ladder(policy, release, plan.spec("1.0"))]
    assert days == [D(2030, 5, 20), D(2030, 6, 2), D(2030, 6, 2), D(2030, 6, 5)]


def test_after_previous_days_counts_on_from_the_stage_before() -> None:
    rules = (
        StageRule("Freeze", weeks_before_release=6),
        StageRule("rc1", after_previous_days=14, accepts=Accepts.BLOCKERS),
        StageRule("rc2", after_previous_days=7, accepts=Accepts.BLOCKERS),
    )
    policy = Policy(stages=rules)
    plan, release = _release(policy, D(2030, 6, 5))
    assert [s.day for s in ladder(policy, release, plan.spec("1.0"))][:3] == [
        D(2030, 4, 24), D(2030, 5, 8), D(2030, 5, 15),
    ]  # fmt: skip
    assert release.rcs == (D(2030, 5, 8), D(2030, 5, 15))


def test_a_shipped_release_keeps_only_its_recorded_stages() -> None:
    policy = Policy(stages=PRESETS["xen"])
    spec = ReleaseSpec("1.0", actual=D(2021, 12, 8), pins={"freeze": D(2021, 10, 15)})
    plan = Plan("t", policy, (spec,))
    release = build_train(plan, D(2022, 1, 1), upcoming=0)[0]
    days = {s.name: s.day for s in ladder(policy, release, spec)}
    assert days["Feature freeze"] == D(2021, 10, 15) and days["Release"] == D(2021, 12, 8)
    assert days["Code freeze"] is None and release.freeze == D(2021, 10, 15)


# -- what each stage accepts ----------------------------------------------------------------

_FEATURE = Item("t#f", "a feature", Kind.FEATURE, state=State.ACCEPTED)
_FIX = Item("t#b", "a bug", Kind.BUG, state=State.ACCEPTED)
_BLOCKER = replace(_FIX, id="t#blk", blocker=True)
_ACKED = replace(_FIX, id="t#ack", labels=("Release-Acked",))
_DOCS = Item("t#d", "docs", Kind.TASK, state=State.ACCEPTED, labels=("docs",))


@pytest.mark.parametrize(
    ("accepts", "lands"),
    [
        (Accepts.FEATURES, {"t#f", "t#b", "t#blk", "t#ack", "t#d"}),
        (Accepts.FIXES, {"t#b", "t#blk", "t#ack", "t#d"}),
        (Accepts.APPROVED_FIXES, {"t#blk", "t#ack", "t#d"}),
        (Accepts.BLOCKERS, {"t#blk", "t#d"}),
        (Accepts.DOCS, {"t#d"}),
        (Accepts.NOTHING, set()),
    ],
)
def test_what_each_stage_accepts(accepts: Accepts, lands: set[str]) -> None:
    items = (_FEATURE, _FIX, _BLOCKER, _ACKED, _DOCS)
    assert {it.id for it in items if stage_refuses(accepts, it) is None} == lands


def _xen_plan(*items: Item) -> Plan:
    spec = ReleaseSpec("4.16.0", pins={"release": D(2021, 12, 7)})
    return Plan("xen", Policy(stages=PRESETS["xen"]), (spec,), tuple(items))


def test_check_flags_what_the_current_stage_refuses_naming_item_stage_and_rule() -> None:
    from relplan.planner.domain.consistency import check_plan

    items = [replace(it, target="4.16.0") for it in (_FEATURE, _FIX, _BLOCKER, _ACKED, _DOCS)]
    plan = _xen_plan(*items)
    train = build_train(plan, D(2021, 1, 1), upcoming=1)

    def flagged(day: dt.date) -> dict[str, str]:
        return {p.split(":")[0]: p for p in check_plan(plan, train, day) if p.startswith("t#")}

    assert flagged(D(2021, 10, 1)) == {}  # development: anything goes
    in_ff = flagged(D(2021, 10, 20))
    assert set(in_ff) == {"t#f"}
    assert in_ff["t#f"] == (
        "t#f: open feature in 4.16.0 during Feature freeze (since 2021-10-15), which accepts "
        "bug fixes, no new features: a new feature; move it to the next release"
    )
    assert set(flagged(D(2021, 11, 10))) == {"t#f", "t#b"}  # code freeze: approved fixes
    hard = flagged(D(2021, 11, 20))
    assert set(hard) == {"t#f", "t#b", "t#ack"}
    assert "during Hard code freeze (since 2021-11-19)" in hard["t#b"]
    assert hard["t#b"].endswith("not a release blocker")
    assert set(flagged(D(2021, 12, 4))) == {"t#f", "t#b", "t#ack", "t#blk"}
    done = replace(_FIX, id="t#done", state=State.DONE, target="4.16.0")
    problems = check_plan(_xen_plan(done), train, D(2021, 12, 4))
    assert not [p for p in problems if p.startswith("t#done")]


def test_status_names_the_stage_and_what_it_accepts() -> None:
    from relplan.planner.domain.status import all_status

    plan = _xen_plan()
    train = build_train(plan, D(2021, 1, 1), upcoming=1)
    [status] = [s for s in all_status(plan, train, D(2021, 11, 20)) if s.version == "4.16.0"]
    assert (status.stage, status.accepts, status.stage_since) == (
        "Hard code freeze", Accepts.BLOCKERS, D(2021, 11, 19),
    )  # fmt: skip


# -- laws ---------------------------------------------------------------------------------------

_RULES = st.lists(
    st.builds(
        lambda name, how, n, weekday, accepts: StageRule(
            name, **{how: n}, weekday=weekday, accepts=accepts
        ),
        st.just("x"),
        st.sampled_from(["weeks_before_release", "days_before_release", "after_previous_days"]),
        st.integers(0, 400),
        st.none() | st.integers(0, 6),
        st.sampled_from(list(Accepts)),
    ),
    min_size=1,
    max_size=12,
).map(lambda rules: tuple(replace(r, name=f"s{i}") for i, r in enumerate(rules)))
_BLACKOUTS = st.lists(
    st.builds(
        lambda m, d, length: DayRange.parse(
            f"{m:02d}-{d:02d}..{(dt.date(2001, m, d) + dt.timedelta(days=length)):%m-%d}"
        ),
        st.integers(1, 12),
        st.integers(1, 28),
        st.integers(0, 20),
    ),
    max_size=3,
)


@settings(max_examples=150, deadline=None)
@given(
    rules=_RULES,
    blackouts=_BLACKOUTS,
    day=st.dates(D(2000, 1, 1), D(2040, 12, 31)),
)
def test_stages_stay_in_order_and_before_the_release(
    rules: tuple[StageRule, ...], blackouts: list[DayRange], day: dt.date
) -> None:
    if rules[0].after_previous_days is not None:  # the file reader refuses that
        rules = (replace(rules[0], after_previous_days=None, days_before_release=7), *rules[1:])
    policy = Policy(stages=rules, blackouts=tuple(blackouts))
    spec = ReleaseSpec("1.0", pins={"release": day})
    release = build_train(Plan("t", policy, (spec,)), day, upcoming=1)[0]
    stages = ladder(policy, release, spec)
    days = [s.day for s in stages[:-1]]
    assert all(d is not None for d in days)
    assert days == sorted(days)  # type: ignore[type-var]
    assert all(d < release.day for d in days)  # type: ignore[operator]
    assert stages[-1].key == "release" and stages[-1].day == release.day
    assert [s.name for s in stages[:-1]] == [r.name for r in rules]
    # the calendar's freeze is the first stage that no longer takes features
    tight = [s.day for s, r in zip(stages, rules, strict=False) if r.accepts.rank > 0]
    assert release.freeze == (tight[0] if tight else None)


# -- proposing a preset from tags -------------------------------------------------------------


@pytest.mark.parametrize(
    ("tags", "preset"),
    [
        (["v3.13.0", "v3.14.0a1", "v3.14.0b2", "v3.14.0rc1"], "cpython"),
        (["v6.7", "v6.8-rc1", "v6.8-rc2", "v6.8"], "linux"),
        (["RELEASE-4.18.0", "4.19.0-rc1", "4.19.0-rc2", "RELEASE-4.19.0"], "xen"),
        (["28.0.0", "29.0.0.0b1", "29.0.0.0rc1", "29.0.0"], "openstack"),
        (["v1.0", "v1.1", "release-2"], None),
    ],
)
def test_propose_preset_from_tags(tags: list[str], preset: str | None) -> None:
    assert propose_preset(tags) == preset
