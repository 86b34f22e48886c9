"""Scans of repositories built in each project's conventions: every state and its evidence."""

from __future__ import annotations

from collections.abc import Callable

from gitrepos import GitRepo

from relplan.planner.domain.model import BackportState
from relplan.planner.git.backports import BranchTarget, ScanResult, scan
from relplan.planner.git.repo import Repo

DONE, REQUIRED, DONTNEED = BackportState.DONE, BackportState.REQUIRED, BackportState.DONTNEED
UNKNOWN = BackportState.UNKNOWN
MakeRepo = Callable[[str], GitRepo]


def table(result: ScanResult, branch: str) -> dict[str, tuple[BackportState, str]]:
    """fix -> (state, evidence) on one branch."""
    return {r.fix: (r.state, r.evidence) for r in result.rows if r.branch == branch}


def test_systemd_follow_ups_lists_and_non_culprits(make_repo: MakeRepo) -> None:
    r = make_repo("systemd")
    r.commit("Initial import", {"README": "systemd\n"})
    a = r.commit("core: add A")
    b = r.commit("core: add B")
    r.git("branch", "v10-stable")
    c = r.commit("core: add C")
    both = r.commit(f"core: fix A and B\n\nFollow-up for {a} and\n{b}.")
    colon = r.commit(f"core: tweak A\n\nFollow-up-for: {a[:10]}")
    intro = r.commit(f"core: fix B\n\nFixes a bug introduced by {b[:12]}.\n\nFixes #1234")
    later = r.commit(f"core: fix C\n\nThis is a follow-up for {c}")
    issue = r.commit("core: fix D\n\nFixes: #4321\nFixes https://github.com/o/r/issues/4321")
    bare = r.commit(f"core: fix A again\n\nFixes {a[:12]}")
    r.checkout("v10-stable")
    pick = r.pick(intro, "x")
    r.checkout("master")
    res = scan(Repo(r.path), "master", [BranchTarget("v10-stable", "10")])
    ships = ", which ships in v10-stable"
    assert table(res, "v10-stable") == {
        both: (REQUIRED, f"Follow-up for {a[:12]}{ships}; Follow-up for {b[:12]}{ships}"),
        colon: (REQUIRED, f"Follow-up for {a[:12]}{ships}"),
        intro: (
            DONE,
            f"picked as {pick[:12]} ('cherry picked from commit'); introduced by {b[:12]}{ships}",
        ),
        bare: (REQUIRED, f"Fixes <sha> {a[:12]}{ships}"),
    }
    assert later not in table(res, "v10-stable") and issue not in table(res, "v10-stable")
    assert res.conventions.summary() == (
        "git (cherry picked from commit 1), "
        "systemd (Follow-up for 3, Fixes <sha> 1, introduced by 1)"
    )
    assert res.warnings == []


def chain_repo(make_repo: MakeRepo) -> tuple[GitRepo, dict[str, str]]:
    """master -> stable-2.0 -> stable-1.0, each hop adding a cherry-pick line."""
    r = make_repo("chain")
    r.commit("Initial import", {"README": "net\n"})
    culprit = r.commit("net: add X")
    r.git("branch", "stable-1.0")
    r.commit("net: more")
    r.git("branch", "stable-2.0")
    s = {"culprit": culprit}
    s["fix"] = r.commit(f"net: fix X\n\nFixes: {culprit[:12]}")
    s["fix2"] = r.commit(f"net: fix X again\n\nFixes: {culprit[:12]}")
    s["fix3"] = r.commit(f"net: fix X once more\n\nFixes: {culprit[:12]}")
    r.checkout("stable-2.0")
    s["p2"] = r.pick(s["fix"], "x")
    s["p2b"] = r.pick(s["fix2"], "x")
    r.checkout("stable-1.0")
    s["p1"] = r.pick(s["p2"], "x")  # two lines: fix, then p2
    r.tick()
    r.git("cherry-pick", "--no-commit", s["p2b"])  # names only the stable-2.0 commit
    r.git("commit", "-q", "-m", f"net: fix X again\n\n(cherry picked from commit {s['p2b']})")
    s["p1b"] = r.head()
    s["lost"], s["lost2"] = "7" * 40, "8" * 40  # neither is in this repository
    s["p1c"] = r.commit(
        f"net: from elsewhere\n\n(cherry picked from commit {s['lost']})\n"
        f"(cherry picked from commit {s['lost2']})"
    )
    r.checkout("master")
    return r, s


