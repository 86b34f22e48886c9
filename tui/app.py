"""The relplan dashboard: views over one :class:`~relplan.planner.usecases.session.Session`.

The app holds the session; views render from it and report what the cursor is
on. Every triage key asks the session for one undoable change on the view's
selection. When the session's plan or git evidence changes the app bumps
``revision``, which every view watches (see :mod:`relplan.tui.shell`).
"""

from __future__ import annotations

import datetime as dt
import gc
import traceback
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.markup import escape
from rich.segment import Segments
from textual import work
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.worker import Worker, WorkerState

from relplan.planner.domain import ops
from relplan.planner.domain.errors import RelplanError
from relplan.planner.usecases.session import Session
from relplan.planner.usecases.tracking import Outcome, Reporter
from relplan.tui.keymap import ids_of, keymap_clashes, keymap_warning
from relplan.tui.messages import SyncStatus
from relplan.tui.palette import theme_defaults, use_theme
from relplan.tui.saving import SavingMixin
from relplan.tui.screens.base import ViewScreen
from relplan.tui.triage import Triage
from relplan.tui.views import start_view, view_bindings, view_modes, view_owners
from relplan.tui.widgets.safe import markup_safe

if TYPE_CHECKING:
    from relplan.planner.trackers.push import Write


def _commands() -> type:
    # The palette's commands (with the help and item-column modules they list) load when
    # the palette first opens (start-up: ~3 ms)
    from relplan.tui.commands import RelplanCommands

    return RelplanCommands


WRITE_ACTIONS = frozenset({
    "accept", "defer", "reject", "priority", "blocker", "backport", "next", "prev", "target",
    "new_item",
    "edit_item", "ship", "slip", "confirm_stage", "undo", "redo", "save", "sync", "push",
    "export", "screenshot",
})  # fmt: skip
"""What a read-only dashboard (``relplan serve``) refuses: every action that changes the plan
or writes a file or a tracker (a triage action by its name in ``triage('<name>')``)."""


