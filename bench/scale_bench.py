"""Headless commands on a generated 50,000-item plan, against a baseline checkout.

Each command runs as a subprocess on this checkout's code and (with ``--baseline DIR``,
a folder holding ``relplan/planner`` and ``relplan/tui`` of an older checkout, put on
PYTHONPATH) on the baseline's, interleaved run by run so both see the same machine load.
Prints the median wall time of each and the ratio baseline/current.

Run: .venv/bin/python bench/scale_bench.py [--items 50000] [--runs 3] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from cli_bench import big_plan  # noqa: E402

COMMANDS = (
    ("status", ["status"]),
    ("schedule --dry-run", ["schedule", "--dry-run"]),
    ("check", ["check"]),
    ("calendar", ["calendar"]),
    ("report --kind update", ["report", "--kind", "update"]),
    ("export --format json", ["export", "--format", "json"]),
)


def once(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode not in (0, 1) or "Traceback" in done.stderr:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr[-2000:]}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="folder with relplan/{planner,tui}")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="relplan-scale-"))
    plan = folder / "plan.toml"
    big_plan(args.items, plan)
    print(
        f"{args.items:,} items, {plan.stat().st_size / 1e6:.1f} MB; load {os.getloadavg()[0]:.1f}"
    )
    relplan = [
        sys.executable,
        "-m",
        "relplan.tui.cli",
        "--plan",
        str(plan),
        "--today",
        "2009-08-31",
    ]
    env = {**os.environ, "XDG_CACHE_HOME": str(folder / "cache")}
    sides = {"current": env}
    if args.baseline:
        sides["baseline"] = {**env, "PYTHONPATH": str(args.baseline.resolve())}
    for name, command in COMMANDS:
        times: dict[str, list[float]] = {side: [] for side in sides}
        for _ in range(args.runs):
            for side, side_env in sides.items():
                times[side].append(once([*relplan, *command], side_env, folder))
        medians = {side: statistics.median(t) for side, t in times.items()}
        line = f"{name:<22} current {medians['current']:6.2f} s"
        if "baseline" in medians:
            ratio = medians["baseline"] / medians["current"]
            line += f"   baseline {medians['baseline']:6.2f} s   {ratio:4.1f}x faster"
        print(line, flush=True)
    print(f"load after: {os.getloadavg()[0]:.1f} (2 cores shared)")


if __name__ == "__main__":
    main()
