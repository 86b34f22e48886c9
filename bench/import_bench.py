"""Markdown import at scale: parsing alone, and ``relplan import`` end to end.

Prints the seconds for a generated roadmap of N bullet lines (default 200,000;
one title in four repeats, so made-up ids get numbered): ``reads_items`` in
this process, then the whole ``relplan import`` into a new plan (read, merge,
write the TOML). Before ids were allocated linearly, 2,000 lines took 1 s,
20,000 lines 55 s and 200,000 did not finish in 15 minutes.

Run: .venv/bin/python bench/import_bench.py [--lines N]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from relplan.planner.trackers.files import reads_items  # noqa: E402


def roadmap(lines: int) -> str:
    """A mailing-list style roadmap: bullets, hints, continuation lines, repeated titles."""
    out = []
    for n in range(lines):
        if n % 4 == 0:
            out.append("- Fix the build on ARM [bug]\n")
        elif n % 4 == 1:
            out.append(f"* Per-disk I/O limits for guest {n} (high)\n")
        elif n % 4 == 2:
            out.append(f"  continued: details of {n}\n")
        else:
            out.append(f"{n % 1000}. Numbered item {n}\n")
    return "".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    args = parser.parse_args()
    text = roadmap(args.lines)
    start, cpu = time.perf_counter(), time.process_time()
    items = reads_items(text, "roadmap.md", "roadmap", ".md")
    parsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"reads_items: {args.lines:,} lines -> {len(items):,} items in {parsed:.2f} s "
        f"({cpu:.2f} s CPU)"
    )
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "roadmap.md"
        source.write_text(text, encoding="utf-8")
        plan = Path(folder) / "plan.toml"
        argv = [sys.executable, "-m", "relplan.tui.cli", "--plan", str(plan), "import", str(source)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        whole = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        size = plan.stat().st_size / 1e6
    print(
        f"relplan import (read, merge, write {size:.1f} MB of TOML): {whole:.2f} s "
        f"({cpu:.2f} s CPU; load average {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
