"""A development update read back: `relplan import` applies people's edited lines (prognosis
and owners) to the plan, three-way like sync."""

from __future__ import annotations

from pathlib import Path

import pytest

from relplan.planner.domain.model import Prognosis
from relplan.planner.outputs.devupdate import looks_like_update, parse_update
from relplan.planner.store.planfile import load_plan
from tests.reports.conftest import DEMO_DAY, PlanRepo, run

REMUS = "*  Fault tolerance: Remus and Kemari [demo#remus] (fair)\n   -  Brendan\n"
VGA = "*  VGA pass-through for VT-d [demo#vga-passthrough] (fair)\n"
OVERCOMMIT = "*  Dynamic memory overcommit [demo#memory-overcommit] (good)\n   -  Dan\n"


def write_update(capsys: pytest.CaptureFixture[str], plan: Path, target: Path) -> str:
    common = ("--plan", str(plan), "--today", DEMO_DAY)
    code, _, err = run(capsys, *common, "report", "--kind", "update", "-o", str(target))
    assert code == 0, err
    return target.read_text(encoding="utf-8")


def item(plan: Path, item_id: str) -> tuple[str | None, str | None]:
    it = load_plan(plan).plan.item(item_id)
    assert it is not None
    return (it.prognosis.value if it.prognosis else None), it.owner


def test_an_edited_update_round_trips_through_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "xen.toml"  # not in git: no base but the plan itself
    run(capsys, "--today", DEMO_DAY, "export", "-o", str(plan))
    reply = tmp_path / "reply.txt"
    text = write_update(capsys, plan, reply)
    assert REMUS in text and VGA in text
    text = text.replace(
        REMUS,
        "*  Fault tolerance: Remus and Kemari [demo#remus] (good)\n   -  Brendan\n   -  Minjae\n",
    )
    text = text.replace(
        VGA, "*  VGA pass-through for VT-d [demo#vga-passthrough] (ok)\n   -  Ian\n"
    )
    reply.write_text(text, encoding="utf-8")

    code, out, err = run(capsys, "--plan", str(plan), "import", str(reply))
    assert code == 0, err
    assert "development update of 4.0.0 (2009-08-31): 9 entries, 9 matched, 4 changes" in out
    assert "changed demo#remus prognosis: fair -> good" in out
    assert "changed demo#remus owner: Brendan -> Brendan; Minjae" in out
    assert "changed demo#vga-passthrough owner: unset -> Ian" in out
    assert item(plan, "demo#remus") == ("good", "Brendan; Minjae")
    assert item(plan, "demo#vga-passthrough") == ("ok", "Ian")
    assert item(plan, "demo#memory-overcommit") == ("good", "Dan")  # untouched

    # The next update shows the edited lines as people wrote them; importing it changes nothing.
    again = write_update(capsys, plan, tmp_path / "next.txt")
    assert (
        "*  Fault tolerance: Remus and Kemari [demo#remus] (good)\n   -  Brendan\n   -  Minjae\n"
        in again
    )
    assert "*  VGA pass-through for VT-d [demo#vga-passthrough] (ok)\n   -  Ian\n" in again
    before = plan.read_bytes()
    code, out, _ = run(capsys, "--plan", str(plan), "import", str(tmp_path / "next.txt"))
    assert code == 0 and "0 changes, 0 conflicts (nothing to write)" in out
    assert plan.read_bytes() == before