class RelplanApp(SavingMixin):
    """Timeline, items, release and backport views over one session.

    ``s`` runs :meth:`relplan.planner.usecases.session.Session.sync` in an exclusive worker;
    progress goes to the sync line, the merged plan becomes one undoable change.
    """

    CSS_PATH = "app.tcss"
    TITLE = "relplan"
    read_only = False
    resume_gc = False
    """Set by ``relplan`` (:func:`relplan.tui.cli.dashboard.run_dashboard`), which pauses the
    cyclic garbage collector for the start-up: the app resumes it after its first frame."""
    """Set by ``relplan serve``: every action of :data:`WRITE_ACTIONS` is disabled (and
    :meth:`apply` refuses), the title line says so."""
    # The views come from the registry (relplan.tui.views); each is imported when first shown.
    MODES: ClassVar = view_modes()
    DEFAULT_MODE = "timeline"  # per session: see __init__
    # relplan's own commands only: every action of the view, go to release, presets, sorts
    COMMANDS = {lambda: _commands()}
    BINDINGS: ClassVar[list[BindingType]] = [
        # ? and q first: the footer keeps them when a narrow terminal cuts the rest
        Binding("question_mark", "help", "Help", id="help", tooltip="Keys of this view"),
        Binding("q", "quit", "Quit", id="quit",
                tooltip="Quit (asks when there are unsaved changes)"),
        *view_bindings(),
        Binding("a", "triage('accept')", "Accept", id="accept", tooltip="Accept the item(s)"),
        Binding("d", "triage('defer')", "Defer", id="defer",
                tooltip="Defer the item(s): a deferred item targets no release"),
        Binding("x", "triage('reject')", "Reject", show=False, id="reject"),
        Binding("p", "triage('priority')", "Priority", show=False, id="priority"),
        Binding("b", "triage('blocker')", "Blocker", show=False, id="blocker"),
        Binding("B", "triage('backport')", "Backport", show=False, id="backport"),
        Binding("right_square_bracket", "triage('next')", "Next rel", id="next_release",
                tooltip="Move to the next release that can take it"),
        Binding("left_square_bracket", "triage('prev')", "Prev rel", show=False, id="prev_release",
                tooltip="Move to the previous release that can take it"),
        Binding("t", "triage('target')", "Target", show=False, id="target"),
        Binding("s", "sync", "Sync", show=False, id="sync",
                tooltip="Pull items from the trackers in the config"),
        Binding("P", "push", "Push", show=False, id="push",
                tooltip="Write local triage back to the trackers: the list first, then confirm"),
        Binding("i", "triage('details')", "Details", show=False, id="item_details",
                tooltip="Everything about the item: fields, why, backports with git's evidence"),
        Binding("o", "triage('open_link')", "Open link", show=False, id="open_link",
                tooltip="Open the item's tracker page in the browser"),
        Binding("n", "triage('new_item')", "New item", show=False, id="new_item"),
        Binding("E", "triage('edit_item')", "Edit item", show=False, id="edit_item"),
        Binding("S", "triage('ship')", "Ship", show=False, id="ship",
                tooltip="Record that the release under the cursor shipped (preview first)"),
        Binding("L", "triage('slip')", "Slip", show=False, id="slip",
                tooltip="Move the release's day: what-if preview of every date, then confirm"),
        Binding("C", "triage('confirm_stage')", "Confirm", show=False, id="confirm_stage",
                tooltip="Confirm the next tentative stage of the release under the cursor"),
        Binding("u", "undo", "Undo", id="undo"),
        Binding("ctrl+r", "redo", "Redo", show=False, id="redo"),
        Binding("ctrl+s", "save", "Save", id="save"),
        Binding("e", "export", "Export", show=False, id="export",
                tooltip="Write the TOML release plan to a path"),
        Binding("w", "screenshot", "Screenshot", show=False, id="screenshot",
                tooltip="Write this screen as an SVG picture (for wikis and slides)"),
        Binding("m", "messages", "Messages", show=False, id="messages",
                tooltip="Every status message of this session, whole"),
    ]  # fmt: skip

    revision: reactive[int] = reactive(0, init=False, always_update=True)

    def __init__(
        self,
        session: Session,
        *,
        keymap: dict[str, str] | None = None,
        start: str | None = None,
    ) -> None:
        # The first screen answers what needs you now: the Branches view when branches take
        # fixes, else the timeline (relplan.tui.views.start_view); read by App.__init__.
        # (a per-app start view: Textual reads DEFAULT_MODE in App.__init__, nowhere else)
        self.DEFAULT_MODE = start or start_view(session)  # type: ignore[misc]
        super().__init__()
        session.adopt_laid()  # shown and edited as export writes it: every item laid
        self.session = session
        self.status_text = (
            "the embedded demo is never overwritten; ctrl+s saves a copy where you say"
            if session.is_demo
            else ""
        )
        self.sync_text = ""
        self.messages: list[str] = []  # every status line said, whole (m shows them)
        self._sync_said = ""  # the sync line without the pending-pushes count
        self.pending = 0  # local decisions a push would write (P)
        self.stale = ""  # the repository's newest tag is old: the title says so
        self._keymap_config = dict(keymap if keymap is not None else session.config.keymap)
        # what is still loading, by worker group: set before the first frame, so the first
        # attention list already knows it must wait (start-up tells the truth)
        repo = session.git_repo()
        self.loading: dict[str, str] = {"git": f"git evidence from {repo}"} if repo else {}
        self.triage = Triage(self)  # the triage actions every view shares
        # The plan just read (100,000 items: a million objects) is young to the cyclic
        # collector: the start-up's allocations would trigger a full collection over all of
        # it (0.2-0.5 s before the first frame). Out of its sight until the first frame.
        gc.freeze()

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """relplan's colours (phases, states; relplan/tui/themes.toml) for the current theme:
        the light set under a light theme, the dark set otherwise."""
        return theme_defaults(self.current_theme.dark)

    def _theme_changed(self, theme: object) -> None:
        """Render code draws in the new theme's colours: every view redraws."""
        use_theme(self.get_css_variables())
        self.revision += 1

    def on_mount(self) -> None:
        use_theme(self.theme_variables or self.get_css_variables())
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        # the background reads start once the first frame is painted: a thread's imports
        # and git's processes would compete with it (the views already say what they wait
        # for: self.loading is set in __init__)
        self.call_after_refresh(self.after_first_frame)
        if self._keymap_config:
            self.set_keymap(self._keymap_config)
            unknown = sorted(set(self._keymap_config) - binding_ids())
            clashes = keymap_clashes(binding_owners(), self._keymap_config)
            warnings = [keymap_warning(unknown, binding_ids())] if unknown else []
            if clashes:
                warnings.append("keymap: " + "; ".join(clashes))
            if warnings:
                self.set_status(" | ".join(warnings))

    # -- background reads ----------------------------------------------------------------
    def after_first_frame(self) -> None:
        """The first frame is painted: resume the garbage collector, start the reads."""
        if self.resume_gc:
            # what start-up built lives as long as the app (the process): out of the
            # collector's sight, so no later collection rescans it (a pause at a keypress)
            gc.freeze()
            gc.enable()
            self.resume_gc = False
        else:  # an app in a longer-lived process (tests, a bench): collected as usual again
            gc.unfreeze()
        if self.session.git_repo() is not None:
            self.scan_git()
        if self.session.has_sources:
            self.read_last_sync()

    def waiting_for(self) -> list[str]:
        """What is still loading (see :class:`relplan.tui.shell.Shell`)."""
        return list(self.loading.values())

    def loaded(self, group: str) -> None:
        """A background read ended (done or failed): the views stop waiting for it."""
        if self.loading.pop(group, None) is not None:
            self.revision += 1

    @work(thread=True, exclusive=True, group="git", exit_on_error=False)
    def scan_git(self) -> None:
        """Read the backport evidence of the configured repository (in a thread)."""
        repo = self.session.git_repo()
        self.call_from_thread(self.set_sync_status, f"git: scanning {repo} …")
        try:
            stale = self.session.stale_repo()
            self.stale = (
                f"stale clone: newest tag {stale.tag} is {stale.age_days} days old "
                "(git fetch --tags?)"
                if stale
                else ""
            )
            evidence = self.session.scan_git()
        except RelplanError as exc:
            self.call_from_thread(self._git_ready, f"git: {exc.problems[0]}")  # stops waiting
            return
        if evidence is None:
            self.call_from_thread(self.loaded, "git")
        else:
            conflicts, rows = len(evidence.conflicts), len(evidence.scan.rows)
            text = f"git: {rows} fix/branch pairs read"
            if conflicts:
                text += f"; {conflicts} tracker-vs-git conflict(s)"
            self.call_from_thread(self._git_ready, text)

    def _git_ready(self, text: str) -> None:
        self.set_sync_status(text)
        self.loading.pop("git", None)
        self.revision += 1

    @work(thread=True, exclusive=True, group="cache", exit_on_error=False)
    def read_last_sync(self) -> None:
        """How old the tracker data is, and how many local decisions wait for a push,
        from the cache (no network; in a thread)."""
        text = self.session.sources_line()
        self.call_from_thread(self._sync_line_if_idle, text)
        self.count_pushes()

    def _sync_line_if_idle(self, text: str) -> None:
        if not self._sync_said:
            self.set_sync_status(text)

    @work(thread=True, exclusive=True, group="pending", exit_on_error=False)
    def count_pushes(self) -> None:
        """Count what a push would write (the first count reads the cache: a thread)."""

        try:
            writes = self.session.pending_pushes()
        except RelplanError:
            return  # the sync line says what is wrong with the cache or config
        count = sum(w.outcome is Outcome.PENDING for w in writes)
        self.call_from_thread(self._show_pending, count)

    def _show_pending(self, count: int) -> None:
        self.pending = count
        self.set_sync_status(self._sync_said)

    def title_text(self, view: str) -> str:
        """The title line of a view; a stale clone's warning on a line of its own under it
        (at 80 columns the title fills its line: a warning after it would be cut)."""
        session = self.session
        where = "DEMO (never written)" if session.is_demo else str(session.path or "unsaved plan")
        # what the state is comes first: at 80 columns a long name or path is cut, not it
        state = " [b]● unsaved changes[/b] ·" if session.dirty else ""
        if self.read_only:
            state = " [b]READ-ONLY[/b] ·"
            where += " (served: nothing is saved, synced or pushed)"
        name, where = markup_safe(session.plan.name), markup_safe(where)
        title = f"[b]relplan[/b] ·{state} {name} · as of {session.today} · {view} · {where}"
        return f"{title}\n[b $warning]▲ {markup_safe(self.stale)}[/]" if self.stale else title

    # -- views ---------------------------------------------------------------------------
    @property
    def view(self) -> ViewScreen | None:
        """The active view screen, if the top screen is one."""
        return self.screen if isinstance(self.screen, ViewScreen) else None

    def action_view(self, mode: str) -> None:
        # start-up: each view's module loads when it is first shown (release: ~12 ms)
        from relplan.tui.screens.release import ReleaseScreen

        while isinstance(self.screen, ReleaseScreen):
            self.pop_screen()
        self.switch_mode(mode)

    def open_release(self, version: str) -> None:
        """Show the release view of a version."""
        # start-up: each view's module loads when it is first shown (release: ~12 ms)
        from relplan.tui.screens.release import ReleaseScreen

        if any(r.version == version for r in self.session.train()):
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
        # start-up: each view's module loads when it is first shown (items: ~6 ms)
        from relplan.tui.screens.items import ItemsScreen

        if isinstance(self.screen, ItemsScreen):
            self.screen.sort_by(column)

    def _apply_preset(self, name: str) -> None:
        # start-up: each view's module loads when it is first shown (items: ~6 ms)
        from relplan.tui.screens.items import ItemsScreen

        if isinstance(self.screen, ItemsScreen):
            self.screen.set_preset(name)

    def action_help(self) -> None:
        # start-up: the help screen's module loads when help is first asked for
        from relplan.tui.screens.help import HelpScreen

        view = getattr(self.screen, "view_name", type(self.screen).__name__)
        bindings = self.screen.active_bindings
        self.push_screen(HelpScreen(bindings, f"the {view} view", self.get_key_display))

    # -- errors: shown, never a traceback; unsaved edits kept ------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A background job failed: say so where its result would have shown."""
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        text = f"{type(error).__name__}: {error}" if error is not None else "unknown error"
        if event.worker.group in ("sync", "push"):
            self.set_sync_status(f"{event.worker.group} failed: {text}")
            self.loaded("sync")
        elif event.worker.group == "pending":
            self.set_sync_status(f"push: cannot count pending pushes: {text}")
        elif event.worker.group == "git":
            self.set_sync_status(f"git: scan failed: {text}")
            self.loaded("git")
        else:
            self.set_status(f"{event.worker.group or 'a background job'} failed: {text}")

    def _handle_exception(self, error: Exception) -> None:
        """An error no view caught: keep the unsaved edits in a recovery file, keep the
        traceback in a log, and leave with a short message and exit code 1."""
        self._crash_note = crash_note(self.session, error)
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        self.bell()
        note = getattr(self, "_crash_note", "relplan stopped on an unexpected error")
        self._exit_renderables.append(Segments(self.console.render(note)))
        self._close_messages_no_wait()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        name = str(parameters[0]) if action == "triage" and parameters else action
        if self.read_only and name in WRITE_ACTIONS:
            return False
        if action == "triage":
            return self.triage.available(name)
        if action == "undo":
            return True if self.session.history.can_undo else None
        if action == "redo":
            return True if self.session.history.can_redo else None
        return True

    # -- status lines ----------------------------------------------------------------------
    def set_status(self, text: str) -> None:
        """Show text on the status line of the current view (and keep it for ``m``)."""
        self.status_text = text
        self.log_message(text)
        if self.view is not None:
            self.view.refresh_chrome()

    def log_message(self, text: str) -> None:
        """Keep a status message for the messages log (a repeat of the last one once)."""
        if text and (not self.messages or not self.messages[-1].endswith(text)):
            self.messages.append(f"{dt.datetime.now():%H:%M:%S}  {text}")

    def action_messages(self) -> None:
        # start-up: the dialogs (~3 ms) load when one is first shown
        from relplan.tui.screens.dialogs import MessagesScreen

        self.push_screen(MessagesScreen(self.messages))

    def set_sync_status(self, text: str) -> None:
        """Show tracker-sync progress on the sync line (call from the UI thread), with the
        count of pending pushes after it."""
        self._sync_said = text
        if not text.startswith(("sync ▰", "push ▰")):  # progress bars are not messages
            self.log_message(text)
        waiting = f"{self.pending} pending push{'es' if self.pending > 1 else ''} (P)"
        self.sync_text = " · ".join(t for t in (text, waiting if self.pending else "") if t)
        if self.view is not None:
            self.view.refresh_chrome()

    def on_sync_status(self, message: SyncStatus) -> None:
        self.set_sync_status(message.text)

    def action_sync(self) -> None:
        if self._busy("push"):
            self.set_sync_status("sync: wait for the running push to end")
            return
        if not self.session.has_sources:
            self.set_sync_status(
                "sync: no [[sources]] in the config; add one (see config.example.toml) "
                "and start relplan with --config"
            )
            return
        self.run_sync()

    @work(exclusive=True, group="sync", exit_on_error=False)
    async def run_sync(self) -> None:
        """Sync the config's sources (network in this event loop; progress on the sync line)."""

        def status(text: str) -> None:
            self.set_sync_status(text)

        def progress(done: int, total: int | None) -> None:
            status(progress_text(done, total))

        names = ", ".join(str(t.get("name", "?")) for t in self.session.config.source_tables)
        status(f"sync: {names} …")
        self.loading["sync"] = f"the sync of {names}"
        self.revision += 1
        try:
            result = await self.session.sync(Reporter(status=status, progress=progress))
        except RelplanError as exc:
            status(f"sync failed: {exc.problems[0]}")
            self.loading.pop("sync", None)
            self.plan_changed(self.status_text)
            return
        self.loading.pop("sync", None)
        said = result.summary()
        self.plan_changed(f"synced: {said}" if result.plan_changed else self.status_text)
        status(f"synced {dt.datetime.now():%H:%M}: {said}")
        self.count_pushes()  # the bases moved

    def _busy(self, group: str) -> bool:
        return any(w.group == group and w.is_running for w in self.workers)

    def action_push(self) -> None:
        if not self.session.has_sources or self.session.is_demo:
            self.set_sync_status(
                "push: no tracker sources, or the embedded demo (never pushed "
                "from); start relplan with --config and --plan"
            )
            return
        if self._busy("sync") or self._busy("push"):
            self.set_sync_status("push: wait for the running sync or push to end")
            return
        self.list_pushes()

    @work(thread=True, exclusive=True, group="pending", exit_on_error=False)
    def list_pushes(self) -> None:
        """The dry-run list (the plan against the cache, in a thread), then confirm."""
        try:
            writes = self.session.pending_pushes()
        except RelplanError as exc:
            self.call_from_thread(self.set_sync_status, f"push: {exc.problems[0]}")
            return
        self.call_from_thread(self._confirm_push, writes)

    def _confirm_push(self, writes: Sequence[Write]) -> None:
        from relplan.tui.screens.dialogs import ConfirmScreen  # start-up: dialogs load on use

        pending = [w for w in writes if w.outcome is Outcome.PENDING]
        skipped = [w for w in writes if w.outcome is Outcome.SKIPPED]
        self._show_pending(len(pending))
        if not pending:
            self.set_status(
                "nothing to push: the trackers hold every local decision"
                + (f" ({len(skipped)} change(s) stay local)" if skipped else "")
            )
            return
        lines = [f"Push {len(pending)} local decision(s) to the trackers?", ""]
        lines += [escape(w.change_text()) for w in pending[:15]]
        if len(pending) > 15:
            lines.append(f"… and {len(pending) - 15} more (relplan push --dry-run lists all)")
        if skipped:
            lines.append(f"({len(skipped)} change(s) stay local: relplan push --dry-run says why)")
        lines += [
            "",
            "Each field is read from the tracker first: one someone changed since "
            "the last sync is not written over.",
            "",
            "[b]y[/b] push (in the background)   [b]n[/b] cancel",
        ]

        def answer(key: str | None) -> None:
            if key == "y":
                self.run_push()
            else:
                self.set_status("nothing pushed")

        self.push_screen(ConfirmScreen("\n".join(lines), ("y", "n")), answer)

    @work(exclusive=True, group="push", exit_on_error=False)
    async def run_push(self) -> None:
        """Push (network in this event loop; progress on the sync line), then recount."""

        def progress(done: int, total: int | None) -> None:
            self.set_sync_status(progress_text(done, total, what="push"))

        self.set_sync_status("push: reading the trackers …")
        try:
            result = await self.session.push(
                reporter=Reporter(status=self.set_sync_status, progress=progress)
            )
        except RelplanError as exc:
            self.set_sync_status(f"push failed: {exc.problems[0]}")
            return
        text = result.summary()
        self.plan_changed(text)
        self.set_sync_status(text)

    # -- edits -------------------------------------------------------------------------------
    def apply(self, change: ops.Change) -> None:
        """Record a change and redraw, or say why nothing changed."""
        if self.read_only:
            self.set_status("read-only: this dashboard changes nothing")
            return
        if self.session.apply(change):
            self.plan_changed(change.description)
        else:
            self.set_status(change.description)

    def plan_changed(self, description: str) -> None:
        """The session's plan is different now: every view redraws; say what happened."""
        self.status_text = description
        self.log_message(description)
        self.revision += 1
        self.refresh_bindings()
        if self.session.has_sources and not self.session.is_demo:
            self.count_pushes()

    def edit_backport(self, item_id: str, series: str) -> None:
        """Ask for the backport state of one fix on one branch."""
        self.triage.edit_backport(item_id, series)

    def action_triage(self, name: str) -> None:
        """Run one of the triage actions every view shares (see :class:`Triage`)."""
        self.triage.run(name)

    def action_undo(self) -> None:
        description = self.session.undo()
        if description is None:
            self.set_status("nothing to undo")
        else:
            self.plan_changed(f"undone: {description}")

    def action_redo(self) -> None:
        description = self.session.redo()
        if description is None:
            self.set_status("nothing to redo")
        else:
            self.plan_changed(f"redone: {description}")