def test_pick_chains_end_at_the_upstream_commit(make_repo: MakeRepo) -> None:
    r, s = chain_repo(make_repo)
    alone = scan(Repo(r.path), "master", [BranchTarget("stable-1.0", "1.0")])
    rows = {x.fix: (x.state, x.pick, x.marker) for x in alone.rows}
    marker = "cherry picked from commit"
    assert rows == {
        s["fix"]: (DONE, s["p1"], marker),
        s["fix2"]: (DONE, s["p1b"], marker),  # via stable-2.0's commit, read for its line
        s["fix3"]: (REQUIRED, None, None),
        # the chain's origin, not the later hop; not on the main line: a warning, not done
        s["lost"]: (UNKNOWN, s["p1c"], marker),
    }
    both = scan(
        Repo(r.path),
        "master",
        [BranchTarget("stable-2.0", "2.0"), BranchTarget("stable-1.0", "1.0")],
    )
    assert {x.fix for x in both.rows if x.branch == "stable-1.0"} == set(rows)
    assert table(both, "stable-2.0") == {
        s["fix"]: (DONE, f"picked as {s['p2'][:12]} ('{marker}'); Fixes: "
                         f"{s['culprit'][:12]} ships in stable-2.0"),
        s["fix2"]: (DONE, f"picked as {s['p2b'][:12]} ('{marker}'); Fixes: "
                          f"{s['culprit'][:12]} ships in stable-2.0"),
        s["fix3"]: (REQUIRED, f"Fixes: {s['culprit'][:12]} ships in stable-2.0"),
    }  # fmt: skip


def test_reverts_of_fixes_and_of_picks(make_repo: MakeRepo) -> None:
    r = make_repo("reverts")
    r.commit("Initial import", {"README": "mm\n"})
    pool, cache, disk = r.commit("mm: add pool"), r.commit("mm: add cache"), r.commit("fs: add D")
    knob = r.commit("mm: add a knob")
    r.git("branch", "stable-1.0")
    knob_revert = r.revert(knob)  # what the branch shipped with stays the branch's call
    gone = r.commit(f"mm: fix pool\n\nFixes: {pool[:12]}")
    gone_revert = r.revert(gone)
    undone = r.commit(f"mm: fix pool more\n\nFixes: {pool[:12]}")
    typo = r.commit("docs: typo")
    kept = r.commit(f"mm: fix cache\n\nFixes: {cache[:12]}")
    kept_revert = r.revert(kept)
    back = r.commit(f"mm: fix pool once more\n\nFixes: {pool[:12]}")
    back_revert = r.revert(back)
    r.revert(back_revert)  # a revert of a revert: the fix stands again
    disk_fix = r.commit(f"fs: fix D\n\nFixes: {disk[:12]}")
    disk_revert = r.revert(disk)
    r.checkout("stable-1.0")
    undone_pick = r.pick(undone, "x")
    undone_undo = r.revert(undone_pick)
    typo_pick = r.pick(typo, "x")
    typo_undo = r.revert(typo_pick)
    kept_pick = r.pick(kept, "x")
    branch_drops_disk = r.revert(disk)
    r.checkout("master")
    res = scan(Repo(r.path), "master", [BranchTarget("stable-1.0", "1.0")])
    ships = "ships in stable-1.0"
    assert table(res, "stable-1.0") == {
        gone: (DONTNEED, f"reverted upstream by {gone_revert[:12]}; Fixes: {pool[:12]} {ships}"),
        undone: (
            REQUIRED,
            f"picked as {undone_pick[:12]}, reverted by {undone_undo[:12]}; "
            f"Fixes: {pool[:12]} {ships}",
        ),
        typo: (DONTNEED, f"picked as {typo_pick[:12]}, reverted by {typo_undo[:12]}"),
        kept: (
            DONE,
            f"picked as {kept_pick[:12]} ('cherry picked from commit'); "
            f"reverted upstream by {kept_revert[:12]}; Fixes: {cache[:12]} {ships}",
        ),
        kept_revert: (
            REQUIRED,
            f"reverts {kept[:12]}, which {ships} (backported as {kept_pick[:12]})",
        ),
        back: (REQUIRED, f"Fixes: {pool[:12]} {ships}"),
        disk_revert: (
            DONE,
            f"picked as {branch_drops_disk[:12]} ('reverts the same commit')",
        ),
    }  # disk_fix: its culprit is reverted on the branch, so it does not ship there
    assert disk_fix not in table(res, "stable-1.0") and knob_revert not in table(res, "stable-1.0")
    assert res.conventions.counts[("git", "This reverts commit")] == 6 + 3  # upstream, branch


