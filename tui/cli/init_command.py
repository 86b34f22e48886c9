"""``relplan init``: a new plan from a repository's release tags (``--from-git``), with the
support the project declares (``SUPPORT.md`` on its branches, endoflife.date with
``--endoflife``), linked to the repository by a config beside it; or, with ``--config``
alone, a commented example config.

Headless: no Textual; httpx only for ``--endoflife`` without ``--endoflife-data``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relplan.planner.domain.calendar import build_train, today_in
from relplan.planner.domain.errors import PlanError, Problem
from relplan.planner.domain.stages import propose_preset
from relplan.planner.domain.text import printable_lines
from relplan.planner.store.atomic import write_atomic
from relplan.planner.store.config import CONFIG_NAME, Config, find_config
from relplan.planner.store.configfile import load_config
from relplan.planner.store.planfile import fingerprint, save_plan
from relplan.planner.usecases.session import parse_day
from relplan.tui.cli.init_report import history_json, render_history
from relplan.tui.cli.output import say

if TYPE_CHECKING:
    from relplan.planner.domain.model import Plan

EXIT_OK = 0


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``init`` subcommand. ``common`` must be a parser of its own: "resolve" (for
    the optional PATH of ``--config``) takes ``--config`` away from the parent it is given."""
    i = subparsers.add_parser(
        "init",
        parents=[common],
        conflict_handler="resolve",  # its --config takes an optional PATH
        help="create a plan from a repository's release tags (or an example config)",
        description="Create a plan whose releases come from release tags (RC and beta tags "
        "recorded as their milestones), with the cadence, RC rhythm, support policy and branch "
        "pattern measured from the tags and branches as its policy, and the support ends the "
        "project declares (SUPPORT.md on each release branch; endoflife.date with --endoflife). "
        f"Links the plan to the repository in a config ({CONFIG_NAME} beside the plan, or "
        "--config PATH). With --config and no --from-git: write a commented example config. "
        "Never overwrites an existing file unless --force.",
    )
    i.add_argument("--from-git", metavar="PATH", help="repository (clone or bare) to read")
    i.add_argument(
        "--config",
        metavar="PATH",
        nargs="?",
        const=CONFIG_NAME,
        default=argparse.SUPPRESS,
        help=f"the config to write (default {CONFIG_NAME} beside the plan); without "
        "--from-git: write a commented example config there",
    )
    i.add_argument(
        "--tag-pattern",
        metavar="PATTERN",
        action="append",
        default=[],
        help="release tag pattern with {version} (repeatable; default: the one of "
        "RELEASE-{version}, release-{version}, v{version}, {version}, release/{version} most "
        "tags follow; pre-release tags such as 4.22.0-rc1 or v3.13.0b2 are read under any)",
    )
    i.add_argument(
        "--endoflife",
        metavar="PRODUCT",
        help="take support ends from endoflife.date's PRODUCT (e.g. ansible-core, python); "
        "kept in the config so `relplan sync` refreshes them",
    )
    i.add_argument(
        "--endoflife-data",
        metavar="DIR",
        help="a local copy of the endoflife.date repository (the folder holding "
        "products/PRODUCT.md); default: its public API, cached",
    )
    i.add_argument("--name", help="plan name (default: the project's, from its remote URL "
                   "or folder)")  # fmt: skip
    i.add_argument("--dry-run", action="store_true", help="report only; write nothing")
    i.add_argument("--force", action="store_true", help="overwrite an existing plan or config")
    i.add_argument("--format", choices=("table", "json"), default="table", help="report format")
    i.set_defaults(run=run_init)


def run_init(args: argparse.Namespace) -> int:
    """``relplan init``: ``--from-git`` makes a plan; ``--config`` alone an example config."""
    if not args.from_git:
        if getattr(args, "config", None) is None:
            raise PlanError(Problem("init needs --from-git PATH (a plan from release tags) "
                                    "or --config [PATH] (an example config)",
                                    field="init"))  # fmt: skip
        return _write_example(Path(args.config), args.force, args.dry_run)
    return _init_from_git(args)


def _write_example(path: Path, force: bool, dry_run: bool) -> int:
    # start-up: store.configlink (~2 ms), only for init
    from relplan.planner.store.configlink import example_config

    _refuse_existing(path, force, "config")
    if dry_run:
        say(f"would write {path} (dry run: nothing written)")
        return EXIT_OK
    _write(path, example_config())
    say(f"relplan: wrote {path} (every key commented out: uncomment what you need)", err=True)
    return EXIT_OK


def _refuse_existing(path: Path, force: bool, what: str) -> None:
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
    write_atomic(path, text.encode("utf-8"))


