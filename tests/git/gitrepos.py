"""Builders of real git repositories in tmp dirs, with fixed dates and no user or system config."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

EPOCH = 1_262_304_000  # 2010-01-01 00:00 UTC


class GitRepo:
    """A tiny porcelain over ``git`` for building test histories."""

    def __init__(self, path: Path, home: Path) -> None:
        self.path = path
        self.clock = EPOCH
        self.env = {
            "PATH": os.environ["PATH"],
            "HOME": str(home),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Ada Maintainer",
            "GIT_AUTHOR_EMAIL": "ada@example.org",
            "GIT_COMMITTER_NAME": "Ada Maintainer",
            "GIT_COMMITTER_EMAIL": "ada@example.org",
            "LC_ALL": "C",
        }

    def git(self, *args: str, stdin: str | None = None) -> str:
        env = {
            **self.env,
            "GIT_AUTHOR_DATE": f"@{self.clock} +0000",
            "GIT_COMMITTER_DATE": f"@{self.clock} +0000",
        }
        proc = subprocess.run(
            ["git", "-C", str(self.path), *args],
            input=stdin,
            env=env,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            raise AssertionError(f"git {' '.join(args)}: {proc.stderr}")
        return proc.stdout.strip()

    def tick(self, days: float = 1) -> None:
        self.clock += int(days * 86400)

    def commit(self, message: str, files: dict[str, str] | None = None, days: float = 1) -> str:
        """Write ``files`` (default: one new file named after the subject) and commit."""
        self.tick(days)
        if files is None:
            slug = hashlib.sha1(message.encode()).hexdigest()[:8]
            files = {f"src/{slug}.c": f"/* {message.splitlines()[0]} */\nint x_{slug};\n"}
        for name, text in files.items():
            target = self.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
            self.git("add", name)
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def checkout(self, branch: str, *, new_at: str | None = None) -> None:
        if new_at:
            self.git("checkout", "-q", "-b", branch, new_at)
        else:
            self.git("checkout", "-q", branch)

    def pick(self, sha: str, style: str | None, series: str = "") -> str:
        """Cherry-pick ``sha`` onto the current branch with a marker in ``style``:
        ``x`` (cherry picked from, appended as ``git cherry-pick -x`` does), ``xen``
        (master commit:), ``linux`` (commit X upstream.), ``linux-bracket``
        ([ Upstream commit X ]), ``cpython`` ([series] subject + cherry picked from),
        ``django`` ([series.x] subject + Backport of X from main) or None (no marker)."""
        self.tick()
        self.git("cherry-pick", "--no-commit", sha)
        original = self.git("log", "-1", "--format=%B", sha)
        subject, _, body = original.partition("\n")
        marker = {
            "x": f"{original}\n\n(cherry picked from commit {sha})",
            "xen": f"{original}\nmaster commit: {sha}\nmaster date: 2010-01-01 00:00:00 +0000",
            "linux": f"{subject}\n\ncommit {sha} upstream.\n\n{body.strip()}",
            "linux-bracket": f"{subject}\n\n[ Upstream commit {sha} ]\n\n{body.strip()}",
            "cpython": f"[{series}] {original}\n\n(cherry picked from commit {sha})",
            "django": f"[{series}.x] {original}\n\nBackport of {sha} from main",
            None: original,
        }[style]
        self.git("commit", "-q", "-m", marker)
        return self.head()

    def revert(self, sha: str) -> str:
        """``git revert`` of ``sha`` on the current branch (``This reverts commit <sha>.``)."""
        self.tick()
        self.git("revert", "--no-edit", sha)
        return self.head()

    def drop_object(self, rev: str) -> str:
        """Delete the loose object ``rev`` names (a damaged clone); returns its id."""
        oid = self.git("rev-parse", rev)
        (self.path / ".git" / "objects" / oid[:2] / oid[2:]).unlink()
        return oid

    def tag(self, name: str, at: str = "HEAD", *, annotated: bool = True) -> None:
        if annotated:
            self.git("tag", "-a", "-m", name, name, at)
        else:
            self.git("tag", name, at)


def snapshot(path: Path) -> dict[str, str]:
    """Content hash of every file under ``path`` (to prove a scan wrote nothing)."""
    out = {}
    for f in sorted(path.rglob("*")):
        if f.is_file():
            out[str(f.relative_to(path))] = hashlib.sha1(f.read_bytes()).hexdigest()
    return out


class Stable:
    """The shared scenario: master with two stable branches and every marker style."""

    def __init__(self, r: GitRepo) -> None:
        self.repo = r
        r.commit("Initial import", {"README": "xen\n"})
        self.culprit1 = r.commit("x86: add feature A")
        self.branch41 = r.head()
        r.git("branch", "stable-4.1")
        self.culprit2 = r.commit("x86: add feature B")
        r.git("branch", "stable-4.2")
        self.fix_a = r.commit(
            f'x86: fix A\n\nFixes: {self.culprit1[:12]} ("x86: add feature A")\n'
            "Signed-off-by: Ada <ada@example.org>"
        )
        self.fix_b = r.commit(f'x86: fix B\n\nFixes: {self.culprit2[:12]} ("x86: add feature B")')
        self.req_xen = r.commit("tools: fix leak\n\nBackport: 4.2+")
        self.req_linux = r.commit("net: fix race\n\nCc: stable@vger.kernel.org # 4.2+")
        self.feature = r.commit("x86: new feature C")
        self.fix_fix = r.commit(f"x86: fix the fix of A\n\nFixes: {self.fix_a[:10]}")
        self.silent = r.commit(f"x86: quiet fix\n\nFixes: {self.culprit1}\nThis is XSA-99.")
        r.checkout("stable-4.1")
        self.pick41_a = r.pick(self.fix_a, "xen")
        r.checkout("stable-4.2")
        self.pick42_a = r.pick(self.fix_a, "x")
        self.pick42_b = r.pick(self.fix_b, "linux")
        self.pick42_net = r.pick(self.req_linux, "linux-bracket")
        self.pick42_silent = r.pick(self.silent, None)
        r.checkout("master")
