"""The unit of work: one plan, its history of changes, its file.

The plan being worked on, its undoable history, its day, config and file: apply, undo,
redo, save (atomically, never over a file changed on disk), reload, merge from disk,
export. Derived values are memoized per plan (:meth:`_memo`).

:class:`relplan.planner.usecases.session.Session` is the last of a line of classes, each
adding one job to the one before: UnitOfWork, Queries, Backports, Triage, Shipping,
Tracking.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relplan.planner.domain import ops
from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.errors import PlanError, Problem
from relplan.planner.domain.laying import lay
from relplan.planner.domain.model import Plan, Release
from relplan.planner.store.atomic import LOCK_WAIT, SHORT_WAIT, file_mode, state_dir, write_new
from relplan.planner.store.cachedir import default_cache_dir
from relplan.planner.store.config import Config

if TYPE_CHECKING:
    from relplan.planner.domain.merge import Conflict as MergeConflict
    from relplan.planner.git.join import Evidence
    from relplan.planner.trackers.pushplan import SourceBases


class UnitOfWork:
    """The unit of work: one plan, its history of changes, its file."""

    def __init__(
        self,
        plan: Plan,
        *,
        today: dt.date,
        config: Config | None = None,
        path: Path | None = None,
        fingerprint: str | None = None,
    ) -> None:
        self.config = config if config is not None else Config()
        self.today = today
        self.path = path
        self.fingerprint = fingerprint
        self.history = ops.History(plan)
        self.loaded = plan  # as on disk: the base of a three-way merge
        self.evidence: Evidence | None = None
        self._cache: dict[str, tuple[object, Any]] = {}
        self.notes: list[str] = []
        """What opening repaired on the way in (a sync interrupted between plan and cache)."""
        self._push_bases: list[SourceBases] | None = None  # read by pending_pushes

    @property
    def is_demo(self) -> bool:
        """True when showing the embedded demo, which is never written."""
        return self.path is None

    def writable_path(self) -> Path:
        """The plan file to write; the demo has none, so this is a clear error there."""
        if self.path is None:
            raise PlanError(
                Problem(
                    "the embedded demo is never written",
                    hint="pass --plan PATH (a new path creates a plan file there)",
                )
            )
        return self.path

    def cache_folder(self) -> Path:
        """Where the caches, the git scan and a crash log go: ``[cache] dir`` of the config,
        else the user's cache folder (:func:`relplan.planner.store.cachedir.default_cache_dir`)."""
        return self.config.cache_dir or default_cache_dir()

    # -- derived values ---------------------------------------------------------------------
    def _memo(self, name: str, key: tuple[object, ...], compute: Callable[[], Any]) -> Any:
        """``compute()`` once per ``key``: a tuple of plan, day, evidence... compared by
        identity (plans are immutable; comparing them by value would cost more than
        computing)."""
        known = self._cache.get(name)
        if known is not None:
            old = known[0]
            assert isinstance(old, tuple)
            if len(old) == len(key) and all(a is b for a, b in zip(old, key, strict=True)):
                return known[1]
        value = compute()
        self._cache[name] = (key, value)
        return value

    @property
    def plan(self) -> Plan:
        """The current plan (after every edit, undo and redo)."""
        return self.history.plan

    def train(self, upcoming: int | None = None) -> list[Release]:
        """The release train on ``today``; ``upcoming`` overrides the policy's horizon."""
        plan = self.plan
        result: list[Release] = self._memo(
            f"train{upcoming}",
            (plan.releases, plan.policy, plan.support, self.today),
            lambda: self._build_train(plan, upcoming),
        )
        return result

    def _build_train(self, plan: Plan, upcoming: int | None) -> list[Release]:
        try:
            return build_train(plan, self.today, upcoming)
        except PlanError as exc:  # the calendar's problems belong to the plan file
            where = str(self.path) if self.path else None
            raise PlanError([replace(p, file=p.file or where) for p in exc.problems]) from None

    # -- edits ----------------------------------------------------------------------------------
    def laid(self) -> Plan:
        """The current plan laid onto the train: accepted unscheduled items get a target."""
        plan = self.plan
        # Laid on the plan's own present, not today: the plan does not change with the clock.
        result: Plan = self._memo("laid", (plan, self.today), lambda: lay(plan, self.train()))
        return result

    def adopt_laid(self) -> None:
        """Start from the laid plan (the dashboard shows and edits it as export writes it);
        not an edit: nothing to undo, nothing unsaved."""
        laid = self.laid()
        if laid is not self.plan:
            self.history.reset(laid)

    def apply(self, change: ops.Change) -> bool:
        """Make ``change`` current (undoable); False when it changed nothing."""
        return self.history.record(change)

    def undo(self) -> str | None:
        """Undo the last change; its description, or None when there is none."""
        return self.history.undo()

    def redo(self) -> str | None:
        """Redo the last undone change; its description, or None."""
        return self.history.redo()

    @property
    def dirty(self) -> bool:
        """True when the plan differs from what was last loaded or saved."""
        return self.history.dirty

    # -- files ------------------------------------------------------------------------------------
    def save(self, path: Path | None = None, *, wait_for_writers: bool = True) -> Path:
        """Write the plan atomically to its file (or to ``path``, which must not exist);
        raises PlanChangedOnDisk when the file changed since it was loaded.
        ``wait_for_writers``: wait the CLI's 10 s for another writer of the file; else the
        dashboard's short wait (a UI must not freeze behind another writer)."""
        # start-up: the plan file writer (~14 ms), never needed on the demo
        from relplan.planner.store.planfile import save_plan

        target = path if path is not None else self.writable_path()
        expected = self.fingerprint if path is None or path == self.path else None
        wait = LOCK_WAIT if wait_for_writers else SHORT_WAIT
        self.fingerprint = save_plan(self.plan, self.train(), target, expected, wait=wait)
        self.path = target
        self.loaded = self.plan
        self.history.mark_saved()
        return target

    def reload(self) -> None:
        """Replace the plan by the file on disk, dropping edits and their history."""
        # start-up: the plan file reader (~14 ms), never needed on the demo
        from relplan.planner.store.planfile import load_plan

        disk = load_plan(self.writable_path())
        self.history.reset(disk.plan)
        self.loaded, self.fingerprint = disk.plan, disk.fingerprint

    def merge_from_disk(self) -> list[MergeConflict]:
        """Three-way merge of the edits into the file on disk (undoable), then save.
        Returns the fields changed on both sides (the edit was kept)."""
        # start-up: the three-way merge (~3 ms), only when the file changed on disk
        from relplan.planner.domain.merge import three_way

        # start-up: the plan file reader (~14 ms), never needed on the demo
        from relplan.planner.store.planfile import load_plan

        disk = load_plan(self.writable_path())
        merged, conflicts = three_way(self.loaded, self.plan, disk.plan)
        self.history.record(ops.Change(merged, "merged the file on disk", ("*",)))
        self.loaded, self.fingerprint = disk.plan, disk.fingerprint
        self.save()
        return conflicts

    def write_recovery(self, folder: Path | None = None) -> Path:
        """Write the current plan beside the plan file (or into ``folder``) as
        ``<name>.recovered-<time>.toml``, never over a file nor through a symlink, with
        the plan file's permissions: what the dashboard keeps of unsaved edits when it
        must stop. A read-only plan folder sends it to the user's state folder. Returns
        the path written (the message names it)."""
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        base = self.path if self.path is not None else Path("relplan-demo.toml")
        folders = [folder] if folder is not None else [base.absolute().parent, state_dir()]
        data = self.export_toml().encode("utf-8")
        mode = file_mode(base, 0o600)
        for n in range(1, 100):
            name = f"{base.stem}.recovered-{stamp}{'' if n == 1 else f'-{n}'}.toml"
            try:
                return write_new(name, data, folders, mode)
            except FileExistsError:
                continue
        raise FileExistsError(f"{base.stem}.recovered-{stamp}-*.toml")

    def export_toml(self) -> str:
        """The plan as a TOML release plan, laid onto the train (:meth:`laid`: what the
        dashboard shows and edits); never git's states or items."""
        # start-up: the TOML writer (~14 ms), only to export
        from relplan.planner.store.planfile import dumps_toml

        return dumps_toml(self.laid(), self.train())
