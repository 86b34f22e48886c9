"""``relplan backports`` and ``relplan init --from-git`` run as real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from gitrepos import GitRepo, Stable, snapshot
from test_git_history import xen_history

from relplan.planner.domain.model import BackportState, Item, Kind, Plan
from relplan.planner.domain.policy import Policy
from relplan.planner.store.planfile import load_plan, save_plan

ROOT = Path(__file__).resolve().parents[2]


def relplan(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(cwd), "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(
        [sys.executable, "-m", "relplan.tui.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_backports_json_per_branch(stable: Stable, tmp_path: Path) -> None:
    before = snapshot(stable.repo.path)
    proc = relplan(
        tmp_path,
        "backports",
        "--repo",
        str(stable.repo.path),
        "--upstream",
        "master",
        "--branch",
        "stable-4.1",
        "--branch",
        "stable-4.2",
        "--format",
        "json",
    )
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    got = {(r["branch"], r["fix"]): r for r in rows}
    assert got[("stable-4.1", stable.fix_a)]["state"] == "done"
    assert "master commit" in got[("stable-4.1", stable.fix_a)]["evidence"]
    assert got[("stable-4.1", stable.silent)]["state"] == "required"
    assert "Fixes: " + stable.culprit1[:12] in got[("stable-4.1", stable.silent)]["evidence"]
    assert got[("stable-4.2", stable.silent)]["state"] == "done"
    assert "patch-id" in got[("stable-4.2", stable.silent)]["evidence"]
    assert set(rows[0]) >= {"fix", "subject", "branch", "state", "evidence"}
    assert snapshot(stable.repo.path) == before


def test_backports_table_lists_missing_first(stable: Stable, tmp_path: Path) -> None:
    proc = relplan(tmp_path, "backports", "--repo", str(stable.repo.path), "--branch", "stable-4.2")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "upstream: master (the main line)"
    assert lines[1] == (
        "conventions: linux (Fixes: 4, Cc: stable 1, Upstream commit 1, commit upstream 1), "
        "xen (Backport: 1), git (cherry picked from commit 1)"
    )
    assert lines[3] == "stable-4.2 (4.2): 2 missing, 4 done"
    states = [line.split()[0] for line in lines[4:] if line.startswith("  ")]
    assert states == ["required"] * 2 + ["done"] * 4


def test_bad_input_exits_2_with_a_message(stable: Stable, tmp_path: Path) -> None:
    repo = str(stable.repo.path)
    cases = [
        (["--repo", str(tmp_path)], "not a git repository"),
        (["--repo", repo, "--branch", "stable-9.9"], "unknown branch 'stable-9.9'"),
        (["--repo", repo, "--upstream", "trunk", "--branch", "stable-4.1"], "unknown upstream"),
        (["--repo", repo], "none of the branches maintained"),
    ]
    for args, message in cases:
        proc = relplan(tmp_path, "backports", *args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert message in proc.stderr and "Traceback" not in proc.stderr


def test_unparsable_trailer_is_a_warning_as_in_every_face_or_exit_2_with_strict(
    stable: Stable, tmp_path: Path
) -> None:
    """``relplan backports`` warns about an unparsable mark, as status, the reports and
    the dashboard do (it used to be the one face that failed); ``--strict`` fails."""
    stable.repo.commit("tools: x\n\nBackport: someday")
    args = ["backports", "--repo", str(stable.repo.path), "--branch", "stable-4.1"]
    proc = relplan(tmp_path, *args)
    assert proc.returncode == 0 and "warning" in proc.stderr and "Backport:" in proc.stderr
    strict = relplan(tmp_path, *args, "--strict")
    assert strict.returncode == 2 and "Backport:" in strict.stderr


def test_init_from_git_then_backports_from_the_plan(
    make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    r = xen_history(make_repo("xen"))
    culprit = r.commit("x86: shiny", days=1)
    r.checkout("stable-4.2")
    r.git("merge", "-q", "--ff-only", culprit)
    r.checkout("master")
    fix = r.commit(f"x86: fix shiny\n\nFixes: {culprit[:12]}")
    out = tmp_path / "xen.toml"
    proc = relplan(tmp_path, "init", "--from-git", str(r.path), "--plan", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "point releases (newest): median 11.0 weeks" in proc.stdout
    plan = load_plan(out).plan
    assert [s.version for s in plan.releases][:3] == ["4.0.0", "4.0.1", "4.1.0"]
    assert plan.policy.branch_pattern == "stable-{series}"
    again = relplan(tmp_path, "init", "--from-git", str(r.path), "--plan", str(out))
    assert again.returncode == 2 and "not overwriting" in again.stderr
    scan = relplan(
        tmp_path,
        "backports",
        "--plan",
        str(out),
        "--repo",
        str(r.path),
        "--today",
        "2010-08-01",
        "--format",
        "json",
    )
    assert scan.returncode == 0, scan.stderr
    rows = json.loads(scan.stdout)
    assert [(x["branch"], x["fix"], x["state"]) for x in rows] == [("stable-4.2", fix, "required")]


def test_init_json_report_dry_run(make_repo: Callable[[str], GitRepo], tmp_path: Path) -> None:
    r = xen_history(make_repo("xen"))
    proc = relplan(tmp_path, "init", "--from-git", str(r.path), "--dry-run", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["point_gaps"]["median_weeks"] == 11.0
    assert report["suggested_policy"]["release_every_weeks"] == 6
    assert report["scheme"]["release_patterns"] == ["RELEASE-{version}"]
    four = next(x for x in report["releases"] if x["version"] == "4.0.0")
    assert four["rcs"] == ["2010-01-22", "2010-01-29"]
    assert report["proposed_stages"] == "xen"  # 4.0.0-rc1 style tags: Xen's freeze ladder
    assert report["plan"] is None and not (tmp_path / "relplan.toml").exists()


def test_init_dry_run_shows_everything_and_writes_nothing(
    make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    r = xen_history(make_repo("xen"))
    work = tmp_path / "work"
    work.mkdir()
    before_repo, before_work = snapshot(r.path), snapshot(work)
    proc = relplan(work, "init", "--from-git", str(r.path), "--dry-run", "--today", "2010-09-01")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for words in (
        "tags: 10 read; releases RELEASE-{version} (6 tags), pre-releases {version} (3)",
        "  4.0     2010-02-05  2 rc 2010-01-22 .. 2010-01-29",  # the RCs as tagged
        "point releases (newest): median 11.0 weeks",
        "release candidates: the first",
        "support: ",
        "branches: stable-{series}",
        "suggested policy: a point release every 11-11 weeks",
        "on 2010-09-01: maintained 4.2",
        "(dry run: nothing written)",
        'the tags look like xen\'s; to use its stages, set [policy] stages = "xen"',
    ):
        assert words in out, words
    assert snapshot(work) == before_work and snapshot(r.path) == before_repo


def test_init_never_overwrites_a_plan_unless_forced(
    make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    r = xen_history(make_repo("xen"))
    plan = tmp_path / "relplan.toml"
    plan.write_text("# mine\n")
    proc = relplan(tmp_path, "init", "--from-git", str(r.path))
    assert proc.returncode == 2 and "not overwriting" in proc.stderr and "--force" in proc.stderr
    assert plan.read_text() == "# mine\n" and "Traceback" not in proc.stderr
    proc = relplan(tmp_path, "init", "--from-git", str(r.path), "--force", "--today", "2010-09-01")
    assert proc.returncode == 0, proc.stderr
    text = plan.read_text()
    assert text.startswith("[plan]") and 'version = "4.0.0"' in text
    # The first save invents no past date: shipped releases without RC tags have none.
    table = text[text.index('version = "4.0.1"') :].split("[[releases]]")[0]
    assert "actual = 2010-03-19" in table
    assert not any(k in table for k in ("freeze", "last_posting", "rcs"))
    export = relplan(tmp_path, "export", "--today", "2010-09-01")
    assert export.returncode == 0 and export.stdout == text  # byte-identical round trip


def test_conflicts_between_plan_and_git(stable: Stable, tmp_path: Path) -> None:
    done, required = BackportState.DONE, BackportState.REQUIRED
    items = (
        Item(
            "xen#1",
            "fix A",
            Kind.BUG,
            fix_commits=(stable.fix_a[:12],),
            backports={"4.1": done, "4.2": required},
        ),
        Item(
            "xen#2", "fix the fix", Kind.BUG, fix_commits=(stable.fix_fix,), backports={"4.1": done}
        ),
    )
    plan_path = tmp_path / "xen.toml"
    save_plan(Plan("xen", Policy(), (), items), [], plan_path, None)
    proc = relplan(
        tmp_path,
        "backports",
        "--plan",
        str(plan_path),
        "--repo",
        str(stable.repo.path),
        "--branch",
        "stable-4.1",
        "--branch",
        "stable-4.2",
        "--conflicts",
        "--format",
        "json",
    )
    assert proc.returncode == 0, proc.stderr
    got = {(c["item"], c["series"]): c for c in json.loads(proc.stdout)}
    assert set(got) == {("xen#1", "4.2"), ("xen#2", "4.1")}
    assert got[("xen#2", "4.1")]["git"] == "required"
    assert "git finds no pick on stable-4.1" in got[("xen#2", "4.1")]["message"]
    table = relplan(
        tmp_path,
        "backports",
        "--plan",
        str(plan_path),
        "--repo",
        str(stable.repo.path),
        "--branch",
        "stable-4.1",
        "--conflicts",
    )
    assert table.stdout.splitlines() == [
        "xen#2  4.1  tracker says DONE for 4.1, git finds no pick on stable-4.1"
    ]
