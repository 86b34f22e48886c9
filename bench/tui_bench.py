"""Responsiveness figures of the dashboard (issue 3). Run: .venv/bin/python bench/tui_bench.py

Prints, with 100,000 items in memory:
- Items view: time from pressing ``2`` to the first painted frame of the list;
- keypress -> painted frame, p50/p95, at the top, middle and bottom, unsorted and sorted;
- text filter over 100k items (the row model alone, and keypress -> frame in the filter box);
- first frame of the app on the demo vs a minimal Textual app, each in a fresh process
  (in-process headless, from ``build_app``: no console script, no CLI, no terminal);
- Backports view, 2,000 fixes x 8 maintained branches with git's evidence joined in (a
  synthetic scan: a quarter of the fixes only git knows, ~800 tracker-vs-git conflicts):
  key 3 -> frame, then keypress -> painted frame p50/p95 for every moving key, the
  presets, the sorts and typing in the filter box (``--only backports``);
- the user's path: the installed ``relplan`` console script in a real pseudo-terminal
  (120x40, TERM=xterm-256color), from launch until the start view (Branches) is in the
  terminal's output stream, against a minimal Textual app launched the same way; on the
  demo, on a generated plan file (``--user-items``) and on real plans (``--user-plan``).

Run only some parts with ``--only``, e.g. ``--only user`` (the user's path, about a minute).

Headless Textual skips encoding frames to ANSI; the probe does that work itself so the
figures include it. The frame timer is lifted (TEXTUAL_FPS=1000) so latencies measure
work, not the 60 fps cap; the capped figure is printed too.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import pty
import random
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
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
    from relplan.planner.domain.model import BackportState, Item, Kind, Priority, State
    from relplan.planner.store.demo import demo_plan

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
    from relplan.planner.store.demo import DEMO_TODAY
    from relplan.planner.usecases.session import Session
    from relplan.tui.app import RelplanApp
    from relplan.tui.screens.items import ItemsScreen

    app = RelplanApp(Session(plan, today=DEMO_TODAY))
    async with app.run_test(size=(120, 40)) as pilot:
        probe = FrameProbe(app)
        await settle(pilot)
        t0 = send_key(app, "2")

        # the frame that drew the list: its rows are rendered and displayed in one call
        def drawn() -> bool:
            from relplan.tui.widgets.item_list import ItemList

            screen = app.screen
            lists = screen.query(ItemList) if isinstance(screen, ItemsScreen) else []
            return any(lst._strips for lst in lists)

        while not drawn():
            await asyncio.sleep(0)
        t1 = probe.frames[-1]
        assert t1 > t0
        print(
            f"Items view, {len(plan.items):,} items: key 2 -> first painted frame "
            f"{(t1 - t0) * 1000:.0f} ms (target <= 500)"
        )
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ItemsScreen)
        lst = screen.item_list
        for sort in (None, "title"):
            screen.sort_by(sort)
            await settle(pilot)
            for where, row in (
                ("top", 0),
                ("middle", len(screen.rows) // 2),
                ("bottom", len(screen.rows) - 60),
            ):
                lst.action_jump(row)
                await settle(pilot)
                CPU.clear()
                times = await press_series(app, probe, "j", 60)
                times += await press_series(app, probe, "k", 60)
                print(
                    f"  keypress j/k -> frame, {sort or 'unsorted':8} at {where:6}: "
                    f"p50 {pct(times, 0.5):5.1f} ms  p95 {pct(times, 0.95):5.1f} ms "
                    f"(target p95 <= 16); CPU p95 {pct(CPU, 0.95):4.1f} ms"
                )
        lst.action_jump(len(screen.rows) // 2)
        await settle(pilot)
        times = await press_series(app, probe, "G", 20) + await press_series(app, probe, "g", 20)
        print(f"  keypress g/G (jump ends) -> frame: p95 {pct(times, 0.95):5.1f} ms")

        screen.sort_by(None)
        rows = screen.rows
        t = time.perf_counter()
        rows.set_filter("")
        rows.set_filter("kemari")
        filt = (time.perf_counter() - t) * 1000
        print(
            f"text filter over {len(rows.items):,} items (row model): {filt:.1f} ms, "
            f"{len(rows)} match (target <= 100)"
        )
        rows.set_filter("")
        screen.action_focus_filter()
        await settle(pilot)
        stamps = []
        for ch in "kemari":
            t0 = send_key(app, ch)
            stamps.append((await probe.next_frame(t0) - t0) * 1000)
            await settle(pilot)
        print(
            "  typing 'kemari' in the filter box, keypress -> frame: "
            + ", ".join(f"{s:.0f}" for s in stamps)
            + " ms"
        )
        t0 = send_key(app, "escape")
        await probe.next_frame(t0)

        from relplan.tui.screens.backports import BackportsScreen

        t0 = send_key(app, "3")
        while not isinstance(app.screen, BackportsScreen):
            await asyncio.sleep(0)
        t1 = await probe.next_frame(t0)
        await settle(pilot)
        fixes = len(app.screen.query_one("#matrix").fixes)
        times = await press_series(app, probe, "j", 60)
        print(
            f"Backports view, {fixes:,} fixes: key 3 -> frame {(t1 - t0) * 1000:.0f} ms; "
            f"keypress j p95 {pct(times, 0.95):.1f} ms"
        )


FIRST_FRAME = r"""
import sys, time
sys.path.insert(0, {root!r})
from textual.app import App
import re
from textual._compositor import CompositorUpdate
original = App._display
drawn = []  # the text of every update so far, as a terminal would have it on screen
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
WANTED = [re.compile(p) for p in {drawn!r}]
def display(self, screen, renderable):
    original(self, screen, renderable)
    # Textual drops the updates made while it batches (its whole start-up): not a frame;
    # the first updates can be partial (a status line): the frame is the one that puts
    # the start view on screen
    if isinstance(renderable, CompositorUpdate) and not self._batch_count:
        drawn.append(ESCAPES.sub("", renderable.render_segments(self.console)))
        if all(p.search("".join(drawn)) for p in WANTED):
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
from relplan.tui.cli.dashboard import build_app
app = build_app(argparse.Namespace(plan=None, config=None, today="2009-08-31"))
"""


def first_frame(make: str, drawn: list[str]) -> float:
    code = FIRST_FRAME.format(root=str(ROOT), make=make, drawn=drawn)
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
        minimal.append(first_frame(MINIMAL, ["hello"]))
        relplan.append(first_frame(RELPLAN, START_DRAWN))
    m, r = statistics.median(minimal), statistics.median(relplan)
    print(
        f"first frame, process start -> frame (median of {runs}): minimal Textual app "
        f"{m:.0f} ms, relplan on the demo {r:.0f} ms, ratio {r / m:.2f}x (target <= 1.5x)"
    )


# -- the user's path: the console script in a real pseudo-terminal -----------------------
COLS, ROWS = 120, 40
MINIMAL_SCRIPT = """#!{python}
from textual.app import App
from textual.widgets import Static


