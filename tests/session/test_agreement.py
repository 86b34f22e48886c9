"""The command line and the dashboard give the same answers for the same plan and day.

Random plans (items in every state, blockers, targets, backport states) on random
days: ``relplan status --format json`` and ``relplan check`` (the real CLI entry
point, on a real plan file) against what the dashboard's views render from their
session (the Release view's panel, the timeline's attention list).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relplan.planner.domain.model import BackportState, Item, Kind, Plan, Priority, State
from relplan.planner.domain.rules import is_open_blocker
from relplan.planner.store.demo import demo_plan
from relplan.planner.store.planfile import dumps_toml
from relplan.planner.usecases.session import Session
from relplan.tui.cli import main

BASE = demo_plan()
VERSIONS = ["3.4.2", "4.0.0", "4.1.0", "4.2.0", "3.4.3", "3.4.4", "nowhere-9.9"]
SERIES = ["3.3", "3.4", "4.0"]


@st.composite
def items(draw: st.DrawFn) -> tuple[Item, ...]:
    count = draw(st.integers(0, 12))
    out = []
    for i in range(count):
        kind = draw(st.sampled_from(list(Kind)))
        backports = (
            draw(st.dictionaries(st.sampled_from(SERIES), st.sampled_from(list(BackportState))))
            if kind.is_fix
            else {}
        )
        out.append(
            Item(
                id=f"t#{i}",
                title=f"item {i}",
                kind=kind,
                priority=draw(st.sampled_from(list(Priority))),
                state=draw(st.sampled_from(list(State))),
                target=draw(st.sampled_from([None, *VERSIONS[:-1]])),
                blocker=draw(st.booleans()),
                backports=backports,
            )
        )
    return tuple(out)


DAYS = st.dates(dt.date(2009, 6, 1), dt.date(2010, 9, 30))


def cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(list(argv))
    return code, out.getvalue()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items(), DAYS)
def test_status_check_and_dashboard_agree(plan_items: tuple[Item, ...], day: dt.date) -> None:
    plan = Plan(BASE.name, BASE.policy, BASE.releases, plan_items)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.toml"
        session = Session(plan, today=day)
        path.write_text(dumps_toml(plan, session.train()), encoding="utf-8")
        common = ("--plan", str(path), "--today", day.isoformat())
        code, out = cli(*common, "status", "--all", "--format", "json")
        assert code == 0
        cli_status = {row["version"]: row for row in json.loads(out)}
        check_code, check_out = cli(*common, "check")

        # What the dashboard shows for the same file: the app as `relplan` builds it; every
        # view renders from its session.
        from relplan.tui.cli import build_parser
        from relplan.tui.cli.dashboard import build_app
        from relplan.tui.screens.release import panel_text

        app = build_app(build_parser().parse_args(list(common)))
    shown = app.session
    for s in shown.statuses():
        row = cli_status[s.version]
        assert row["blockers"] == s.blockers_open
        assert row["verdict"] == s.verdict
        assert row["backports_by_branch"] == s.backports
        assert row["items_total"] == s.items_total and row["items_done"] == s.items_done
        panel = panel_text(shown.release(s.version), s, shown.stages(s.version), shown.today)
        assert f"{s.items_done}/{s.items_total} done" in panel
        for blocker in s.blockers_open:
            assert blocker in panel

    # check and status agree on blockers: every release check names for open blockers
    # has exactly the blockers status lists, and every item check calls an open blocker
    # is one by the one rule.
    laid = {it.id: it for it in shown.plan.items}
    for line in check_out.splitlines():
        if "open blocker(s):" in line:
            version = line.split(":", 1)[0]
            named = line.split("open blocker(s): ", 1)[1].split(", ")
            assert named == cli_status[version]["blockers"]
            assert all(is_open_blocker(laid[i]) for i in named)
    for version, row in cli_status.items():
        release = shown.release(version)
        from relplan.planner.domain.calendar import phase_on

        frozen_or_due = phase_on(release, day).is_stabilizing or (
            day >= release.day and not release.shipped
        )
        if row["blockers"] and frozen_or_due:
            assert check_code == 1
            assert f"{version}: past its freeze with open blocker(s)" in check_out
