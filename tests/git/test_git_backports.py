"""Backport detection on real repositories built by the tests."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

import pytest
from gitrepos import GitRepo, Stable, snapshot

from relplan.planner.domain.errors import SourceError
from relplan.planner.domain.model import BackportState
from relplan.planner.git.backports import BranchTarget, ScanResult, scan, series_from_branch
from relplan.planner.git.repo import Repo
from relplan.planner.git.upstream import find_upstream

DONE, REQUIRED = BackportState.DONE, BackportState.REQUIRED
TARGETS = [BranchTarget("stable-4.1", "4.1"), BranchTarget("stable-4.2", "4.2")]


def states(result: ScanResult, branch: str) -> dict[str, BackportState]:
    return {r.fix: r.state for r in result.rows if r.branch == branch}


def row(result: ScanResult, branch: str, fix: str):  # type: ignore[no-untyped-def]
    return next(r for r in result.rows if r.branch == branch and r.fix == fix)


def test_each_marker_style_counts_as_done(stable: Stable) -> None:
    res = scan(Repo(stable.repo.path), "master", TARGETS)
    assert row(res, "stable-4.1", stable.fix_a).marker == "master commit"
    assert row(res, "stable-4.1", stable.fix_a).pick == stable.pick41_a
    assert row(res, "stable-4.2", stable.fix_a).marker == "cherry picked from commit"
    assert row(res, "stable-4.2", stable.fix_b).marker == "commit upstream"
    assert row(res, "stable-4.2", stable.req_linux).marker == "Upstream commit"
    assert {r.state for r in res.rows if r.marker} == {DONE}


def test_unmarked_pick_is_found_by_patch_id_and_says_so(stable: Stable) -> None:
    res = scan(Repo(stable.repo.path), "master", TARGETS)
    r = row(res, "stable-4.2", stable.silent)
    assert (r.state, r.pick, r.marker) == (DONE, stable.pick42_silent, "patch-id")
    assert "patch-id matches" in r.evidence and "no marker" in r.evidence
    assert r.security  # "This is XSA-99."
    without = scan(Repo(stable.repo.path), "master", TARGETS, patch_id=False)
    assert row(without, "stable-4.2", stable.silent).state is REQUIRED


def test_fixes_culprit_in_branch_makes_fix_required(stable: Stable) -> None:
    res = scan(Repo(stable.repo.path), "master", TARGETS)
    s41 = states(res, "stable-4.1")
    assert s41[stable.silent] is REQUIRED
    assert "Fixes: " + stable.culprit1[:12] in row(res, "stable-4.1", stable.silent).evidence
    # culprit 2 came after 4.1 branched: fix B does not concern 4.1
    assert stable.fix_b not in s41
    assert states(res, "stable-4.2")[stable.fix_b] is DONE


def test_fix_whose_culprit_was_itself_backported(stable: Stable) -> None:
    res = scan(Repo(stable.repo.path), "master", TARGETS)
    for branch, pick in (("stable-4.1", stable.pick41_a), ("stable-4.2", stable.pick42_a)):
        r = row(res, branch, stable.fix_fix)  # Fixes: an abbreviated fix_a
        assert r.state is REQUIRED
        assert f"backported as {pick[:12]}" in r.evidence


def test_request_tags_with_floors(stable: Stable) -> None:
    res = scan(Repo(stable.repo.path), "master", TARGETS)
    assert stable.req_xen not in states(res, "stable-4.1")  # Backport: 4.2+
    assert stable.req_linux not in states(res, "stable-4.1")  # Cc: stable # 4.2+
    r = row(res, "stable-4.2", stable.req_xen)
    assert r.state is REQUIRED and "Backport: 4.2+" in r.evidence
    assert "Cc: stable # 4.2+" in row(res, "stable-4.2", stable.req_linux).evidence


def test_unrelated_commits_and_branch_history_are_not_reported(stable: Stable) -> None:
    res = scan(Repo(stable.repo.path), "master", TARGETS)
    fixes = {r.fix for r in res.rows}
    assert stable.feature not in fixes and stable.culprit1 not in fixes
    assert all(len(r.fix) == 40 for r in res.rows)


def test_pending_rows_come_first_per_branch(stable: Stable) -> None:
    res = scan(Repo(stable.repo.path), "master", TARGETS)
    order = [(r.branch, r.state.is_pending) for r in res.rows]
    assert order == sorted(order, key=lambda x: (x[0], not x[1]))
    assert {r.fix for r in res.missing("stable-4.1")} == {stable.fix_fix, stable.silent}


def test_security_only_branch_lists_only_security_fixes(stable: Stable) -> None:
    targets = [BranchTarget("stable-4.1", "4.1", security_only=True)]
    res = scan(Repo(stable.repo.path), "master", targets)
    pending = res.missing("stable-4.1")
    assert [r.fix for r in pending] == [stable.silent]


def test_bare_repository_and_scan_writes_nothing(stable: Stable, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bare = tmp_path / "xen.git"
    stable.repo.git("clone", "-q", "--bare", str(stable.repo.path), str(bare))
    repo = Repo(bare)
    assert repo.bare and find_upstream(repo).name == "master"
    before, before_work = snapshot(bare), snapshot(stable.repo.path)
    res = scan(repo, "master", TARGETS)
    scan(Repo(stable.repo.path), "master", TARGETS)
    assert snapshot(bare) == before and snapshot(stable.repo.path) == before_work
    assert states(res, "stable-4.2")[stable.silent] is DONE


def test_picks_of_picks_follow_to_upstream(stable: Stable) -> None:
    r = stable.repo
    r.checkout("stable-4.0", new_at=stable.branch41)
    r.git("cherry-pick", "-x", stable.pick41_a)  # picked from 4.1, which names master
    res = scan(Repo(r.path), "master", [BranchTarget("stable-4.0", "4.0")])
    assert row(res, "stable-4.0", stable.fix_a).state is DONE


def test_linux_style_branch_names_and_floors(make_repo: Callable[[str], GitRepo]) -> None:
    r = make_repo("linux")
    r.commit("Linux 5.9")
    r.git("branch", "linux-5.9.y")
    culprit = r.commit("mm: rework")
    r.git("branch", "linux-5.10.y")
    fix = r.commit(f'mm: fix\n\nFixes: {culprit[:12]} ("mm: rework")\nCc: stable@vger.kernel.org')
    floor = r.commit("io: fix\n\nCc: <stable@vger.kernel.org> # 5.10.x")
    no = r.commit("io: no\n\nCc: <stable+noautosel@kernel.org> # not for stable\nFixes: " + culprit)
    targets = [BranchTarget(b, series_from_branch(b)) for b in ("linux-5.9.y", "linux-5.10.y")]
    assert [t.series for t in targets] == ["5.9", "5.10"]
    res = scan(Repo(r.path), "master", targets)
    assert states(res, "linux-5.9.y") == {}
    dontneed = BackportState.DONTNEED
    assert states(res, "linux-5.10.y") == {fix: REQUIRED, floor: REQUIRED, no: dontneed}
    assert "noautosel" in row(res, "linux-5.10.y", no).evidence


def test_series_from_branch_by_pattern() -> None:
    assert series_from_branch("release/3.12", "release/{series}") == "3.12"
    assert series_from_branch("stable-4.19") == "4.19"
    assert series_from_branch("topic") is None


@pytest.mark.parametrize(
    ("upstream", "branch", "message"),
    [
        ("nope", "stable-4.1", "unknown upstream branch 'nope'"),
        ("master", "stable-9.9", "unknown branch 'stable-9.9'"),
    ],
)
def test_unknown_names_are_user_errors(
    stable: Stable, upstream: str, branch: str, message: str
) -> None:
    with pytest.raises(SourceError, match=message):
        scan(Repo(stable.repo.path), upstream, [BranchTarget(branch)])


def test_not_a_repository(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SourceError, match="not a git repository"):
        Repo(tmp_path)


def test_unparsable_trailer_is_an_error_unless_lenient(stable: Stable) -> None:
    bad = stable.repo.commit("fix: thing\n\nBackport: when convenient")
    with pytest.raises(SourceError, match=f"{bad[:12]}.*Backport:.*4.9"):
        scan(Repo(stable.repo.path), "master", TARGETS)
    res = scan(Repo(stable.repo.path), "master", TARGETS, strict=False)
    assert any("when convenient" in w for w in res.warnings)


def test_shallow_clone_that_cannot_answer(stable: Stable, tmp_path) -> None:  # type: ignore[no-untyped-def]
    shallow = tmp_path / "shallow"
    subprocess.run(
        [
            "git",
            "clone",
            "-q",
            "--depth",
            "1",
            "--no-single-branch",
            f"file://{stable.repo.path}",
            str(shallow),
        ],
        check=True,
        env=stable.repo.env,
    )
    repo = Repo(shallow)
    assert repo.shallow
    with pytest.raises(SourceError, match="shallow clone cannot answer"):
        scan(repo, "origin/master", [BranchTarget("origin/stable-4.2", "4.2")])


def test_xen_backport_without_plus_means_that_series_only(stable: Stable) -> None:
    only = stable.repo.commit("tools: narrow fix\n\nBackport: 4.1")
    res = scan(Repo(stable.repo.path), "master", TARGETS)
    assert states(res, "stable-4.1")[only] is REQUIRED
    assert only not in states(res, "stable-4.2")


def test_floorless_request_with_fixes_goes_where_the_culprit_is(stable: Stable) -> None:
    fix = stable.repo.commit(
        f"x86: fix B again\n\nFixes: {stable.culprit2[:12]}\nCc: stable@vger.kernel.org"
    )
    res = scan(Repo(stable.repo.path), "master", TARGETS)
    assert fix not in states(res, "stable-4.1")  # culprit 2 is not in 4.1
    assert "requested by 'Cc: stable'" in row(res, "stable-4.2", fix).evidence


def test_unknown_culprit_is_a_warning_in_a_full_clone(stable: Stable) -> None:
    fix = stable.repo.commit('x86: fix ghost\n\nFixes: deadbeef1234 ("gone")')
    res = scan(Repo(stable.repo.path), "master", TARGETS)
    assert any(fix[:12] in w and "deadbeef1234" in w for w in res.warnings)
    assert all(r.fix != fix for r in res.rows)


def test_shallow_clone_deep_enough_answers_like_the_full_one(
    make_repo: Callable[[str], GitRepo],
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    r = make_repo("deep")
    for n in range(30):  # deeper than the clone: the cut is in old history
        r.commit(f"old history {n}")
    s = Stable(r)
    shallow = tmp_path / "shallow-deep"
    subprocess.run(
        [
            "git",
            "clone",
            "-q",
            "--depth",
            "14",
            "--no-single-branch",
            f"file://{r.path}",
            str(shallow),
        ],
        check=True,
        env=r.env,
    )
    repo = Repo(shallow)
    assert repo.shallow
    remote = [BranchTarget("origin/stable-4.1", "4.1"), BranchTarget("origin/stable-4.2", "4.2")]
    got = scan(repo, "origin/master", remote)
    full = scan(Repo(r.path), "master", TARGETS)
    assert [(x.fix, x.state, x.marker) for x in got.rows] == [
        (x.fix, x.state, x.marker) for x in full.rows
    ]
    assert s.silent in {x.fix for x in got.rows}


def test_shallow_clone_cut_above_the_branch_point(stable: Stable, tmp_path) -> None:  # type: ignore[no-untyped-def]
    shallow = tmp_path / "cut"
    env = stable.repo.env
    url = f"file://{stable.repo.path}"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", "-b", "stable-4.1", url, str(shallow)],
        check=True,
        env=env,
    )
    subprocess.run(
        [
            "git",
            "-C",
            str(shallow),
            "fetch",
            "-q",
            "--depth",
            "2",
            "origin",
            "master:refs/remotes/origin/master",
        ],
        check=True,
        env=env,
    )
    # master is cut above 4.1's branch point: the two no longer meet in the fetched history
    with pytest.raises(SourceError, match="shallow clone cannot answer"):
        scan(Repo(shallow), "origin/master", [BranchTarget("stable-4.1", "4.1")])


def test_patch_id_with_many_unmarked_commits(stable: Stable) -> None:
    r = stable.repo
    r.checkout("stable-4.2")
    for n in range(3):  # enough unmarked commits that every pending fix gets a full diff
        r.commit(f"Xen 4.2.{n}", {"Config.mk": f"XEN_EXTRAVERSION = .{n}\n"})
    r.checkout("master")
    res = scan(Repo(r.path), "master", TARGETS)
    assert row(res, "stable-4.2", stable.silent).pick == stable.pick42_silent
    assert row(res, "stable-4.1", stable.silent).state is REQUIRED
