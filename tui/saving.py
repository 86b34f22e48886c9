"""Saving, exporting and quitting: the app's file side, over the session's save path.

Saves go through :meth:`relplan.planner.usecases.session.Session.save` (atomic; refuses when the
file changed on disk since it was loaded). On such a change the user picks:
reload (drop the edits), merge (three-way: as loaded, ours, on disk) or
cancel. The embedded demo is never written: saving it asks for a new path.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App

from relplan.planner.domain.errors import PlanChangedOnDisk, RelplanError
from relplan.planner.usecases.export import FORMATS, export, format_for_path
from relplan.planner.usecases.files import typed_path, write_new
from relplan.tui.widgets.safe import markup_safe

if TYPE_CHECKING:
    from relplan.planner.usecases.session import Session


class SavingMixin(App[None]):
    """Save, save-as, export, reload/merge and quit for :class:`relplan.tui.app.RelplanApp`."""

    session: Session

    if TYPE_CHECKING:  # provided by RelplanApp

        def set_status(self, text: str) -> None: ...

        def plan_changed(self, description: str) -> None: ...

    def action_save(self) -> None:
        # start-up: the dialogs (~2 ms), only once a save or an export asks
        from relplan.tui.screens.dialogs import PathScreen

        if self.session.is_demo:
            self.push_screen(
                PathScreen("The demo is never overwritten. Save the plan as:"), self._save_as
            )
            return
        self.save_to(None)

    def _save_as(self, answer: str | None) -> None:
        if answer is None:
            self.set_status("not saved")
            return
        try:
            path = typed_path(answer)
        except RelplanError as exc:
            self.set_status(f"not saved: {exc}")
            return
        if path.exists():
            self.set_status(f"not saved: {path} exists; choose a new path")
            return
        self.save_to(path)

    def save_to(self, path: Path | None) -> bool:
        """Write the plan to its file (or to a new ``path``); True when written."""
        try:
            # A short wait for another writer: the UI must not freeze behind it.
            written = self.session.save(path, wait_for_writers=False)
        except PlanChangedOnDisk:
            self._changed_on_disk(self.session.writable_path())
            return False
        except RelplanError as exc:
            self.set_status(f"not saved: {exc}")
            return False
        self.plan_changed(f"saved {written}")
        return True

    def _changed_on_disk(self, path: Path) -> None:
        # start-up: the dialogs (~2 ms), only once a save or an export asks
        from relplan.tui.screens.dialogs import ConfirmScreen

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

    def reload(self) -> None:
        """Replace the plan by the file on disk, dropping edits and history."""
        try:
            self.session.reload()
        except RelplanError as exc:
            self.set_status(f"cannot reload: {exc}")
            return
        self.plan_changed(f"reloaded {self.session.path}")

    def merge_from_disk(self) -> None:
        """Three-way merge of our edits into the file on disk, then save (undoable)."""
        try:
            conflicts = self.session.merge_from_disk()
        except PlanChangedOnDisk:
            self.plan_changed("merged, but the file changed again on disk; not saved")
            return
        except RelplanError as exc:
            self.set_status(f"cannot merge: {exc}")
            return
        shown = "; ".join(
            f"{c.key or c.scope}.{c.field}: yours {c.ours!s}, theirs {c.theirs!s}"
            for c in conflicts[:2]
        )
        more = f" (+{len(conflicts) - 2} more)" if len(conflicts) > 2 else ""
        note = f"; {len(conflicts)} conflict(s), yours kept: {shown}{more}" if conflicts else ""
        self.plan_changed(f"merged the file on disk and saved {self.session.path}{note}")

    def action_export(self) -> None:
        # start-up: the dialogs (~2 ms), only once a save or an export asks
        from relplan.tui.screens.dialogs import PathScreen

        kinds = ", ".join(f.suffixes[0] for f in FORMATS.values() if f.suffixes)
        self.push_screen(PathScreen(f"Export the plan to ({kinds}):"), self._export)

    def _export(self, answer: str | None) -> None:
        path = self._new_path(answer, "not exported")
        if path is None:
            return
        own = self.session.path
        if own is not None and path.resolve() == own.resolve():
            self.set_status("export goes to a new file; use ctrl+s to save the plan")
            return
        try:
            data = export(self.session, format_for_path(path).name)
        except RelplanError as exc:
            self.set_status(f"not exported: {exc}")
            return
        self._write_new(path, data, "exported", "not exported")

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Ask where to write this screen as SVG (Textual's own signature: a filename and
        folder given by a caller are the proposal, never written without asking)."""
        # start-up: the dialogs (~2 ms), only once a save or an export asks
        from relplan.tui.screens.dialogs import PathScreen

        view = getattr(self.screen, "view_name", "screen").split()[0]
        proposal = filename or f"relplan-{view}.svg"
        if path:
            proposal = str(Path(path) / proposal)
        self.push_screen(
            PathScreen("Write this screen as an SVG picture to:", proposal),
            self._write_screenshot,
        )

    def _write_screenshot(self, answer: str | None) -> None:
        path = self._new_path(answer, "not written")
        if path is None:
            return
        title = f"{self.session.plan.name} as of {self.session.today}"
        svg = self.export_screenshot(title=title)
        self._write_new(path, svg.encode("utf-8"), "wrote", "not written")

    def _new_path(self, answer: str | None, failed: str) -> Path | None:
        """The path typed (``~user`` expanded), or None with the reason on the status line."""
        if answer is None:
            return None
        try:
            return typed_path(answer)
        except RelplanError as exc:
            self.set_status(f"{failed}: {exc}")
            return None

    def _write_new(self, path: Path, data: bytes, verb: str, failed: str) -> None:
        """Write a new file; an existing one only when the user says so here (the command
        line's --force means nothing in the dashboard)."""
        if path.exists():
            # start-up: the dialogs (~2 ms), only once a save or an export asks
            from relplan.tui.screens.dialogs import ConfirmScreen

            question = f"{path} exists. Replace it? [b]y[/b] replace  [b]n[/b] keep it"
            self.push_screen(
                ConfirmScreen(question),
                lambda answer: self._replace(answer, path, data, verb, failed),
            )
            return
        self._write(path, data, verb, failed, force=False)

    def _replace(self, answer: str | None, path: Path, data: bytes, verb: str, failed: str) -> None:
        if answer == "y":
            self._write(path, data, verb, failed, force=True)
        else:
            self.set_status(f"{failed}: {path} exists and was kept")

    def _write(self, path: Path, data: bytes, verb: str, failed: str, *, force: bool) -> None:
        try:
            write_new(path, data, force=force)
        except RelplanError as exc:
            self.set_status(f"{failed}: {exc}")
            return
        self.set_status(f"{verb} {path}")

    async def action_quit(self) -> None:
        if not self.session.dirty:
            self.exit()
            return
        # start-up: the dialogs (~2 ms), only once a save or an export asks
        from relplan.tui.screens.dialogs import ConfirmScreen

        question = "There are unsaved changes. Quit without saving? [b]y[/b] quit  [b]n[/b] stay"
        self.push_screen(ConfirmScreen(question), self._quit_answer)

    def _quit_answer(self, answer: str | None) -> None:
        if answer == "y":
            self.exit()
        else:
            self.set_status("not quitting: ctrl+s saves")
