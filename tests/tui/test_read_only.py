"""The read-only dashboard (what ``relplan serve`` runs): every write action is disabled, the
title line says so, and no key changes the plan or writes a file."""

from __future__ import annotations

from pathlib import Path

from relplan.planner.domain import ops
from relplan.tui.app import WRITE_ACTIONS, RelplanApp
from relplan.tui.cli.served import READ_ONLY_NOTE

SIZE = (120, 40)


async def test_no_key_writes_or_changes_anything(file_app: RelplanApp, plan_file: Path) -> None:
    before = plan_file.read_bytes()
    file_app.read_only = True
    file_app.status_text = READ_ONLY_NOTE
    async with file_app.run_test(size=SIZE) as pilot:
        assert "READ-ONLY" in file_app.title_text("timeline")
        await pilot.press("2", "slash", *"Remus", "enter")
        for key in ("right_square_bracket", "a", "d", "x", "b", "u", "ctrl+s", "S", "L",
                    "s", "P", "e", "w", "n", "E"):  # fmt: skip
            await pilot.press(key)
            await pilot.press("escape")  # a dialog, had one opened
        assert not file_app.session.dirty
        assert all(file_app.check_action(a, ()) is False for a in WRITE_ACTIONS)
        assert file_app.check_action("view", ("items",)) is True
        remus = file_app.session.plan.item("demo#remus")
        assert remus is not None
        file_app.apply(ops.add(file_app.session.plan, remus))  # a screen's own edit
        assert "read-only" in file_app.status_text and not file_app.session.dirty
    assert plan_file.read_bytes() == before
    assert sorted(p.name for p in plan_file.parent.iterdir()) == ["xen.toml"]


async def test_the_same_keys_do_write_when_not_read_only(file_app: RelplanApp) -> None:
    async with file_app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "slash", *"Remus", "enter", "right_square_bracket")
        assert file_app.session.dirty
        assert "READ-ONLY" not in file_app.title_text("items")
