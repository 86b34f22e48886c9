"""Declared support from git: SUPPORT.md on each release branch (Xen's shape), read in one
batch, written into the plan by ``init --from-git`` and refreshed by ``sync``; the plan is
linked to its repository and named after the project."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from gitrepos import EPOCH, GitRepo

from relplan.planner.domain.support import DeclaredSupport, SupportSource, merge_support
from relplan.planner.git.history import history_from_tags, packaged_version
from relplan.planner.git.project import project_name, shows_freeze, stale_tags
from relplan.planner.git.repo import Repo
from relplan.planner.git.supportfile import (
    parse_support_file,
    read_support_files,
    series_branches,
)
from relplan.planner.store.configfile import load_config
from relplan.planner.store.planfile import load_plan
from relplan.planner.usecases.declared import refresh_from_config

D = dt.date

# The block as xen.git's stable-4.20 carries it (since the 2026 policy change), and the
# development branch's (no days).
SUPPORT_420 = """% Support statement for this release

This document describes the support status
and in particular the security support status of the Xen branch
within which you find it.

# Release Support

    Xen-Version: 4.20
    Initial-Release: 2025-03-05
    Supported-Until: 2028-03-05
    Security-Support-Until: 2030-03-05

Release Notes
: <a href="https://wiki.xenproject.org/wiki/Xen_Project_4.20_Release_Notes">RN</a>

# Feature Support
"""
SUPPORT_MASTER = """# Release Support

    Xen-Version: 4.23-unstable
    Initial-Release: n/a
    Supported-Until: TBD
    Security-Support-Until: Unreleased - not yet security-supported
