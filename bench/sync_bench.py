"""Sync figures against a local Redmine with 10,000 issues (issue 4).

Run (as root, Redmine installed by `.ci/redmine.sh install`, python-redmine from the
`bench` extra)::

    .venv/bin/python bench/sync_bench.py [--dir DIR] [--issues 10000] [--rounds 3] [--keep]

Prints:
- requests used by a full sync (goal <= ceil(N/100) + 5) and its wall time, against
  python-redmine iterating the same issues in the same run (goal <= 0.5x), rounds
  alternating, medians;
- requests of a re-sync where nothing changed (goal <= 3);
- opening from a cache of 100,000 items: reading them from the cache, and (when the
  dashboard exists) the first painted frame of the app, in a fresh process (goal <= 1 s).

The server runs from DIR (default: a temp dir), seeded once; `--keep` leaves it running.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCRIPT = ROOT / ".ci" / "redmine.sh"
TOKEN_ENV = "RELPLAN_BENCH_REDMINE_KEY"
PROJECT = "bench"
CPU: dict[str, float] = {}  # client CPU seconds of the last run of each


def start_server(folder: Path, issues: int, workers: int) -> tuple[str, str]:
    """Start (or reuse) the server in ``folder`` and seed the bench project once."""
    env = {**os.environ, "REDMINE_WORKERS": str(workers)}
    url = (
        subprocess.run(
            ["bash", str(SCRIPT), "start", str(folder)],
            check=True,
            env=env,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    if not (folder / f"manifest-{PROJECT}.json").exists():
        t = time.perf_counter()
        subprocess.run(
            ["bash", str(SCRIPT), "seed", str(folder), str(issues), PROJECT],
            check=True,
            capture_output=True,
        )
        print(f"seeded {issues:,} issues in {time.perf_counter() - t:.1f} s (rails runner, bulk)")
    return url, (folder / "api_key").read_text().strip()


class Counting:
    """An httpx transport that counts requests."""

    def __init__(self) -> None:
        import httpx

        class _T(httpx.AsyncHTTPTransport):
            count = 0

            async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
                type(self).count += 1
                return await super().handle_async_request(request)

        self.transport = _T()

    @property
    def count(self) -> int:
        return type(self.transport).count


def relplan_sync(url: str, key: str, cache_dir: Path, full: bool) -> tuple[float, int, int]:
    """One sync into an empty plan: (seconds, requests, items)."""
    from relplan.planner.domain.model import Plan
    from relplan.planner.domain.policy import Policy
    from relplan.planner.store.cache import Cache
    from relplan.planner.trackers.base import SourceConfig
    from relplan.planner.trackers.sync import run_sync

    config = SourceConfig.from_table(
        {
            "name": "bench",
            "kind": "redmine",
            "url": url,
            "project": PROJECT,
            "token_env": TOKEN_ENV,
            "backport_field": "Backport",
        }
    )
    counting = Counting()
    t, cpu = time.perf_counter(), time.process_time()
    with Cache.open(cache_dir) as cache:
        result = run_sync(
            Plan("bench", Policy()),
            [config],
            cache,
            lambda plan: None,
            full=full,
            env={TOKEN_ENV: key},
            transport=counting.transport,
        )
    CPU["relplan"] = time.process_time() - cpu
    return time.perf_counter() - t, counting.count, len(result.plan.items)


def python_redmine(url: str, key: str) -> tuple[float, int, int]:
    """python-redmine iterating every issue of the project: (seconds, requests, issues)."""
    from redminelib import Redmine

    redmine = Redmine(url, key=key)
    calls = [0]
    redmine.engine.session.hooks["response"].append(
        lambda r, *a, **k: calls.__setitem__(0, calls[0] + 1)
    )
    t, cpu = time.perf_counter(), time.process_time()
    n = 0
    for issue in redmine.issue.filter(project_id=PROJECT, status_id="*"):
        _ = (issue.subject, getattr(issue, "fixed_version", None), issue.custom_fields)
        n += 1
    CPU["python-redmine"] = time.process_time() - cpu
    return time.perf_counter() - t, calls[0], n


def sync_figures(url: str, key: str, issues: int, rounds: int, work: Path) -> None:
    ours: list[float] = []
    theirs: list[float] = []
    for r in range(rounds):
        seconds, requests, items = relplan_sync(url, key, work / f"cache-{r}", full=True)
        ours.append(seconds)
        p_seconds, p_requests, p_items = python_redmine(url, key)
        theirs.append(p_seconds)
        print(
            f"  round {r + 1}: relplan {seconds:.2f} s ({requests} requests, {items:,} items, "
            f"client CPU {CPU['relplan']:.1f} s) | python-redmine {p_seconds:.2f} s "
            f"({p_requests} requests, {p_items:,} issues, client CPU "
            f"{CPU['python-redmine']:.1f} s)"
        )
    goal = math.ceil(issues / 100) + 5
    a, b = statistics.median(ours), statistics.median(theirs)
    print(
        f"full sync: {requests} requests (goal <= {goal}); "
        f"{a:.2f} s vs python-redmine {b:.2f} s = {a / b:.2f}x (goal <= 0.5x)"
    )
    seconds, requests, items = relplan_sync(url, key, work / "cache-0", full=False)
    print(f"no-change re-sync: {requests} requests (goal <= 3), {seconds * 1000:.0f} ms")


OPEN = r"""
# The dashboard's own start (relplan.tui.cli.dashboard.run_dashboard: the app's modules,
# then the data, then the app, the collector paused until the first frame) with the items
# read from the tracker cache instead of a plan file.
import argparse, sys, time
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
from pathlib import Path
try:
    from relplan.tui.cli import context, dashboard
