"""Import readers: TOML, JSON, CSV and bullet lists, good and bad input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from relplan.planner.domain.errors import PlanError
from relplan.planner.domain.merge import merge_items
from relplan.planner.domain.model import BackportState, Item, Kind, Priority, State
from relplan.planner.store.demo import demo_plan
from relplan.planner.store.planfile import dumps_toml
from relplan.planner.trackers.files import read_items, slug

XEN_POST = """\
Hi all,

Here is the roadmap for Xen 4.0, collected from the feature requests on this list.

Features:
 • RDMA live migration
 • Stable USB and PCI pass-through
   for PV guests
 • Fault tolerance (Remus and
Kemari) (high)
 • Virtual bridge configured like a real switch
     - e.g. VLAN tagging per NIC in the VM config
 • Per-disk I/O limits [task]

Ideas, not promised:
* Gallium 3D remoting
* Deterministic replay [feature] (low)
-  Native NAND flash
- [ ] Dom0 restartability

# Not a bullet: prose after a heading
Thanks,
Keir
--
Keir Fraser
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bullet_list_from_a_mailing_list_post(tmp_path: Path) -> None:
    records = read_items(write(tmp_path, "Xen 4.0 roadmap.txt", XEN_POST))
    titles = [r.item.title for r in records]
    assert titles == [
        "RDMA live migration",
        "Stable USB and PCI pass-through for PV guests",
        "Fault tolerance (Remus and Kemari)",
        "Virtual bridge configured like a real switch e.g. VLAN tagging per NIC in the VM config",
        "Per-disk I/O limits",
        "Gallium 3D remoting",
        "Deterministic replay",
        "Native NAND flash",
        "Dom0 restartability",
    ]
    first = records[0]
    assert first.item.id == "xen-4-0-roadmap#rdma-live-migration"
    assert first.item.kind is Kind.FEATURE and first.item.state is State.PROPOSED
    assert first.fields == frozenset({"id", "title"})
    assert records[2].item.priority is Priority.HIGH and "priority" in records[2].fields
    assert records[4].item.kind is Kind.TASK
    assert records[6].item.kind is Kind.FEATURE and records[6].item.priority is Priority.LOW


def test_numbered_and_plus_lists_are_bullets_too(tmp_path: Path) -> None:
    text = "Plan:\n1. RDMA live migration\n2) Remus\n   and Kemari\n+ Gallium 3D remoting\n"
    titles = [r.item.title for r in read_items(write(tmp_path, "r.md", text))]
    assert titles == ["RDMA live migration", "Remus and Kemari", "Gallium 3D remoting"]


def test_bullet_ids_use_the_given_source_and_stay_unique(tmp_path: Path) -> None:
    path = write(tmp_path, "r.md", "- Same thing\n- Same thing\n* Ünïcode – Grüße\n")
    ids = [r.item.id for r in read_items(path, source="xen")]
    assert ids == ["xen#same-thing", "xen#same-thing-2", "xen#unicode-grue"]
    assert slug("A " + "very-long-word " * 10) == "a-very-long-word-very-long-word-very"
    assert slug("!!!") == "item"


def test_toml_import_reads_items_like_a_plan(tmp_path: Path) -> None:
    text = """\
[[items]]
id = "remus"
title = "Fault tolerance with Remus"
state = "accepted"
backports = { "3.4" = "required" }

[[items]]
id = "other#7"
title = "Seven"
"""
    records = read_items(write(tmp_path, "roadmap.toml", text), source="xen")
    assert [r.item.id for r in records] == ["xen#remus", "other#7"]
    assert records[0].item.backports == {"3.4": BackportState.REQUIRED}
    assert records[0].fields == frozenset({"id", "title", "state", "backports"})


def test_a_whole_plan_file_can_be_imported(tmp_path: Path) -> None:
    plan = demo_plan()
    path = write(tmp_path, "plan.toml", dumps_toml(plan, []))
    records = read_items(path)
    assert {r.item.id: r.item for r in records} == {it.id: it for it in plan.items}


def test_json_import_list_or_items_object(tmp_path: Path) -> None:
    items = [
        {"id": "4211", "title": "Crash", "kind": "bug", "updated": "2009-08-01T10:00:00Z"},
        {"title": "No id", "labels": ["a", "b"]},
    ]
    for data in (items, {"items": items}):
        records = read_items(write(tmp_path, "ruby.json", json.dumps(data)), source="ruby")
        assert [r.item.id for r in records] == ["ruby#4211", "ruby#no-id"]
        assert records[0].item.updated == dt.datetime(2009, 8, 1, 10, tzinfo=dt.UTC)
        assert records[1].item.labels == ("a", "b")


