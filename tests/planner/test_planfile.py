"""The plan file: format, reading with every problem reported, JSON export, atomic saving."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.errors import PlanChangedOnDisk, PlanError
from relplan.planner.domain.model import (
    BackportState,
    Item,
    Kind,
    Plan,
    Release,
    ReleaseKind,
    ReleaseSpec,
)
from relplan.planner.domain.policy import Cadence, DayRange, Policy
from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.store.planfile import (
    dumps_toml,
    fingerprint,
    load_plan,
    loads_plan,
    plan_to_json,
    save_plan,
)

ROOT = Path(__file__).resolve().parents[2]
UTC = dt.UTC


def _release(version: str, day: dt.date, **kw: object) -> Release:
    values: dict[str, object] = dict(
        version=version,
        kind=ReleaseKind.POINT,
        series=".".join(version.split(".")[:2]),
        branch="stable-" + ".".join(version.split(".")[:2]),
        development_start=day - dt.timedelta(weeks=10),
        last_posting=None,
        freeze=day - dt.timedelta(weeks=4),
        rcs=(day - dt.timedelta(weeks=3), day - dt.timedelta(weeks=2)),
        release=day,
    )
    values.update(kw)
    return Release(**values)  # type: ignore[arg-type]


def small_plan() -> Plan:
    policy = Policy(
        cadence=Cadence(weekday=1, target_weeks=11),
        blackouts=(DayRange.parse("12-18..12-31"),),
        holidays=(DayRange.parse("2010-04-02"),),
    )
    specs = (
        ReleaseSpec("3.4.0", actual=dt.date(2009, 5, 18), codename="x"),
        ReleaseSpec("4.0.0", pins={"release": dt.date(2009, 12, 1)}, branch="main-4.0"),
    )
    items = (
        Item("demo#10", "Ten"),
        Item(
            "demo#2",
            "Zwei – ünïcode",
            kind=Kind.BUG,
            backports={"3.4": BackportState.REQUIRED, "3.3": BackportState.DONE},
            updated=dt.datetime(2009, 8, 1, 12, 30, tzinfo=UTC),
            labels=("net",),
            blocker=True,
        ),
    )
    return Plan("Xen", policy, specs, items)


def test_writes_fixed_order_and_omits_unset_keys() -> None:
    text = dumps_toml(small_plan(), [_release("3.4.0", dt.date(2009, 5, 12))])
    assert text.startswith('[plan]\nname = "Xen"\nformat = 1\n\n[policy]\ntimezone = "UTC"\n')
    assert 'weekday = "tuesday"' in text
    assert 'blackouts = [\n    "12-18..12-31",\n]' in text
    assert text.index('id = "demo#2"') < text.index('id = "demo#10"')  # natural order
    assert text.index('version = "3.4.0"') < text.index('version = "4.0.0"')
    ten = text[text.index('id = "demo#10"') :]
    assert "blocker = false" in ten and "labels" not in ten and "url" not in ten
    assert "updated = 2009-08-01 12:30:00+00:00" in text
    assert '[items.backports]\n"3.3" = "done"\n"3.4" = "required"\n' in text
    assert "[releases.pins]\nrelease = 2009-12-01\n" in text
    assert "major_freeze_weeks" not in text  # None is left out


def test_computed_keys_are_ignored_on_read_and_branch_kept_only_when_custom() -> None:
    plan = small_plan()
    text = dumps_toml(plan, [_release("3.4.0", dt.date(2009, 5, 12))])
    assert 'branch = "stable-3.4"' in text and "freeze = 2009-04-14" in text
    back = loads_plan(text)
    assert back.spec("3.4.0") == plan.spec("3.4.0")  # branch equals the policy's: not an input
    assert back.spec("4.0.0") == plan.spec("4.0.0")  # custom branch kept
    assert sorted(back.items, key=lambda i: i.id) == sorted(plan.items, key=lambda i: i.id)
    assert back.policy == plan.policy


def test_demo_round_trip_through_the_calendar_is_byte_identical() -> None:
    plan = demo_plan()
    text = dumps_toml(plan, build_train(plan, DEMO_TODAY))
    again = loads_plan(text)
    assert dumps_toml(again, build_train(again, DEMO_TODAY)) == text
    assert {it.id: it for it in again.items} == {it.id: it for it in plan.items}


def test_the_day_a_plan_was_made_is_written_and_read_back() -> None:
    plan = demo_plan()
    text = dumps_toml(plan, build_train(plan, DEMO_TODAY))
    assert 'name = "Xen (demo, 2009)"\nformat = 1\nplanned_from = 2009-08-31\n' in text
    assert loads_plan(text).planned_from == DEMO_TODAY
    bare = replace(plan, planned_from=None)
    assert "planned_from" not in dumps_toml(bare)
    assert loads_plan(dumps_toml(bare)).planned_from is None
    assert plan_to_json(bare, [], DEMO_TODAY)["plan"]["planned_from"] is None


def test_plan_to_json_carries_the_same_content() -> None:
    plan = small_plan()
    releases = [
        _release(
            "3.4.0",
            dt.date(2009, 5, 12),
            actual=dt.date(2009, 5, 18),
            maintained_until=dt.date(2009, 9, 1),
        )
    ]
    data = plan_to_json(plan, releases, dt.date(2009, 8, 31))
    assert list(data) == ["plan", "policy", "releases", "support", "items"]
    first, second = data["releases"]
    assert first["version"] == "3.4.0" and first["phase"] == "maintained"
    assert first["freeze_date"] == "2009-04-14" and first["release_date"] == "2009-05-12"
    assert first["actual"] == "2009-05-18" and first["maintained_until"] == "2009-09-01"
    assert first["rcs"] == ["2009-04-21", "2009-04-28"]
    assert second["phase"] == "unscheduled" and second["release_date"] is None
    assert second["branch"] == "main-4.0" and second["pins"] == {"release": "2009-12-01"}
    two = data["items"][0]
    assert two["id"] == "demo#2" and two["target"] is None and two["blocker"] is True
    assert two["backports"] == {"3.4": "required", "3.3": "done"}
    assert two["updated"] == "2009-08-01T12:30:00+00:00"
    assert data["policy"]["cadence"]["weekday"] == "tuesday"
    assert json.loads(json.dumps(data)) == data


BAD_PLAN = """\
[plan]
name = "Xen"
format = 1