class Minimal(App):
    def compose(self):
        yield Static("minimal textual app: first frame")


if __name__ == "__main__":
    Minimal().run()
"""
MINIMAL_DRAWN = [r"minimal textual app: first frame"]
# The first frame of the dashboard on a plan with supported branches (the demo as of
# 2009-08-31, a real project's plan today): the Branches view's header and a supported row
# ("3.4    maintained"; the attention lines say "3.4.0: end of maintenance").
START_DRAWN = [r"series +phase +next release", r"\d+\.\d+ +(maintained|security-only)"]
_ESCAPES = re.compile(
    rb"\x1b\[[0-9;?<>=$ ]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]"
)


def screen_text(output: bytes) -> str:
    """The text a terminal would show, in output order (escape sequences dropped)."""
    return _ESCAPES.sub(b"", output).decode("utf-8", "replace")


def _child(argv: list[str], env: dict[str, str], cwd: str) -> None:
    """In the forked child: a terminal of COLS x ROWS, then the program (never returns)."""
    try:
        os.chdir(cwd)  # no ./relplan.toml from wherever the bench was started
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        os.execve(argv[0], argv, env)
    finally:
        os._exit(127)


def _read(fd: int, timeout: float) -> bytes | None:
    """What the program wrote within ``timeout`` (b"" if nothing); None once it has gone."""
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return b""
    try:
        return os.read(fd, 65536) or None
    except OSError:  # EIO: the child closed the terminal
        return None


def _finish(pid: int, fd: int) -> None:
    """Quit the program as a user would (ctrl+q), draining its output; kill it if it hangs."""
    os.write(fd, b"\x11")
    limit = time.perf_counter() + 5
    while time.perf_counter() < limit and _read(fd, 0.1) is not None:
        pass
    for sig in (signal.SIGTERM, signal.SIGKILL):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        os.kill(pid, sig)
        time.sleep(0.2)
    else:
        os.waitpid(pid, 0)
    os.close(fd)


def cpu_ms(pid: int) -> float:
    """CPU time a process has used so far, all its threads (Linux; NaN elsewhere).

    Unlike wall time it does not grow when other work on the machine takes the cores.
    """
    total = 0
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            total += int((task / "schedstat").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return float("nan")
    return total / 1e6


def until_drawn(
    argv: list[str], drawn: list[str], cwd: str, timeout: float = 60.0
) -> tuple[float, float]:
    """Wall and CPU milliseconds from launching ``argv`` in a pty until ``drawn`` is shown.

    The environment is a user's terminal: no TEXTUAL_* tuning from this bench, the size from
    the pty (not COLUMNS/LINES), and no PYTHONDONTWRITEBYTECODE: the warm-up run writes the
    bytecode caches of relplan's own modules, as a user's first run does (without them every
    launch compiles those modules: about 40 ms of CPU here).
    """
    dropped = {"COLUMNS", "LINES", "PYTHONDONTWRITEBYTECODE"}
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL") and k not in dropped}
    env["TERM"] = "xterm-256color"
    patterns = [re.compile(p) for p in drawn]
    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        _child(argv, env, cwd)
    output = b""
    try:
        while time.perf_counter() - t0 < timeout:
            chunk = _read(fd, 0.5)
            if chunk is None:
                break
            if chunk:
                output += chunk
                text = screen_text(output)
                if all(p.search(text) for p in patterns):
                    return (time.perf_counter() - t0) * 1000, cpu_ms(pid)
    finally:
        _finish(pid, fd)
    tail = screen_text(output)[-1500:]
    raise RuntimeError(f"{argv[0]}: {drawn} not on screen within {timeout:.0f} s:\n{tail}")


def write_plan_file(n: int, path: Path) -> None:
    """The demo's policy and releases with ``n`` synthetic items, as a TOML plan file."""
    from relplan.planner.domain.calendar import build_train
    from relplan.planner.store.demo import DEMO_TODAY
    from relplan.planner.store.planfile import dumps_toml

    plan = synthetic_plan(n)
    path.write_text(dumps_toml(plan, build_train(plan, DEMO_TODAY)))