def test_csv_import(tmp_path: Path) -> None:
    text = (
        "ID,Title,kind,Priority,labels,backports,blocker,estimate days,target\n"
        'demo#remus,"Remus, fault tolerance",feature,high,ha;net,3.4=required;3.3=done,yes,5,4.0\n'
        "\n"
        "demo#2,Two,bug,,,,,,\n"
    )
    records = read_items(write(tmp_path, "r.csv", text))
    remus, two = (r.item for r in records)
    assert remus == Item(
        "demo#remus",
        "Remus, fault tolerance",
        priority=Priority.HIGH,
        labels=("ha", "net"),
        backports={"3.4": BackportState.REQUIRED, "3.3": BackportState.DONE},
        blocker=True,
        estimate_days=5,
        target="4.0",
    )
    assert two == Item("demo#2", "Two", kind=Kind.BUG)
    assert records[1].fields == frozenset({"id", "title", "kind"})


def test_csv_import_merges_without_touching_unset_triage(tmp_path: Path) -> None:
    plan = demo_plan()
    local = next(it for it in plan.items if it.state is State.ACCEPTED and it.target)
    path = write(tmp_path, "r.csv", f"id,title\n{local.id},New words\n")
    result = merge_items(plan, read_items(path))
    merged = result.plan.item(local.id)
    assert result.updated == [local.id] and merged is not None
    assert merged.title == "New words" and merged.target == local.target
    assert merged.state is State.ACCEPTED


BAD = {
    "bad.csv": (
        "id,title,priority,blocker,colour,backports\n"
        "a#1,One,urgentt,maybe,red,3.4\n"
        "a#2,,low,no,,3.4=wat\n"
        "a#1,Again,low,no,,\n",
        [
            "bad.csv:1: colour: unknown key",
            'bad.csv:2: items[0] (a#1).blocker: "maybe" is not true or false',
            'bad.csv:2: items[0] (a#1).backports: "3.4" is not SERIES=STATE',
            'bad.csv:2: items[0] (a#1).priority: "urgentt" is not one of critical, high',
            'bad.csv:3: items[1] (a#2).backports."3.4": "wat" is not one of unknown',
            "bad.csv:3: items[1] (a#2).title: missing",
            'bad.csv:4: items[2] (a#1).id: "a#1" appears twice',
        ],
    ),
    "bad.json": (
        '[\n  {"id": "a#1",\n   "title": "One",\n   "state": "doing"},\n  3,\n'
        '  {"title": "x", "wat": 1}\n]\n',
        [
            'bad.json:4: items[0] (a#1).state: "doing" is not one of proposed',
            "bad.json:5: items[1]: expected an item table/object, found 3",
            "bad.json:6: items[2].wat: unknown key",
        ],
    ),
    "bad.toml": (
        '[[items]]\nid = "a#1"\ntitle = "One"\nkind = "feature request"\n\n[[itemz]]\n',
        [
            'bad.toml:4: items[0] (a#1).kind: "feature request" is not one of feature, bug',
            "bad.toml:6: itemz: unknown key (did you mean 'items'?)",
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_import_files_list_every_problem(tmp_path: Path, name: str) -> None:
    text, expected = BAD[name]
    with pytest.raises(PlanError) as caught:
        read_items(write(tmp_path, name, text))
    lines = [line.replace(str(tmp_path) + "/", "") for line in str(caught.value).splitlines()]
    assert len(lines) == len(expected), lines
    for line, want in zip(lines, expected, strict=True):
        assert line.startswith(want), (line, want)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("x.json", '{"items": [', r"x.json:1:\d+: not valid JSON"),
        ("x.json", '{"things": []}', r'x.json:1: expected a list of items or \{"items"'),
        ("x.toml", "[[items]\n", r"x.toml:1:\d+: not valid TOML"),
        ("x.csv", "", r"x.csv:1: empty file"),
        ("x.yaml", "a: 1", r"x.yaml: cannot import .yaml \(expected one of .toml"),
    ],
)
def test_unreadable_import_files(tmp_path: Path, name: str, text: str, message: str) -> None:
    with pytest.raises(PlanError, match=message):
        read_items(write(tmp_path, name, text))


def test_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "r.md"
    path.write_bytes(b"- one\n- caf\xe9\n")
    with pytest.raises(PlanError, match=r"r.md:2: not UTF-8"):
        read_items(path)


def test_json_problems_point_at_their_lines_in_an_items_object(tmp_path: Path) -> None:
    text = (
        '{"source": "x",\n "items": [\n  {"id": "a#1", "title": "A"},\n'
        '  {"id": "a#2",\n   "title": "B",\n   "blocker": "no"}\n]}\n'
    )
    with pytest.raises(PlanError) as caught:
        read_items(write(tmp_path, "r.json", text))
    (problem,) = caught.value.problems
    assert (problem.line, problem.field) == (6, "items[1] (a#2).blocker")
