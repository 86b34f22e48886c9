"""Issue 19: the prerequisites of a pick that conflicts (``needs``), found by a blame
limited to the commits touching the conflicting files, on repositories the tests build;
git cherry-pick in a scratch clone is the judge."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from gitrepos import GitRepo
from test_git_apply_markerless import BRANCH, LINES, edit, row, text

from relplan.planner.git.backports import scan
from relplan.planner.git.prereqs import carry_back
from relplan.planner.git.repo import Repo

MakeRepo = Callable[[str], GitRepo]


def forked(make_repo: MakeRepo, name: str) -> tuple[GitRepo, str]:
    """master with c.c, stable-1.0 forked after the culprit; the fixes' Fixes: trailer."""
    r = make_repo(name)
    r.commit("Initial import", {"c.c": text(LINES)})
    culprit = r.commit("core: add the thing", {"README": "thing\n"})
    r.git("branch", "stable-1.0")
    return r, f"\n\nFixes: {culprit[:12]}"


def git_applies(r: GitRepo, tmp_path: Path, shas: list[str]) -> list[bool]:
    """Whether each of ``shas`` picks in turn onto stable-1.0, by git in a scratch clone."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(r.path), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "-q", "-f", "origin/stable-1.0"])
    out = []
    for sha in shas:
        pick = subprocess.run(
            ["git", "-C", str(clone), "cherry-pick", "--no-commit", sha], capture_output=True
        )
        out.append(pick.returncode == 0)
    return out


def test_a_commit_that_only_deleted_lines_where_the_fix_writes_is_a_prerequisite(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    """Blame names only commits whose lines are still there: one that removed lines at the
    fix's spot was invisible to it (Xen: b08600e2d6b5 needs f00ad745cf on 4.17, 'conflict'
    before)."""
    r, fixes = forked(make_repo, "deleted")
    dropped = [*LINES[:9], *LINES[14:]]  # v10..v14 removed on master
    drop = r.commit("c: drop v10..v14", {"c.c": text(dropped)})
    fix = r.commit("c: add w" + fixes, {"c.c": text([*dropped[:9], "int w;", *dropped[9:]])})
    res = scan(Repo(r.path), "master", BRANCH)
    assert (row(res, fix).apply, row(res, fix).needs) == ("needs", (drop,))
    assert git_applies(r, tmp_path, [fix]) == [False]
    assert git_applies(r, tmp_path / "2", [drop, fix]) == [True, True]


def test_a_file_moved_on_the_main_line_is_followed_to_its_older_name(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    """The branch has c.c; master moved it to lib/c.c, then changed the fix's line: the
    change is the prerequisite, the move is not (git's merge follows it)."""
    r, fixes = forked(make_repo, "moved")
    r.git("mv", "c.c", "lib.c")
    r.commit("c: move to lib.c")
    pre = r.commit("c: widen v20", {"lib.c": text(edit(LINES, 20, "long v20 = 20;"))})
    fix = r.commit("c: fix v20" + fixes, {"lib.c": text(edit(LINES, 20, "long v20 = 21;"))})
    res = scan(Repo(r.path), "master", BRANCH)
    assert (row(res, fix).apply, row(res, fix).needs) == ("needs", (pre,))
    assert git_applies(r, tmp_path, [pre, fix]) == [True, True]


def test_lines_are_carried_back_through_a_commit() -> None:
    lines = {10, 11, 12}
    assert carry_back(lines, ((3, 0, 4, 2),)) == ({8, 9, 10}, False)  # two lines added above
    assert carry_back(lines, ((3, 2, 2, 0),)) == ({12, 13, 14}, False)  # two removed above
    assert carry_back(lines, ((11, 1, 11, 1),)) == ({10, 12}, True)  # line 11 rewritten
    assert carry_back(lines, ((11, 3, 10, 0),)) == ({10, 14, 15}, True)  # removed in between
    assert carry_back(lines, ((20, 1, 20, 3),)) == (lines, False)  # below: untouched


def test_a_file_renamed_on_the_main_line_is_picked_onto_its_older_name(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    """master moved a whole folder, renaming every file (old/aN.c -> new/bN.c): past
    libgit2's rename limit, the merge saw a file deleted on the branch; the main line's
    history names the older name (Xen: device_tree.c -> device-tree/device-tree.c, 3 pairs
    'conflict' before, git applied them)."""
    r = make_repo("renamed")
    many = {f"old/a{n}.c": text([f"int a{n}_{k};" for k in range(8)]) for n in range(1100)}
    r.commit("Initial import", {**many, "old/a0.c": text(LINES)})
    culprit = r.commit("core: add the thing", {"README": "thing\n"})
    r.git("branch", "stable-1.0")
    (r.path / "new").mkdir()
    for n in range(1100):  # each changed a little: no exact rename
        moved = (r.path / f"old/a{n}.c").read_text() + "/* moved */\n"
        (r.path / f"new/b{n}.c").write_text(moved)
        (r.path / f"old/a{n}.c").unlink()
    r.git("add", "-A")
    r.commit("move old/ to new/")
    fixes = f"\n\nFixes: {culprit[:12]}"
    fixed = text(edit(LINES, 5, "int v5 = 50;")) + "/* moved */\n"
    fix = r.commit("b0: fix v5" + fixes, {"new/b0.c": fixed})
    res = scan(Repo(r.path), "master", BRANCH)
    assert row(res, fix).apply == "clean"
    assert git_applies(r, tmp_path, [fix]) == [True]


def test_a_fix_to_a_file_the_branch_renamed_follows_it(make_repo: MakeRepo, tmp_path: Path) -> None:
    """The branch moved c.c to core.c (and changed it a little); the fix to c.c on master
    applies there, as git's cherry-pick applies it."""
    r, fixes = forked(make_repo, "branchmove")
    fix = r.commit("c: fix v5" + fixes, {"c.c": text(edit(LINES, 5, "int v5 = 50;"))})
    r.checkout("stable-1.0")
    r.git("mv", "c.c", "core.c")
    r.commit("c: rename for 1.0", {"core.c": text(edit(LINES, 30, "int v30 = -30;"))})
    r.checkout("master")
    res = scan(Repo(r.path), "master", BRANCH)
    assert row(res, fix).apply == "clean"
    assert git_applies(r, tmp_path, [fix]) == [True]
