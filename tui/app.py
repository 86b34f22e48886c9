"""The relplan dashboard: views over one plan, edits as undoable planner operations.

The app owns the plan's :class:`~planner.ops.History`; views render
``app.plan`` and report what the cursor is on. Every triage key runs one pure
operation from :mod:`planner.ops` on the view's selection and records it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType

from planner import ops
from planner.calendar import build_train, maintained_series
from planner.laying import at_risk
from planner.model import BackportState, Item, Plan, Priority, Release
from tui.keymap import binding_ids, keymap_warning
from tui.messages import SyncStatus
from tui.saving import SavingMixin
from tui.screens.base import ViewScreen
from tui.screens.timeline import TimelineScreen

if TYPE_CHECKING:
    from planner.config import GitConfig
    from planner.git.join import Evidence
    from tui.widgets.backport_matrix import BackportCell

TRIAGE_ACTIONS = {
    "accept", "defer", "reject", "priority", "blocker", "backport", "next", "prev", "target",
}  # fmt: skip


def _items_screen() -> ViewScreen:
    from tui.screens.items import ItemsScreen

    return ItemsScreen()


def _backports_screen() -> ViewScreen:
    from tui.screens.backports import BackportsScreen

    return BackportsScreen()


def _commands() -> type:
    from tui.commands import RelplanCommands

    return RelplanCommands


class RelplanApp(SavingMixin):
    """Timeline, items, release and backport views over one plan.

    Tracker sync plugs in through ``sync_handler`` (run by the ``s`` key as an
    exclusive worker), which reports progress with :meth:`set_sync_status` or by
    posting :class:`~tui.messages.SyncStatus`, and hands the merged plan to
    :meth:`apply_synced` (one undoable change).
    """

    sync_handler: Callable[[RelplanApp], Awaitable[None]] | None = None

    CSS_PATH = "app.tcss"
    TITLE = "relplan"
    # Views other than the start view are imported when first shown: a faster first frame.
    MODES: ClassVar = {
        "timeline": TimelineScreen,
        "items": lambda: _items_screen(),
        "backports": lambda: _backports_screen(),
    }
    DEFAULT_MODE = "timeline"
    COMMANDS = App.COMMANDS | {lambda: _commands()}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "view('timeline')", "Timeline", id="view_timeline"),
        Binding("2", "view('items')", "Items", id="view_items"),
        Binding("3", "view('backports')", "Backports", id="view_backports"),
        Binding("question_mark", "help", "Help", id="help", tooltip="Keys of this view"),
        Binding("a", "accept", "Accept", id="accept", tooltip="Accept the item(s)"),
        Binding("d", "defer", "Defer", id="defer", tooltip="Defer: no target"),
        Binding("x", "reject", "Reject", show=False, id="reject"),
        Binding("p", "priority", "Priority", show=False, id="priority"),
        Binding("b", "blocker", "Blocker", show=False, id="blocker"),
        Binding("B", "backport", "Backport", show=False, id="backport"),
        Binding("right_square_bracket", "next", "Next rel", id="next_release",
                tooltip="Move to the next release that can take it"),
        Binding("left_square_bracket", "prev", "Prev rel", show=False, id="prev_release",
                tooltip="Move to the previous release that can take it"),
        Binding("t", "target", "Target", show=False, id="target"),
        Binding("s", "sync", "Sync", show=False, id="sync",
                tooltip="Pull items from the trackers in the config"),
        Binding("u", "undo", "Undo", id="undo"),
        Binding("ctrl+r", "redo", "Redo", show=False, id="redo"),
        Binding("ctrl+s", "save", "Save", id="save"),
        Binding("e", "export", "Export", show=False, id="export",
                tooltip="Write the TOML release plan to a path"),
        Binding("q", "quit", "Quit", id="quit",
                tooltip="Quit (asks when there are unsaved changes)"),
    ]  # fmt: skip

    def __init__(
        self,
        plan: Plan,
        *,
        today: dt.date,
        path: Path | None = None,
        fingerprint: str | None = None,
        is_demo: bool = False,
        keymap: Mapping[str, str] | None = None,
        git: GitConfig | None = None,
    ) -> None:
        super().__init__()
        self.git_config = git
        self.git_evidence: Evidence | None = None
        self.history = ops.History(plan)
        self.today = today
        self.path = path
        self.fingerprint = fingerprint
        self.is_demo = is_demo
        self.loaded_plan = plan
        self.status_text = (
            "the embedded demo is never overwritten; ctrl+s saves a copy where you say"
            if is_demo
            else ""
        )
        self.sync_text = ""
        self._keymap_config = dict(keymap or {})
        self._train_for: tuple[object, object] | None = None
        self._train: list[Release] = []
        self._risk_for: Plan | None = None
        self._risk: frozenset[str] = frozenset()

    def on_mount(self) -> None:
        if self.git_config is not None and self.git_config.repo is not None:
            self.scan_git()
        if self._keymap_config:
            self.set_keymap(self._keymap_config)
            unknown = sorted(set(self._keymap_config) - binding_ids())
            if unknown:
                self.set_status(keymap_warning(unknown))

    # -- git evidence --------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="git", exit_on_error=False)
    def scan_git(self) -> None:
        """Read the backport evidence of the configured repository (in a thread)."""
        from planner.errors import RelplanError
        from planner.git.join import plan_evidence

        git = self.git_config
        assert git is not None and git.repo is not None
        self.call_from_thread(self.set_sync_status, f"git: scanning {git.repo} …")
        try:
            evidence = plan_evidence(
                self.plan, self.train, self.today, str(git.repo),
                upstream=git.upstream, pattern=git.branch_pattern,
            )  # fmt: skip
        except RelplanError as exc:
            self.call_from_thread(self.set_sync_status, f"git: {exc.problems[0]}")
            return
        self.call_from_thread(self._git_ready, evidence)

    def _git_ready(self, evidence: Evidence) -> None:
        self.git_evidence = evidence
        conflicts = len(evidence.conflicts)
        rows = len(evidence.scan.rows)
        text = f"git: {rows} fix/branch pairs read"
        self.set_sync_status(
            text + (f"; {conflicts} tracker-vs-git conflict(s)" if conflicts else "")
        )
        if self.view is not None:
            self.view.show_plan()

    def backport_cell_info(self) -> Callable[[Item, str], BackportCell] | None:
        """Git's word per backport cell, once a repository has been scanned."""
        return self.backport_cell if self.git_evidence is not None else None

    def backport_cell(self, item: Item, series: str) -> BackportCell:
        """What the tracker and git say about one fix on one branch."""
        from tui.widgets.backport_matrix import BackportCell

        tracker = item.backports.get(series)
        ev = self.git_evidence
        if ev is None:
            return BackportCell(tracker, None, "", None)
        conflict = ev.conflict(item.id, series)
        return BackportCell(
            tracker,
            ev.state(item.id, series),
            ev.evidence(item.id, series),
            conflict.message if conflict else None,
        )

    # -- derived data ------------------------------------------------------------------
    @property
    def plan(self) -> Plan:
        """The current plan (after every edit, undo and redo)."""
        return self.history.plan

    @property
    def train(self) -> list[Release]:
        """The release train of the current plan (rebuilt when releases or policy change)."""
        plan = self.plan
        known = self._train_for
        if known is None or known[0] is not plan.releases or known[1] is not plan.policy:
            self._train = build_train(plan, self.today)
            self._train_for = (plan.releases, plan.policy)
        return self._train

    @property
    def release_order(self) -> dict[str, int]:
        """Release versions in calendar order."""
        return {r.version: i for i, r in enumerate(self.train)}

    @property
    def at_risk_ids(self) -> frozenset[str]:
        """Open items their release can no longer take."""
        if self._risk_for is not self.plan:
            self._risk = frozenset(at_risk(self.plan, self.train, self.today))
            self._risk_for = self.plan
        return self._risk

    def maintained_series(self) -> list[str]:
        """Series of point releases still supported today, newest first."""
        return maintained_series(self.train, self.today)

    def title_text(self, view: str) -> str:
        """The title line of a view."""
        from rich.markup import escape

        where = "DEMO (never written)" if self.is_demo else str(self.path or "unsaved plan")
        dirty = "  [b]● unsaved changes[/b]" if self.history.dirty else ""
        name, where = escape(self.plan.name), escape(where)
        return f"[b]relplan[/b] · {name} · as of {self.today} · {view} · {where}{dirty}"

    # -- views ---------------------------------------------------------------------------
    @property
    def view(self) -> ViewScreen | None:
        """The active view screen, if the top screen is one."""
        return self.screen if isinstance(self.screen, ViewScreen) else None

    def action_view(self, mode: str) -> None:
        from tui.screens.release import ReleaseScreen

        while isinstance(self.screen, ReleaseScreen):
            self.pop_screen()
        self.switch_mode(mode)

    def open_release(self, version: str) -> None:
        """Show the release view of a version."""
        from tui.screens.release import ReleaseScreen

        if any(r.version == version for r in self.train):
            self.push_screen(ReleaseScreen(version))
        else:
            self.set_status(f"{version} is not on the release train")

    def show_preset(self, name: str) -> None:
        """Switch to the Items view showing a preset list."""
        self.action_view("items")
        self.call_after_refresh(self._apply_preset, name)

    def sort_items(self, column: str) -> None:
        """Switch to the Items view sorted by a column."""
        self.action_view("items")
        self.call_after_refresh(self._apply_sort, column)

    def _apply_sort(self, column: str) -> None:
        from tui.screens.items import ItemsScreen

        if isinstance(self.screen, ItemsScreen):
            self.screen.sort_by(column)

    def _apply_preset(self, name: str) -> None:
        from tui.screens.items import ItemsScreen

        if isinstance(self.screen, ItemsScreen):
            self.screen.set_preset(name)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        view = getattr(self.screen, "view_name", type(self.screen).__name__)
        bindings = self.screen.active_bindings
        self.push_screen(HelpScreen(bindings, f"the {view} view", self.get_key_display))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in TRIAGE_ACTIONS:
            view = self.view
            return bool(view is not None and getattr(view, "has_items", False))
        if action == "undo":
            return True if self.history.can_undo else None
        if action == "redo":
            return True if self.history.can_redo else None
        return True

    # -- status lines ----------------------------------------------------------------------
    def set_status(self, text: str) -> None:
        """Show text on the status line of the current view."""
        self.status_text = text
        if self.view is not None:
            self.view.refresh_chrome()

    def set_sync_status(self, text: str) -> None:
        """Show tracker-sync progress on the sync line (call from the UI thread)."""
        self.sync_text = text
        if self.view is not None:
            self.view.refresh_chrome()

    def on_sync_status(self, message: SyncStatus) -> None:
        self.set_sync_status(message.text)

    def action_sync(self) -> None:
        handler = self.sync_handler
        if handler is None:
            self.set_sync_status("sync: not set up here; run `relplan sync` in a shell")
            return
        self.run_worker(handler(self), group="sync", exclusive=True, exit_on_error=False)

    def apply_synced(self, plan: Plan, description: str = "synced from the trackers") -> None:
        """Make a plan merged from the trackers current (undoable like any edit)."""
        self.apply(ops.Change(plan, description, ("*",)))

    # -- edits -------------------------------------------------------------------------------
    def apply(self, change: ops.Change) -> None:
        """Record a change and redraw, or say why nothing changed."""
        if self.history.record(change):
            self.plan_changed(change.description)
        else:
            self.set_status(change.description)

    def plan_changed(self, description: str) -> None:
        """The plan is different now: redraw the view and say what happened."""
        self.status_text = description
        view = self.view
        if view is not None:
            view.show_plan()
            view.refresh_chrome()
        self.refresh_bindings()

    def _selected(self) -> set[str]:
        return self.view.selection() if self.view is not None else set()

    def _run(self, op: Callable[[Plan, set[str]], ops.Change]) -> None:
        ids = self._selected()
        if not ids:
            self.set_status("no item selected")
            return
        self.apply(op(self.plan, ids))

    def action_accept(self) -> None:
        self._run(ops.accept)

    def action_defer(self) -> None:
        self._run(ops.defer)

    def action_reject(self) -> None:
        self._run(ops.reject)

    def action_blocker(self) -> None:
        self._run(ops.toggle_blocker)

    def action_next(self) -> None:
        self._run(lambda plan, ids: ops.move(plan, ids, self.train, self.today, 1))

    def action_prev(self) -> None:
        self._run(lambda plan, ids: ops.move(plan, ids, self.train, self.today, -1))

    def action_priority(self) -> None:
        choices = [(p.value, p.value) for p in Priority]
        self._ask("Priority for the selected item(s)", choices, self._set_priority)

    def _set_priority(self, value: str, ids: set[str]) -> None:
        self.apply(ops.set_priority(self.plan, ids, Priority(value)))

    def action_target(self) -> None:
        choices = [
            (r.version, f"{r.version:10} {r.kind.value:12} {r.day}")
            for r in self.train
            if not r.shipped and r.day >= self.today
        ]
        choices.append(("-", "unscheduled (no target)"))
        self._ask("Target release for the selected item(s)", choices, self._set_target)

    def _set_target(self, value: str, ids: set[str]) -> None:
        self.apply(ops.set_target(self.plan, ids, None if value == "-" else value))

    def action_backport(self, series: str | None = None) -> None:
        if series is None:
            policy = self.plan.policy
            branches = [(s, f"{s} ({policy.branch_for(s)})") for s in self.maintained_series()]
            if not branches:
                self.set_status("no maintained branch to backport to")
                return
            self._ask("Backport to which branch?", branches, self._ask_backport_state)
        else:
            self._ask_backport_state(series, self._selected())

    def action_backport_cell(self, item_id: str, series: str) -> None:
        """Ask for the backport state of one fix on one branch."""
        self._ask_backport_state(series, {item_id})

    def _ask_backport_state(self, series: str, ids: set[str]) -> None:
        choices = [(s.value, s.value) for s in BackportState]

        def done(value: str, ids: set[str]) -> None:
            self.apply(ops.set_backport(self.plan, ids, series, BackportState(value)))

        self._ask(f"Backport state on {series}", choices, done, ids)

    def _ask(
        self,
        question: str,
        choices: Sequence[tuple[str, str]],
        then: Callable[[str, set[str]], None],
        ids: set[str] | None = None,
    ) -> None:
        chosen = self._selected() if ids is None else ids
        if not chosen:
            self.set_status("no item selected")
            return

        from tui.screens.dialogs import ChoiceScreen

        def answer(value: str | None) -> None:
            if value is not None:
                then(value, chosen)

        self.push_screen(ChoiceScreen(question, choices), answer)

    def action_undo(self) -> None:
        description = self.history.undo()
        if description is None:
            self.set_status("nothing to undo")
        else:
            self.plan_changed(f"undone: {description}")

    def action_redo(self) -> None:
        description = self.history.redo()
        if description is None:
            self.set_status("nothing to redo")
        else:
            self.plan_changed(f"redone: {description}")
