"""Release history and measured cadence from tags."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from gitrepos import EPOCH, GitRepo

from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.errors import SourceError
from relplan.planner.domain.model import Phase, ReleaseKind
from relplan.planner.domain.policy import MaintenanceModel
from relplan.planner.domain.rules import current_window
from relplan.planner.git.history import (
    Spread,
    branch_states,
    detect_branch_pattern,
    history_from_tags,
    tag_regex,
)
from relplan.planner.git.lifetimes import branch_lives, fit_support
from relplan.planner.git.repo import Repo
from relplan.planner.store.planfile import dumps_toml, loads_plan

POINT, MAINT = ReleaseKind.POINT, ReleaseKind.MAINTENANCE
D = dt.date


def day_of(n: int) -> dt.date:
    """The day ``n`` days after the test clock's epoch (2010-01-01)."""
    return D(2010, 1, 1) + dt.timedelta(days=n)


def tagged(r: GitRepo, tags: list[tuple[int, str]], branches: tuple[str, ...] = ()) -> GitRepo:
    """A commit and a tag per ``(day, name)`` (days after 2010-01-01), then ``branches``."""
    r.commit("Initial import", {"README": "x\n"})
    for day, name in sorted(tags):
        r.clock = EPOCH + day * 86400
        r.tag(name)  # annotated: the tagger date is the day
    for name in branches:
        r.git("branch", name)
    return r


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
        ("4.0.0", POINT, "stable-4.0", 2),
        ("4.0.1", MAINT, "stable-4.0", 0),
        ("4.1.0", POINT, "stable-4.1", 1),
        ("4.0.2", MAINT, "stable-4.0", 0),
        ("4.2.0", POINT, "stable-4.2", 0),
    ]
    assert h.releases[0].day == day_of(35) and h.releases[0].rcs == (day_of(21), day_of(28))
    assert h.branch_pattern == "stable-{series}"
    assert h.scheme is not None and h.scheme.release_patterns == ("RELEASE-{version}",)
    assert h.scheme.prerelease_patterns == ("{version}",) and h.scheme.depth == 2


def test_measured_cadence_and_suggested_policy(history_repo: GitRepo) -> None:
    h = history_from_tags(Repo(history_repo.path))
    assert h.point_gaps is not None and h.point_gaps.median == 11
    assert h.maintenance_gaps["4.0"].median == 6
    policy = h.suggested_policy()
    assert (policy.cadence.min_weeks, policy.cadence.max_weeks) == (11, 11)
    assert policy.maintenance.release_every_weeks == 6
    # RCs 3 and 2 weeks before 4.0.0, 1 week before 4.1.0: the first RC median 2 weeks
    # ahead, RCs a week apart; the freeze a week before the first RC.
    assert policy.stabilization.rc_every_days == 7 and policy.stabilization.freeze_weeks == 3
    plan = h.plan("xen")
    assert plan.spec("4.0.1") is not None and plan.spec("4.0.1").actual is not None  # type: ignore[union-attr]


def test_spread_of_gaps() -> None:
    s = Spread.of([10, 11, 12, 20])
    assert s is not None and (s.median, s.minimum, s.maximum, s.count) == (11.5, 10, 20, 4)
    assert Spread.of([]) is None


def test_tag_patterns() -> None:
    rx = tag_regex("v{version}")
    m = rx.fullmatch("v5.10-rc3")
    assert m and m.group("version") == "5.10-rc3"
    assert rx.fullmatch("v3.12.0rc1") and not rx.fullmatch("release-1.0")
    with pytest.raises(SourceError, match="no \\{version\\}"):
        tag_regex("RELEASE")


def test_no_matching_tags_is_a_clear_error(history_repo: GitRepo) -> None:
    with pytest.raises(SourceError, match="no release tags match"):
        history_from_tags(Repo(history_repo.path), ["xen-{version}"])


# Each version scheme real projects tag -------------------------------------------------

