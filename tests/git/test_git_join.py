"""Git evidence joined into the plan's items, and tracker-vs-git conflicts."""

from __future__ import annotations

import datetime as dt

from gitrepos import Stable

from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.model import BackportState, Item, Kind, Plan, ReleaseSpec
from relplan.planner.domain.policy import Policy
from relplan.planner.git.backports import BranchTarget
from relplan.planner.git.join import git_evidence, maintained_targets, plan_evidence
from relplan.planner.git.repo import Repo

DONE, REQUIRED = BackportState.DONE, BackportState.REQUIRED
TARGETS = [BranchTarget("stable-4.1", "4.1"), BranchTarget("stable-4.2", "4.2")]


def plan_with(*items: Item) -> Plan:
    releases = (
        ReleaseSpec("4.1", actual=dt.date(2010, 1, 5)),
        ReleaseSpec("4.2", actual=dt.date(2010, 3, 20)),
    )
    return Plan("xen", Policy(), releases, items)


def bug(key: str, commits: tuple[str, ...], backports: dict[str, BackportState]) -> Item:
    return Item(f"xen#{key}", key, Kind.BUG, fix_commits=commits, backports=backports)


def test_states_evidence_and_conflicts(stable: Stable) -> None:
    plan = plan_with(
        bug("a", (stable.fix_a[:10],), {"4.1": DONE, "4.2": REQUIRED}),
        bug("fixfix", (stable.fix_fix,), {"4.1": DONE}),
        bug("feature", (stable.feature,), {"4.2": REQUIRED}),
        bug("old", (stable.culprit1,), {}),
    )
    ev = git_evidence(plan, Repo(stable.repo.path), TARGETS, upstream="master")
    assert ev.state("xen#a", "4.1") is DONE and "master commit" in ev.evidence("xen#a", "4.1")
    assert ev.state("xen#a", "4.2") is DONE
    assert ev.state("xen#fixfix", "4.1") is REQUIRED
    assert ev.state("xen#feature", "4.2") is REQUIRED
    assert "tracker xen#feature: required" in ev.evidence("xen#feature", "4.2")
    assert ev.state("xen#feature", "4.1") is None  # neither git nor the tracker asks
    assert ev.state("xen#old", "4.1") is DONE and "own history" in ev.evidence("xen#old", "4.1")
    conflicts = {(c.item, c.series): c for c in ev.conflicts}
    assert set(conflicts) == {("xen#a", "4.2"), ("xen#fixfix", "4.1")}
    assert "git finds no pick on stable-4.1" in conflicts[("xen#fixfix", "4.1")].message
    assert conflicts[("xen#a", "4.2")].tracker is REQUIRED
    applied = ev.apply(plan)
    assert applied.item("xen#a").backports == {"4.1": DONE, "4.2": DONE}  # type: ignore[union-attr]


def test_maintained_targets_follow_the_calendar() -> None:
    plan = plan_with()
    train = build_train(plan, dt.date(2010, 5, 1))
    targets = maintained_targets(plan, train, dt.date(2010, 5, 1))
    assert [(t.name, t.series) for t in targets] == [("stable-4.2", "4.2")]
    named = maintained_targets(plan, train, dt.date(2010, 5, 1), "release/{series}")
    assert [t.name for t in named] == ["release/4.2"]


def test_plan_evidence_scans_the_maintained_branches(stable: Stable) -> None:
    plan = plan_with(bug("fixfix", (stable.fix_fix,), {"4.2": DONE}))
    today = dt.date(2010, 5, 1)
    ev = plan_evidence(plan, build_train(plan, today), today, str(stable.repo.path))
    assert [t.name for t in ev.scan.branches] == ["stable-4.2"]
    assert ev.state("xen#fixfix", "4.2") is REQUIRED
    assert [c.item for c in ev.conflicts] == ["xen#fixfix"]
    # a pattern naming no branch: no evidence, and a warning saying why (status still shows)
    none = plan_evidence(
        plan, build_train(plan, today), today, str(stable.repo.path), pattern="release/{series}"
    )
    assert none.scan.branches == [] and none.cells == {}
    assert any("none of the branches" in w and "branch_pattern" in w for w in none.scan.warnings)