def user_path_bench(runs: int, sizes: list[int], plans: list[str] = ()) -> None:
    """The console script in a pty against a minimal app launched the same way."""
    relplan = Path(sys.executable).parent / "relplan"
    if not relplan.exists():
        raise SystemExit(f"no console script at {relplan}: pip install -e . first")
    with tempfile.TemporaryDirectory() as tmp:
        minimal = Path(tmp) / "minimal-app"
        minimal.write_text(MINIMAL_SCRIPT.format(python=sys.executable))
        minimal.chmod(0o755)
        cases: list[tuple[str, list[str]]] = [
            ("minimal Textual app", [str(minimal)]),
            ("relplan (demo)", [str(relplan), "--today", "2009-08-31"]),
        ]
        for n in sizes:
            plan = Path(tmp) / f"plan-{n}.toml"
            write_plan_file(n, plan)
            size = plan.stat().st_size / 1e6
            argv = [str(relplan), "--plan", str(plan), "--today", "2009-08-31"]
            cases.append((f"relplan --plan {n:,} items ({size:.1f} MB)", argv))
        for path in plans:  # a real project's plan (relplan init --from-git), as of today
            cases.append((f"relplan --plan {Path(path).name}", [str(relplan), "--plan", path]))
        wall: dict[str, list[float]] = {name: [] for name, _ in cases}
        cpu: dict[str, list[float]] = {name: [] for name, _ in cases}
        for round_ in range(runs + 1):  # round 0 warms the caches and is not counted
            for name, argv in cases:
                drawn = MINIMAL_DRAWN if argv[0] == str(minimal) else START_DRAWN
                ms, cpu_used = until_drawn(argv, drawn, tmp)
                if round_:
                    wall[name].append(ms)
                    cpu[name].append(cpu_used)
    base = statistics.median(wall["minimal Textual app"])
    cpu_base = statistics.median(cpu["minimal Textual app"])
    print(
        f"user's path: console script in a {COLS}x{ROWS} pty, launch -> first frame on "
        f"screen, median of {runs} interleaved runs (target <= 1.5x); wall time, and the "
        "process's CPU time by then (steadier when the machine is busy):"
    )
    for name, values in wall.items():
        med, cpu_med = statistics.median(values), statistics.median(cpu[name])
        print(
            f"  {name:40} wall {med:5.0f} ms {med / base:5.2f}x "
            f"(min {min(values):.0f}, max {max(values):.0f})   "
            f"CPU {cpu_med:4.0f} ms {cpu_med / cpu_base:5.2f}x"
        )


