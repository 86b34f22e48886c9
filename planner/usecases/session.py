"""A working session on one plan: what every command and the dashboard start from.

A :class:`Session` loads the plan (a file or the embedded demo) and the config,
knows the day it is evaluated on, and answers every question a face asks: the
release train, the plan laid onto it, each release's status with git's
backport evidence joined in, what needs attention, what ``check`` reports,
which branches are maintained. Edits go through it as undoable
:class:`~relplan.planner.domain.ops.Change` values; it saves (atomically, never over a file
that changed on disk), reloads, merges and syncs.

The command line and the dashboard are thin faces over this class: each
question has one answer, computed here once per plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relplan.planner.domain import ops
from relplan.planner.domain.calendar import build_train, today_in
from relplan.planner.domain.errors import PlanError, Problem
from relplan.planner.domain.laying import at_risk, lay
from relplan.planner.domain.model import BackportState, Item, Plan, Priority, Release, State
from relplan.planner.domain.policy import Policy
from relplan.planner.domain.rules import (
    BackportCell,
    Branch,
    current_window,
    maintained_branches,
    report_release,
    ship_refusals,
)

if TYPE_CHECKING:
    from relplan.planner.domain.merge import Conflict as MergeConflict
    from relplan.planner.domain.releases import DateMove
    from relplan.planner.domain.schedule import Milestone
    from relplan.planner.domain.stages import Stage
    from relplan.planner.domain.status import Attention, ReleaseStatus, UnscheduledStatus
    from relplan.planner.git.join import Conflict, Evidence
    from relplan.planner.git.project import Staleness
    from relplan.planner.store.config import Config
    from relplan.planner.trackers.base import Reporter
    from relplan.planner.trackers.push import PushResult, Write
    from relplan.planner.trackers.pushing import Pusher
    from relplan.planner.trackers.pushplan import SourceBases
    from relplan.planner.trackers.sync import SyncResult

DEFAULT_PLAN = Path("relplan.toml")


def _finish_interrupted_sync(config: Config) -> list[str]:
    """A sync killed between the plan's rename and the cache commit is finished first
    (cheap when there is none: one stat of the journal)."""
    if not config.source_tables:
        return []
    from relplan.planner.store.cache import repair_interrupted

    return repair_interrupted(config.cache_dir)


def parse_day(text: str, field_name: str = "--today") -> dt.date:
    """A YYYY-MM-DD day within the days relplan plans with, or a PlanError saying what
    was expected."""
    from relplan.planner.store.checking import Invalid, in_range

    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise PlanError(
            Problem(f"{text!r} is not a date", field=field_name, hint="expected YYYY-MM-DD")
        ) from None
    try:
        return in_range(day)
    except Invalid as exc:
        raise PlanError(Problem(str(exc), field=field_name)) from None


class Session:
    """One plan, its config and its day; the current plan after every edit, undo and redo.

    Derived values (train, laid plan, statuses) are computed on first use and
    kept until the plan, the day or the git evidence changes.
    """

    def __init__(
        self,
        plan: Plan,
        *,
        today: dt.date,
        config: Config | None = None,
        path: Path | None = None,
        fingerprint: str | None = None,
    ) -> None:
        from relplan.planner.store.config import Config

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

    # -- opening --------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        *,
        plan: str | Path | None = None,
        config: str | Path | None = None,
        today: str | None = None,
        allow_missing_plan: bool = False,
    ) -> Session:
        """Load config and plan: ``plan``, else the config's ``plan`` key, else
        ``./relplan.toml`` when present, else the embedded Xen 4.0 demo (never
        written; evaluated as of 2009-08-31 unless ``today`` says otherwise).

        With ``allow_missing_plan`` a plan path that does not exist yet gives an
        empty plan (policy from the config) that the first save creates.
        """
        from relplan.planner.store.config import find_config, load_config

        cfg = load_config(find_config(config, plan))
        notes = _finish_interrupted_sync(cfg)
        path = Path(plan) if plan else cfg.plan
        if path is None and DEFAULT_PLAN.exists():
            path = DEFAULT_PLAN
        fingerprint = None
        default_today: dt.date | None = None
        if path is None:
            from relplan.planner.store.demo import DEMO_TODAY, demo_plan

            loaded, default_today = demo_plan(), DEMO_TODAY
        elif not path.exists() and allow_missing_plan:
            loaded = Plan(name=path.stem, policy=cfg.policy or Policy())
        elif not path.exists():
            hint = "check the path, or create the plan with `relplan import` or `relplan sync`"
            raise PlanError(Problem("no such plan file", str(path), hint=hint))
        else:
            from relplan.planner.store.planfile import (
                load_plan,  # the TOML reader: only for a plan file
            )

            disk = load_plan(path)
            loaded, fingerprint = disk.plan, disk.fingerprint
        day = parse_day(today) if today else (default_today or today_in(loaded.policy))
        session = cls(loaded, today=day, config=cfg, path=path, fingerprint=fingerprint)
        session.notes = notes
        return session

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

    def laid(self) -> Plan:
        """The current plan laid onto the train: accepted unscheduled items get a target."""
        plan = self.plan
        result: Plan = self._memo(
            "laid", (plan, self.today), lambda: lay(plan, self.train(), self.today)
        )
        return result

    def adopt_laid(self) -> None:
        """Start from the laid plan (the dashboard shows and edits it as export writes it);
        not an edit: nothing to undo, nothing unsaved."""
        laid = self.laid()
        if laid is not self.plan:
            self.history.reset(laid)

    def status_plan(self) -> Plan:
        """The laid plan with git's backport states written in where git knows them, plus
        the fixes git finds that no item names (:meth:`git_items`): what every status,
        count and check is computed from."""
        ev = self.evidence

        def compute() -> Plan:
            laid = self.laid()
            if ev is None:
                return laid
            applied = ev.apply(laid)
            return applied.with_items((*applied.items, *self.git_items()))

        result: Plan = self._memo("status_plan", (self.plan, self.today, ev), compute)
        return result

    def git_items(self) -> tuple[Item, ...]:
        """Fixes git finds on the maintained branches that no plan item names (empty
        before a scan); ids ``git#<sha12>``. :meth:`adopt_git_fix` makes one an item."""
        ev = self.evidence
        if ev is None:
            return ()
        result: tuple[Item, ...] = self._memo(
            "git_items", (self.plan, ev), lambda: ev.git_only_items(self.laid())
        )
        return result

    def adopt_git_fix(self, item_id: str) -> ops.Change:
        """Make a git-only fix a plan item (tracked from now on, state accepted)."""
        found = next((it for it in self.git_items() if it.id == item_id), None)
        if found is None:
            return ops.Change(self.plan, f"{item_id} is not a git-only fix")
        item = replace(found, state=State.ACCEPTED, why="added from git history")
        return ops.add(self.plan, item)

    def statuses(self) -> list[ReleaseStatus]:
        """The status of every release on the train, in calendar order."""
        from relplan.planner.domain.status import all_status

        result: list[ReleaseStatus] = self._memo(
            "statuses",
            (self.plan, self.today, self.evidence),
            lambda: all_status(self.status_plan(), self.train(), self.today),
        )
        return result

    def unscheduled(self) -> list[UnscheduledStatus]:
        """Releases without a day (not on the train), with the items that target them."""
        from relplan.planner.domain.status import unscheduled_status

        result: list[UnscheduledStatus] = self._memo(
            "unscheduled",
            (self.plan, self.today, self.evidence),
            lambda: unscheduled_status(self.status_plan(), self.train()),
        )
        return result

    def status(self, version: str) -> ReleaseStatus:
        """The status of one release; a PlanError with a did-you-mean for an unknown one."""
        for s in self.statuses():
            if s.version == version:
                return s
        raise PlanError(self.unknown_release(version))

    def unknown_release(self, version: str) -> Problem:
        """The problem of naming a release the train does not have, with the closest guess."""
        import difflib

        known = [r.version for r in self.train()]
        close = difflib.get_close_matches(version, known, n=3, cutoff=0.5)
        prefixed = [v for v in known if v.startswith(version + ".")]
        guesses = prefixed[:1] + [c for c in close if c not in prefixed]
        hint = (
            f"did you mean {' or '.join(guesses[:2])}?"
            if guesses
            else f"releases on the calendar: {known[0]} .. {known[-1]}"
            if known
            else "the calendar is empty"
        )
        return Problem(f"no release {version!r} on the calendar", hint=hint)

    def attention(self) -> list[Attention]:
        """What needs the release manager now, most urgent first."""
        from relplan.planner.domain.status import needs_attention

        result: list[Attention] = self._memo(
            "attention",
            (self.plan, self.today, self.evidence),
            lambda: needs_attention(self.statuses()),
        )
        return result

    def check(self) -> list[str]:
        """What ``relplan check`` reports for the plan as the statuses see it."""
        from relplan.planner.domain.consistency import check_plan

        return check_plan(self.status_plan(), self.train(), self.today)

    def maintained_branches(self) -> list[Branch]:
        """Branches taking fixes today, newest first (the git scan's own pattern, if set)."""
        return maintained_branches(
            self.plan.policy, self.train(), self.today, self.config.git.branch_pattern
        )

    def maintained_series(self) -> list[str]:
        """The series of :meth:`maintained_branches`, newest first."""
        return [b.series for b in self.maintained_branches()]

    def window(self) -> list[Release]:
        """The releases that matter today, in calendar order (see
        :func:`relplan.planner.domain.rules.current_window`): what status and the timeline open
        on."""
        return current_window(self.train(), self.today)

    def window_statuses(self) -> list[ReleaseStatus]:
        """The status of each release in :meth:`window`, in calendar order."""
        shown = {r.version for r in self.window()}
        return [s for s in self.statuses() if s.version in shown]

    def at_risk(self) -> dict[str, str | None]:
        """Open items their release can no longer take -> the release proposed instead."""
        plan = self.plan
        result: dict[str, str | None] = self._memo(
            "at_risk", (plan, self.today), lambda: at_risk(plan, self.train(), self.today)
        )
        return result

    def release_order(self) -> dict[str, int]:
        """Release versions in calendar order."""
        return {r.version: i for i, r in enumerate(self.train())}

    def release(self, version: str) -> Release:
        """The release with this version; a PlanError with a did-you-mean otherwise."""
        for r in self.train():
            if r.version == version:
                return r
        raise PlanError(self.unknown_release(version))

    def report_release(self) -> Release:
        """The release reports are about by default
        (:func:`relplan.planner.domain.rules.report_release`);
        a PlanError when nothing is ahead on the calendar."""
        found = report_release(self.train(), self.today)
        if found is None:
            raise PlanError(
                Problem(
                    f"no release ahead of {self.today} on the calendar",
                    hint="name the release: relplan report VERSION",
                )
            )
        return found

    def schedule(self, version: str, *, support: bool = False) -> list[Milestone]:
        """The milestones of one release in order, each with its day and whether it is
        tentative (see :mod:`relplan.planner.domain.schedule`); ``support`` adds the branch's
        support ends."""
        from relplan.planner.domain.schedule import release_schedule

        return release_schedule(
            self.release(version), self.plan.spec(version), support=support, policy=self.plan.policy
        )

    # -- the freeze ladder ------------------------------------------------------------------
    def ladders(self) -> dict[str, list[Stage]]:
        """Every release's stages on the train (:func:`relplan.planner.domain.stages.ladder`), by
        version."""
        plan = self.plan

        def compute() -> dict[str, list[Stage]]:
            from relplan.planner.domain.stages import ladder

            specs = {s.version: s for s in plan.releases}
            return {r.version: ladder(plan.policy, r, specs.get(r.version)) for r in self.train()}

        result: dict[str, list[Stage]] = self._memo(
            "ladders", (plan.releases, plan.policy, plan.support, self.today), compute
        )
        return result

    def stages(self, version: str) -> list[Stage]:
        """The stages of one release in order, the release last; PlanError if unknown."""
        self.release(version)
        return self.ladders()[version]

    def stage(self, version: str) -> Stage:
        """The stage a release is in on ``today``
        (:func:`relplan.planner.domain.stages.stage_on`)."""
        from relplan.planner.domain.stages import stage_in_force

        return stage_in_force(self.release(version), self.stages(version), self.today)

    def confirm(self, version: str, stage: str) -> ops.Change:
        """Confirm a tentative stage's day (pinned where it is; undoable)."""
        from relplan.planner.domain.releases import confirm

        self.release(version)
        return confirm(self.plan, self.train(), version, stage)

    def next_tentative(self, version: str) -> Stage | None:
        """The first stage of a release still tentative and not behind us (what the
        dashboard's confirm key confirms), or None."""
        return next(
            (s for s in self.stages(version) if s.tentative and s.day and s.day >= self.today),
            None,
        )

    # -- git ----------------------------------------------------------------------------------
    def git_repo(self, override: str | Path | None = None) -> str | None:
        """The repository to read backports from: ``override``, else ``[git] repo``."""
        repo = override or self.config.git.repo
        return str(repo) if repo else None

    def scan_git(self, repo: str | Path | None = None) -> Evidence | None:
        """Read git's backport evidence for the maintained branches (blocking: seconds on a
        large repository; the dashboard runs it in a thread) and join it into every status.
        None when no repository is configured."""
        path = self.git_repo(repo)
        if path is None:
            return None
        from relplan.planner.git.join import plan_evidence

        git = self.config.git
        evidence = plan_evidence(
            self.laid(), self.train(), self.today, path,
            upstream=git.upstream, pattern=git.branch_pattern, conventions=git.conventions,
        )  # fmt: skip
        self.evidence = evidence
        return evidence

    def stale_repo(self, repo: str | Path | None = None) -> Staleness | None:
        """Whether the plan's repository looks like a clone nobody fetched: its newest tag
        older than twice the plan's cadence on ``today`` (None without a repository)."""
        path = self.git_repo(repo)
        if path is None:
            return None
        from relplan.planner.git.project import stale_repo
        from relplan.planner.git.repo import Repo

        weeks = self.plan.policy.cadence.planned_weeks
        return stale_repo(Repo(path), weeks, self.today)

    def backport_cell(self, item: Item, series: str) -> BackportCell:
        """What the tracker and git say about one fix on one branch."""
        ev = self.evidence
        if ev is not None and item.id.startswith("git#") and item.fix_commits:
            row = ev.row(item.fix_commits[0], series)  # a git-only fix: git's word alone
            return BackportCell(None, row.state, row.evidence) if row else BackportCell(None)
        tracker = item.backports.get(series)
        if ev is None:
            return BackportCell(tracker)
        conflict = ev.conflict(item.id, series)
        return BackportCell(
            tracker,
            ev.state(item.id, series),
            ev.evidence(item.id, series),
            conflict.message if conflict else None,
        )

    def fix_subject(self, item: Item) -> str:
        """The subject of the item's first fix commit as git reads it ("" before a scan,
        or when the scan has no row for it)."""
        ev = self.evidence
        return ev.subject(item.fix_commits[0]) if ev is not None and item.fix_commits else ""

    def conflicts(self) -> list[Conflict]:
        """Where the tracker and git disagree (empty before a scan)."""
        return list(self.evidence.conflicts) if self.evidence is not None else []

    # -- edits ----------------------------------------------------------------------------------
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

    def accept(self, ids: Collection[str]) -> ops.Change:
        """Accept items (see :func:`relplan.planner.domain.ops.accept`)."""
        return ops.accept(self.plan, ids)

    def defer(self, ids: Collection[str]) -> ops.Change:
        """Defer items: no target."""
        return ops.defer(self.plan, ids)

    def reject(self, ids: Collection[str]) -> ops.Change:
        """Reject items: no target, in no release."""
        return ops.reject(self.plan, ids)

    def toggle_blocker(self, ids: Collection[str]) -> ops.Change:
        """Set the blocker flag, or clear it when all of them are blockers already."""
        return ops.toggle_blocker(self.plan, ids)

    def set_priority(self, ids: Collection[str], priority: Priority) -> ops.Change:
        """Give items a priority."""
        return ops.set_priority(self.plan, ids, priority)

    def set_target(self, ids: Collection[str], version: str | None) -> ops.Change:
        """Schedule items for a release (None: unscheduled)."""
        return ops.set_target(self.plan, ids, version)

    def set_backport(self, ids: Collection[str], series: str, state: BackportState) -> ops.Change:
        """Set the backport state of fixes on one branch."""
        return ops.set_backport(self.plan, ids, series, state)

    def move(self, ids: Collection[str], step: int) -> ops.Change:
        """Move items to the next (1) or previous (-1) release that can take them."""
        return ops.move(self.plan, ids, self.train(), self.today, step)

    def set_state(self, ids: Collection[str], state: State) -> ops.Change:
        """Put items in a triage state."""
        return ops.set_state(self.plan, ids, state)

    def set_blocker(self, ids: Collection[str], flag: bool) -> ops.Change:
        """Set or clear the blocker flag."""
        return ops.set_blocker(self.plan, ids, flag)

    def set_owner(self, ids: Collection[str], owner: str | None) -> ops.Change:
        """Give items an owner."""
        return ops.set_owner(self.plan, ids, owner)

    def items_named(self, ids: Collection[str]) -> list[str]:
        """The ids as given, each checked: a PlanError with a did-you-mean for unknown ones."""
        import difflib

        known = {it.id for it in self.plan.items}
        problems = []
        for item_id in ids:
            if item_id not in known:
                close = difflib.get_close_matches(item_id, sorted(known), n=1)
                hint = f"did you mean {close[0]}?" if close else "see `relplan export`"
                problems.append(Problem(f"no item {item_id!r} in the plan", hint=hint))
        if problems:
            raise PlanError(problems)
        return list(ids)

    def schedule_targets(self) -> ops.Change:
        """Targets for accepted, unscheduled items within capacity, as one change."""
        from dataclasses import replace

        from relplan.planner.domain.laying import schedule

        proposals = schedule(self.plan, self.train(), self.today)
        why = f"scheduled {self.today} within capacity, by priority"
        items = [
            replace(it, target=proposals[it.id], why=why) if it.id in proposals else it
            for it in self.plan.items
        ]
        if not proposals:
            return ops.Change(self.plan, "nothing to schedule: no accepted item without a target")
        changed = tuple(proposals)
        return ops.Change(self.plan.with_items(items), f"scheduled {len(changed)} items", changed)

    # -- release days ---------------------------------------------------------------------------
    def ship(self, version: str, on: dt.date | None = None, *, force: bool = False) -> ops.Change:
        """Record that a release shipped (default: today); refused (PlanError) for the
        reasons of :meth:`ship_refusals` unless ``force``."""
        from relplan.planner.domain.releases import ship

        self.release(version)
        day = on or self.today
        return ship(self.plan, self.train(), version, day, self.today, force=force)

    def ship_refusals(self, version: str, on: dt.date | None = None) -> list[str]:
        """Why recording that ``version`` shipped (default: today) would be wrong: open
        blockers, out of order, already shipped
        (:func:`relplan.planner.domain.rules.ship_refusals`)."""
        release = self.release(version)
        return ship_refusals(self.plan.items, self.train(), release, on or self.today)

    def slip(
        self, version: str, *, to: dt.date | None = None, by: dt.timedelta | None = None
    ) -> ops.Change:
        """Move a release's day (pinned there); every later date follows."""
        from relplan.planner.domain.releases import slip

        self.release(version)
        return slip(self.plan, self.train(), version, self.today, to=to, by=by)

    def pin(self, version: str, name: str, day: dt.date) -> ops.Change:
        """Pin a release's release, freeze or last posting day."""
        from relplan.planner.domain.releases import pin

        self.release(version)
        return pin(self.plan, self.train(), version, name, day)

    def what_if(self, change: ops.Change) -> list[DateMove]:
        """Every date the change would move on the train (the slip preview)."""
        from relplan.planner.domain.releases import date_moves

        return date_moves(self.train(), build_train(change.plan, self.today))

    def writes(self, change: ops.Change) -> list[DateMove]:
        """Every date the change would move (:meth:`what_if`), then every recorded field it
        would write beyond them (``actual_rcs``, ``pins.*``): what a dry run lists."""
        from relplan.planner.domain.releases import spec_moves

        return self.what_if(change) + spec_moves(self.plan, change.plan)

    def target_choices(self) -> list[Release]:
        """Releases the target picker offers: every release not shipped (calendar order),
        then the shipped ones of branches still supported (newest first). Picking one of
        those, or a frozen one for a feature, asks first
        (:func:`relplan.planner.domain.rules.target_refusal`)."""
        from relplan.planner.domain.rules import branch_support

        train = self.train()
        supported = {r.series for r in train if branch_support(r, self.today)}
        shipped = [r for r in train if r.shipped and r.series in supported]
        return [r for r in train if not r.shipped] + shipped[::-1]

    # -- files ------------------------------------------------------------------------------------
    def save(self, path: Path | None = None, *, wait: float | None = None) -> Path:
        """Write the plan atomically to its file (or to ``path``, which must not exist);
        raises PlanChangedOnDisk when the file changed since it was loaded. ``wait``:
        seconds to wait for another writer of the file (default: the CLI's 10 s)."""
        from relplan.planner.store.atomic import LOCK_WAIT
        from relplan.planner.store.planfile import save_plan

        target = path if path is not None else self.writable_path()
        expected = self.fingerprint if path is None or path == self.path else None
        self.fingerprint = save_plan(
            self.plan, self.train(), target, expected, wait=LOCK_WAIT if wait is None else wait
        )
        self.path = target
        self.loaded = self.plan
        self.history.mark_saved()
        return target

    def reload(self) -> None:
        """Replace the plan by the file on disk, dropping edits and their history."""
        from relplan.planner.store.planfile import load_plan

        disk = load_plan(self.writable_path())
        self.history.reset(disk.plan)
        self.loaded, self.fingerprint = disk.plan, disk.fingerprint

    def merge_from_disk(self) -> list[MergeConflict]:
        """Three-way merge of the edits into the file on disk (undoable), then save.
        Returns the fields changed on both sides (the edit was kept)."""
        from relplan.planner.domain.merge import three_way
        from relplan.planner.store.planfile import load_plan

        disk = load_plan(self.writable_path())
        merged, conflicts = three_way(self.loaded, self.plan, disk.plan)
        self.history.record(ops.Change(merged, "merged the file on disk", ("*",)))
        self.loaded, self.fingerprint = disk.plan, disk.fingerprint
        self.save()
        return conflicts

    def write_recovery(self, folder: Path | None = None) -> Path:
        """Write the current plan beside the plan file (or into ``folder``) as
        ``<name>.recovered-<time>.toml``, never over a file: what the dashboard keeps of
        unsaved edits when it must stop. Returns the path written."""
        import datetime as dt_

        from relplan.planner.store.planfile import write_atomic

        stamp = dt_.datetime.now().strftime("%Y%m%d-%H%M%S")
        base = self.path if self.path is not None else Path("relplan-demo.toml")
        where = folder if folder is not None else base.parent
        target = where / f"{base.stem}.recovered-{stamp}.toml"
        n = 2
        while target.exists():
            target, n = where / f"{base.stem}.recovered-{stamp}-{n}.toml", n + 1
        write_atomic(target, self.export_toml().encode("utf-8"))
        return target

    def export_toml(self) -> str:
        """The plan as a TOML release plan, laid onto the train."""
        from relplan.planner.store.planfile import dumps_toml

        return dumps_toml(self.plan, self.train())

    # -- trackers ---------------------------------------------------------------------------------
    @property
    def has_sources(self) -> bool:
        """True when the config names tracker or file sources."""
        return bool(self.config.source_tables)

    async def sync(self, reporter: Reporter | None = None) -> SyncResult:
        """Fetch every source of the config, merge into the plan as one undoable change,
        then save the plan and record the sync in the cache: both or neither. The demo
        is merged in memory only."""
        from relplan.planner.trackers.sync import sync_config_async

        saved: list[bool] = []

        def save(plan: Plan) -> None:
            from relplan.planner.store.atomic import SHORT_WAIT

            self.save(wait=SHORT_WAIT)  # the dashboard's sync: never freeze behind a writer
            saved.append(True)

        def adopt(merged: Plan, description: str) -> None:
            self.apply(ops.Change(merged, description, ("*",)))

        try:
            return await sync_config_async(
                self.plan, self.config, None if self.is_demo else save,
                reporter=reporter, adopt=adopt, plan_path=None if self.is_demo else self.path,
            )  # fmt: skip
        finally:
            self._push_bases = None  # the cache holds new versions now

    async def push(
        self,
        *,
        sources: Sequence[str] = (),
        dry_run: bool = False,
        create_versions: bool = False,
        reporter: Reporter | None = None,
        transport: Any = None,
        started: Callable[[Pusher], None] | None = None,
    ) -> PushResult:
        """Write local triage back to the trackers (see :mod:`relplan.planner.trackers.pushing`);
        then save
        the plan with the update stamps of the items written, as one undoable change, and
        record the push in the cache: both or neither. A dry run writes nothing anywhere."""
        from relplan.planner.trackers.pushing import push_config_async

        if not dry_run:
            self.writable_path()
        before = {it.id: it.updated for it in self.plan.items}

        def save(pushed: Plan) -> None:
            stamps = {it.id: it.updated for it in pushed.items if before.get(it.id) != it.updated}
            items = [
                replace(it, updated=stamps[it.id]) if it.id in stamps else it
                for it in self.plan.items
            ]
            self.apply(ops.Change(self.plan.with_items(items), "recorded the push", ("*",)))
            self.save()

        try:
            return await push_config_async(
                self.plan, self.config, None if dry_run else save, sources=sources,
                dry_run=dry_run, create_versions=create_versions, reporter=reporter,
                transport=transport, started=started,
            )  # fmt: skip
        finally:
            self._push_bases = None  # the cache may hold new versions now

    def pending_pushes(self) -> list[Write]:
        """Every local change a push would write or skip, from the plan and the bases in
        the cache (no network). The first call reads the cache (the dashboard asks in a
        thread); later ones reuse what it read until the next sync or push."""
        from relplan.planner.trackers.base import config_sources
        from relplan.planner.trackers.pushplan import pending_from, source_bases

        if not self.has_sources:
            return []
        if self._push_bases is None:
            from relplan.planner.store.cache import Cache

            with Cache.open(self.config.cache_dir) as cache:
                self._push_bases = source_bases(self.plan, config_sources(self.config), cache)
        return [w for sp in pending_from(self.plan, self._push_bases) for w in sp.writes]

    def sources_line(self) -> str:
        """How old the tracker data is, per source (empty without sources)."""
        if not self.has_sources:
            return ""
        from relplan.planner.trackers.sync import last_sync_text

        return last_sync_text(self.config)
