"""Support-status agreement on a real repository: relplan's status and end dates per series
against the published truth, from tags alone (measured policy) and with declared support.

    python bench/support_agreement.py REPO --today 2026-12-03 [--endoflife PRODUCT
        --endoflife-data DIR] [--truth support-md|endoflife|until-next]

The truth is what the project publishes: SUPPORT.md on each branch (Xen), endoflife.date's
cycles (ansible-core, python), or for a project that publishes no dates, its documented rule
(``until-next``: only the newest released series is maintained, pytest's RELEASING.rst).
Per series alive on the day in either view: status (maintained / security-only / eol) and
both end dates. Prints figures; nothing here is a test (the data is other people's).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.model import Plan, ReleaseKind
from relplan.planner.domain.rules import branch_support
from relplan.planner.domain.support import DeclaredSupport
from relplan.planner.git.history import history_from_tags
from relplan.planner.git.project import project_name
from relplan.planner.git.repo import Repo
from relplan.planner.usecases.declared import plan_series, read_declared, with_declared

Row = tuple[str, dt.date | None, dt.date | None]  # status, maintained until, security until


def truth_status(r: DeclaredSupport, today: dt.date) -> Row:
    """What a published record says on ``today``."""

    def ended(day: dt.date | None, flag: bool | None) -> bool:
        return day <= today if day is not None else bool(flag)

    if r.released is not None and r.released > today:
        return ("unreleased", r.maintained_until, r.security_until)
    if not ended(r.maintained_until, r.maintained_ended):
        return ("maintained", r.maintained_until, r.security_until)
    if not ended(r.security_until, r.security_ended):
        return ("security-only", r.maintained_until, r.security_until)
    return ("eol", r.maintained_until, r.security_until)


def relplan_rows(plan: Plan, today: dt.date) -> dict[str, Row]:
    """relplan's status and ends per shipped series on ``today``."""
    out: dict[str, Row] = {}
    for r in build_train(plan, today):
        if r.kind is ReleaseKind.POINT and r.actual is not None:
            phase = branch_support(r, today)
            out[r.series] = (phase.value if phase else "eol", r.maintained_until, r.security_until)
    return out


def compare(truth: dict[str, Row], mine: dict[str, Row]) -> tuple[int, int, int, int, list[str]]:
    """(series compared, status agreeing, series with dates, dates agreeing, disagreements)."""
    dead = ("eol", "unreleased")
    live = sorted(
        s
        for s in set(truth) | set(mine)
        if truth.get(s, ("eol",))[0] not in dead or mine.get(s, ("eol",))[0] != "eol"
    )
    ok = dated = dates_ok = 0
    bad = []
    for s in live:
        t, m = truth.get(s, ("eol", None, None)), mine.get(s, ("eol", None, None))
        ok += t[0] == m[0]
        if t[1] is not None or t[2] is not None:
            dated += 1
            dates_ok += (t[1], t[2]) == (m[1], m[2])
        if t != m:
            bad.append(f"{s}: published {t[0]} {t[1]}/{t[2]}; relplan {m[0]} {m[1]}/{m[2]}")
    return len(live), ok, dated, dates_ok, bad


def until_next_truth(plan: Plan, today: dt.date) -> dict[str, Row]:
    """Only the newest released series is maintained (no published dates)."""
    shipped = [
        r
        for r in build_train(plan, today)
        if r.kind is ReleaseKind.POINT and r.actual is not None and r.actual <= today
    ]
    newest = max(shipped, key=lambda r: r.actual or today).series if shipped else None
    return {r.series: ("maintained" if r.series == newest else "eol", None, None) for r in shipped}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("repo")
    ap.add_argument("--today", required=True)
    ap.add_argument("--endoflife")
    ap.add_argument("--endoflife-data")
    ap.add_argument("--truth", choices=("support-md", "endoflife", "until-next"), required=True)
    args = ap.parse_args()
    today = dt.date.fromisoformat(args.today)
    repo = Repo(args.repo)
    history = history_from_tags(repo)
    measured = history.plan(project_name(repo))
    read = read_declared(
        plan_series(measured),
        repo=repo,
        branch_patterns=(measured.policy.branch_pattern, history.branch_pattern),
        endoflife=args.endoflife,
        endoflife_data=Path(args.endoflife_data) if args.endoflife_data else None,
    )
    declared = with_declared(measured, read)
    if args.truth == "until-next":
        truth = until_next_truth(measured, today)
    else:
        source = "declared" if args.truth == "support-md" else "endoflife"
        truth = {r.series: truth_status(r, today) for r in read.records if r.source == source}
    print(
        f"{measured.name} as of {today}: {len(read.records)} declared records; "
        f"measured policy {measured.policy.maintenance.model.value} "
        f"{measured.policy.maintenance.general_months}+"
        f"{measured.policy.maintenance.security_months} months "
        f"({len(history.lives)} branches, {len(history.shipped)} releases)"
    )
    for label, plan in (("tags alone (measured)", measured), ("with declared support", declared)):
        n, ok, dated, dates_ok, bad = compare(truth, relplan_rows(plan, today))
        print(f"  {label}: status {ok}/{n} series agree; end dates {dates_ok}/{dated}")
        for line in bad[:8]:
            print(f"    {line}")


if __name__ == "__main__":
    main()
