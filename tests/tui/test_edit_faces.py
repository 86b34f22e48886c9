"""Issue 21, "two faces, two behaviours": ``relplan add``/``edit``/``set`` and the
dashboard's ``n``/``E`` forms and ``t`` dialog go through one use case
(:mod:`relplan.planner.usecases.edits`), so the same text gives the same item, and the
same guard rail stops both (the CLI with exit 2 unless --force, the dashboard by asking)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Input

from relplan.planner.domain.ops import Change
from relplan.planner.domain.rules import FROZEN_RULE, SHIPPED_RULE
from relplan.planner.store.planfile import load_plan
from relplan.planner.store.tables import item_to_json
from relplan.planner.usecases.edits import field_changes
from relplan.tui.app import RelplanApp
from relplan.tui.screens.dialogs import ConfirmScreen
from relplan.tui.screens.item import ItemForm
from tests.session.test_release_verbs import DAY, cli, write_demo

SIZE = (120, 40)
#: The texts typed into the form, and the same as options of ``relplan add``/``edit``.
NEW = {"title": "NUMA placement", "kind": "bug", "priority": "high", "target": "4.0.0",
       "owner": "Keir Fraser", "url": "https://lists.xen.org/numa"}  # fmt: skip
EDIT = {"title": "Remus HA", "owner": "Keir Fraser", "target": "4.1.0", "area": "tools"}


def _options(texts: dict[str, str]) -> list[str]:
    return [part for name, text in texts.items() if name != "title"
            for part in (f"--{name}", text)]  # fmt: skip


async def _fill_form(app: RelplanApp, pilot: object, texts: dict[str, str]) -> None:
    form = app.screen
    assert isinstance(form, ItemForm)
    for name, text in texts.items():
        form.query_one(f"#field-{name}", Input).value = text
    await pilot.press("enter")  # type: ignore[attr-defined]


async def test_add_by_the_form_and_by_the_command_line_make_the_same_item(
    demo_app: RelplanApp, tmp_path: Path
) -> None:
    path = write_demo(tmp_path)
    code, _, err = cli("--plan", str(path), "--today", DAY, "add", NEW["title"], *_options(NEW))
    assert code == 0, err
    by_cli = load_plan(path).plan.item("local#numa-placement")
    async with demo_app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "n")
        await _fill_form(demo_app, pilot, NEW)
        by_form = demo_app.session.plan.item("local#numa-placement")
    assert by_cli is not None and by_form is not None
    assert item_to_json(by_form) == item_to_json(by_cli)


async def test_edit_by_the_form_and_by_the_command_line_change_the_same_fields(
    demo_app: RelplanApp, tmp_path: Path
) -> None:
    path = write_demo(tmp_path)
    argv = ("--plan", str(path), "--today", DAY, "edit", "demo#remus", "--title", EDIT["title"])
    code, out, err = cli(*argv, *_options(EDIT), "--dry-run", "--format", "json")
    assert code == 0, err
    async with demo_app.run_test(size=SIZE) as pilot:
        before = demo_app.session.plan
        await pilot.press("2", "slash", *"remus", "enter", "E")
        await _fill_form(demo_app, pilot, EDIT)
        after = Change(demo_app.session.plan, "", ("demo#remus",))
        by_form = [c.to_json() for c in field_changes(before, after)]
    assert by_form == json.loads(out)
    assert {r["field"] for r in by_form} == {"title", "owner", "target", "area"}


@pytest.mark.parametrize(
    "verb, texts, rule",
    [
        ("add", {"title": "New feature", "target": "4.0.0"}, FROZEN_RULE),  # frozen
        ("edit", {"target": "3.4.1"}, SHIPPED_RULE),  # demo#remus to a shipped release
    ],
)
async def test_the_same_guard_rail_stops_both_faces(
    demo_app: RelplanApp, tmp_path: Path, verb: str, texts: dict[str, str], rule: str
) -> None:
    path = write_demo(tmp_path)
    before = path.read_bytes()
    head = [texts["title"]] if verb == "add" else ["demo#remus"]
    code, _, err = cli("--plan", str(path), "--today", DAY, verb, *head, *_options(texts))
    assert code == 2 and "--force" in err and path.read_bytes() == before
    [refused] = [line for line in err.splitlines() if rule in line]
    async with demo_app.run_test(size=SIZE) as pilot:
        plan = demo_app.session.plan
        await pilot.press("2", *(["n"] if verb == "add" else ["slash", *"remus", "enter", "E"]))
        await _fill_form(demo_app, pilot, texts)
        assert isinstance(demo_app.screen, ConfirmScreen)
        asked = [line for line in demo_app.screen.question.splitlines() if rule in line]
        # the same rule, the same reason, the same item, word for word
        said = refused.split("--target: ", 1)[1].removesuffix(" (add --force to do it anyway)")
        assert [line.removeprefix("· ") for line in asked] == [said]
        await pilot.press("n")
        assert demo_app.session.plan is plan  # nothing changed