[policy]
timezone = "Mars/Olympus"
blackouts = ["12-18..12-32"]
horizn = 4

[policy.cadence]
min_weeks = 12
max_weeks = 10
weekday = "tusday"

[[releases]]
version = "3.4.0"
actual = "2009-13-01"

[[releases]]
version = "3.4.0"

[[items]]
id = "demo#a"
title = "A"

[[items]]
id = "demo#remus"
title = "Remus"
priority = "urgentt"
blocker = "yes"

[[items]]
id = "demo#a"
title = "A again"
[items.backports]
"3.4" = "maybe"
"""


def test_every_problem_is_listed_with_its_line() -> None:
    with pytest.raises(PlanError) as caught:
        loads_plan(BAD_PLAN, "plan.toml")
    lines = str(caught.value).splitlines()
    expected = [
        'plan.toml:6: policy.timezone: "Mars/Olympus" is not a known time zone',
        "plan.toml:7: policy.blackouts: '12-18..12-32'",
        "plan.toml:8: policy.horizn: unknown key (did you mean 'horizon'?)",
        'plan.toml:13: policy.cadence.weekday: "tusday" is not a weekday name',
        "plan.toml:11: policy.cadence: min_weeks (12) is more than max_weeks (10)",
        'plan.toml:17: releases[0] (3.4.0).actual: "2009-13-01" is not a date',
        'plan.toml:20: releases[1].version: "3.4.0" appears twice',
        'plan.toml:29: items[1] (demo#remus).priority: "urgentt" is not one of critical, '
        "high, medium, low",
        'plan.toml:30: items[1] (demo#remus).blocker: "yes" is not true or false',
        'plan.toml:33: items[2].id: "demo#a" appears twice',
        'plan.toml:36: items[2] (demo#a).backports."3.4": "maybe" is not one of unknown',
    ]
    assert len(lines) == len(expected)
    for line, want in zip(lines, sorted(expected, key=lambda e: int(e.split(":")[1])), strict=True):
        assert line.startswith(want)


def test_duplicate_item_ids_are_reported() -> None:
    text = '[[items]]\nid = "x#1"\ntitle = "a"\n\n[[items]]\nid = "x#1"\ntitle = "b"\n'
    with pytest.raises(PlanError, match=r'p.toml:6: items\[1\].id: "x#1" appears twice'):
        loads_plan(text, "p.toml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a = [1,\n", r"p.toml:2: not valid TOML"),
        ("[plan]\nname = \n", r"p.toml:2:8: not valid TOML: Invalid value"),
        ("[plan]\nformat = 2\n", r"p.toml:2: plan.format: format 2 is not supported"),
        ("[plan]\nplanned_from = 'soon'\n", r"p.toml:2: plan.planned_from: \"soon\" is not a"),
        ("[plans]\n", r"p.toml:1: plans: unknown key \(did you mean 'plan'\?\)"),
        ("[[items]]\ntitle = 'no id'\n", r"p.toml:1: items\[0\].id: missing"),
        ("[[items]]\nid = 'a#1'\ntitle = ''\n", r"p.toml:3: items\[0\] \(a#1\).title: must not"),
        ("[[items]]\nid='a#1'\ntitle='t'\nupdated='soon'\n", r"updated: \"soon\" is not a date-t"),
        (
            "[[releases]]\nversion = '1.0'\n[releases.pins]\nrc = 2009-01-01\n",
            r"p.toml:4: "
            r"releases\[0\] \(1.0\).pins.rc: \"rc\" cannot be pinned",
        ),
        ("[policy.cadence]\ntarget_weeks = 20\n", r"p.toml:2: policy.cadence: target_weeks \(20\)"),
        ("[policy.stabilization]\nrc_every_days = 0\n", r"rc_every_days: 0 is less than 1"),
        ("[policy]\nbranch_pattern = 'b-{version}'\n", r"may only use the placeholder"),
        ("[policy.maintenance]\nmodel = 'forever'\n", r'"forever" is not one of until-next'),
        ("[[items]]\nid='a#1'\ntitel='t'\n", r"titel: unknown key \(did you mean 'title'\?\)"),
    ],
)
def test_bad_plan_files(text: str, message: str) -> None:
    with pytest.raises(PlanError, match=message):
        loads_plan(text, "p.toml")


def test_load_plan_names_the_file_and_rejects_bad_bytes(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="cannot read"):
        load_plan(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b'[plan]\nname = "\xff"\n')
    with pytest.raises(PlanError, match=r"bad.toml:2: not UTF-8"):
        load_plan(bad)


def test_save_and_load(tmp_path: Path) -> None:
    path = tmp_path / "relplan.toml"
    plan = small_plan()
    fp = save_plan(plan, [], path, None)
    loaded = load_plan(path)
    assert loaded.fingerprint == fp == fingerprint(path.read_bytes())
    assert loaded.plan.spec("4.0.0") == plan.spec("4.0.0")
    edited = loaded.plan.with_items([*loaded.plan.items, Item("demo#3", "Three")])
    fp2 = save_plan(edited, [], path, fp)
    assert fp2 != fp and load_plan(path).plan.item("demo#3") is not None
    assert sorted(os.listdir(tmp_path)) == ["relplan.toml"]


def test_changed_on_disk_is_detected_and_nothing_written(tmp_path: Path) -> None:
    path = tmp_path / "relplan.toml"
    fp = save_plan(small_plan(), [], path, None)
    path.write_text(path.read_text() + "# someone else's edit\n")
    theirs = path.read_bytes()
    with pytest.raises(PlanChangedOnDisk, match="changed since it was loaded"):
        save_plan(small_plan(), [], path, fp)
    assert path.read_bytes() == theirs
    with pytest.raises(PlanChangedOnDisk, match="was created"):
        save_plan(small_plan(), [], path, None)
    path.unlink()
    with pytest.raises(PlanChangedOnDisk, match="was deleted"):
        save_plan(small_plan(), [], path, fp)
    assert sorted(os.listdir(tmp_path)) == []


def test_failed_serialization_leaves_the_original_untouched(tmp_path: Path) -> None:
    path = tmp_path / "relplan.toml"
    fp = save_plan(small_plan(), [], path, None)
    before = path.read_bytes()
    broken = small_plan().with_items([Item("demo#x", "lone surrogate \ud800")])
    with pytest.raises(UnicodeEncodeError):
        save_plan(broken, [], path, fp)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["relplan.toml"]


def test_unwritable_place_is_a_plan_error(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match=r"no-such-dir/p.toml: cannot write"):
        save_plan(small_plan(), [], tmp_path / "no-such-dir" / "p.toml", None)


CHILD = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from relplan.planner.store import planfile
    from relplan.planner.domain.model import Item

    path, stage, fp = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    real_replace = os.replace

    def block(*_args):
        print("ready", flush=True)
        sys.stdin.read()  # until killed

    if stage == "before-rename":
        os.fsync = block
    else:
        def replace_then_block(a, b):
            real_replace(a, b)
            block()
        os.replace = replace_then_block
    plan = planfile.load_plan(path).plan
    plan = plan.with_items([*plan.items, Item("demo#new", "Added " * 20000)])
    planfile.save_plan(plan, [], path, fp)
    """
)


