"""Saving, exporting and quitting: the app's file side.

Saves go through :func:`planner.planfile.save_plan` (atomic; refuses when the
file changed on disk since it was loaded). On such a change the user picks:
reload (drop the edits), merge (three-way: as loaded, ours, on disk) or
cancel. The embedded demo is never written: saving it asks for a new path.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App

from planner import ops
from planner.errors import PlanChangedOnDisk, RelplanError
from planner.model import Plan, Release


class SavingMixin(App[None]):
    """Save, save-as, export, reload/merge and quit for :class:`tui.app.RelplanApp`."""

    history: ops.History
    path: Path | None
    fingerprint: str | None
    is_demo: bool
    loaded_plan: Plan

    if TYPE_CHECKING:  # provided by RelplanApp

        @property
        def plan(self) -> Plan: ...

        @property
        def train(self) -> list[Release]: ...

        def set_status(self, text: str) -> None: ...

        def plan_changed(self, description: str) -> None: ...

    def action_save(self) -> None:
        from tui.screens.dialogs import PathScreen

        if self.is_demo or self.path is None:
            self.push_screen(
                PathScreen("The demo is never overwritten. Save the plan as:"), self._save_as
            )
            return
        self.save_to(self.path, self.fingerprint)

    def _save_as(self, answer: str | None) -> None:
        if answer is None:
            self.set_status("not saved")
            return
        from planner.planfile import user_path

        try:
            path = user_path(answer)
        except RelplanError as exc:
            self.set_status(f"not saved: {exc}")
            return
        if path.exists():
            self.set_status(f"not saved: {path} exists; choose a new path")
            return
        if self.save_to(path, None):
            self.is_demo = False

    def save_to(self, path: Path, expected: str | None) -> bool:
        """Write the plan to ``path``; True when written."""
        from planner.planfile import save_plan

        try:
            # A short wait for another writer: the UI must not freeze behind it.
            self.fingerprint = save_plan(self.plan, self.train, path, expected, wait=2.0)
        except PlanChangedOnDisk:
            self._changed_on_disk(path)
            return False
        except RelplanError as exc:
            self.set_status(f"not saved: {exc}")
            return False
        self.path = path
        self.loaded_plan = self.plan
        self.history.mark_saved()
        self.set_status(f"saved {path}")
        return True

    def _changed_on_disk(self, path: Path) -> None:
        from tui.screens.dialogs import ConfirmScreen
        from tui.widgets.safe import markup_safe

        question = (
            f"{markup_safe(path)} changed on disk since it was loaded (a git pull?).\n\n"
            "[b]r[/b] reload it (drop your edits)   [b]m[/b] merge your edits into it   "
            "[b]c[/b] cancel"
        )
        self.push_screen(ConfirmScreen(question, ("r", "m", "c")), self._resolve_change)

    def _resolve_change(self, answer: str | None) -> None:
        if answer == "r":
            self.reload()
        elif answer == "m":
            self.merge_from_disk()
        else:
            self.set_status("not saved: the file on disk changed")

    def _load_disk(self) -> Any:
        from planner.planfile import load_plan

        assert self.path is not None
        return load_plan(self.path)

    def reload(self) -> None:
        """Replace the plan by the file on disk, dropping edits and history."""
        try:
            loaded = self._load_disk()
        except RelplanError as exc:
            self.set_status(f"cannot reload: {exc}")
            return
        self.history.reset(loaded.plan)
        self.loaded_plan, self.fingerprint = loaded.plan, loaded.fingerprint
        self.plan_changed(f"reloaded {self.path}")

    def merge_from_disk(self) -> None:
        """Three-way merge of our edits into the file on disk, then save (undoable)."""
        from planner.merge import three_way

        try:
            loaded = self._load_disk()
        except RelplanError as exc:
            self.set_status(f"cannot merge: {exc}")
            return
        merged, conflicts = three_way(self.loaded_plan, self.plan, loaded.plan)
        self.history.record(ops.Change(merged, "merged the file on disk", ("*",)))
        self.loaded_plan, self.fingerprint = loaded.plan, loaded.fingerprint
        self.plan_changed("merged the file on disk")
        assert self.path is not None
        if self.save_to(self.path, self.fingerprint):
            shown = "; ".join(
                f"{c.key or c.scope}.{c.field}: yours {c.ours!s}, theirs {c.theirs!s}"
                for c in conflicts[:2]
            )
            more = f" (+{len(conflicts) - 2} more)" if len(conflicts) > 2 else ""
            note = f"; {len(conflicts)} conflict(s), yours kept: {shown}{more}" if conflicts else ""
            self.set_status(f"merged the file on disk and saved {self.path}{note}")

    def action_export(self) -> None:
        from tui.screens.dialogs import PathScreen

        self.push_screen(PathScreen("Export the TOML release plan to:"), self._export)

    def _export(self, answer: str | None) -> None:
        if answer is None:
            return
        from planner.planfile import dumps_toml, user_path, write_atomic

        try:
            path = user_path(answer)
        except RelplanError as exc:
            self.set_status(f"not exported: {exc}")
            return
        if self.path is not None and path.resolve() == self.path.resolve():
            self.set_status("export goes to a new file; use ctrl+s to save the plan")
            return
        try:
            write_atomic(path, dumps_toml(self.plan, self.train).encode("utf-8"))
        except RelplanError as exc:
            self.set_status(f"not exported: {exc}")
            return
        self.set_status(f"exported {path}")

    async def action_quit(self) -> None:
        if not self.history.dirty:
            self.exit()
            return
        from tui.screens.dialogs import ConfirmScreen

        question = "There are unsaved changes. Quit without saving? [b]y[/b] quit  [b]n[/b] stay"
        self.push_screen(ConfirmScreen(question), self._quit_answer)

    def _quit_answer(self, answer: str | None) -> None:
        if answer == "y":
            self.exit()
        else:
            self.set_status("not quitting: ctrl+s saves")