def _init_from_git(args: argparse.Namespace) -> int:
    # start-up: git.history (~30 ms with git.repo: subprocess, statistics), only for init
    from relplan.planner.git.history import branch_states, history_from_tags

    # start-up: git.project (~27 ms with git.history), only for init
    from relplan.planner.git.project import project_name, shows_freeze, stale_tags

    # start-up: git.repo (subprocess; ~9 ms), only for init
    from relplan.planner.git.repo import Repo

    # start-up: usecases.declared (~60 ms: asyncio, ssl, endoflife), only for declared support
    from relplan.planner.usecases.declared import plan_series, read_declared, with_declared

    out = Path(args.plan or "relplan.toml")
    if not args.dry_run:
        _refuse_existing(out, args.force, "plan")
    config_path = find_config(getattr(args, "config", None), out, must_exist=False)
    config = load_config(config_path) if config_path and config_path.exists() else Config()
    repo = Repo(args.from_git)
    base = config.policy
    history = history_from_tags(repo, args.tag_pattern or None, base.timezone if base else "UTC")
    plan = history.plan(args.name or project_name(repo), base)
    product = args.endoflife or config.support.endoflife
    data = Path(args.endoflife_data) if args.endoflife_data else config.support.endoflife_data
    declared = read_declared(
        plan_series(plan), repo=repo,
        branch_patterns=(plan.policy.branch_pattern, history.branch_pattern),
        endoflife=product, endoflife_data=data, cache_dir=config.cache_dir,
    )  # fmt: skip
    plan = with_declared(plan, declared)
    today = _init_today(args, plan)
    # Planning starts on the day init runs: what the measured cadence would have put
    # before it (pytest's 9.1.2..9.1.8, 9.2.0) was never planned, so nothing is late at birth.
    plan = plan.with_planned_from(today)
    states = branch_states(plan, today)
    ladder = _ladder(repo) if shows_freeze(history) else None
    stale = stale_tags(history, today)
    if args.format == "json":
        report = history_json(history, plan, states, today, out, args.dry_run)
        report["proposed_stages"] = ladder
        report["stale"] = str(stale) if stale else None
        report["declared_support"] = declared.summary()
        report["support_sources"] = _sources_line(plan, history)
        json.dump(report, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(printable_lines(render_history(history, plan, states, today)))
        for line in declared.summary():
            say(line)
        say(_sources_line(plan, history))
        if ladder:
            say(
                f"freeze ladder: the tags look like {ladder}'s; to use its stages, set "
                f'[policy] stages = "{ladder}" (see README, the freeze ladder)'
            )
        say(f"plan: {len(plan.releases)} releases" + (
            " (dry run: nothing written)" if args.dry_run else f" -> {out}"
        ))  # fmt: skip
    for note in declared.notes:
        say(f"relplan: note: {note}", err=True)
    if stale:
        say(f"relplan: warning: {stale}", err=True)
    if not args.dry_run:
        _write_new_plan(plan, today, out, args.force)
        _link_config(config_path or out.parent / CONFIG_NAME, out, repo.path, plan, product, data)
    return EXIT_OK


def _sources_line(plan: Plan, history: Any) -> str:
    """Where the support ends of the plan's series come from: how many are declared, and
    the measured policy (with its sample) for the rest."""
    # start-up: usecases.declared (~60 ms: asyncio, ssl, endoflife), only for declared support
    from relplan.planner.usecases.declared import plan_series

    series = set(plan_series(plan))
    declared = {r.series for r in plan.support} & series
    fit = history.support
    sample = f"{sum(1 for b in fit.lives if b.releases > 1)} branches" if fit else "no sample"
    m = plan.policy.maintenance
    measured = f"measured policy ({m.model.value}, from {sample})"
    if not declared:
        return f"support ends: {measured} for all {len(series)} series"
    return (f"support ends: declared for {len(declared)} of {len(series)} series; "
            f"{measured} for the rest")  # fmt: skip


def _ladder(repo: Any) -> str | None:
    return propose_preset(tag for tag, _, _ in repo.tags())


def _link_config(
    path: Path, plan_path: Path, repo: Path, plan: Plan, product: str | None, data: Path | None
) -> None:
    """Write the config that links the plan to the repository (and the endoflife.date
    product), or, when a config is there already, say what it lacks."""
    # start-up: store.configlink (~2 ms), only for init
    from relplan.planner.store.configlink import link_config, missing_links

    if path.exists():
        config = load_config(path)
        for line in missing_links(config, repo, plan.policy.branch_pattern, product):
            say(f"relplan: note: {path} has no {line}; add it so relplan finds it", err=True)
        return
    text = link_config(path.parent, plan_path, repo, plan.policy.branch_pattern, product, data)
    _write(path, text)
    say(f"relplan: wrote {path} ([git] repo -> {repo}"
        + (f"; [support] endoflife = {product!r}" if product else "") + ")", err=True)  # fmt: skip


def _init_today(args: argparse.Namespace, plan: Plan) -> Any:
    return parse_day(args.today) if getattr(args, "today", None) else today_in(plan.policy)


def _write_new_plan(plan: Plan, today: Any, out: Path, force: bool) -> None:
    """Write the plan as every save does (with the calendar's dates on ``today``); with
    ``force``, over the file that is there (checked not to change while replacing it)."""
    expected = fingerprint(out.read_bytes()) if force and out.exists() else None
    save_plan(plan, build_train(plan, today), out, expected)
    say(f"relplan: wrote {out} ({len(plan.releases)} releases)", err=True)
