"""Saving: atomic writes, the demo is never written, external changes, the quit prompt."""

from __future__ import annotations

import json
from pathlib import Path

from relplan.planner.store.planfile import load_plan
from relplan.tui.app import RelplanApp
from relplan.tui.screens.dialogs import ConfirmScreen, PathScreen

SIZE = (120, 40)


async def move_remus(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("2", "slash", *"Remus", "enter", "right_square_bracket")


async def test_save_writes_the_plan_atomically(file_app: RelplanApp, plan_file: Path) -> None:
    async with file_app.run_test(size=SIZE) as pilot:
        await move_remus(pilot)
        assert file_app.session.history.dirty
        await pilot.press("ctrl+s")
        assert not file_app.session.history.dirty
        assert "saved" in file_app.status_text
    saved = load_plan(plan_file)
    assert saved.plan.item("demo#remus").target == "4.1.0"  # type: ignore[union-attr]
    assert saved.fingerprint == file_app.session.fingerprint
    assert sorted(p.name for p in plan_file.parent.iterdir()) == ["xen.toml"]  # no temp left


async def test_undo_after_save_makes_the_plan_dirty_again(file_app: RelplanApp) -> None:
    async with file_app.run_test(size=SIZE) as pilot:
        await move_remus(pilot)
        await pilot.press("ctrl+s", "u")
        assert file_app.session.history.dirty
        await pilot.press("ctrl+r")
        assert not file_app.session.history.dirty


async def test_the_demo_is_never_written_save_asks_for_a_path(
    demo_app: RelplanApp, tmp_path: Path
) -> None:
    target = tmp_path / "mine.toml"
    async with demo_app.run_test(size=SIZE) as pilot:
        await move_remus(pilot)
        await pilot.press("ctrl+s")
        assert isinstance(demo_app.screen, PathScreen)
        await pilot.press(*str(target), "enter")
        assert not demo_app.session.is_demo and demo_app.session.path == target
    assert load_plan(target).plan.item("demo#remus").target == "4.1.0"  # type: ignore[union-attr]


async def test_external_change_offers_reload(file_app: RelplanApp, plan_file: Path) -> None:
    async with file_app.run_test(size=SIZE) as pilot:
        await move_remus(pilot)
        theirs = plan_file.read_text().replace("Per-disk I/O limits", "Per-disk I/O caps")
        plan_file.write_text(theirs)
        await pilot.press("ctrl+s")
        assert isinstance(file_app.screen, ConfirmScreen)
        assert plan_file.read_text() == theirs  # nothing overwritten
        await pilot.press("r")
        assert file_app.session.plan.item("demo#remus").target == "4.0.0"  # type: ignore[union-attr]
        assert file_app.session.plan.item("demo#disk-io-limits").title == "Per-disk I/O caps"  # type: ignore[union-attr]
        assert not file_app.session.history.dirty and not file_app.session.history.can_undo


async def test_external_change_offers_merge(file_app: RelplanApp, plan_file: Path) -> None:
    async with file_app.run_test(size=SIZE) as pilot:
        await move_remus(pilot)
        plan_file.write_text(
            plan_file.read_text().replace("Per-disk I/O limits", "Per-disk I/O caps")
        )
        await pilot.press("ctrl+s", "m")
        assert "merged" in file_app.status_text
    merged = load_plan(plan_file).plan
    assert merged.item("demo#remus").target == "4.1.0"  # type: ignore[union-attr]
    assert merged.item("demo#disk-io-limits").title == "Per-disk I/O caps"  # type: ignore[union-attr]


async def test_external_change_cancel_keeps_edits(file_app: RelplanApp, plan_file: Path) -> None:
    async with file_app.run_test(size=SIZE) as pilot:
        await move_remus(pilot)
        plan_file.write_text(plan_file.read_text() + "\n")
        await pilot.press("ctrl+s", "c")
        assert file_app.session.history.dirty
        assert file_app.session.plan.item("demo#remus").target == "4.1.0"  # type: ignore[union-attr]


async def test_quit_asks_when_there_are_unsaved_changes(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await move_remus(pilot)
        await pilot.press("q")
        assert isinstance(demo_app.screen, ConfirmScreen)
        await pilot.press("n")
        assert demo_app.is_running and not isinstance(demo_app.screen, ConfirmScreen)
        await pilot.press("q", "y")
        await pilot.pause()
        assert not demo_app.is_running


async def test_quit_without_changes_does_not_ask(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert not demo_app.is_running


async def test_export_writes_toml_to_a_path(demo_app: RelplanApp, tmp_path: Path) -> None:
    target = tmp_path / "export.toml"
    async with demo_app.run_test(size=SIZE) as pilot:
        await pilot.press("e", *str(target), "enter")
    assert load_plan(target).plan.item("demo#remus") is not None


async def test_export_picks_the_format_by_the_extension(
    demo_app: RelplanApp, tmp_path: Path
) -> None:
    """``e`` to ``new.ics`` writes the calendar feed and ``.json`` JSON, as ``relplan export
    --format`` does (the dashboard once wrote TOML whatever the name); an extension no
    format has writes nothing and says which ones exist."""
    session = demo_app.session
    async with demo_app.run_test(size=SIZE) as pilot:
        for name in ("new.ics", "new.json", "new.toml"):
            await pilot.press("e", *str(tmp_path / name), "enter")
            await pilot.pause()
        await pilot.press("e", *str(tmp_path / "new.docx"), "enter")
        await pilot.pause()
        assert demo_app.status_text.startswith("not exported: ")
        assert ".ics" in demo_app.status_text
    assert (tmp_path / "new.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert load_plan(tmp_path / "new.toml").plan.item("demo#remus") is not None
    assert json.loads((tmp_path / "new.json").read_text())["plan"]["name"] == session.plan.name
    assert not (tmp_path / "new.docx").exists()


async def test_export_to_an_impossible_path_says_so(demo_app: RelplanApp, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "folder" / "export.toml"
    async with demo_app.run_test(size=SIZE) as pilot:
        await pilot.press("e", *str(target), "enter")
        await pilot.pause()
        assert demo_app.status_text.startswith("not exported:")
        assert demo_app.is_running
    assert not target.exists()


async def test_merge_conflict_keeps_ours_and_says_so(file_app: RelplanApp, plan_file: Path) -> None:
    async with file_app.run_test(size=SIZE) as pilot:
        await move_remus(pilot)  # ours: 4.1.0
        text = plan_file.read_text()
        head, _, tail = text.partition('id = "demo#remus"')
        plan_file.write_text(head + 'id = "demo#remus"' + tail.replace('"4.0.0"', '"4.2.0"', 1))
        await pilot.press("ctrl+s", "m")
        assert (
            "1 conflict(s), yours kept: demo#remus.target: yours 4.1.0, theirs 4.2.0"
            in file_app.status_text
        )
    assert load_plan(plan_file).plan.item("demo#remus").target == "4.1.0"  # type: ignore[union-attr]


async def test_w_writes_the_screen_as_svg_and_over_a_file_only_when_told(
    demo_app: RelplanApp, tmp_path: Path
) -> None:
    target = tmp_path / "timeline.svg"
    async with demo_app.run_test(size=SIZE) as pilot:
        await demo_app.workers.wait_for_complete()
        await pilot.press("w", "ctrl+u", *str(target), "enter")
        await pilot.pause()
        assert demo_app.status_text == f"wrote {target}"
        first = target.read_text()
        assert first.startswith("<svg") and "Xen" in first
        target.write_text("mine")
        await pilot.press("w", "ctrl+u", *str(target), "enter")
        await pilot.pause()
        assert isinstance(demo_app.screen, ConfirmScreen)  # the dashboard asks, no --force
        assert demo_app.screen.question.startswith(f"{target} exists. Replace it?")
        await pilot.press("n")
        assert demo_app.status_text == f"not written: {target} exists and was kept"
        assert target.read_text() == "mine"
        await pilot.press("w", "ctrl+u", *str(target), "enter")
        await pilot.pause()
        await pilot.press("y")
        assert demo_app.status_text == f"wrote {target}"
        assert target.read_text().startswith("<svg")
        assert not any("--force" in m for m in demo_app.messages)