def test_three_way_with_the_plan_as_of_the_updates_day(
    plan_repo: PlanRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    # The update went out on 2009-08-31 from the plan committed then (2009-07-01).
    reply = plan_repo.folder.parent / "reply.txt"
    text = write_update(capsys, plan_repo.plan, reply)
    # Since then the release manager set overcommit to done and Remus to ok, and committed.
    plan_repo.edit(
        'prognosis = "good"\narea = "Hypervisor"', 'prognosis = "done"\narea = "Hypervisor"'
    )
    plan_repo.edit('prognosis = "fair"\narea = "Toolstack"', 'prognosis = "ok"\narea = "Toolstack"')
    plan_repo.commit("2009-09-02T10:00:00Z", "after the update")
    # The reply: Remus says good (a conflict with ok), VGA says ok (only the reply changed it),
    # overcommit untouched (the reply still says good: not a change, the plan keeps done).
    text = text.replace(REMUS, REMUS.replace("(fair)", "(good)"))
    text = text.replace(VGA, VGA.replace("(fair)", "(ok)"))
    assert OVERCOMMIT in text
    reply.write_text(text, encoding="utf-8")

    code, out, err = run(capsys, "--plan", str(plan_repo.plan), "import", str(reply))
    assert code == 0, err
    assert "1 changes, 1 conflicts" in out
    assert "base (what the update said): quoted lines, else the plan as of the update's day" in out
    assert "conflict demo#remus prognosis: the plan changed it to ok and the reply to good" in out
    assert item(plan_repo.plan, "demo#remus")[0] == "ok"
    assert item(plan_repo.plan, "demo#vga-passthrough")[0] == "ok"
    assert item(plan_repo.plan, "demo#memory-overcommit")[0] == "done"


def test_a_quoted_reply_takes_the_quoted_lines_as_base(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "xen.toml"
    run(capsys, "--today", DEMO_DAY, "export", "-o", str(plan))
    sent = write_update(capsys, plan, tmp_path / "sent.txt")
    quoted = "".join(f"> {line}".rstrip() + "\n" for line in sent.splitlines())
    # The answer under the quoted Remus entry, and an item nobody tracks yet.
    answer = ">    -  Brendan\n\n*  Fault tolerance: Remus and Kemari (ok)\n-  Brendan\n\n"
    assert ">    -  Brendan\n" in quoted
    quoted = quoted.replace(">    -  Brendan\n", answer, 1)
    quoted = quoted.replace("> == Linux ==\n", "> == Linux ==\n\n*  Stub domains (fair)\n", 1)
    reply = tmp_path / "reply.eml"
    reply.write_text("On Monday the release manager wrote:\n" + quoted, encoding="utf-8")
    code, out, err = run(capsys, "--plan", str(plan), "import", str(reply))
    assert code == 0, err
    assert "changed demo#remus prognosis: fair -> ok" in out
    assert "1 changes, 0 conflicts" in out
    assert "no item matches line" in out and "Stub domains" in out
    assert item(plan, "demo#remus") == ("ok", "Brendan")


def test_entries_match_by_id_and_ambiguous_titles_are_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "xen.toml"
    run(capsys, "--today", DEMO_DAY, "export", "-o", str(plan))
    reply = tmp_path / "reply.md"
    reply.write_text(
        "Re: 4.0.0 development update\n\n*  Remus, renamed (good) [demo#remus]\n   -  Brendan\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "--plan", str(plan), "import", str(reply))
    assert code == 0 and "changed demo#remus prognosis: fair -> good" in out
    # Two items with one title: the line names neither; an [id] would.
    text = plan.read_text(encoding="utf-8")
    plan.write_text(
        text.replace('title = "VGA pass-through for VT-d"', 'title = "Dynamic memory overcommit"'),
        encoding="utf-8",
    )
    reply.write_text("a development update\n\n*  Dynamic memory overcommit (ok)\n", "utf-8")
    code, out, _ = run(capsys, "--plan", str(plan), "import", str(reply))
    assert "fits several items (demo#memory-overcommit, demo#vga-passthrough)" in out
    assert "0 changes" in out


def test_a_markdown_update_parses_to_the_same_entries(capsys: pytest.CaptureFixture[str]) -> None:
    _, text, _ = run(capsys, "report", "--kind", "update", "--format", "text")
    _, md, _ = run(capsys, "report", "--kind", "update", "--format", "markdown")
    assert looks_like_update(text) and looks_like_update(md)
    plain, marked = parse_update(text), parse_update(md)
    strip = [(e.title, e.prognosis, e.owners) for e in plain.entries]
    assert strip == [(e.title, e.prognosis, e.owners) for e in marked.entries]
    assert len(strip) == 9  # the Items section only: blockers and risks repeat items
    assert ("Fault tolerance: Remus and Kemari", Prognosis.FAIR, ("Brendan",)) in strip
    assert plain.release == "4.0.0" and str(plain.day) == DEMO_DAY
    assert not looks_like_update("- [bug] a plain bullet list (ok)\n")


def test_the_demo_is_never_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reply = tmp_path / "reply.txt"
    _, text, _ = run(capsys, "report", "--kind", "update")
    reply.write_text(text.replace(REMUS, REMUS.replace("(fair)", "(good)")), encoding="utf-8")
    code, _, err = run(capsys, "import", str(reply))
    assert code == 2 and "the embedded demo is never written" in err