def test_django_regression_in_and_backport_of(make_repo: MakeRepo) -> None:
    r = make_repo("django")
    r.git("branch", "-m", "master", "main")
    r.commit("Initial import", {"README": "django\n"})
    feature = r.commit("Refs #34000 -- Added feature X.")
    r.git("branch", "stable/5.0.x")
    fixed = r.commit(f"Fixed #35000 -- Fixed crash in X.\n\nRegression in {feature[:10]}.")
    open_ = r.commit(f"Fixed #35001 -- Fixed Y in X.\n\nRegression in {feature[:10]}.")
    r.checkout("stable/5.0.x")
    pick = r.pick(fixed, "django", "5.0")
    r.checkout("main")
    res = scan(Repo(r.path), "main", [BranchTarget("stable/5.0.x", "5.0")])
    ships = f"Regression in {feature[:12]}, which ships in stable/5.0.x"
    assert table(res, "stable/5.0.x") == {
        fixed: (DONE, f"picked as {pick[:12]} ('Backport of'); {ships}"),
        open_: (REQUIRED, ships),
    }
    assert res.conventions.summary() == (
        "django (Regression in 2, Backport of 1, [X.Y.x] subject 1)"
    )


def test_cpython_backports_and_qemu_requests(make_repo: MakeRepo) -> None:
    r = make_repo("cpython")
    r.commit("Initial import", {"README": "cpython\n"})
    culprit = r.commit("gh-1: Add the thing (#1)")
    r.git("branch", "3.12")
    fix = r.commit("gh-2: Fix the thing (#2)")
    asked = r.commit(f"hw: fix it\n\nFixes: {culprit[:12]}\nCc: qemu-stable@nongnu.org")
    floor = r.commit("hw: fix more\n\nCc: qemu-stable@nongnu.org # 3.13+")
    r.checkout("3.12")
    pick = r.pick(fix, "cpython", "3.12")
    r.checkout("master")
    res = scan(Repo(r.path), "master", [BranchTarget("3.12", "3.12")])
    assert table(res, "3.12") == {
        fix: (DONE, f"picked as {pick[:12]} ('cherry picked from commit')"),
        asked: (
            REQUIRED,
            f"Fixes: {culprit[:12]} ships in 3.12; requested by 'Cc: qemu-stable'",
        ),
    }  # floor: asks from 3.13 on
    assert floor not in table(res, "3.12")
    # a done row carries the upstream commit's subject, not the pick's
    assert [r.subject for r in res.rows if r.fix == fix] == ["gh-2: Fix the thing (#2)"]
    assert res.conventions.presets() == ["linux", "git", "cpython", "github"]