BRANCH_SERIES = ("4.8", "4.7", "4.6", "4.5", "4.4", "4.3", "4.2", "4.1")


def backports_session(n_fixes: int = 2000):  # type: ignore[no-untyped-def]
    """A session on 8 maintained branches with a synthetic git scan joined in: 3/4 of the
    fixes are plan items (tracker states, git's word per cell, conflicts where they
    disagree), 1/4 only git knows (``git#`` rows)."""
    import datetime as dt

    from relplan.planner.domain.model import BackportState, Item, Kind, Plan, ReleaseSpec
    from relplan.planner.domain.policy import Maintenance, MaintenanceModel, Policy
    from relplan.planner.domain.rules import backport_conflict
    from relplan.planner.git.join import Conflict, Evidence
    from relplan.planner.git.rows import BackportRow, BranchTarget, ScanResult
    from relplan.planner.usecases.session import Session

    rnd = random.Random(9)
    policy = Policy(maintenance=Maintenance(model=MaintenanceModel.NEWEST, newest=8))
    releases = tuple(
        ReleaseSpec(s, actual=dt.date(2020, 1, 7) + dt.timedelta(weeks=12 * i))
        for i, s in enumerate(reversed(BRANCH_SERIES))
    )
    today = dt.date(2021, 9, 1)  # after 4.8 shipped, before 4.9
    states = [BackportState.REQUIRED, BackportState.DONE, BackportState.DONE, None, None]
    scan = ScanResult("master", [BranchTarget(f"stable-{s}", s) for s in BRANCH_SERIES])
    items, cells, conflicts = [], {}, []
    for i in range(n_fixes):
        sha = f"{rnd.getrandbits(160):040x}"
        title = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(3, 9))).capitalize()
        kind = Kind.SECURITY if rnd.random() < 0.1 else Kind.BUG
        if i % 4 == 3:  # only git knows this one (on one branch at least)
            for n, s in enumerate(BRANCH_SERIES):
                state = rnd.choice(states) if n else BackportState.REQUIRED
                if state is not None:
                    pick = f"{rnd.getrandbits(160):040x}" if state is BackportState.DONE else None
                    why = f"Fixes: {sha[5:17]} ships in stable-{s}"
                    ev = (
                        f"picked as {pick[:12]} ('cherry picked from commit'); {why}"
                        if pick
                        else why
                    )
                    scan.rows.append(BackportRow(sha, title, f"stable-{s}", s, state, ev, pick,
                                                 "cherry picked from commit" if pick else None,
                                                 kind is Kind.SECURITY))  # fmt: skip
            continue
        item_id = f"xen#{i}" if i % 3 else f"bugzilla#{900000 + i}-{'-'.join(title.split()[:3])}"
        tracker = {s: st for s in BRANCH_SERIES if (st := rnd.choice(states)) is not None}
        scan.resolved[sha] = sha
        for s in BRANCH_SERIES:
            git = rnd.choice(states) if rnd.random() < 0.2 else tracker.get(s)
            if git is not None:
                cells[(item_id, s)] = (git, f"{sha[:12]}: Fixes: {sha[7:19]} ships in stable-{s}")
            if backport_conflict(tracker.get(s), git) is not None:
                message = f"tracker says {tracker[s]} for {s}, git says {git or 'nothing'}"
                conflicts.append(Conflict(item_id, s, f"stable-{s}", tracker[s], git, message))
        items.append(Item(item_id, title, kind, fix_commits=(sha,), backports=tracker))
    session = Session(Plan("bench", policy, releases, tuple(items)), today=today)
    session.evidence = Evidence(scan, cells, conflicts)
    return session


