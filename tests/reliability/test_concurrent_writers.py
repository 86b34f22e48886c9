"""Two writers of one plan at once: nothing lost, never two "success" lines for one survivor.

The save checks "changed on disk?" and renames under the plan's lock; import
and sync re-load and merge what the other writer saved; the dashboard's save
refuses with a clear message. Reproduced with real ``relplan import`` processes.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from runner import popen

from relplan.planner.domain.errors import PlanChangedOnDisk, PlanError
from relplan.planner.domain.model import Item, Plan
from relplan.planner.domain.policy import Policy
from relplan.planner.store.atomic import lock_path, plan_lock
from relplan.planner.store.planfile import load_plan, save_plan


def bullets(path: Path, prefix: str, count: int = 50) -> Path:
    path.write_text("".join(f"- {prefix} item {n}\n" for n in range(count)), encoding="utf-8")
    return path


def two_imports(tmp_path: Path, plan: Path, env: dict[str, str]) -> list[tuple[int, str]]:
    a = bullets(tmp_path / "a.md", "alpha")
    b = bullets(tmp_path / "b.md", "beta")
    procs = [popen("--plan", str(plan), "import", str(f), cwd=tmp_path, env=env) for f in (a, b)]
    out = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=120)
        out.append((proc.returncode, stdout + stderr))
    return out


@pytest.mark.parametrize(
    ("rounds", "env"),
    [
        # A pause before each rename widens the race window to 0.3 s: without the
        # lock both writers pass the check and one rename overwrites the other.
        (4, {"RELPLAN_TEST_SLOW_RENAME": "0.3"}),
        (6, {}),  # as it comes
    ],
    ids=["slow-rename", "natural"],
)
def test_two_imports_into_one_plan_lose_nothing(
    tmp_path: Path, rounds: int, env: dict[str, str]
) -> None:
    for n in range(rounds):
        plan = tmp_path / f"plan{n}.toml"
        if n % 2:  # an existing plan, as well as a new one
            save_plan(Plan(f"plan{n}", Policy()), [], plan, None)
        results = two_imports(tmp_path, plan, env)
        for code, text in results:
            assert code == 0, text
            assert "added 50" in text
        items = {it.id for it in load_plan(plan).plan.items}
        said = [(code, text.splitlines()[0]) for code, text in results]
        assert len(items) == 100, f"round {n}: {len(items)} items survive; {said}"
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_second_writer_waits_then_refuses_when_the_file_changed(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    fp = save_plan(Plan("p", Policy()), [], path, None)
    holding = threading.Event()

    def other_writer() -> None:
        with plan_lock(path.resolve()):
            holding.set()
            time.sleep(0.4)
            path.write_text(path.read_text() + "# someone else\n")

    thread = threading.Thread(target=other_writer)
    thread.start()
    holding.wait(5)
    started = time.monotonic()
    with pytest.raises(PlanChangedOnDisk, match="changed since it was loaded"):
        save_plan(Plan("p", Policy(), (), (Item("p#1", "mine"),)), [], path, fp)
    thread.join()
    assert time.monotonic() - started >= 0.3  # it waited for the holder, then re-checked
    assert path.read_text().endswith("# someone else\n")


def test_a_writer_held_up_too_long_gets_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    fp = save_plan(Plan("p", Policy()), [], path, None)
    release = threading.Event()
    holding = threading.Event()

    def other_writer() -> None:
        with plan_lock(path.resolve()):
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=other_writer)
    thread.start()
    holding.wait(5)
    try:
        with pytest.raises(PlanError, match=r"another relplan \(process \d+\) is writing"):
            save_plan(Plan("q", Policy()), [], path, fp, wait=0.2)
    finally:
        release.set()
        thread.join()
    assert load_plan(path).plan.name == "p"
    assert not lock_path(path.resolve()).exists()  # removed on release
