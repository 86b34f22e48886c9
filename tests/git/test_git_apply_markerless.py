"""Issue 19: markerless picks (PR number, patch-id, title), upstream means the main line,
and "will it apply?" for every missing pair, on repositories the tests build."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from gitrepos import GitRepo, snapshot
from test_git_cli import relplan

from relplan.planner.domain.model import BackportState
from relplan.planner.git.backports import BranchTarget, ScanResult, scan
from relplan.planner.git.conventions import Conventions, PatternKind, compile_pattern
from relplan.planner.git.markerless import MainLine, title
from relplan.planner.git.markers import parse_stable
from relplan.planner.git.repo import Repo
from relplan.planner.git.rows import missing_summary
from relplan.planner.git.store import GitStore

MakeRepo = Callable[[str], GitRepo]
DONE, REQUIRED, UNKNOWN = BackportState.DONE, BackportState.REQUIRED, BackportState.UNKNOWN
BRANCH = [BranchTarget("stable-1.0", "1.0")]

LINES = [f"int v{n} = {n};" for n in range(1, 41)]


def text(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def edit(lines: list[str], n: int, new: str) -> list[str]:
    """``lines`` with line ``n`` (1-based) replaced."""
    return [*lines[: n - 1], new, *lines[n:]]


def row(res: ScanResult, fix: str, branch: str = "stable-1.0"):  # type: ignore[no-untyped-def]
    return next(r for r in res.rows if r.fix == fix and r.branch == branch)


def applies(make_repo: MakeRepo) -> tuple[GitRepo, dict[str, str]]:
    """master forks stable-1.0 after the culprit; then, on master: a clean fix, a fix whose
    lines the branch changed itself (conflict), a fix needing two earlier commits that
    rewrote its lines (needs, in order), and a fix the branch already has under another
    commit (applied)."""
    r = make_repo("apply")
    s: dict[str, str] = {}
    base = {"a.c": text(LINES), "b.c": text(LINES), "c.c": text(LINES), "d.c": text(LINES)}
    r.commit("Initial import", base)
    s["culprit"] = r.commit("core: add the thing", {"README": "thing\n"})
    r.git("branch", "stable-1.0")
    fixes = f"\n\nFixes: {s['culprit'][:12]}"
    s["clean"] = r.commit("a: fix v5" + fixes, {"a.c": text(edit(LINES, 5, "int v5 = 50;"))})
    s["conflict"] = r.commit("b: fix v10" + fixes, {"b.c": text(edit(LINES, 10, "int v10 = 1;"))})
    c1 = edit(LINES, 20, "long v20 = 20;")
    s["pre1"] = r.commit("c: widen v20", {"c.c": text(c1)})
    c2 = edit(c1, 20, "long v20 = 20; /* counted */")
    s["pre2"] = r.commit("c: count v20", {"c.c": text(c2)})
    s["needs"] = r.commit(
        "c: fix v20" + fixes, {"c.c": text(edit(c2, 20, "long v20 = 21; /* counted */"))}
    )
    s["applied"] = r.commit("d: fix v30" + fixes, {"d.c": text(edit(LINES, 30, "int v30 = 3;"))})
    r.checkout("stable-1.0")
    s["local"] = r.commit("b: branch-only v10", {"b.c": text(edit(LINES, 10, "int v10 = 9;"))})
    both = edit(edit(LINES, 30, "int v30 = 3;"), 2, "int v2 = 22;")  # same change, more too
    s["local2"] = r.commit("d: rework", {"d.c": text(both)})
    r.checkout("master")
    return r, s


def test_every_missing_pair_says_whether_it_applies(make_repo: MakeRepo) -> None:
    r, s = applies(make_repo)
    before = snapshot(r.path)
    res = scan(Repo(r.path), "master", BRANCH)
    got = {
        name: (row(res, s[name]).apply, row(res, s[name]).conflicts, row(res, s[name]).needs)
        for name in ("clean", "conflict", "needs", "applied")
    }
    assert got == {
        "clean": ("clean", (), ()),
        "conflict": ("conflict", ("b.c",), ()),
        "needs": ("needs", ("c.c",), (s["pre1"], s["pre2"])),  # in the order to pick them
        "applied": ("applied", (), ()),
    }
    assert snapshot(r.path) == before  # the user's repository and checkout are untouched
    assert r.git("status", "--porcelain") == ""
    assert missing_summary(res.rows) == (
        "4 missing: 1 clean, 1 conflict, 1 needs 2 prerequisites, 1 already applied"
    )


def test_cherry_pick_agrees(make_repo: MakeRepo, tmp_path: Path) -> None:
    """What git itself says, in a scratch clone: the engine's answers are git's answers."""
    r, s = applies(make_repo)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(r.path), str(clone)], check=True)
    for name, ok in (("clean", True), ("conflict", False), ("needs", False)):
        subprocess.run(["git", "-C", str(clone), "checkout", "-q", "-f", "origin/stable-1.0"])
        pick = subprocess.run(
            ["git", "-C", str(clone), "cherry-pick", "--no-commit", s[name]], capture_output=True
        )
        assert (pick.returncode == 0) is ok, name
        subprocess.run(["git", "-C", str(clone), "reset", "-q", "--hard"])
    subprocess.run(["git", "-C", str(clone), "checkout", "-q", "-f", "origin/stable-1.0"])
    for sha in (s["pre1"], s["pre2"], s["needs"]):
        pick = subprocess.run(
            ["git", "-C", str(clone), "cherry-pick", "--no-commit", sha], capture_output=True
        )
        assert pick.returncode == 0, sha


def test_answers_are_cached_by_fix_and_branch_tip(make_repo: MakeRepo, tmp_path: Path) -> None:
    r, s = applies(make_repo)
    store = GitStore(tmp_path / "cache")
    first = scan(Repo(r.path), "master", BRANCH, store=store)
    again = scan(Repo(r.path), "master", BRANCH, store=store)
    assert (first.cached, again.cached) == (False, True)
    assert again.rows == first.rows
    r.checkout("stable-1.0")  # the branch moves: the scan runs again, and says so
    r.pick(s["pre1"], "x")
    moved = scan(Repo(r.path), "master", BRANCH, store=store)
    assert not moved.cached
    assert row(moved, s["needs"]).needs == (s["pre2"],)
    assert row(moved, s["pre1"]).state is DONE


def markerless(make_repo: MakeRepo) -> tuple[GitRepo, dict[str, str]]:
    """Picks made without a marker: the same patch (a fix nobody asked for), a reworked
    patch with the same title, an ansible-style PR backport, a PR head that never reached
    master, and the squash of a PR whose head was picked."""
    r = make_repo("markerless")
    s: dict[str, str] = {}
    r.commit("Initial import", {"a.c": text(LINES), "b.c": text(LINES), "c.c": text(LINES)})
    r.git("branch", "stable-1.0")
    s["quiet"] = r.commit("a: make v3 unsigned", {"a.c": text(edit(LINES, 3, "unsigned v3;"))})
    s["titled"] = r.commit(
        "b: clamp v7 to the valid range", {"b.c": text(edit(LINES, 7, "int v7 = 7 & 3;"))}
    )
    s["pr"] = r.commit("c: guard v9 (#120)", {"c.c": text(edit(LINES, 9, "int v9 = 0;"))})
    r.checkout("feature", new_at="master")
    s["head"] = r.commit(
        "a: tidy v1", {"a.c": text(edit(edit(LINES, 3, "unsigned v3;"), 1, "int v1;"))}
    )
    s["unmerged"] = r.commit("a: experiment", {"x.c": "int x;\n"})
    r.checkout("master")
    r.git("merge", "--squash", "-q", s["head"])
    r.tick()
    r.git("commit", "-q", "-m", "a: tidy v1 (#130)")
    s["squash"] = r.head()
    r.checkout("stable-1.0")
    s["p_quiet"] = r.pick(s["quiet"], None)
    s["p_titled"] = r.commit(
        "[1.0] b: clamp v7 to the valid range", {"b.c": text(edit(LINES, 7, "int v7 = 7 % 4;"))}
    )
    s["p_pr"] = r.commit(
        "[stable-1.0] c: guard v9 (#120) (#121)", {"c.c": text(edit(LINES, 9, "int v9 = -0;"))}
    )
    s["p_head"] = r.pick(s["head"], "x")  # names the PR's head, not what master got
    s["p_unmerged"] = r.pick(s["unmerged"], "x")
    r.checkout("master")
    return r, s


def test_markerless_picks_name_the_signal_that_found_them(make_repo: MakeRepo) -> None:
    r, s = markerless(make_repo)
    res = scan(Repo(r.path), "master", BRANCH)
    got = {name: (row(res, s[name]).state, row(res, s[name]).signal, row(res, s[name]).pick)
           for name in ("quiet", "titled", "pr", "squash")}  # fmt: skip
    assert got == {
        "quiet": (DONE, "patch-id", s["p_quiet"]),  # no Fixes:, no request: found anyway
        "titled": (DONE, "title", s["p_titled"]),
        "pr": (DONE, "pr-number", s["p_pr"]),
        "squash": (DONE, "patch-id", s["p_head"]),  # the marker named the PR head
    }
    assert row(res, s["pr"]).evidence == (
        f"picked as {s['p_pr'][:12]} (pull request #120: '[stable-X.Y] title (#orig)')"
    )
    assert row(res, s["pr"]).subject == "c: guard v9 (#120)"  # the upstream commit's subject
    assert res.signals == {"patch-id": 2, "title": 1, "pr-number": 1}


def test_a_marker_naming_a_commit_off_the_main_line_is_a_warning_row(make_repo: MakeRepo) -> None:
    r, s = markerless(make_repo)
    res = scan(Repo(r.path), "master", BRANCH)
    assert not [x for x in res.rows if x.fix == s["head"]]  # matched to the squash instead
    off = row(res, s["unmerged"])
    assert (off.state, off.pick, off.signal) == (UNKNOWN, s["p_unmerged"], "marker")
    assert off.evidence.startswith(
        f"'cherry picked from commit' on {s['p_unmerged'][:12]} names {s['unmerged'][:12]}, "
        "not on master (a pull request's head or another branch's commit): not counted as done"
    )
    assert not off.state.is_pending and off.state is not DONE


def test_pr_number_by_a_configured_convention_or_patch_id_without_it(make_repo: MakeRepo) -> None:
    r = make_repo("pr")
    r.commit("Initial import", {"a.c": text(LINES)})
    r.git("branch", "stable-1.0")
    fix = r.commit("Fix v4 (#77)", {"a.c": text(edit(LINES, 4, "int v4 = 44;"))})
    r.checkout("stable-1.0")
    pick = r.pick(fix, None)  # same patch, no marker
    r.git("commit", "-q", "--amend", "-m", "Backport of a fix, see !77 {#77}")
    pick = r.head()
    r.checkout("master")
    done = compile_pattern(PatternKind.DONE, "braces", r"\{#(\d+)\}")  # an unnamed group: a PR
    merged = compile_pattern(PatternKind.PR, "parens", r"\(#(\d+)\)$")
    bare = Conventions(["git"])
    configured = Conventions(["git"], [done, merged])
    by_pr = row(scan(Repo(r.path), "master", BRANCH, conventions=configured), fix)
    by_patch = row(scan(Repo(r.path), "master", BRANCH, conventions=bare), fix)
    assert (by_pr.state, by_pr.signal, by_pr.pick) == (DONE, "pr-number", pick)
    assert (by_patch.state, by_patch.signal, by_patch.pick) == (DONE, "patch-id", pick)
    neither = scan(Repo(r.path), "master", BRANCH, conventions=bare, patch_id=False)
    assert [x for x in neither.rows if x.fix == fix] == []  # nothing says it was picked


def test_cli_json_and_table_carry_apply(make_repo: MakeRepo, tmp_path: Path) -> None:
    r, s = applies(make_repo)
    args = ("backports", "--repo", str(r.path), "--branch", "stable-1.0")
    proc = relplan(tmp_path, *args, "--format", "json", "--missing")
    assert proc.returncode == 0, proc.stderr
    got = {x["fix"]: (x["apply"], x["conflicts"], x["needs"]) for x in json.loads(proc.stdout)}
    assert got[s["needs"]] == ("needs", ["c.c"], [s["pre1"], s["pre2"]])
    assert got[s["conflict"]] == ("conflict", ["b.c"], [])
    table = relplan(tmp_path, *args, "--missing")
    lines = table.stdout.splitlines()
    assert (
        "stable-1.0 (1.0): 4 missing: 1 clean, 1 conflict, 1 needs 2 prerequisites, "
        "1 already applied, 0 done" in lines
    )
    assert any(x.endswith(f"[needs 2: {s['pre1'][:12]}, {s['pre2'][:12]}]") for x in lines)
    assert any(x.endswith("[conflict: b.c]") for x in lines)


def test_missing_only_still_counts_the_done_rows(make_repo: MakeRepo, tmp_path: Path) -> None:
    r, _ = markerless(make_repo)
    args = ("backports", "--repo", str(r.path), "--branch", "stable-1.0", "--missing")
    lines = relplan(tmp_path, *args).stdout.splitlines()
    assert "stable-1.0 (1.0): 0 missing, 4 done, 1 unknown" in lines
    assert "done found by: pr-number 1, patch-id 2, title 1" in lines


BOTS = [
    # (stable commit message, the PR numbers it names, the commit ids it names)
    (
        "[PR #13467/1498ba3a backport][8.3.x] Fix the thing (#13470)",
        ["13467", "13470"],
        ["1498ba3a"],
    ),
    (
        "Merge pull request #14553 from pytest-dev/patchback/backports/9.0.x/"
        "aa01adceb7d52294d7a78f68939bf6862e0ce846/pr-14550\n\n[PR #14550/aa01adce backport]",
        ["14550", "14553"],
        ["aa01adceb7d52294d7a78f68939bf6862e0ce846"],
    ),
    ("Change my name\n\nManually backported from 2a522af6169e", [], ["2a522af6169e"]),
    ("Backport PR #28157 on branch v3.9.x (Fix the thing)", ["28157"], []),
    ("Backport PR #28157: Fix the thing", ["28157"], []),
    # the backport's own number (#117440, #13470, ...) is read too: no main-line commit
    # carries it (a branch subject is read by the main line's PR shapes as well)
    ("[3.12] gh-117431: Fix the thing (GH-117432) (#117440)", ["117432", "117440"], []),
    ("[8.x] Fix the thing (#1234)", ["1234"], []),
    ("[stable-2.17] Fix the thing (#84094) (#84097)", ["84094", "84097"], []),
    ("copy, fix permissions (#83824) (#83859)", ["83824", "83859"], []),
]


@pytest.mark.parametrize(("message", "prs", "shas"), BOTS)
def test_bot_presets_read_their_own_shapes(message: str, prs: list[str], shas: list[str]) -> None:
    subject = message.splitlines()[0]
    m = parse_stable(subject, message)
    assert sorted({pr for pr, _ in m.prs}) == prs
    assert sorted({p.upstream for p in m.picks}) == shas


def test_main_line_pull_request_numbers() -> None:
    line = MainLine(
        [
            ("a" * 40, (), "Fix the thing (#84094)"),
            ("b" * 40, (), "Merge pull request #14550 from someone/branch"),
            ("c" * 40, (), "gh-117431: Fix the thing (GH-117432)"),
            ("d" * 40, (), "Fix (#7) and more (#7)"),  # the last number names the merge
            ("e" * 40, (), "Also (#7)"),  # two commits say #7: it names neither
            ("f" * 40, (), "A title (#12) in the middle"),
        ]
    )
    assert line.prs(Conventions()) == {"84094": "a" * 40, "14550": "b" * 40, "117432": "c" * 40}


def test_titles_compare_without_backport_decorations() -> None:
    assert title("[stable-2.17] Fix the thing (#84094) (#84097)") == "fix the thing"
    assert title("[PR #1/abcdef12 backport][8.3.x] Fix the thing (#5)") == "fix the thing"
    assert title("Backport PR #28157 on branch v3.9.x (Fix the thing)") == "fix the thing"
    assert title("Fix the thing (#84094)") == "fix the thing"
    assert title("Merge pull request #5 from x/y") == ""


def test_a_branch_subject_carrying_the_main_line_pr_number_is_a_pick(make_repo: MakeRepo) -> None:
    """A pick that kept the main line's squash title (``... (#77)``), reworked (no patch-id
    match) and retitled (no title match), with no marker: the PR number still says."""
    r = make_repo("branchpr")
    r.commit("Initial import", {"a.c": text(LINES)})
    r.git("branch", "stable-1.0")
    fix = r.commit("Fix v4 overflow (#77)", {"a.c": text(edit(LINES, 4, "int v4 = 44;"))})
    other = r.commit(
        "Tidy v8 (#78)", {"a.c": text(edit(edit(LINES, 4, "int v4 = 44;"), 8, "int v8;"))}
    )
    r.checkout("stable-1.0")
    pick = r.commit("v4: clamp on 1.0 (#77)", {"a.c": text(edit(LINES, 4, "int v4 = 4 & 7;"))})
    r.checkout("master")
    res = scan(Repo(r.path), "master", BRANCH, conventions=Conventions(["git", "github"]))
    got = row(res, fix)
    assert (got.state, got.signal, got.pick) == (DONE, "pr-number", pick)
    assert [x.state for x in res.rows if x.fix == other] in ([], [REQUIRED])  # not claimed
