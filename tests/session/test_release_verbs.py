"""ship, slip, set, add and edit: the headless verbs over the session, on real plan files."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relplan.planner.domain.model import Plan, ReleaseKind, ReleaseSpec
from relplan.planner.domain.policy import Cadence, DayRange, Maintenance, Policy
from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.store.planfile import dumps_toml, load_plan
from relplan.planner.usecases.session import Session
from relplan.tui.cli import main

DAY = DEMO_TODAY.isoformat()


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def write_demo(folder: Path, plan=None) -> Path:  # type: ignore[no-untyped-def]
    plan = plan or demo_plan()
    path = folder / "xen.toml"
    path.write_text(dumps_toml(plan, Session(plan, today=DEMO_TODAY).train()), encoding="utf-8")
    return path


def calendar(path: Path) -> dict[tuple[str, str], object]:
    code, out, _ = cli("--plan", str(path), "--today", DAY, "calendar", "--format", "json")
    assert code == 0
    fields = ("development_start", "last_posting", "freeze_date", "rcs", "release_date",
              "actual", "maintained_until", "security_until")  # fmt: skip
    return {(r["version"], f): r[f] for r in json.loads(out) for f in fields}


POLICIES = st.builds(
    lambda weeks, weekday, catch_up, blackout: demo_plan().policy.__class__(
        **{
            **{f: getattr(demo_plan().policy, f) for f in demo_plan().policy.__slots__},
            "cadence": Cadence(10, 12, weeks, weekday, catch_up),
            "blackouts": (DayRange.parse(blackout),) if blackout else (),
        }
    ),
    st.integers(10, 12),
    st.one_of(st.none(), st.integers(0, 6)),
    st.booleans(),
    st.sampled_from([None, "12-18..12-31", "07-20..08-10", "02-01..02-14"]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(POLICIES, st.sampled_from(["4.0.0", "4.1.0", "4.2.0", "3.4.2"]), st.integers(-20, 60))
def test_the_slip_preview_is_exactly_what_the_slip_moves(policy, version, days) -> None:  # type: ignore[no-untyped-def]
    base = demo_plan()
    plan = base.__class__(base.name, policy, base.releases, base.items)
    with tempfile.TemporaryDirectory() as folder:
        path = write_demo(Path(folder), plan)
        before = calendar(path)
        # --force: a day off the policy's weekday or in a blackout is the point here
        common = ("--plan", str(path), "--today", DAY, "slip", version, f"--by={days}d", "--force")
        code, out, err = cli(*common, "--dry-run", "--format", "json")
        if code == 2:  # a slip before today is refused, with the reason
            assert "before today" in err and calendar(path) == before
            return
        rows = json.loads(out)
        preview = {
            (r["version"], r["field"]): (r["old"], r["new"])
            for r in rows
            if not r["field"].startswith("pins.")  # what it writes beyond the calendar
        }
        pinned = {r["field"]: r["new"] for r in rows if r["field"].startswith("pins.")}
        if (version, "release_date") in preview:  # the slip pins its new day
            assert pinned["pins.release"] == preview[(version, "release_date")][1]
        assert calendar(path) == before  # a dry run writes nothing
        code, _, _ = cli(*common)
        assert code == 0
        after = calendar(path)
    moved = {k: (before.get(k) or None, after.get(k) or None) for k in before.keys() | after.keys()}
    moved = {k: v for k, v in moved.items() if v[0] != v[1]}
    assert moved == preview


def test_the_ship_dry_run_lists_only_what_changes() -> None:
    """Shipping a late minor puts its bug-fix releases on the train: their dates are new,
    but "no RCs" before and after is no change (it was listed as ``rcs - -``)."""
    history = (
        ReleaseSpec("9.0.0", actual=dt.date(2025, 1, 6)),
        ReleaseSpec("9.1.0", actual=dt.date(2025, 4, 7)),
        ReleaseSpec("9.1.1", ReleaseKind.MAINTENANCE, actual=dt.date(2025, 5, 5)),
    )
    policy = Policy(
        cadence=Cadence(min_weeks=12, max_weeks=12, weekday=None),
        maintenance=Maintenance(security_months=6, release_every_weeks=4, rc_days=0),
    )
    session = Session(Plan("pytest", policy, history), today=dt.date(2025, 7, 1))
    rows = session.writes(session.ship("9.2.0"))
    assert any(r.version.startswith("9.2.") and r.version != "9.2.0" for r in rows)
    assert rows and all(r.old != r.new for r in rows)
    assert not [r for r in rows if not r.old and not r.new]


def test_a_slip_keeps_a_freeze_that_already_happened(tmp_path: Path) -> None:
    path = write_demo(tmp_path)
    code, out, _ = cli("--plan", str(path), "--today", DAY, "slip", "4.0.0", "--by", "2w",
                       "--format", "json")  # fmt: skip
    assert code == 0
    fields = {r["field"] for r in json.loads(out) if r["version"] == "4.0.0"}
    assert "release_date" in fields and "freeze_date" not in fields  # froze 2009-08-18
    spec = load_plan(path).plan.spec("4.0.0")
    assert spec is not None and spec.pins["release"] == dt.date(2009, 11, 24)
    assert spec.pins["freeze"] == dt.date(2009, 8, 18)


def test_ship_records_the_day_and_refuses_the_future(tmp_path: Path) -> None:
    path = write_demo(tmp_path)
    code, _, err = cli("--plan", str(path), "--today", DAY, "ship", "3.4.2", "--on", "2009-09-01")
    assert code == 2 and "after today" in err
    code, _, err = cli("--plan", str(path), "--today", DAY, "ship", "3.4.2")
    assert code == 2 and "open blocker(s): demo#pvhvm-migrate-hang" in err and "--force" in err
    code, _, err = cli("--plan", str(path), "--today", DAY, "ship", "3.4.2", "--force")
    assert code == 0 and "shipped 3.4.2 on 2009-08-31" in err
    assert load_plan(path).plan.spec("3.4.2").actual == DEMO_TODAY  # type: ignore[union-attr]
    code, out, _ = cli("--plan", str(path), "--today", DAY, "status", "3.4.2", "--format", "json")
    assert json.loads(out)[0]["verdict"] == "shipped"


def test_shipping_records_only_what_happened(tmp_path: Path) -> None:
    path = write_demo(tmp_path)
    before = calendar(path)
    assert before[("3.4.2", "rcs")] == ["2009-08-25"]  # planned, nobody tagged it
    code, _, _ = cli("--plan", str(path), "--today", DAY, "ship", "3.4.2", "--force")
    assert code == 0
    # Once shipped, nothing is computed into its past, and a planned RC is no event: it
    # is not recorded as one, so the shipped release shows none; its planned day is kept.
    spec = load_plan(path).plan.spec("3.4.2")
    assert spec is not None and spec.actual_rcs == () and "freeze" not in spec.pins
    assert spec.pins["release"] == dt.date(2009, 9, 8)
    assert calendar(path)[("3.4.2", "rcs")] == []


def test_verbs_name_unknown_things_and_write_nothing(tmp_path: Path) -> None:
    path = write_demo(tmp_path)
    before = path.read_bytes()
    code, _, err = cli("--plan", str(path), "--today", DAY, "slip", "4.0", "--by", "1w")
    assert code == 2 and "did you mean 4.0.0" in err
    code, _, err = cli("--plan", str(path), "set", "demo#rmus", "--state", "accepted")
    assert code == 2 and "did you mean demo#remus" in err
    code, _, err = cli("--plan", str(path), "set", "demo#remus", "--backport", "3.4")
    assert code == 2 and "SERIES=STATE" in err
    assert path.read_bytes() == before
    code, _, err = cli("--today", DAY, "slip", "4.1.0", "--by", "1w")  # the embedded demo
    assert code == 2 and "never written" in err


def test_set_several_fields_is_one_change_with_rows(tmp_path: Path) -> None:
    path = write_demo(tmp_path)
    ids = ("demo#remus", "demo#pv-usb-pci")
    options = ("--target", "4.1.0", "--blocker", "--owner", "Keir", "--format", "json")
    code, out, _ = cli("--plan", str(path), "--today", DAY, "set", *ids, *options)
    assert code == 0
    rows = {(r["id"], r["field"]): r["new"] for r in json.loads(out)}
    assert rows[("demo#remus", "target")] == "4.1.0" and rows[("demo#remus", "blocker")] is True
    plan = load_plan(path).plan
    assert {plan.item(i).owner for i in ("demo#remus", "demo#pv-usb-pci")} == {"Keir"}  # type: ignore[union-attr]


def test_add_and_edit(tmp_path: Path) -> None:
    path = write_demo(tmp_path)
    code, _, _ = cli("--plan", str(path), "add", "NUMA placement", "--kind", "feature",
                     "--target", "4.1.0", "--today", DAY)  # fmt: skip
    assert code == 0
    added = load_plan(path).plan.item("local#numa-placement")
    assert added is not None and added.target == "4.1.0"
    code, _, err = cli("--plan", str(path), "add", "again", "--id", "local#numa-placement")
    assert code == 2 and "exists already" in err
    code, _, _ = cli("--plan", str(path), "edit", "local#numa-placement", "--title", "NUMA",
                     "--fix", "ABCDEF1234")  # fmt: skip
    edited = load_plan(path).plan.item("local#numa-placement")
    assert code == 0 and edited is not None
    assert (edited.title, edited.fix_commits) == ("NUMA", ("abcdef1234",))


@pytest.mark.parametrize("by", ["2x", "w", "1.5w"])
def test_a_bad_shift_is_named(tmp_path: Path, by: str) -> None:
    path = write_demo(tmp_path)
    code, _, err = cli("--plan", str(path), "--today", DAY, "slip", "4.1.0", "--by", by)
    assert code == 2 and "--by" in err


def _with_capacity(folder: Path, **limits: int) -> Path:
    from dataclasses import replace

    from relplan.planner.domain.model import State
    from relplan.planner.domain.policy import Capacity

    base = demo_plan()
    policy = replace(base.policy, capacity=Capacity(**limits))
    items = tuple(
        replace(it, state=State.ACCEPTED, owner="Keir")
        if it.id in ("demo#rdma-migration", "demo#vswitch-per-client", "demo#gallium-remoting")
        else it
        for it in base.items
    )
    return write_demo(folder, replace(base, policy=policy, items=items))


def test_schedule_fills_releases_within_capacity_most_urgent_first(tmp_path: Path) -> None:
    path = _with_capacity(tmp_path, per_owner=2)
    before = path.read_bytes()
    code, out, _ = cli("--plan", str(path), "--today", DAY, "schedule", "--dry-run",
                       "--format", "json")  # fmt: skip
    assert code == 0 and path.read_bytes() == before
    targets = {r["id"]: r["new"] for r in json.loads(out) if r["field"] == "target"}
    keir = ("demo#rdma-migration", "demo#vswitch-per-client", "demo#gallium-remoting")
    # Keir may carry 2 open items per release: the third goes to the next release
    assert sorted(targets[i] for i in keir) == ["4.1.0", "4.1.0", "4.2.0"]
    assert targets["demo#rdma-migration"] == "4.1.0"  # medium before low
    assert targets["demo#bridge-switch"] == "4.1.0"  # nobody's: no owner limit
    code, _, _ = cli("--plan", str(path), "--today", DAY, "schedule")
    plan = load_plan(path).plan
    assert {i: plan.item(i).target for i in targets} == targets  # type: ignore[union-attr]


def test_over_capacity_reaches_status_and_the_attention_list(tmp_path: Path) -> None:
    path = _with_capacity(tmp_path, features=1)
    code, out, _ = cli("--plan", str(path), "--today", DAY, "status", "4.1.0", "--format", "json")
    row = json.loads(out)[0]
    open_features = row["open_by_kind"]["feature"]
    assert open_features > 1 and row["over_capacity"] == [
        f"{open_features} open features, capacity 1"
    ]
    session = Session.open(plan=path, today=DAY)
    assert any("4.1.0 over capacity" in a.text for a in session.attention())
    assert load_plan(path).plan.policy.capacity.features == 1  # written and read back


def test_a_plan_a_command_creates_today_records_that_day(tmp_path: Path) -> None:
    """A sync or import into a new plan file makes the plan that day: laying and bug-fix
    releases start there, not in the tracker's history (a new plan had laid an item onto a
    2010 release, and push then listed it)."""
    fresh = Session.open(plan=tmp_path / "new.toml", today="2026-12-03", allow_missing_plan=True)
    assert fresh.plan.planned_from == dt.date(2026, 12, 3)
