"""Odd files: writes go through symlinks to their target; devices, fifos and folders are
refused with exit 2 naming the path (never replaced, never read forever); temp files of a
killed write are cleaned on the next save; a bad config creates no cache file."""

from __future__ import annotations

import argparse
import os
import stat
from pathlib import Path

import pytest
from runner import relplan

from relplan.planner.domain.model import Plan
from relplan.planner.domain.policy import Policy
from relplan.planner.store.planfile import load_plan, save_plan
from relplan.tui.cli import main
from relplan.tui.cli.dashboard import build_app


def roadmap(folder: Path) -> Path:
    path = folder / "roadmap.md"
    path.write_text("- Remus\n- Kemari\n")
    return path


def test_a_symlinked_plan_stays_a_symlink_and_its_target_is_updated(tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "relplan.toml"
    save_plan(Plan("xen", Policy()), [], real, None)
    work = tmp_path / "work"
    work.mkdir()
    link = work / "relplan.toml"
    link.symlink_to(real)
    assert main(["--plan", str(link), "import", str(roadmap(tmp_path))]) == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert len(load_plan(real).plan.items) == 2
    assert sorted(os.listdir(work)) == ["relplan.toml"]
    assert sorted(os.listdir(dotfiles)) == ["relplan.toml"]  # no temp or lock file left


def test_an_export_through_a_symlink_writes_the_target(tmp_path: Path) -> None:
    target = tmp_path / "out.toml"
    target.write_text("old\n")
    link = tmp_path / "link.toml"
    link.symlink_to(target)
    assert main(["export", "--format", "toml", "-o", str(link), "--force"]) == 0
    assert link.is_symlink() and target.read_text().startswith("[plan]")


def odd_files(folder: Path) -> list[tuple[Path, str]]:
    fifo = folder / "fifo"
    os.mkfifo(fifo)
    sub = folder / "folder.toml"
    sub.mkdir()
    out = [(fifo, "a fifo"), (sub, "a folder")]
    if os.geteuid() == 0:  # a /dev/null of our own: the real one must never be at stake
        null = folder / "null"
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        out.append((null, "a character device"))
    return out


def test_writes_to_devices_fifos_and_folders_are_refused(tmp_path: Path) -> None:
    for path, kind in odd_files(tmp_path):
        before = os.lstat(path)
        done = relplan("export", "-o", str(path), "--force", cwd=tmp_path, timeout=20)
        assert done.returncode == 2, (path, done.stdout, done.stderr)
        assert f"relplan: {path}: cannot write: not a regular file ({kind})" in done.stderr
        after = os.lstat(path)
        assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)


@pytest.mark.parametrize("command", [["status"], ["import", "ROADMAP"]])
def test_plans_that_are_devices_fifos_or_folders_are_refused(
    tmp_path: Path, command: list[str]
) -> None:
    items = roadmap(tmp_path)
    for path, kind in odd_files(tmp_path):
        before = os.lstat(path)
        args = [str(items) if a == "ROADMAP" else a for a in command]
        done = relplan("--plan", str(path), *args, cwd=tmp_path, timeout=20)
        assert done.returncode == 2, (path, done.stderr)
        assert f"relplan: {path}: cannot read: " in done.stderr and "Traceback" not in done.stderr
        assert kind in done.stderr or "Is a directory" in done.stderr
        after = os.lstat(path)
        assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
        if path.name == "fifo":
            os.unlink(path)
            os.mkfifo(path)
    for name in ("fifo", "folder.toml", "null"):
        for leftover in tmp_path.glob(f".{name}*"):
            pytest.fail(f"left behind: {leftover}")


def test_temp_files_of_a_killed_write_are_cleaned_on_the_next_save(tmp_path: Path) -> None:
    plan = tmp_path / "p.toml"
    save_plan(Plan("p", Policy()), [], plan, None)
    for name in (".p.toml.k2j3h4.tmp", ".p.toml.zz9.tmp", ".p.toml.lock"):
        (tmp_path / name).write_text("half a plan")
    (tmp_path / ".other.toml.x.tmp").write_text("not ours")
    assert main(["--plan", str(plan), "import", str(roadmap(tmp_path))]) == 0
    assert sorted(os.listdir(tmp_path)) == [".other.toml.x.tmp", "p.toml", "roadmap.md"]


def test_a_bad_config_creates_no_cache_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    config = tmp_path / "c.toml"
    config.write_text('[[sources]]\nname = "xen"\nkind = "redmin"\n')
    plan = tmp_path / "p.toml"
    assert main(["--config", str(config), "--plan", str(plan), "sync"]) == 2
    assert main(["--config", str(config), "--plan", str(plan), "sync", "--status"]) == 0
    args = argparse.Namespace(config=str(config), plan=None, today="2009-08-31")
    build_app(args)  # the dashboard reads the last sync times at start
    assert "never synced" in capsys.readouterr().out
    assert not cache.exists() and not plan.exists()
