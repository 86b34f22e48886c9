"""Markdown roadmaps as people write them: inline hints, checkboxes, stable ids on re-import,
and a re-import that never overwrites local triage (the rule of sync)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from relplan.planner.store.planfile import load_plan
from relplan.planner.trackers.files import reads_items
from relplan.tui.cli import main

ROADMAP = """# Roadmap 4.23

- [x] NUMA placement [4.23] @roger #feature
- [ ] Fix the ioreq overflow [4.23] @jan @andrew !blocker #bug {#xsa-400}
- Faster live migration !high
  continued on a second line #accepted
- Keep #hashtags that mean nothing
"""


def test_inline_hints_are_read_and_stripped_from_titles() -> None:
    items = {r.item.id: r.item for r in reads_items(ROADMAP, "r.md", "road", ".md")}
    numa = items["road#numa-placement"]
    assert (numa.title, numa.state.value, numa.target, numa.owner) == (
        "NUMA placement", "done", "4.23", "roger",
    )  # fmt: skip
    xsa = items["road#xsa-400"]  # an explicit id
    assert (xsa.title, xsa.kind.value, xsa.blocker, xsa.owner) == (
        "Fix the ioreq overflow", "bug", True, "jan; andrew",
    )  # fmt: skip
    fast = items["road#faster-live-migration-continued-on-a"]  # ids: 40 characters of the title
    assert (fast.priority.value, fast.state.value) == ("high", "accepted")
    assert items["road#keep-hashtags-that-mean-nothing"].title == "Keep #hashtags that mean nothing"


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def plan_and_roadmap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    roadmap = tmp_path / "road.md"
    roadmap.write_text("- Faster live migraton #accepted\n- Per-domain NUMA placement\n")
    plan = tmp_path / "plan.toml"
    code, _, err = cli("--plan", str(plan), "import", str(roadmap))
    assert code == 0, err
    return plan, roadmap


def test_fixing_a_letter_of_a_title_keeps_the_item(plan_and_roadmap: tuple[Path, Path]) -> None:
    plan, roadmap = plan_and_roadmap
    roadmap.write_text("- Faster live migration #accepted\n- Per-domain NUMA placement\n")
    code, out, _ = cli("--plan", str(plan), "import", str(roadmap))
    assert code == 0 and "added 0, updated 1" in out
    items = load_plan(plan).plan.items
    assert len(items) == 2
    assert {it.title for it in items} == {"Faster live migration", "Per-domain NUMA placement"}
    assert "road#faster-live-migraton" in {it.id for it in items}  # the id it had


def test_reimport_never_overwrites_local_triage(plan_and_roadmap: tuple[Path, Path]) -> None:
    plan, roadmap = plan_and_roadmap
    item = "road#per-domain-numa-placement"
    cli("--plan", str(plan), "set", item, "--priority", "critical")  # as in the dashboard
    code, _, err = cli("--plan", str(plan), "import", str(roadmap))  # the file says nothing new
    assert code == 0
    assert load_plan(plan).plan.item(item).priority.value == "critical"  # type: ignore[union-attr]
    # the file changes it too, differently: the plan keeps its value and says so
    roadmap.write_text("- Faster live migraton #accepted\n- Per-domain NUMA placement !low\n")
    code, _, err = cli("--plan", str(plan), "import", str(roadmap))
    assert load_plan(plan).plan.item(item).priority.value == "critical"  # type: ignore[union-attr]
    assert "kept the plan's value" in err and "priority" in err


def test_a_change_in_the_file_is_taken_where_the_plan_did_not_move(
    plan_and_roadmap: tuple[Path, Path],
) -> None:
    plan, roadmap = plan_and_roadmap
    roadmap.write_text("- Faster live migraton #accepted !high\n- Per-domain NUMA placement\n")
    code, _, _ = cli("--plan", str(plan), "import", str(roadmap))
    got = load_plan(plan).plan.item("road#faster-live-migraton")
    assert code == 0 and got is not None and got.priority.value == "high"