"""


def support_md(series: str, released: str, general: str, security: str) -> str:
    return SUPPORT_420.replace("4.20", series).replace("2025-03-05", released).replace(
        "2028-03-05", general
    ).replace("2030-03-05", security)  # fmt: skip


def test_a_support_file_gives_its_three_days() -> None:
    got = parse_support_file(SUPPORT_420, "4.20", "SUPPORT.md on stable-4.20")
    assert got == DeclaredSupport(
        "4.20", SupportSource.DECLARED, "SUPPORT.md on stable-4.20",
        released=D(2025, 3, 5), maintained_until=D(2028, 3, 5), security_until=D(2030, 3, 5),
    )  # fmt: skip


def test_no_days_or_another_version_is_no_statement() -> None:
    assert parse_support_file(SUPPORT_MASTER, "4.23", "x") is None
    assert parse_support_file(SUPPORT_420, "4.19", "x") is None  # a file copied from 4.20


def xen_with_support(r: GitRepo) -> GitRepo:
    """4.19.0, 4.20.0 (each with a stable branch carrying SUPPORT.md), 4.20.1; master's file
    says n/a; 4.18 has a branch without the file."""
    r.clock = EPOCH
    r.commit("Initial import", {"README": "xen\n", "SUPPORT.md": SUPPORT_MASTER})
    for n, (series, files) in enumerate(
        [
            ("4.18", {}),
            ("4.19", {"SUPPORT.md": support_md("4.19", "2024-07-29", "2026-01-29", "2029-07-29")}),
            ("4.20", {"SUPPORT.md": SUPPORT_420}),
        ]
    ):
        r.checkout("master")
        r.clock = EPOCH + (100 + 200 * n) * 86400
        r.commit(f"release {series}", days=0)
        r.checkout(f"stable-{series}", new_at="HEAD")
        if files:
            r.commit(f"SUPPORT.md for {series}", files, days=0)
        elif n == 0:
            r.git("rm", "-q", "SUPPORT.md")
            r.commit("no support statement yet", days=0)
        r.tag(f"RELEASE-{series}.0")
    r.commit("4.20.1", days=60)
    r.tag("RELEASE-4.20.1")
    r.checkout("master")
    return r


def test_every_branch_read_in_one_batch(make_repo: Callable[[str], GitRepo]) -> None:
    repo = Repo(xen_with_support(make_repo("xen")).path)
    branches = series_branches(repo, ["4.18", "4.19", "4.20", "4.21"], [None, "stable-{series}"])
    assert branches == {"4.18": "stable-4.18", "4.19": "stable-4.19", "4.20": "stable-4.20"}
    got = {r.series: r for r in read_support_files(repo, branches)}
    assert sorted(got) == ["4.19", "4.20"]  # 4.18's branch has no file
    assert got["4.20"].security_until == D(2030, 3, 5)
    assert got["4.19"].maintained_until == D(2026, 1, 29)
    assert got["4.19"].origin == "SUPPORT.md on stable-4.19"


def test_show_files_reads_many_blobs_and_says_none_for_the_rest(
    make_repo: Callable[[str], GitRepo],
) -> None:
    r = make_repo("x")
    r.commit("one", {"a.txt": "héllo\n", "b.txt": "two\nlines\n"})
    texts = Repo(r.path).show_files(["HEAD:a.txt", "HEAD:b.txt", "HEAD:none", "nobranch:a", "HEAD"])
    assert texts == {"HEAD:a.txt": "héllo\n", "HEAD:b.txt": "two\nlines\n", "HEAD:none": None,
                     "nobranch:a": None, "HEAD": None}  # fmt: skip


def test_merge_keeps_the_most_trusted_record_per_series() -> None:
    declared = DeclaredSupport("4.20", SupportSource.DECLARED, "SUPPORT.md",
                               maintained_until=D(2028, 3, 5))  # fmt: skip
    eol = DeclaredSupport("4.20", SupportSource.ENDOFLIFE, "eol", maintained_until=D(2026, 1, 1))
    eol_old = DeclaredSupport("4.9", SupportSource.ENDOFLIFE, "eol", security_until=D(2019, 1, 1))
    assert merge_support([declared], [eol]) == (declared,)
    assert merge_support([eol, eol_old], [declared]) == (eol_old, declared)
    # a source read again replaces all it said before (4.9 is no longer named)
    assert merge_support([eol_old], [eol], [SupportSource.ENDOFLIFE]) == (eol,)


def relplan(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "relplan.tui.cli", *args], cwd=cwd, capture_output=True, text=True
    )


def test_init_reads_support_md_links_the_repo_and_sync_rereads_it(
    make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    r = xen_with_support(make_repo("xen"))
    work = tmp_path / "work"
    work.mkdir()
    proc = relplan(work, "init", "--from-git", str(r.path), "--today", "2026-12-03")
    assert proc.returncode == 0, proc.stderr
    assert "declared support: SUPPORT.md: 2 series (4.19, 4.20)" in proc.stdout
    config = load_config(work / "relplan.config.toml")
    assert config.git.repo is not None and config.git.repo.resolve() == r.path.resolve()
    assert config.git.branch_pattern == "stable-{series}"
    assert config.plan == work / "relplan.toml"
    assert 'name = "xen"' in (work / "relplan.toml").read_text()
    # the branch moves on: sync reads the file again (relplan.config.toml found beside the plan)
    r.checkout("stable-4.20")
    r.commit("extend", {"SUPPORT.md": SUPPORT_420.replace("2030-03-05", "2031-03-05")})
    read = refresh_from_config(load_plan(work / "relplan.toml").plan, config)
    assert read is not None
    assert {x.series: x.security_until for x in read.records} == {
        "4.19": D(2029, 7, 29), "4.20": D(2031, 3, 5),
    }  # fmt: skip
    sync = relplan(work, "sync")
    assert sync.returncode == 0, sync.stderr
    assert "declared support: SUPPORT.md: 2 series (4.19, 4.20)" in sync.stdout


def test_init_never_replaces_a_config_and_says_what_it_lacks(
    make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    r = xen_with_support(make_repo("xen"))
    (tmp_path / "relplan.config.toml").write_text('[cache]\ndir = "cache"\n')
    proc = relplan(tmp_path, "init", "--from-git", str(r.path))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "relplan.config.toml").read_text() == '[cache]\ndir = "cache"\n'
    assert "has no [git] repo" in proc.stderr


def test_a_bare_clone_named_repo_is_named_after_its_project(
    make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    r = xen_with_support(make_repo("xen"))
    bare = tmp_path / "xen-project+xen" / "repo"
    subprocess.run(["git", "clone", "-q", "--bare", str(r.path), str(bare)], check=True)
    subprocess.run(["git", "-C", str(bare), "remote", "remove", "origin"], check=True)
    assert project_name(Repo(bare)) == "xen-project+xen"
    subprocess.run(["git", "-C", str(bare), "remote", "add", "origin",
                    "https://xenbits.xen.org/git-http/xen.git"], check=True)  # fmt: skip
    assert project_name(Repo(bare)) == "xen"


def test_ansible_packaging_tags_are_releases() -> None:
    assert packaged_version("2.0.0-1") == "2.0.0"
    assert packaged_version("2.0.0.0-1") == "2.0.0.0"
    assert packaged_version("2.0.0-0.5.beta3") == "2.0.0-beta3"
    assert packaged_version("2.1.0.0-0.1.rc1") == "2.1.0.0-rc1"
    assert packaged_version("4.22.0-rc1") == "4.22.0-rc1"  # untouched


def test_ansible_old_tag_forms_make_their_series(make_repo: Callable[[str], GitRepo]) -> None:
    r = make_repo("ansible")
    r.commit("start", {"README": "a\n"})
    for day, tag in [(10, "v1.9.0-0.1.rc1"), (20, "v1.9.0-1"), (30, "v1.9.1-1"),
                     (100, "v2.0.0-0.5.beta3"), (110, "v2.0.0-0.6.rc1"), (120, "v2.0.0.0-1"),
                     (150, "v2.0.1.0-1"), (300, "v2.5.0"), (330, "v2.5.1")]:  # fmt: skip
        r.clock = EPOCH + day * 86400
        r.tag(tag)
    h = history_from_tags(Repo(r.path))
    got = {(x.version, x.series, x.kind.value) for x in h.shipped}
    assert ("1.9.0", "1.9", "point") in got and ("2.0.0.0", "2.0", "point") in got
    assert ("2.0.1.0", "2.0", "maintenance") in got
    two = next(x for x in h.shipped if x.series == "2.0" and x.kind.value == "point")
    assert len(two.rcs) == 1 and len(two.betas) == 1


def test_ladder_suggested_only_when_tags_show_a_freeze(
    make_repo: Callable[[str], GitRepo],
) -> None:
    r = make_repo("pytest")
    r.commit("start", {"README": "p\n"})
    tags = [(10, "6.0.0rc1"), (20, "6.0.0")] + [(40 + 60 * i, f"6.{i}.0") for i in range(1, 6)]
    for day, tag in tags:
        r.clock = EPOCH + day * 86400
        r.tag(tag)
    h = history_from_tags(Repo(r.path))
    assert not shows_freeze(h)  # one release in six had an RC
    for i in range(1, 6):
        r.clock = EPOCH + (30 + 60 * i) * 86400
        r.tag(f"6.{i}.0rc1", f"6.{i}.0")
    assert shows_freeze(history_from_tags(Repo(r.path)))


def test_a_stale_clone_is_said(make_repo: Callable[[str], GitRepo], tmp_path: Path) -> None:
    r = xen_with_support(make_repo("xen"))  # point releases 200 days apart; last tag day ~560
    h = history_from_tags(Repo(r.path))
    newest = max(x.day for x in h.shipped)
    assert stale_tags(h, newest + dt.timedelta(days=300)) is None
    stale = stale_tags(h, newest + dt.timedelta(days=500))
    assert stale is not None and "may need a `git fetch --tags`" in str(stale)
    proc = relplan(tmp_path, "init", "--from-git", str(r.path), "--dry-run", "--today",
                   str(newest + dt.timedelta(days=500)), "--format", "json")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "git fetch" in json.loads(proc.stdout)["stale"] and "warning" in proc.stderr


def test_init_with_endoflife_data_names_the_product_in_the_config(
    make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    r = xen_with_support(make_repo("xen"))
    data = tmp_path / "endoflife.date"
    (data / "products").mkdir(parents=True)
    (data / "products" / "xen.md").write_text(
        '---\ntitle: Xen\nreleases:\n  - releaseCycle: "4.20"\n    releaseDate: 2025-03-05\n'
        '    eoas: 2026-09-05\n    eol: 2028-03-05\n  - releaseCycle: "4.18"\n'
        "    releaseDate: 2023-11-16\n    eoas: true\n    eol: 2026-11-16\n---\n"
    )
    work = tmp_path / "work"
    work.mkdir()
    proc = relplan(work, "init", "--from-git", str(r.path), "--endoflife", "xen",
                   "--endoflife-data", str(data), "--dry-run", "--format", "json")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["declared_support"] == [
        "declared support: SUPPORT.md: 2 series (4.19, 4.20)",
        "declared support: endoflife.date products/xen.md: 2 series (4.20, 4.18)",
    ]
    assert not (work / "relplan.config.toml").exists()  # a dry run writes nothing
    proc = relplan(work, "init", "--from-git", str(r.path), "--endoflife", "xen",
                   "--endoflife-data", str(data))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    config = load_config(work / "relplan.config.toml")
    assert config.support.endoflife == "xen" and config.support.endoflife_data is not None
    assert config.support.endoflife_data.resolve() == data.resolve()
    bad = relplan(work, "init", "--from-git", str(r.path), "--endoflife", "nope",
                  "--endoflife-data", str(data), "--plan", "other.toml")  # fmt: skip
    assert bad.returncode == 2 and "no endoflife.date product file" in bad.stderr


def test_status_with_git_says_a_stale_clone(
    make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    r = xen_with_support(make_repo("xen"))
    assert relplan(tmp_path, "init", "--from-git", str(r.path)).returncode == 0
    newest = max(x.day for x in history_from_tags(Repo(r.path)).shipped)
    fresh = relplan(tmp_path, "status", "--today", str(newest + dt.timedelta(days=30)))
    assert fresh.returncode == 0, fresh.stderr
    assert "git fetch" not in fresh.stderr
    late = relplan(tmp_path, "status", "--today", str(newest + dt.timedelta(days=450)))
    assert "may need a `git fetch --tags`" in late.stderr.splitlines()[0]


def test_the_release_weekday_is_measured_when_one_leads(
    make_repo: Callable[[str], GitRepo],
) -> None:
    r = make_repo("wd")
    r.commit("start", {"README": "w\n"})
    for i in range(8):  # the epoch, 2010-01-01, is a Friday: day 4 is a Tuesday
        r.clock = EPOCH + (4 + 7 * 9 * i) * 86400  # Tuesdays, nine weeks apart
        r.tag(f"v1.{i}.0")
    h = history_from_tags(Repo(r.path))
    assert h.usual_weekday() == 1 and h.suggested_policy().cadence.weekday == 1
    for i in range(8):
        r.clock = EPOCH + (7 + 7 * 9 * i) * 86400  # as many on Fridays
        r.tag(f"v1.{i}.1")
    assert history_from_tags(Repo(r.path)).usual_weekday() is None


def test_sync_refreshes_the_endoflife_product_named_in_the_config(
    make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    r = xen_with_support(make_repo("xen"))
    data = tmp_path / "eol"
    (data / "products").mkdir(parents=True)
    product = data / "products" / "xen.md"
    product.write_text('---\nreleases:\n  - releaseCycle: "4.20"\n    releaseDate: 2025-03-05\n'
                       "    eol: 2030-03-05\n---\n")  # fmt: skip
    assert relplan(tmp_path, "init", "--from-git", str(r.path), "--endoflife", "xen",
                   "--endoflife-data", str(data)).returncode == 0  # fmt: skip
    product.write_text(
        product.read_text().replace(
            "  - releaseCycle",
            '  - releaseCycle: "4.19"'
            "\n    releaseDate: 2024-07-29\n    eol: 2029-07-29\n  - releaseCycle",
            1,
        )
    )
    sync = relplan(tmp_path, "sync", "support")
    assert sync.returncode == 0, sync.stderr
    assert "endoflife.date products/xen.md: 2 series (4.19, 4.20)" in sync.stdout


def test_release_cycle_names_the_repository_main_line(
    make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    """The devguide's file names the branch a series in development lives on: CPython's is
    ``main``, Xen's is ``master``. With ``[git] repo`` linked, the export asks the repository
    (the same main line backport scans use); without a repository, ``main``."""
    r = xen_with_support(make_repo("xen"))
    made = relplan(tmp_path, "init", "--from-git", str(r.path), "--today", "2011-08-01")
    assert made.returncode == 0
    proc = relplan(tmp_path, "--today", "2011-08-01", "export", "--format", "release-cycle")
    assert proc.returncode == 0, proc.stderr
    cycles = json.loads(proc.stdout)
    assert [c["branch"] for c in cycles.values() if c["status"] == "feature"] == ["master"]
    assert cycles["4.20"]["branch"] == "stable-4.20"
    (tmp_path / "relplan.config.toml").unlink()
    alone = relplan(tmp_path, "--today", "2011-08-01", "export", "--format", "release-cycle")
    assert alone.returncode == 0, alone.stderr
    assert [c["branch"] for c in json.loads(alone.stdout).values()
            if c["status"] == "feature"] == ["main"]  # fmt: skip


def test_a_stale_clone_names_the_newest_tag_of_the_newest_day(
    make_repo: Callable[[str], GitRepo],
) -> None:
    """ansible tags 2.16.12 and 2.17.5 on one day: the warning names the higher one."""
    r = xen_with_support(make_repo("xen"))
    r.checkout("stable-4.19")
    r.commit("4.19.1", days=0)  # the same day as 4.20.1
    r.tag("RELEASE-4.19.1")
    h = history_from_tags(Repo(r.path))
    newest = max(x.day for x in h.shipped)
    stale = stale_tags(h, newest + dt.timedelta(days=500))
    assert stale is not None and stale.tag == "RELEASE-4.20.1"


def test_init_and_status_name_the_same_newest_release_tag(
    make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    """An RC (or any other tag) newer than the newest release is not "the newest release
    tag": init and status both name RELEASE-4.20.1, with the same age (ansible's clone said
    v2.17.5, 787 days in init and v2.18.0rc1, 780 days in status)."""
    r = xen_with_support(make_repo("xen"))
    newest = max(x.day for x in history_from_tags(Repo(r.path)).shipped)
    r.checkout("master")
    r.commit("4.21 rc1", days=7)
    r.tag("RELEASE-4.21.0-rc1")
    r.tag("some-marker")
    today = str(newest + dt.timedelta(days=500))
    said = f"(RELEASE-4.20.1, {newest}) is 500 days old"
    init = relplan(tmp_path, "init", "--from-git", str(r.path), "--today", today)
    assert init.returncode == 0, init.stderr
    assert said in init.stderr
    status = relplan(tmp_path, "status", "--today", today)
    assert said in status.stderr.splitlines()[0]