SCHEMES = {
    "xen": (
        [(0, "RELEASE-4.21.0"), (230, "4.22.0-rc1"), (244, "4.22.0-rc2"), (258, "RELEASE-4.22.0"),
         (300, "4.21.1-rc1"), (310, "RELEASE-4.21.1"), (320, "4.23-dev"),
         (330, "xen-RELEASE-4.22.1")],
        ("staging-4.21", "staging-4.22", "stable-4.21", "stable-4.22", "staging"),
        "RELEASE-{version}", 2, "stable-{series}",
        [("4.21.0", POINT, "4.21", 0, 0), ("4.22.0", POINT, "4.22", 2, 0),
         ("4.21.1", MAINT, "4.21", 1, 0)],
    ),
    "linux": (
        [(0, "v6.11"), (50, "v6.12-rc1"), (57, "v6.12-rc2"), (70, "v6.12"), (77, "v6.12.3"),
         (84, "v6.11.11")],
        ("stable/6.11", "stable/6.12"),
        "v{version}", 2, "stable/{series}",
        [("6.11", POINT, "6.11", 0, 0), ("6.12", POINT, "6.12", 2, 0),
         ("6.12.3", MAINT, "6.12", 0, 0), ("6.11.11", MAINT, "6.11", 0, 0)],
    ),
    "systemd": (
        [(0, "v252"), (90, "v253-rc1"), (100, "v253-rc2"), (110, "v253"), (120, "v253.1"),
         (130, "v252.5"), (200, "v253.4"), (210, "v239-13.6"), (5, "001")],
        ("v252-stable", "v253-stable", "main"),
        "v{version}", 1, "v{series}-stable",
        [("252", POINT, "252", 0, 0), ("253", POINT, "253", 2, 0), ("253.1", MAINT, "253", 0, 0),
         ("252.5", MAINT, "252", 0, 0), ("253.4", MAINT, "253", 0, 0)],
    ),
    "cpython": (
        [(0, "v3.12.0"), (100, "v3.13.0a3"), (200, "v3.13.0b1"), (220, "v3.13.0b2"),
         (260, "v3.13.0rc1"), (280, "v3.13.0"), (300, "v3.13.1")],
        ("3.12", "3.13", "main"),
        "v{version}", 2, "{series}",
        [("3.12.0", POINT, "3.12", 0, 0), ("3.13.0", POINT, "3.13", 1, 2),
         ("3.13.1", MAINT, "3.13", 0, 0)],
    ),
    "semver": (
        [(0, "1.1.0"), (60, "1.2.0-rc.1"), (70, "1.2.0-rc.2"), (80, "1.2.0"), (90, "1.2.1-rc.1"),
         (100, "1.2.1"), (110, "v0.9")],
        ("release-1.1", "release-1.2"),
        "{version}", 2, "release-{series}",
        [("1.1.0", POINT, "1.1", 0, 0), ("1.2.0", POINT, "1.2", 2, 0),
         ("1.2.1", MAINT, "1.2", 1, 0)],
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", SCHEMES)
def test_each_version_scheme(make_repo: Callable[[str], GitRepo], name: str) -> None:
    tags, branches, pattern, depth, branch_pattern, expected = SCHEMES[name]
    h = history_from_tags(Repo(tagged(make_repo(name), tags, branches).path))
    assert h.scheme is not None
    assert (h.scheme.release_patterns, h.scheme.depth) == ((pattern,), depth)
    assert h.branch_pattern == branch_pattern
    got = [(r.version, r.kind, r.series, len(r.rcs), len(r.betas)) for r in h.releases]
    assert got == expected
    assert all(r.branch == branch_pattern.format(series=r.series) for r in h.releases)


def test_a_cpython_release_records_its_betas_and_rcs_and_not_its_alphas(
    make_repo: Callable[[str], GitRepo],
) -> None:
    tags, branches, *_ = SCHEMES["cpython"]
    h = history_from_tags(Repo(tagged(make_repo("cpython"), tags, branches).path))
    three13 = next(r for r in h.releases if r.version == "3.13.0")
    assert (three13.betas, three13.rcs) == ((day_of(200), day_of(220)), (day_of(260),))
    assert h.scheme is not None and h.scheme.alphas == 1
    spec = h.plan("cpython").spec("3.13.0")
    assert spec is not None and spec.actual_betas == three13.betas
    # The first beta is the feature freeze (PEP 602); nothing else is computed into its past.
    release = next(r for r in build_train(h.plan("cpython"), day_of(400)) if r.version == "3.13.0")
    assert (release.freeze, release.last_posting, release.rcs) == (day_of(200), None, three13.rcs)


def test_a_tag_pattern_given_overrides_the_one_detected(
    make_repo: Callable[[str], GitRepo],
) -> None:
    tags, branches, *_ = SCHEMES["semver"]
    h = history_from_tags(Repo(tagged(make_repo("semver"), tags, branches).path), ["v{version}"])
    assert [r.version for r in h.releases] == ["0.9"]


def test_rc_tags_of_a_release_not_tagged_yet_make_it_upcoming(
    make_repo: Callable[[str], GitRepo],
) -> None:
    tags = [(0, "RELEASE-4.1.0"), (10, "4.0.9-rc1"), (50, "4.1.1-rc1"), (100, "RELEASE-4.2.0"),
            (300, "4.3.0-rc1"), (307, "4.3.0-rc2"), (310, "4.2.1-rc1")]  # fmt: skip
    h = history_from_tags(Repo(tagged(make_repo("xen"), tags, ("stable-4.1", "stable-4.2")).path))
    upcoming = [(r.version, r.kind, r.rcs) for r in h.releases if not r.shipped]
    assert upcoming == [
        ("4.3.0", POINT, (day_of(300), day_of(307))),
        ("4.2.1", MAINT, (day_of(310),)),
    ]
    # 4.0.9 (no 4.0 series) and 4.1.1 (4.2.0 shipped after its RC) were abandoned.
    assert h.abandoned == {"4.0.9": 1, "4.1.1": 1}
    plan = h.plan("xen")
    spec = plan.spec("4.3.0")
    assert (
        spec is not None and spec.actual is None and spec.actual_rcs == (day_of(300), day_of(307))
    )
    nxt = next(r for r in build_train(plan, day_of(308)) if r.version == "4.3.0")
    assert nxt.rcs[:2] == (day_of(300), day_of(307)) and phase_is(nxt, day_of(308), Phase.RC)


def phase_is(release: object, day: dt.date, phase: Phase) -> bool:
    from relplan.planner.domain.calendar import phase_on

    return phase_on(release, day) is phase  # type: ignore[arg-type]


# Branch naming ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("branches", "series", "pattern"),
    [
        (["stable-4.21", "stable-4.22", "staging-4.21", "staging-4.22", "staging"],
         {"4.21", "4.22"}, "stable-{series}"),
        (["staging-4.21", "staging-4.22", "stable-4.22"], {"4.21", "4.22"}, "staging-{series}"),
        (["release-1.29", "release-1.30", "stable-1.29", "stable-1.30"], {"1.29", "1.30"},
         "stable-{series}"),
        (["staging-4.21", "staging-4.22", "upstream-4.21", "upstream-4.22"], {"4.21", "4.22"},
         "upstream-{series}"),
        (["origin/stable/6.12", "origin/stable/6.11", "master"], {"6.11", "6.12"},
         "stable/{series}"),
        (["v252-stable", "v253-stable", "main"], {"252", "253"}, "v{series}-stable"),
        (["3.12", "3.13", "main", "3.13.1-fix"], {"3.12", "3.13"}, "{series}"),
        (["release-1.29", "release-1.30", "release-1.30.1"], {"1.29", "1.30"},
         "release-{series}"),
        (["linux-5.10.y", "linux-5.15.y"], {"5.10", "5.15"}, "linux-{series}.y"),
        (["xen-3.4-testing", "xen-3.3-testing"], {"3.3", "3.4"}, "xen-{series}-testing"),
        (["4.10.0-shim-comet", "main"], {"4.10"}, None),
        (["main"], {"3.12"}, None),
    ],
)  # fmt: skip
def test_branch_pattern_detection(branches: list[str], series: set[str], pattern: str) -> None:
    assert detect_branch_pattern(branches, series) == pattern


# What a plan made from tags records, and what it never invents -----------------------------


def test_rcs_are_stored_and_the_plan_round_trips_byte_identical(history_repo: GitRepo) -> None:
    h = history_from_tags(Repo(history_repo.path))
    plan = h.plan("xen")
    today = day_of(400)
    text = dumps_toml(plan, build_train(plan, today))
    assert "actual_rcs = [\n    2010-01-22,\n    2010-01-29,\n]" in text
    back = loads_plan(text)
    assert back.spec("4.0.0").actual_rcs == (day_of(21), day_of(28))  # type: ignore[union-attr]
    assert dumps_toml(back, build_train(back, today)) == text


def test_no_past_date_is_invented_for_a_shipped_release(history_repo: GitRepo) -> None:
    plan = history_from_tags(Repo(history_repo.path)).plan("xen")
    train = build_train(plan, day_of(400))
    for r in train:
        if r.shipped:
            assert r.freeze is None and r.last_posting is None
            assert r.rcs == plan.spec(r.version).actual_rcs  # type: ignore[union-attr]
    upcoming = next(r for r in train if not r.shipped and r.kind is POINT)
    assert upcoming.freeze is not None and upcoming.rcs  # the future is planned as before


# The support policy measured from maintenance tags -----------------------------------------


LAST = 2300


def xen_like(make_repo: Callable[[str], GitRepo]) -> GitRepo:
    """Point releases 8 months apart; each branch gets a release every 4 months for
    20 months, then security-only releases every 8 months until it is 3.5 years old,
    lately a few months more (as Xen extended 4.17's). The newest releases of every live
    branch are tagged on day 2300 (:data:`LAST`): the oldest of them is the longest-lived."""
    tags: list[tuple[int, str]] = []
    for n in range(10):
        start = 240 * n
        tags.append((start, f"RELEASE-4.{n}.0"))
        ages = [120, 240, 360, 480, 600, 840, 1080, 1260]
        days = [start + a for a in ages if start + a < LAST] + (
            [LAST] if start + 1400 >= LAST else []
        )
        tags += [(d, f"RELEASE-4.{n}.{i}") for i, d in enumerate(days, start=1)]
    branches = tuple(f"stable-4.{n}" for n in range(10))
    return tagged(make_repo("xenlike"), tags, branches)


def test_measured_support_keeps_every_recently_released_branch_alive(
    make_repo: Callable[[str], GitRepo],
) -> None:
    h = history_from_tags(Repo(xen_like(make_repo).path))
    assert h.support is not None and h.support.model is MaintenanceModel.WINDOWS
    m = h.suggested_policy().maintenance
    assert 18 <= m.general_months <= 22 and m.security_months > 0
    today = day_of(LAST + 120)
    states = branch_states(h.plan("x"), today)
    recent = {r.series for r in h.shipped if (today - r.day).days <= 183}
    assert recent and all(states[s] is not None for s in recent)
    assert states["4.0"] is None  # its last release was years ago
    assert Phase.SECURITY_ONLY in states.values() and Phase.MAINTAINED in states.values()


def test_until_next_when_branches_stop_as_the_next_ships(
    make_repo: Callable[[str], GitRepo],
) -> None:
    tags: list[tuple[int, str]] = []
    for n in range(6):  # a point release every 10 weeks; weekly fixes until a week after the next
        tags.append((70 * n, f"v1.{n}"))
        tags += [(70 * n + 7 * k, f"v1.{n}.{k}") for k in range(1, 12)]
    h = history_from_tags(Repo(tagged(make_repo("lin"), tags, ()).path))
    assert h.support is not None and h.support.model is MaintenanceModel.UNTIL_NEXT
    assert h.suggested_policy().maintenance.security_months <= 1


# Open on the present ---------------------------------------------------------------------


def test_the_current_window_is_the_present_not_the_history(
    make_repo: Callable[[str], GitRepo],
) -> None:
    h = history_from_tags(Repo(xen_like(make_repo).path))
    plan = h.plan("x")
    today = day_of(LAST + 30)
    train = build_train(plan, today)
    window = current_window(train, today)
    states = branch_states(plan, today)
    supported = {s for s, phase in states.items() if phase is not None}
    points = [r for r in window if r.kind is POINT]
    assert {r.series for r in points if r.shipped} == supported
    # The next point release; 4.11.0 and later are still being planned: not in the window.
    assert [r.version for r in points if not r.shipped] == ["4.10.0"]
    maintained = {s for s, phase in states.items() if phase is Phase.MAINTAINED}
    maint = [r for r in window if r.kind is MAINT]
    # The next maintenance release of each maintained branch (security-only ones get none
    # planned), and no shipped maintenance release: their point releases stand for them.
    assert sorted(r.series for r in maint) == sorted(maintained) and maintained
    assert not any(r.shipped for r in maint)
    assert Phase.SECURITY_ONLY in states.values()
    assert len(window) < len(train) / 4


def test_a_sparse_tail_is_found_in_real_gaps() -> None:
    # Xen 4.17's release days: every ~4 months for 20 months, then 16 and 7 months apart.
    days = [D(2022, 12, 9), D(2023, 5, 2), D(2023, 8, 8), D(2023, 12, 18), D(2024, 4, 9),
            D(2024, 8, 16), D(2025, 12, 15), D(2026, 7, 29)]  # fmt: skip
    (life,) = branch_lives({"4.17": days}, usual_gap_weeks=19.6)
    assert life.dense_until == D(2024, 8, 16) and round(life.general_months) == 20
    assert [round(g) for g in life.sparse_gaps] == [69, 32]
    (steady,) = branch_lives({"4.11": days[:6]}, usual_gap_weeks=19.6)
    assert steady.dense_until is None and steady.general_months == steady.lived_months
    assert fit_support([life], 19.6, 36.8) is None  # one branch: nothing to measure
