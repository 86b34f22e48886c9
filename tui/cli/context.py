"""What every command starts from: the plan (file or embedded demo), the config, and the day.

Resolution of the plan: ``--plan PATH``, else the config's ``plan`` key, else
``./relplan.toml`` when present, else the embedded Xen 4.0 demo (read-only,
evaluated as of 2009-08-31 unless ``--today`` says otherwise).
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from planner.calendar import build_train, today_in
from planner.errors import PlanError, Problem
from planner.model import Plan, Release
from planner.policy import Policy

if TYPE_CHECKING:
    from planner.config import Config

DEFAULT_PLAN = Path("relplan.toml")


@dataclass
class Context:
    """The loaded plan and everything needed to evaluate it."""

    plan: Plan
    path: Path | None
    fingerprint: str | None
    config: Config
    today: dt.date
    _trains: dict[int | None, list[Release]] = field(default_factory=dict, repr=False)

    @property
    def is_demo(self) -> bool:
        """True when showing the embedded demo, which is never written."""
        return self.path is None

    def train(self, upcoming: int | None = None) -> list[Release]:
        """The release train of the plan on ``today`` (computed once per count)."""
        if upcoming not in self._trains:
            self._trains[upcoming] = build_train(self.plan, self.today, upcoming)
        return self._trains[upcoming]

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


def parse_day(text: str, field_name: str = "--today") -> dt.date:
    """A YYYY-MM-DD day from the command line, or a PlanError saying what was expected."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise PlanError(
            Problem(f"{text!r} is not a date", field=field_name, hint="expected YYYY-MM-DD")
        ) from None


def _plan_path(args: argparse.Namespace, config: Config) -> Path | None:
    if getattr(args, "plan", None):
        return Path(args.plan)
    if config.plan is not None:
        return config.plan
    return DEFAULT_PLAN if DEFAULT_PLAN.exists() else None


def load_context(args: argparse.Namespace, *, allow_missing_plan: bool = False) -> Context:
    """Load config and plan named by the global options.

    With ``allow_missing_plan``, a ``--plan`` path that does not exist yet gives
    an empty plan (policy from the config) that will be created on first save.
    """
    from planner.config import load_config

    config = load_config(Path(args.config) if getattr(args, "config", None) else None)
    path = _plan_path(args, config)
    fingerprint = None
    if path is None:
        from planner.demo import DEMO_TODAY, demo_plan

        plan, default_today = demo_plan(), DEMO_TODAY
    elif not path.exists() and allow_missing_plan:
        plan = Plan(name=path.stem, policy=config.policy or Policy())
        default_today = None
    elif not path.exists():
        hint = "check the path, or create the plan with `relplan import` or `relplan sync`"
        raise PlanError(Problem("no such plan file", str(path), hint=hint))
    else:
        from planner.planfile import load_plan  # the TOML reader: only for a plan file

        loaded = load_plan(path)
        plan, fingerprint, default_today = loaded.plan, loaded.fingerprint, None
    today_text = getattr(args, "today", None)
    if today_text:
        today = parse_day(today_text)
    else:
        today = default_today or today_in(plan.policy)
    return Context(plan, path, fingerprint, config, today)
