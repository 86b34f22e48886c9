"""Responsiveness figures of the dashboard (issue 3). Run: .venv/bin/python bench/tui_bench.py

Prints, with 100,000 items in memory:
- Items view: time from pressing ``2`` to the first painted frame of the list;
- keypress -> painted frame, p50/p95, at the top, middle and bottom, unsorted and sorted;
- text filter over 100k items (the row model alone, and keypress -> frame in the filter box);
- first frame of the app on the demo vs a minimal Textual app, each in a fresh process.

Headless Textual skips encoding frames to ANSI; the probe does that work itself so the
figures include it. The frame timer is lifted (TEXTUAL_FPS=1000) so latencies measure
work, not the 60 fps cap; the capped figure is printed too.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TEXTUAL_FPS", "1000")

N_ITEMS = 100_000
WORDS = (
    "migration remus kemari usb pci bridge vlan switch disk memory vga resize gallium "
    "vswitch sriov dom0 nand replay scheduler credit blkback netback xend hvm pv "
    "ioreq crash hang leak resume suspend timer clock irq evtchn grant balloon"
).split()


def synthetic_plan(n: int = N_ITEMS):  # type: ignore[no-untyped-def]
    """The demo's policy and releases with ``n`` generated items."""
    from planner.demo import demo_plan
    from planner.model import BackportState, Item, Kind, Priority, State

    rnd = random.Random(42)
    base = demo_plan()
    targets = [None, "3.4.2", "3.4.3", "4.0.0", "4.1.0", "4.2.0"]
    kinds, states, prios = list(Kind), list(State), list(Priority)
    items = []
    for i in range(n):
        kind = rnd.choice(kinds)
        backports = {}
        if kind.is_fix:
            backports = {"3.4": rnd.choice(list(BackportState))}
        title = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(3, 7)))
        items.append(
            Item(
                id=f"bench#{i}",
                title=title.capitalize(),
                kind=kind,
                priority=rnd.choice(prios),
                state=rnd.choice(states),
                target=rnd.choice(targets),
                blocker=rnd.random() < 0.02,
                backports=backports,
            )
        )
    return replace(base, items=tuple(items))