def crash_note(session: Session, error: BaseException) -> str:
    """What the user reads when the dashboard must stop: the error, where the unsaved
    edits went, where the traceback is (in the cache folder, never on screen)."""
    lines = [f"relplan stopped on an unexpected error: {type(error).__name__}: {error}"]
    if session.dirty:
        try:
            lines.append(f"your unsaved edits are in {session.write_recovery()}")
        except Exception as exc:  # noqa: BLE001 - the note must be written whatever happens
            lines.append(f"your unsaved edits could not be written ({exc})")
    try:
        folder = session.cache_folder()
        folder.mkdir(parents=True, exist_ok=True)
        log = folder / "crash.log"
        with log.open("a", encoding="utf-8") as out:
            out.write("".join(traceback.format_exception(error)) + "\n")
        lines.append(f"the details are in {log}; please report them")
    except OSError:
        pass
    return "\n".join(lines)


def binding_owners() -> list[type]:
    """Every class whose bindings a ``[keymap]`` table may remap: the app first, then what
    the view registry names (relplan.tui.views)."""
    return [RelplanApp, *view_owners()]


def binding_ids() -> set[str]:
    """Every binding id a ``[keymap]`` table may remap."""
    return ids_of(binding_owners())


def progress_text(done: int, total: int | None, width: int = 20, what: str = "sync") -> str:
    """The sync line's progress bar: ``sync ▰▰▰▱▱▱ 300/1,000 items`` (or ``push ...``)."""
    if not total:
        return f"{what}: {done:,} items so far"
    filled = min(width, round(width * done / total))
    return f"{what} {'▰' * filled}{'▱' * (width - filled)} {done:,}/{total:,} items"
