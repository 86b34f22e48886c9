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
from pathlib import Path

from relplan.planner.domain import days
from relplan.planner.domain.calendar import today_in
from relplan.planner.domain.errors import PlanError, Problem
from relplan.planner.domain.model import Plan
from relplan.planner.domain.policy import Policy
from relplan.planner.store.cachedir import journal_path
from relplan.planner.store.config import Config, find_config
from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.usecases.tracking import Tracking

DEFAULT_PLAN = Path("relplan.toml")


def _finish_interrupted_sync(config: Config) -> list[str]:
    """A sync or import killed between the plan's rename and the cache commit is finished
    first (cheap when there is none: one stat of the journal). Imports need no sources."""
    try:
        if not journal_path(config.cache_dir).exists():
            return []
        # Every start pays the stat alone; the cache's reader (sqlite3, json, the tracker
        # types) only when a journal says a sync was interrupted (start-up: ~12 ms)
        from relplan.planner.store.cache import repair_interrupted

        return repair_interrupted(config.cache_dir)
    except PlanError:
        if config.source_tables:
            raise
        return []  # no home folder for a cache, and no source that needs one


def read_config(given: str | Path | None, plan: str | Path | None = None) -> Config:
    """The config to use (``--config``, else the one beside the plan:
    :func:`relplan.planner.store.config.find_config`) read and checked, or the defaults
    when there is none; a PlanError naming file, line and field otherwise."""
    path = find_config(given, plan)
    if path is None:
        return Config()
    # start-up: the config parser and the plan file reader it uses (~20 ms), only with a config
    from relplan.planner.store.configfile import load_config

    return load_config(path)


def parse_day(text: str, field_name: str = "--today") -> dt.date:
    """A day typed on a face (:func:`relplan.planner.domain.days.parse_day`), or a
    PlanError naming the field and saying what was expected."""
    try:
        return days.parse_day(text)
    except days.BadDay as exc:
        raise PlanError(Problem(str(exc), field=field_name)) from None


def parse_span(text: str, field_name: str = "--by") -> dt.timedelta:
    """A span of days typed on a face (``2w``, ``+10d``, ``-1w``:
    :func:`relplan.planner.domain.days.parse_span`), or a PlanError naming the field."""
    try:
        return days.parse_span(text)
    except days.BadDay as exc:
        raise PlanError(Problem(str(exc), field=field_name)) from None


class Session(Tracking):
    """One plan, its config and its day; the current plan after every edit, undo and redo.

    Derived values (train, laid plan, statuses) are computed on first use and
    kept until the plan, the day or the git evidence changes. The jobs are split by
    module: the unit of work (:mod:`~relplan.planner.usecases.unit`), queries
    (:mod:`~relplan.planner.usecases.queries`), then one use case each: backports,
    triage, shipping (ship/slip), tracking (sync/push); this class adds opening.
    """

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
        cfg = read_config(config, plan)
        notes = _finish_interrupted_sync(cfg)
        path = Path(plan) if plan else cfg.plan
        if path is None and DEFAULT_PLAN.exists():
            path = DEFAULT_PLAN
        fingerprint = None
        fresh = False  # no plan file yet: the first save creates it
        default_today: dt.date | None = None
        if path is None:
            loaded, default_today = demo_plan(), DEMO_TODAY
        elif not path.exists() and allow_missing_plan:
            loaded, fresh = Plan(name=path.stem, policy=cfg.policy or Policy()), True
        elif not path.exists():
            hint = "check the path, or create the plan with `relplan import` or `relplan sync`"
            raise PlanError(Problem("no such plan file", str(path), hint=hint))
        else:
            # start-up: the plan file reader (~14 ms), never needed on the demo
            from relplan.planner.store.planfile import load_plan

            disk = load_plan(path)
            loaded, fingerprint = disk.plan, disk.fingerprint
        day = parse_day(today) if today else (default_today or today_in(loaded.policy))
        if fresh:
            loaded = loaded.with_planned_from(day)  # a plan made today plans nothing before it
        session = cls(loaded, today=day, config=cfg, path=path, fingerprint=fingerprint)
        session.notes = notes
        return session