class FrameProbe:
    """Records when the app puts a frame on screen (and encodes it, as a terminal would)."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.frames: list[float] = []
        self.cpu: list[float] = []
        original = app._display

        def display(screen, renderable) -> None:  # type: ignore[no-untyped-def]
            from textual._compositor import CompositorUpdate

            original(screen, renderable)
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)
                self.frames.append(time.perf_counter())
                self.cpu.append(time.process_time())

        app._display = display

    async def next_frame(self, after: float, timeout: float = 10.0) -> float:
        """Wait for a frame painted after ``after``; returns its time."""
        limit = time.perf_counter() + timeout
        while time.perf_counter() < limit:
            if self.frames and self.frames[-1] > after:
                return self.frames[-1]
            await asyncio.sleep(0)
        raise TimeoutError("no frame")


def send_key(app, key: str) -> float:  # type: ignore[no-untyped-def]
    from textual import events

    t0 = time.perf_counter()
    char = key if len(key) == 1 else None
    app._driver.send_message(events.Key(key, char))
    return t0


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await pilot.pause()


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


CPU: list[float] = []  # CPU time of this process per keypress (immune to other load)


async def press_series(app, probe, key: str, count: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(count):
        c0 = time.process_time()
        t0 = send_key(app, key)
        t1 = await probe.next_frame(t0)
        out.append((t1 - t0) * 1000)
        CPU.append((probe.cpu[-1] - c0) * 1000)
        await asyncio.sleep(0.002)
    return out


async def items_bench(plan) -> None:  # type: ignore[no-untyped-def]
    from planner.demo import DEMO_TODAY
    from planner.session import Session
    from tui.app import RelplanApp
    from tui.screens.items import ItemsScreen

    app = RelplanApp(Session(plan, today=DEMO_TODAY))
    async with app.run_test(size=(120, 40)) as pilot:
        probe = FrameProbe(app)
        await settle(pilot)
        t0 = send_key(app, "2")
        # the frame that drew the list: its rows are rendered and displayed in one call
        def drawn() -> bool:
            from tui.widgets.item_list import ItemList

            screen = app.screen
            lists = screen.query(ItemList) if isinstance(screen, ItemsScreen) else []
            return any(lst._strips for lst in lists)

        while not drawn():
            await asyncio.sleep(0)
        t1 = probe.frames[-1]
        assert t1 > t0
        print(f"Items view, {len(plan.items):,} items: key 2 -> first painted frame "
              f"{(t1 - t0) * 1000:.0f} ms (target <= 500)")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ItemsScreen)
        lst = screen.item_list
        for sort in (None, "title"):
            screen.sort_by(sort)
            await settle(pilot)
            for where, row in (("top", 0), ("middle", len(screen.rows) // 2),
                               ("bottom", len(screen.rows) - 60)):
                lst.action_jump(row)
                await settle(pilot)
                CPU.clear()
                times = await press_series(app, probe, "j", 60)
                times += await press_series(app, probe, "k", 60)
                print(f"  keypress j/k -> frame, {sort or 'unsorted':8} at {where:6}: "
                      f"p50 {pct(times, .5):5.1f} ms  p95 {pct(times, .95):5.1f} ms "
                      f"(target p95 <= 16); CPU p95 {pct(CPU, .95):4.1f} ms")
        lst.action_jump(len(screen.rows) // 2)
        await settle(pilot)
        times = await press_series(app, probe, "G", 20) + await press_series(app, probe, "g", 20)
        print(f"  keypress g/G (jump ends) -> frame: p95 {pct(times, .95):5.1f} ms")

        screen.sort_by(None)
        rows = screen.rows
        t = time.perf_counter()
        rows.set_filter("")
        rows.set_filter("kemari")
        filt = (time.perf_counter() - t) * 1000
        print(f"text filter over {len(rows.items):,} items (row model): {filt:.1f} ms, "
              f"{len(rows)} match (target <= 100)")
        rows.set_filter("")
        screen.action_focus_filter()
        await settle(pilot)
        stamps = []
        for ch in "kemari":
            t0 = send_key(app, ch)
            stamps.append((await probe.next_frame(t0) - t0) * 1000)
            await settle(pilot)
        print("  typing 'kemari' in the filter box, keypress -> frame: "
              + ", ".join(f"{s:.0f}" for s in stamps) + " ms")
        t0 = send_key(app, "escape")
        await probe.next_frame(t0)

        from tui.screens.backports import BackportsScreen

        t0 = send_key(app, "3")
        while not isinstance(app.screen, BackportsScreen):
            await asyncio.sleep(0)
        t1 = await probe.next_frame(t0)
        await settle(pilot)
        fixes = len(app.screen.query_one("#matrix").fixes)
        times = await press_series(app, probe, "j", 60)
        print(f"Backports view, {fixes:,} fixes: key 3 -> frame {(t1 - t0) * 1000:.0f} ms; "
              f"keypress j p95 {pct(times, .95):.1f} ms")


FIRST_FRAME = r"""
import sys, time
sys.path.insert(0, {root!r})
from textual.app import App
from textual._compositor import CompositorUpdate
original = App._display
def display(self, screen, renderable):
    original(self, screen, renderable)
    if isinstance(renderable, CompositorUpdate):
        renderable.render_segments(self.console)
        print(time.time(), flush=True)
        self.exit()
App._display = display
{make}
app.run(headless=True, size=(120, 40))
"""
MINIMAL = """
from textual.widgets import Static
class Minimal(App):
    def compose(self):
        yield Static("hello")
app = Minimal()
"""
RELPLAN = """
import argparse
from tui.cli.dashboard import build_app
app = build_app(argparse.Namespace(plan=None, config=None, today="2009-08-31"))
"""


def first_frame(make: str) -> float:
    code = FIRST_FRAME.format(root=str(ROOT), make=make)
    env = {**os.environ, "TEXTUAL_FPS": "60"}
    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    stamp = out.stdout.strip().splitlines()[0] if out.stdout.strip() else None
    if stamp is None:
        raise RuntimeError(out.stderr[-2000:])
    return (float(stamp) - t0) * 1000


def first_frame_bench(runs: int = 7) -> None:
    minimal, relplan = [], []
    for _ in range(runs):
        minimal.append(first_frame(MINIMAL))
        relplan.append(first_frame(RELPLAN))
    m, r = statistics.median(minimal), statistics.median(relplan)
    print(f"first frame, process start -> frame (median of {runs}): minimal Textual app "
          f"{m:.0f} ms, relplan on the demo {r:.0f} ms, ratio {r / m:.2f}x (target <= 1.5x)")


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    t = time.perf_counter()
    plan = synthetic_plan()
    print(f"built {len(plan.items):,} synthetic items in {(time.perf_counter() - t) * 1000:.0f} ms")
    asyncio.run(items_bench(plan))
    first_frame_bench()


if __name__ == "__main__":
    main()
