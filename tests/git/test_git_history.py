"""Release history and measured cadence from tags."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from gitrepos import EPOCH, GitRepo

from planner.errors import SourceError
from planner.git.history import Spread, detect_branch_pattern, history_from_tags, tag_regex
from planner.git.repo import Repo
from planner.model import ReleaseKind


def xen_history(r: GitRepo) -> GitRepo:
    """4.0.0 (2 RCs), 4.0.1 +6w, 4.0.2 +12w, 4.1.0 +11w (1 RC), 4.1.1 +16w, 4.2.0 +23w."""
    r.commit("Initial import", {"README": "xen\n"})
    r.commit("feature work", days=20)
    r.tag("4.0.0-rc1", annotated=False)
    r.commit("rc fix", days=7)
    r.tag("4.0.0-rc2")
    r.commit("release 4.0.0", days=7)
    r.tag("RELEASE-4.0.0")  # day 35
    r.git("branch", "stable-4.0")
    r.checkout("stable-4.0")
    r.commit("4.0.1", days=42)
    r.tag("RELEASE-4.0.1")  # +6 weeks
    r.commit("4.0.2", days=42)
    r.tag("RELEASE-4.0.2")  # +12 weeks
    r.checkout("master")
    r.clock = EPOCH + 35 * 86400
    r.commit("4.1 work", days=70)
    r.tag("4.1.0-rc1")
    r.commit("release 4.1.0", days=7)
    r.tag("RELEASE-4.1.0")  # 4.0.0 + 11 weeks
    r.git("branch", "stable-4.1")
    r.commit("4.2 work", days=77)
    r.tag("RELEASE-4.2.0")  # 4.1.0 + 11 weeks
    r.git("branch", "stable-4.2")
    r.checkout("stable-4.1")
    r.commit("4.1.1", days=1)  # clock is past 4.2.0 now; 4.1.1 follows it
    r.tag("RELEASE-4.1.1")
    r.tag("not-a-release")
    r.checkout("master")
    return r


@pytest.fixture
def history_repo(make_repo: Callable[[str], GitRepo]) -> GitRepo:
    return xen_history(make_repo("xenhist"))


def test_releases_come_from_tags_with_days_rcs_and_branches(history_repo: GitRepo) -> None:
    h = history_from_tags(Repo(history_repo.path))
    got = [(r.version, r.kind, r.branch, len(r.rcs)) for r in h.releases]
    assert got[:5] == [
        ("4.0.0", ReleaseKind.POINT, "stable-4.0", 2),
        ("4.0.1", ReleaseKind.MAINTENANCE, "stable-4.0", 0),
        ("4.1.0", ReleaseKind.POINT, "stable-4.1", 1),
        ("4.0.2", ReleaseKind.MAINTENANCE, "stable-4.0", 0),
        ("4.2.0", ReleaseKind.POINT, "stable-4.2", 0),
    ]
    assert h.releases[0].day == dt.date(2010, 1, 1) + dt.timedelta(days=35)
    assert h.branch_pattern == "stable-{series}"


def test_measured_cadence_and_suggested_policy(history_repo: GitRepo) -> None:
    h = history_from_tags(Repo(history_repo.path))
    assert h.point_gaps is not None and h.point_gaps.median == 11
    assert h.maintenance_gaps["4.0"].median == 6
    policy = h.suggested_policy()
    assert (policy.cadence.min_weeks, policy.cadence.max_weeks) == (11, 11)
    assert policy.maintenance.release_every_weeks == 6
    plan = h.plan("xen")
    assert plan.spec("4.0.1") is not None and plan.spec("4.0.1").actual is not None  # type: ignore[union-attr]


def test_spread_of_gaps() -> None:
    s = Spread.of([10, 11, 12, 20])
    assert s is not None and (s.median, s.minimum, s.maximum, s.count) == (11.5, 10, 20, 4)
    assert Spread.of([]) is None


def test_tag_patterns() -> None:
    rx = tag_regex("v{version}")
    m = rx.fullmatch("v5.10-rc3")
    assert m and (m.group("version"), m.group("pre"), m.group("n")) == ("5.10", "rc", "3")
    assert rx.fullmatch("v3.12.0rc1") and not rx.fullmatch("release-1.0")
    with pytest.raises(SourceError, match="no \\{version\\}"):
        tag_regex("RELEASE")


def test_no_matching_tags_is_a_clear_error(history_repo: GitRepo) -> None:
    with pytest.raises(SourceError, match="no release tags match"):
        history_from_tags(Repo(history_repo.path), ["xen-{version}"])


def test_branch_pattern_detection() -> None:
    assert detect_branch_pattern(["linux-5.10.y", "linux-5.15.y"], {"5.10", "5.15"}) == (
        "linux-{series}.y"
    )
    assert detect_branch_pattern(["main"], {"3.12"}) is None


def test_linux_shaped_tags(make_repo: Callable[[str], GitRepo]) -> None:
    r = make_repo("linux")
    r.commit("Linux 5.9")
    r.tag("v5.9", annotated=False)  # lightweight: the commit date counts
    r.commit("Linux 5.10-rc1", days=14)
    r.tag("v5.10-rc1")
    r.commit("Linux 5.10", days=56)
    r.tag("v5.10")
    r.checkout("linux-5.10.y", new_at="v5.10")
    r.commit("Linux 5.10.1", days=7)
    r.tag("v5.10.1")
    h = history_from_tags(Repo(r.path))
    got = [(x.version, x.kind, len(x.rcs), x.branch) for x in h.releases]
    assert got == [
        ("5.9", ReleaseKind.POINT, 0, None),
        ("5.10", ReleaseKind.POINT, 1, "linux-5.10.y"),
        ("5.10.1", ReleaseKind.MAINTENANCE, 0, "linux-5.10.y"),
    ]
    assert h.point_gaps is not None and h.point_gaps.median == 10