@pytest.mark.parametrize(("stage", "expect_new"), [("before-rename", False), ("after", True)])
def test_kill_mid_save_leaves_a_whole_old_or_new_file(
    tmp_path: Path, stage: str, expect_new: bool
) -> None:
    path = tmp_path / "relplan.toml"
    fp = save_plan(small_plan(), [], path, None)
    old = path.read_bytes()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), stage, fp],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.stdout is not None
    assert child.stdout.readline() == b"ready\n"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    now = path.read_bytes()
    plan = loads_plan(now.decode())
    if expect_new:
        assert plan.item("demo#new") is not None
    else:
        assert now == old
    # A killed writer may leave its temp file and its lock file; the next save removes both.
    leftovers = {p for p in os.listdir(tmp_path) if p != "relplan.toml"}
    assert all(p.endswith((".tmp", ".lock")) for p in leftovers)
    save_plan(plan, [], path, fingerprint(now))
    assert os.listdir(tmp_path) == ["relplan.toml"]


def test_saved_plan_keeps_file_mode(tmp_path: Path) -> None:
    path = tmp_path / "relplan.toml"
    fp = save_plan(small_plan(), [], path, None)
    path.chmod(0o600)
    save_plan(replace(small_plan(), name="Xen 4"), [], path, fp)
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_plan(path).plan.name == "Xen 4"


