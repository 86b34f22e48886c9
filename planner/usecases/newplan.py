"""A new plan from a repository's release tags (``relplan init --from-git``), with the
support the project declares, linked to the repository by a config beside it; or a
commented example config (``relplan init --config``).

The face parses and prints; this module reads the tags and the declared support, measures
the policy, and writes the new files: never over an existing one unless forced, the plan
as every save writes it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from relplan.planner.domain.calendar import build_train, today_in
from relplan.planner.domain.errors import PlanError, Problem
from relplan.planner.domain.model import Phase, Plan
from relplan.planner.store.config import CONFIG_NAME as CONFIG_NAME
from relplan.planner.store.config import Config, find_config
from relplan.planner.usecases.session import parse_day, read_config

if TYPE_CHECKING:
    from relplan.planner.git.history import History
    from relplan.planner.git.project import Staleness
    from relplan.planner.usecases.declared import DeclaredRead


@dataclass(frozen=True, slots=True)
class NewPlan:
    """What ``relplan init --from-git`` read and made: the tags' history, the plan (policy
    measured, declared support merged in), the day it is evaluated on, each branch's state,
    the freeze ladder the tags look like, a warning when the tags look stale, and where the
    config that links it goes."""

    repo: Path
    history: History
    plan: Plan
    declared: DeclaredRead
    today: dt.date
    states: dict[str, Phase | None]
    ladder: str | None
    stale: Staleness | None
    config_path: Path
    endoflife: str | None
    endoflife_data: Path | None

    def sources_line(self) -> str:
        """Where the support ends of the plan's series come from: how many are declared,
        and the measured policy (with its sample) for the rest."""
        from relplan.planner.usecases.declared import plan_series  # start-up: as below

        plan = self.plan
        series = set(plan_series(plan))
        declared = {r.series for r in plan.support} & series
        fit = self.history.support
        sample = f"{sum(1 for b in fit.lives if b.releases > 1)} branches" if fit else "no sample"
        m = plan.policy.maintenance
        measured = f"measured policy ({m.model.value}, from {sample})"
        if not declared:
            return f"support ends: {measured} for all {len(series)} series"
        return (f"support ends: declared for {len(declared)} of {len(series)} series; "
                f"{measured} for the rest")  # fmt: skip


def refuse_existing(path: Path, force: bool, what: str) -> None:
    """A PlanError when ``path`` exists and ``force`` is not given (``what``: plan or config)."""
    if path.exists() and not force:
        raise PlanError(
            Problem(
                f"a {what} already exists here; not overwriting it",
                str(path),
                hint=f"pass --{'plan' if what == 'plan' else 'config'} NEW.toml, or --force "
                "to replace it",
            )
        )


def _write(path: Path, text: str) -> None:
    from relplan.planner.store.atomic import write_atomic  # start-up cost: only init writes

    write_atomic(path, text.encode("utf-8"))


def write_example_config(path: Path, force: bool) -> None:
    """Write the commented example config to ``path`` (never over one unless ``force``)."""
    from relplan.planner.store.configlink import example_config  # start-up: only init

    refuse_existing(path, force, "config")
    _write(path, example_config())


def plan_from_git(
    repo_path: str | Path,
    *,
    plan_path: Path,
    config: str | None = None,
    tag_patterns: list[str] | None = None,
    name: str | None = None,
    endoflife: str | None = None,
    endoflife_data: str | None = None,
    today: str | None = None,
) -> NewPlan:
    """Read the repository's release tags and branches and the declared support into a new
    plan (``config``: ``--config``, else the config beside ``plan_path`` when there is one,
    whose policy is the base of the measured one); nothing is written."""
    # Every command's parser imports this module (through the init command): what only
    # init reads is imported here.
    from relplan.planner.domain.stages import propose_preset  # start-up: only init
    from relplan.planner.git.history import branch_states, history_from_tags  # start-up: git
    from relplan.planner.git.project import project_name, shows_freeze, stale_tags  # start-up
    from relplan.planner.git.repo import Repo  # start-up: subprocess, only init

    # start-up: usecases.declared (~60 ms: asyncio, ssl, endoflife), only for init
    from relplan.planner.usecases.declared import plan_series, read_declared, with_declared

    config_path = find_config(config, plan_path, must_exist=False)
    cfg = read_config(config_path, plan_path) if config_path and config_path.exists() else Config()
    repo = Repo(repo_path)
    base = cfg.policy
    history = history_from_tags(repo, tag_patterns or None, base.timezone if base else "UTC")
    plan = history.plan(name or project_name(repo), base)
    product = endoflife or cfg.support.endoflife
    data = Path(endoflife_data) if endoflife_data else cfg.support.endoflife_data
    declared = read_declared(
        plan_series(plan), repo=repo,
        branch_patterns=(plan.policy.branch_pattern, history.branch_pattern),
        endoflife=product, endoflife_data=data, cache_dir=cfg.cache_dir,
    )  # fmt: skip
    plan = with_declared(plan, declared)
    day = parse_day(today) if today else today_in(plan.policy)
    # Planning starts on the day init runs: what the measured cadence would have put
    # before it (pytest's 9.1.2..9.1.8, 9.2.0) was never planned, so nothing is late at birth.
    plan = plan.with_planned_from(day)
    ladder = propose_preset(tag for tag, _, _ in repo.tags()) if shows_freeze(history) else None
    return NewPlan(
        repo.path, history, plan, declared, day, branch_states(plan, day), ladder,
        stale_tags(history, day), config_path or plan_path.parent / CONFIG_NAME, product, data,
    )  # fmt: skip


def write_new_plan(new: NewPlan, out: Path, force: bool) -> None:
    """Write the plan as every save does (with the calendar's dates on its day); with
    ``force``, over the file that is there (checked not to change while replacing it)."""
    from relplan.planner.store.planfile import fingerprint, save_plan  # start-up: only init

    expected = fingerprint(out.read_bytes()) if force and out.exists() else None
    save_plan(new.plan, build_train(new.plan, new.today), out, expected)


def link_config(new: NewPlan, plan_path: Path) -> tuple[bool, list[str]]:
    """Write the config that links the plan to the repository (and the endoflife.date
    product): (True, []). When a config is there already, nothing is written: (False, the
    links it lacks)."""
    from relplan.planner.store.configlink import link_config as linked  # start-up: only init
    from relplan.planner.store.configlink import missing_links  # start-up: only init

    path, pattern = new.config_path, new.plan.policy.branch_pattern
    if path.exists():
        return False, missing_links(read_config(path), new.repo, pattern, new.endoflife)
    text = linked(path.parent, plan_path, new.repo, pattern, new.endoflife, new.endoflife_data)
    _write(path, text)
    return True, []
