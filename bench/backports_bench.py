"""Benchmark: backport scan of 8 stable branches on a generated 100,000+ commit repository.

Generates (once, cached under /tmp) a Linux-shaped history with ``git fast-import``:
a linear master of COMMITS commits, one in 20 a fix with ``Fixes: <12-hex>``
naming an earlier commit (some with ``Cc: stable # X.Y+``), and 8 stable branches
cut at different points, each carrying picks of the fixes whose culprit it ships
(marker styles mixed, some unmarked, some missing) plus version-bump commits.

Then times, in the same run:
- relplan's full scan of all 8 branches (``relplan.planner.git.backports.scan``), and
- the naive approach: one ``git log --grep=<fix id>`` per fix over all stable branches
  (measured on a sample of fixes and extrapolated, unless ``--naive-all``).

Usage: .venv/bin/python bench/backports_bench.py [--commits N] [--naive-sample N] [--naive-all]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from relplan.planner.git.backports import BranchTarget, scan  # noqa: E402
from relplan.planner.git.repo import Repo  # noqa: E402

CACHE = Path("/tmp/relplan-bench")
BRANCHES = 8
CHUNK = 10_000
EPOCH = 1_262_304_000
ENV = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(CACHE), "LC_ALL": "C"}
STYLES = ("x", "xen", "linux", "bracket", "none")


def git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    return subprocess.run(
        ["git", "-C", str(repo), *args], input=stdin, env=ENV, check=True, capture_output=True
    ).stdout


def _data(text: str) -> bytes:
    raw = text.encode()
    return b"data %d\n" % len(raw) + raw + b"\n"


def _commit(
    ref: str,
    mark: int,
    when: int,
    message: str,
    files: dict[str, str],
    parent: int | str | None = None,
) -> bytes:
    out = [b"commit %s\nmark :%d\n" % (ref.encode(), mark)]
    out.append(b"author Ada Dev <ada@example.org> %d +0000\n" % when)
    out.append(b"committer Ada Dev <ada@example.org> %d +0000\n" % when)
    out.append(_data(message))
    if parent is not None:
        out.append(
            (f"from :{parent}\n" if isinstance(parent, int) else f"from {parent}\n").encode()
        )
    for path, text in files.items():
        out.append(b"M 100644 inline %s\n" % path.encode() + _data(text))
    return b"".join(out)


def _marks(path: Path) -> dict[int, str]:
    marks = {}
    for line in path.read_text().splitlines():
        m, sha = line.split()
        marks[int(m[1:])] = sha
    return marks


def generate(path: Path, commits: int, seed: int = 5) -> None:
    """Build the repository with fast-import, master in chunks so fixes can name culprits."""
    rng = random.Random(seed)
    git(path.parent, "init", "-q", "--bare", "-b", "master", str(path))
    marks_file = path / "bench.marks"
    fixes: list[tuple[int, int, str | None]] = []  # (fix mark, culprit mark, request floor)
    for start in range(1, commits + 1, CHUNK):
        marks = _marks(marks_file) if marks_file.exists() else {}
        stream = []
        for n in range(start, min(start + CHUNK, commits + 1)):
            stream.append(_master_commit(n, rng, marks, fixes))
        args = ["fast-import", "--quiet", f"--export-marks={marks_file}"]
        if marks:
            args.append(f"--import-marks={marks_file}")
        git(path, *args, stdin=b"".join(stream))
    _stable_branches(path, commits, rng, _marks(marks_file), fixes)
    git(path, "commit-graph", "write", "--reachable")  # as `git gc` leaves any clone


def _master_commit(
    n: int, rng: random.Random, marks: dict[int, str], fixes: list[tuple[int, int, str | None]]
) -> bytes:
    when = EPOCH + n * 600
    parent = n - 1 if n > 1 else None
    if n % 20 == 0 and n > CHUNK:
        culprit = rng.randint(max(1, n - 30_000), (n // CHUNK) * CHUNK - 1)
        culprit = min(culprit, max(marks))
        floor = f"5.{rng.randint(0, 7)}" if rng.random() < 0.1 else None
        cc = f"\nCc: stable@vger.kernel.org # {floor}+" if floor else ""
        msg = (
            f"subsys{n % 97}: fix bug {n}\n\nA fix.\n\n"
            f'Fixes: {marks[culprit][:12]} ("subsys: change {culprit}"){cc}\n'
            "Signed-off-by: Ada Dev <ada@example.org>\n"
        )
        fixes.append((n, culprit, floor))
        return _commit("refs/heads/master", n, when, msg, {f"fixes/{n}.c": f"fix {n}\n"}, parent)
    path = f"src/d{n % 61}/f{n % 997}.c"
    return _commit(
        "refs/heads/master",
        n,
        when,
        f"subsys{n % 97}: change {n}\n\nWork.\n",
        {path: f"/* {n} */\nint v{n};\n"},
        parent,
    )


def _stable_branches(
    path: Path,
    commits: int,
    rng: random.Random,
    marks: dict[int, str],
    fixes: list[tuple[int, int, str | None]],
) -> None:
    stream = []
    mark = commits + 1
    for b in range(BRANCHES):
        point = int(commits * (0.55 + 0.05 * b))
        ref, parent = f"refs/heads/stable-5.{b}", point
        when = EPOCH + point * 600
        for fix, culprit, _floor in fixes:
            if fix <= point or culprit > point or rng.random() < 0.15:
                continue  # not needed here, or still missing
            style = rng.choice(STYLES)
            sha = marks[fix]
            head = f"subsys{fix % 97}: fix bug {fix}"
            msg = {
                "x": f"{head}\n\nA fix.\n\n(cherry picked from commit {sha})\n",
                "xen": f"{head}\n\nA fix.\nmaster commit: {sha}\nmaster date: 2010\n",
                "linux": f"{head}\n\ncommit {sha} upstream.\n\nA fix.\n",
                "bracket": f"{head}\n\n[ Upstream commit {sha} ]\n\nA fix.\n",
                "none": f"{head}\n\nA fix.\n",
            }[style]
            when = max(when, EPOCH + fix * 600) + 60
            stream.append(_commit(ref, mark, when, msg, {f"fixes/{fix}.c": f"fix {fix}\n"}, parent))
            parent, mark = mark, mark + 1
            if mark % 40 == 0:
                stream.append(
                    _commit(
                        ref,
                        mark,
                        when + 1,
                        f"Linux 5.{b}.{mark}\n",
                        {"Makefile": f"SUBLEVEL = {mark}\n"},
                        parent,
                    )
                )
                parent, mark = mark, mark + 1
    git(
        path,
        "fast-import",
        "--quiet",
        f"--import-marks={path / 'bench.marks'}",
        stdin=b"".join(stream),
    )


def naive(repo: Path, fixes: list[str], branches: list[str]) -> float:
    """One ``git log --grep=<fix>`` per fix across all stable branches; seconds."""
    t = time.perf_counter()
    for sha in fixes:
        git(repo, "log", "--format=%H", "-F", f"--grep={sha}", *branches, "^master")
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--commits", type=int, default=100_000)
    ap.add_argument("--naive-sample", type=int, default=60)
    ap.add_argument("--naive-all", action="store_true")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument(
        "--no-commit-graph",
        action="store_true",
        help="make git ignore the commit-graph file (as in a never gc'ed clone)",
    )
    args = ap.parse_args()
    if args.no_commit_graph:
        os.environ.update(
            GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0="core.commitGraph", GIT_CONFIG_VALUE_0="false"
        )
        ENV.update(
            GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0="core.commitGraph", GIT_CONFIG_VALUE_0="false"
        )
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"linux-{args.commits}.git"
    if not (path / "bench.done").exists():
        t = time.perf_counter()
        if path.exists():
            subprocess.run(["rm", "-rf", str(path)], check=True)
        generate(path, args.commits)
        (path / "bench.done").write_text("ok\n")
        print(f"generated {path} in {time.perf_counter() - t:.1f} s")
    count = int(git(path, "rev-list", "--all", "--count"))
    branches = [f"stable-5.{b}" for b in range(BRANCHES)]
    print(f"repository: {path} ({count} commits, {BRANCHES} stable branches)")
    return report(path, branches, args)


def report(path: Path, branches: list[str], args: argparse.Namespace) -> int:
    targets = [BranchTarget(b, b.removeprefix("stable-")) for b in branches]
    times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        result = scan(Repo(path), "master", targets)
        times.append(time.perf_counter() - t)
    full = statistics.median(times)
    done = sum(1 for r in result.rows if r.state.value == "done")
    by_pid = sum(1 for r in result.rows if r.marker == "patch-id")
    missing = sum(1 for r in result.rows if r.state.is_pending)
    print(
        f"relplan scan: {full:.2f} s median of {args.runs} (runs: "
        f"{', '.join(f'{x:.2f}' for x in times)}); {len(result.rows)} rows: {done} done "
        f"({by_pid} by patch-id), {missing} missing"
    )
    base = Repo(path).merge_bases("master", branches[0])[0]
    fixes = git(path, "log", "--format=%H", "-E", "--grep=^Fixes:", "master", f"^{base}").split()
    fixes_s = [f.decode() for f in fixes]
    sample = fixes_s if args.naive_all else random.Random(1).sample(fixes_s, args.naive_sample)
    spent = naive(path, sample, branches)
    per_fix = spent / len(sample)
    total = per_fix * len(fixes_s)
    how = "measured" if args.naive_all else f"extrapolated from {len(sample)} measured"
    print(
        f"naive (one git log --grep per fix): {per_fix * 1000:.0f} ms per fix x "
        f"{len(fixes_s)} fixes = {total:.1f} s ({how})"
    )
    print(
        f"speed-up: {total / full:.0f}x; goal >= 10x: {'met' if total / full >= 10 else 'MISSED'}"
        f"; absolute goal < 3 s: {'met' if full < 3 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
