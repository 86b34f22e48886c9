"""Wall time of the headless CLI, against baselines measured in the same run.

Prints:
- `relplan calendar --format json` (demo) against `python -c "import pendulum"` (goal: <= 2.5x);
- `relplan status` on a generated 10,000-item plan (goal: under 1 s), and `export` on it.

Run: .venv/bin/python bench/cli_bench.py [--runs N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from relplan.planner.domain.calendar import build_train  # noqa: E402
from relplan.planner.domain.model import BackportState, Item, Kind, Priority, State  # noqa: E402
from relplan.planner.store.demo import DEMO_TODAY, demo_plan  # noqa: E402
from relplan.planner.store.planfile import dumps_toml  # noqa: E402


def timed(argv: list[str], runs: int) -> float:
    """Median wall time of a command, in seconds (one warm-up run first)."""
    subprocess.run(argv, check=True, capture_output=True, cwd=ROOT)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, cwd=ROOT)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def big_plan(n: int, path: Path) -> None:
    """The demo's policy and releases with ``n`` generated items, written as a plan file."""
    rng = random.Random(7)
    plan = demo_plan()
    train = build_train(plan, DEMO_TODAY)
    versions = [r.version for r in train if not r.shipped] + [None]
    items = []
    for i in range(n):
        kind = rng.choice(list(Kind))
        backports = {"3.4": rng.choice(list(BackportState))} if kind.is_fix else {}
        items.append(
            Item(
                id=f"gen#{i}",
                title=f"Generated item {i} about {rng.choice(['net', 'disk', 'mm', 'sched'])}",
                kind=kind,
                priority=rng.choice(list(Priority)),
                state=rng.choice(list(State)),
                target=rng.choice(versions),
                blocker=rng.random() < 0.01,
                labels=(rng.choice(["net", "storage", "mm"]),),
                backports=backports,
            )
        )
    path.write_text(dumps_toml(replace(plan, items=tuple(items)), train))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    py = sys.executable
    relplan = [py, "-m", "relplan.tui.cli"]

    base = timed([py, "-c", "import pendulum"], args.runs)
    cal = timed([*relplan, "calendar", "--format", "json"], args.runs)
    print(f"python -c 'import pendulum'        {base * 1000:7.1f} ms")
    ratio = cal / base
    print(f"relplan calendar --format json      {cal * 1000:7.1f} ms   {ratio:.2f}x (goal <= 2.5x)")

    with tempfile.TemporaryDirectory() as tmp:
        plan = Path(tmp) / "big.toml"
        big_plan(10_000, plan)
        size = plan.stat().st_size / 1e6
        common = ["--plan", str(plan), "--today", str(DEMO_TODAY)]
        status = timed([*relplan, *common, "status"], max(3, args.runs // 3))
        export = timed([*relplan, *common, "export", "--format", "json"], max(3, args.runs // 3))
        print(f"relplan status, 10,000 items         {status * 1000:7.1f} ms   (goal < 1000 ms)")
        print(f"  (plan file {size:.1f} MB)")
        print(f"relplan export --format json, 10k    {export * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