def test_natural_order_is_total_and_handles_unicode_digits() -> None:
    from relplan.planner.domain.model import natural_key

    ids = ["demo#10", "demo#¹", "demo#2", "demo#1", "demo#01", "3.10", "3.9"]
    assert sorted(ids, key=natural_key) == [
        "3.9", "3.10", "demo#01", "demo#1", "demo#2", "demo#10", "demo#¹",
    ]  # fmt: skip


def test_lines_are_found_past_multiline_strings_and_inline_tables() -> None:
    text = '''\
[[items]]
id = "a#1"
title = "One"
why = """
priority = "this is prose, not a key"
"""
priority = "hgh"
backports = { "3.4" = "maybe" }
'''
    with pytest.raises(PlanError) as caught:
        loads_plan(text, "p.toml")
    assert [p.line for p in caught.value.problems] == [7, 8]
    assert caught.value.problems[1].field == 'items[0] (a#1).backports."3.4"'


def test_lines_of_quoted_unicode_keys() -> None:
    from relplan.planner.store.checking import Locator

    text = '[[items]]\nid = "a"\n[items.backports]\n"Ü-1" = "x"\n"a\\u00e9" = "y"\n'
    locator = Locator(text)
    assert locator.locate(("items", 0, "backports", "Ü-1")) == 4
    assert locator.locate(("items", 0, "backports", "aé")) == 5
    assert locator.locate(("items", 0, "backports", "other")) == 3
    assert locator.locate(("items",)) == 1 and locator.locate(("nothing",)) is None


def test_an_unscheduled_release_is_written_without_dates_and_read_back() -> None:
    anchor = ReleaseSpec("1.0.0", actual=dt.date(2021, 3, 2))
    closed = ReleaseSpec("0.9.0", unscheduled=True, codename="Milestone 0.9")
    plan = Plan("p", Policy(), (anchor, closed))
    text = dumps_toml(plan, build_train(plan, dt.date(2021, 3, 2)))
    table = text[text.index('version = "0.9.0"') :].split("\n\n")[0]
    assert "unscheduled = true" in table and "release" not in table and "series" not in table
    again = loads_plan(text)
    assert again.spec("0.9.0") == closed and again.spec("1.0.0") == anchor
    assert dumps_toml(again, build_train(again, dt.date(2021, 3, 2))) == text