async def backports_bench() -> None:
    from relplan.planner.usecases.session import Session
    from relplan.tui.app import RelplanApp
    from relplan.tui.screens.backports import BackportsScreen

    t = time.perf_counter()
    session: Session = backports_session()
    built = (time.perf_counter() - t) * 1000
    app = RelplanApp(session)
    async with app.run_test(size=(160, 50)) as pilot:
        probe = FrameProbe(app)
        await settle(pilot)
        t0 = send_key(app, "3")
        while not isinstance(app.screen, BackportsScreen):
            await asyncio.sleep(0)
        t1 = await probe.next_frame(t0)
        await settle(pilot)
        matrix = app.screen.query_one("#matrix")
        fixes, branches = len(matrix.fixes), len(matrix.series)
        conflicts = len(session.conflicts())
        print(
            f"Backports view, {fixes:,} fixes x {branches} branches, {conflicts} conflicts "
            f"(built in {built:.0f} ms), 160x50: key 3 -> frame {(t1 - t0) * 1000:.0f} ms"
        )

        async def keys(label: str, *pairs: tuple[str, int]) -> None:
            CPU.clear()
            times: list[float] = []
            for key, count in pairs:
                times += await press_series(app, probe, key, count)
            print(
                f"  {label:34} p50 {pct(times, 0.5):5.1f} ms  p95 {pct(times, 0.95):5.1f} ms "
                f"(target p95 <= 16); CPU p95 {pct(CPU, 0.95):4.1f} ms"
            )

        await keys("j/k at the top", ("j", 60), ("k", 60))
        matrix.move_to(len(matrix.shown) // 2)
        await settle(pilot)
        await keys("j/k in the middle", ("j", 60), ("k", 60))
        await keys("l/h (branch columns)", ("l", 20), ("h", 20))
        await keys("pagedown/pageup", ("pagedown", 30), ("pageup", 30))
        await keys("ctrl+d/ctrl+u", ("ctrl+d", 30), ("ctrl+u", 30))
        await keys("G/g (jump to the ends)", *[("G", 1), ("g", 1)] * 20)
        await keys("f/F (presets)", ("f", 24), ("F", 24))
        await keys("> / < (sorts)", ("greater_than_sign", 15), ("less_than_sign", 15))
        send_key(app, "slash")
        await settle(pilot)
        stamps = []
        for ch in "memory":
            t0 = send_key(app, ch)
            stamps.append((await probe.next_frame(t0) - t0) * 1000)
            await settle(pilot)
        shown = len(matrix.shown)
        print(
            "  typing 'memory' in the filter box, keypress -> frame: "
            + ", ".join(f"{s:.0f}" for s in stamps)
            + f" ms ({shown} of {fixes:,} fixes match)"
        )
        send_key(app, "enter")
        await settle(pilot)
        await keys("j/k, filtered", ("j", 30), ("k", 30))


PARTS = ("items", "backports", "first-frame", "user")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--only", choices=PARTS, action="append", help="run only this part (repeatable)"
    )
    parser.add_argument("--runs", type=int, default=9, help="runs per first-frame figure")
    parser.add_argument(
        "--user-items",
        default="10000",
        metavar="N[,N...]",
        help="plan sizes for the user's path besides the demo, e.g. 10000,100000; "
        "empty for the demo only (default: 10000)",
    )
    parser.add_argument(
        "--user-plan",
        action="append",
        default=[],
        metavar="PATH",
        help="a real project's plan file for the user's path (repeatable; it must have "
        "supported branches: the first frame is the Branches view)",
    )
    args = parser.parse_args()
    parts = args.only or PARTS
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    if "items" in parts:
        t = time.perf_counter()
        plan = synthetic_plan()
        elapsed = (time.perf_counter() - t) * 1000
        print(f"built {len(plan.items):,} synthetic items in {elapsed:.0f} ms")
        asyncio.run(items_bench(plan))
    if "backports" in parts:
        asyncio.run(backports_bench())
    if "first-frame" in parts:
        first_frame_bench(args.runs)
    if "user" in parts:
        sizes = [int(n) for n in args.user_items.split(",") if n.strip()]
        user_path_bench(args.runs, sizes, [str(Path(p).resolve()) for p in args.user_plan])


if __name__ == "__main__":
    main()