except ImportError:
    sys.exit(0)
from relplan.planner.store.cache import Cache
from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.usecases.session import Session
def from_cache(args):
    with Cache.open(Path({cache!r})) as cache:
        items = cache.items()
    print("loaded", len(items), time.perf_counter() - t0, flush=True)
    return Session(demo_plan().with_items(items), today=DEMO_TODAY)
context.load_context = from_cache
import re
from textual.app import App
from textual._compositor import CompositorUpdate
original = App._display
drawn = []  # the text of every update so far, as a terminal would have it on screen
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
WANTED = [re.compile(p) for p in {drawn!r}]
def display(self, screen, renderable):
    original(self, screen, renderable)
    # Textual drops the updates made while it batches (its whole start-up): not a frame;
    # the first updates can be partial (a status line): the frame is the one that puts
    # the start view's table on screen
    if isinstance(renderable, CompositorUpdate) and not self._batch_count:
        drawn.append(ESCAPES.sub("", renderable.render_segments(self.console)))
        if all(p.search("".join(drawn)) for p in WANTED):
            print("frame", time.perf_counter() - t0, flush=True)
            self.exit()
App._display = display
run = App.run
App.run = lambda self: run(self, headless=True, size=(120, 40))
dashboard.run_dashboard(argparse.Namespace(plan=None, config=None, today=None))
"""


def cache_figures(work: Path, n: int = 100_000) -> None:
    # the dashboard bench's 100k items, and what its start view shows first
    from bench.tui_bench import START_DRAWN, synthetic_plan
    from relplan.planner.store.cache import Cache

    folder = work / "cache-100k"
    t = time.perf_counter()
    plan = synthetic_plan(n)
    with Cache.open(folder) as cache, cache.stage() as staged:
        staged.put_items("bench", plan.items, replace_all=True)
        staged.commit()
    size = (folder / "cache.sqlite3").stat().st_size / 1e6
    print(f"cache of {n:,} items written in {time.perf_counter() - t:.1f} s ({size:.0f} MB)")
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", OPEN.format(root=str(ROOT), cache=str(folder), drawn=START_DRAWN)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    figures: dict[str, Any] = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        word, *rest = line.split()
        if word in ("loaded", "frame"):  # not the app's own words as it is stopped
            figures[word] = [float(x) for x in rest] + [time.perf_counter() - start]
    stderr = proc.stderr.read() if proc.stderr else ""
    proc.wait(timeout=60)
    if "loaded" not in figures:
        print("cache open failed:", stderr[-2000:])
        return
    print(
        f"open from cache: {int(figures['loaded'][0]):,} items loaded "
        f"{figures['loaded'][1]:.2f} s after the first line ran (the app's imports included)"
    )
    if "frame" in figures:
        print(
            f"  first painted frame of the dashboard: {figures['frame'][1]:.2f} s after "
            f"launching the process (goal <= 1 s); {figures['frame'][0]:.2f} s after its "
            "first line ran"
        )
    else:
        print("  (no dashboard app to time)", stderr[-500:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", type=Path, help="server folder (reused when it exists)")
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="leave the server running")
    parser.add_argument(
        "--workers", type=int, default=2, help="puma worker processes (0: single-process WEBrick)"
    )
    parser.add_argument("--skip-cache", action="store_true", help="skip the 100k cache figures")
    parser.add_argument(
        "--cache-only", action="store_true", help="only the 100k cache figures (no Redmine)"
    )
    args = parser.parse_args()
    if args.cache_only:
        print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
        with tempfile.TemporaryDirectory(prefix="relplan-bench-") as tmp:
            cache_figures(Path(tmp))
        return
    with tempfile.TemporaryDirectory(prefix="relplan-bench-") as tmp:
        work = Path(tmp)
        folder = (args.dir or work / "redmine").resolve()
        folder.mkdir(parents=True, exist_ok=True)
        url, key = start_server(folder, args.issues, args.workers)
        try:
            server = f"puma, {args.workers} workers" if args.workers else "WEBrick"
            print(
                f"Redmine at {url} ({server}), project {PROJECT!r}, {os.cpu_count()} CPUs, "
                f"load average {os.getloadavg()[0]:.1f}"
            )
            sync_figures(url, key, args.issues, args.rounds, work)
        finally:
            if not args.keep:
                subprocess.run(["bash", str(SCRIPT), "stop", str(folder)], capture_output=True)
        if not args.skip_cache:
            cache_figures(work)


if __name__ == "__main__":
    main()
