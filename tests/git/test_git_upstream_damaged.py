"""The default upstream is the main line, never a stable branch; a damaged clone degrades."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from gitrepos import GitRepo, Stable
from test_git_cli import relplan

from relplan.planner.domain.errors import SourceError
from relplan.planner.domain.model import BackportState, Plan
from relplan.planner.domain.policy import Policy
from relplan.planner.git.backports import BranchTarget, scan
from relplan.planner.git.join import git_evidence
from relplan.planner.git.repo import Repo
from relplan.planner.git.upstream import Upstream, find_upstream, looks_stable

DONE, REQUIRED = BackportState.DONE, BackportState.REQUIRED
TARGETS = [BranchTarget("stable-4.1", "4.1"), BranchTarget("stable-4.2", "4.2")]


def mirror(stable: Stable, tmp_path: Path, head: str) -> Path:
    """A bare clone whose HEAD points at ``head``."""
    bare = tmp_path / "mirror.git"
    stable.repo.git("clone", "-q", "--bare", str(stable.repo.path), str(bare))
    subprocess.run(
        ["git", "-C", str(bare), "symbolic-ref", "HEAD", f"refs/heads/{head}"], check=True
    )
    return bare


def test_bare_repo_whose_head_is_a_stable_branch(stable: Stable, tmp_path: Path) -> None:
    repo = Repo(mirror(stable, tmp_path, "stable-4.2"))
    assert find_upstream(repo, ["stable-4.1"], "stable-{series}") == Upstream(
        "master", "the main line; HEAD is 'stable-4.2', a stable branch"
    )
    ev = git_evidence(Plan("x", Policy()), repo, TARGETS)
    assert ev.scan.upstream == "master"
    assert ev.scan.upstream_reason == "the main line; HEAD is 'stable-4.2', a stable branch"
    expected = scan(Repo(stable.repo.path), "master", TARGETS)
    assert [(r.fix, r.branch, r.state) for r in ev.scan.rows] == [
        (r.fix, r.branch, r.state) for r in expected.rows
    ]
    wrong = scan(repo, "stable-4.2", [TARGETS[0]])  # what taking HEAD would have said
    assert {r.fix for r in wrong.missing("stable-4.1")} != {
        r.fix for r in expected.missing("stable-4.1")
    }


def test_without_main_or_master_the_branch_the_stable_ones_fork_from(
    make_repo: Callable[[str], GitRepo],
) -> None:
    r = make_repo("dev")
    r.git("branch", "-m", "master", "develop")
    first = r.commit("Initial import", {"README": "x\n"})
    r.commit("one")
    r.git("branch", "stable-1.0")
    r.commit("two")
    r.git("branch", "stable-2.0")
    r.commit("three")
    r.git("branch", "feature", first)  # forks from older history than the stable branches
    r.checkout("stable-2.0")
    got = find_upstream(Repo(r.path), ["stable-1.0", "stable-2.0"])
    assert got == Upstream(
        "develop", "the branch the stable branches fork from; HEAD is 'stable-2.0', a stable branch"
    )
    r.git("branch", "-D", "develop", "feature")
    with pytest.raises(SourceError, match="cannot tell the upstream branch.*--upstream"):
        find_upstream(Repo(r.path), ["stable-1.0"])


@pytest.mark.parametrize(
    ("name", "stable"),
    [
        ("stable-4.2", True),
        ("origin/stable-4.2", True),
        ("v255-stable", True),
        ("release/3.12", True),
        ("linux-5.10.y", True),
        ("3.12", True),
        ("stable/5.0.x", True),
        ("xen-4.17-testing", True),
        ("rel-42", True),  # by the pattern below
        ("main", False),
        ("master", False),
        ("staging", False),
        ("develop", False),
        ("origin/main", False),
    ],
)
def test_looks_stable(name: str, stable: bool) -> None:
    assert looks_stable(name, "rel-{series}") is stable


def test_cli_says_which_upstream_it_took(stable: Stable, tmp_path: Path) -> None:
    bare = str(mirror(stable, tmp_path, "stable-4.2"))
    table = relplan(tmp_path, "backports", "--repo", bare, "--branch", "stable-4.1")
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0] == "upstream: master (the main line; HEAD is 'stable-4.2', a stable branch)"
    assert lines[4] == "stable-4.1 (4.1): 2 missing: 2 clean, 1 done"
    given = relplan(
        tmp_path, "backports", "--repo", bare, "--branch", "stable-4.1", "--upstream", "master",
        "--format", "json",
    )  # fmt: skip
    assert given.returncode == 0 and json.loads(given.stdout)
    assert "relplan: upstream: master (--upstream)" in given.stderr.splitlines()
    assert any(x.startswith("relplan: conventions: linux (") for x in given.stderr.splitlines())


def broken_fix(stable: Stable, lost: str = "xen/broken.c") -> str:
    """A pending fix whose file content is missing from the repository, and enough
    unmarked commits on stable-4.2 that every pending fix is diffed; ``lost`` is the
    file (a blob) or the folder (a tree) whose object is deleted. The work tree
    stays on stable-4.2: git would read a checked-out copy instead of the object."""
    r = stable.repo
    broken = r.commit(
        f"x86: fix A once more\n\nFixes: {stable.culprit1[:12]}", {"xen/broken.c": "int b;\n"}
    )
    r.checkout("stable-4.2")
    for n in range(3):
        r.commit(f"Xen 4.2.{n}", {"Config.mk": f"XEN_EXTRAVERSION = .{n}\n"})
    # a branch-only change to the same file: the fix's patch is compared with it
    r.commit("x86: branch-only tweak", {"xen/broken.c": "int c;\n"})
    r.drop_object(f"{broken}:{lost}")
    return broken


@pytest.mark.parametrize("lost", ["xen/broken.c", "xen"])
def test_unreadable_object_skips_patch_id_for_that_commit_only(stable: Stable, lost: str) -> None:
    broken = broken_fix(stable, lost)
    res = scan(Repo(stable.repo.path), "master", TARGETS)
    rows = {(r.branch, r.fix): r for r in res.rows}
    for branch in ("stable-4.1", "stable-4.2"):  # markers and ancestry still answer
        r = rows[(branch, broken)]
        assert (r.state, r.evidence) == (
            REQUIRED,
            f"Fixes: {stable.culprit1[:12]} ships in {branch}",
        )
    silent = rows[("stable-4.2", stable.silent)]  # patch-id still works for the rest
    assert (silent.state, silent.marker, silent.pick) == (DONE, "patch-id", stable.pick42_silent)
    assert res.unreadable == 1
    assert res.warnings == [
        "1 commit(s) have objects this repository cannot read (a damaged or partial clone): "
        "patch-id skipped for them; markers and ancestry still answer",
        "will it apply: 1 fix(es) have objects this repository cannot read; no answer for them",
    ]
    assert rows[("stable-4.2", broken)].apply is None  # no answer, never a guess
    assert all(r.apply for r in res.rows if r.state is REQUIRED and r.fix != broken)


@pytest.mark.parametrize("lost", ["xen/broken.c", "xen"])  # a blob: found by cat-file; a tree:
def test_patch_ids_name_exactly_the_unreadable_commits(stable: Stable, lost: str) -> None:
    broken = broken_fix(stable, lost)  # by bisection
    repo = Repo(stable.repo.path)
    every = repo.rev_list(["--all", "--no-merges"])
    ids, unreadable = repo.patch_ids(every, jobs=2)
    assert unreadable == {broken}
    assert set(ids) == set(every) - {broken}
    assert ids[stable.silent] == ids[stable.pick42_silent]


def test_cli_on_a_damaged_clone_warns_and_answers(stable: Stable, tmp_path: Path) -> None:
    broken = broken_fix(stable)
    proc = relplan(
        tmp_path, "backports", "--repo", str(stable.repo.path), "--branch", "stable-4.2",
        "--format", "json",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "relplan: warning: 1 commit(s) have objects this repository cannot read" in proc.stderr
    got = {r["fix"]: r["state"] for r in json.loads(proc.stdout)}
    assert got[broken] == "required" and got[stable.silent] == "done"
