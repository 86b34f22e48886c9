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
from typing import Any

from relplan.planner.domain.errors import PlanError, Problem
from relplan.planner.domain.text import printable_lines
from relplan.planner.usecases import newplan
from relplan.planner.usecases.newplan import CONFIG_NAME
from relplan.tui.cli.init_report import history_json, render_history
from relplan.tui.cli.output import say

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
    if dry_run:
        newplan.refuse_existing(path, force, "config")
        say(f"would write {path} (dry run: nothing written)")
        return EXIT_OK
    newplan.write_example_config(path, force)
    say(f"relplan: wrote {path} (every key commented out: uncomment what you need)", err=True)
    return EXIT_OK


def _init_from_git(args: argparse.Namespace) -> int:
    out = Path(args.plan or "relplan.toml")
    if not args.dry_run:
        newplan.refuse_existing(out, args.force, "plan")
    new = newplan.plan_from_git(
        args.from_git, plan_path=out, config=getattr(args, "config", None),
        tag_patterns=args.tag_pattern, name=args.name, endoflife=args.endoflife,
        endoflife_data=args.endoflife_data, today=getattr(args, "today", None),
    )  # fmt: skip
    history, plan, declared, today = new.history, new.plan, new.declared, new.today
    if args.format == "json":
        report = history_json(history, plan, new.states, today, out, args.dry_run)
        report["proposed_stages"] = new.ladder
        report["stale"] = str(new.stale) if new.stale else None
        report["declared_support"] = declared.summary()
        report["support_sources"] = new.sources_line()
        json.dump(report, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(printable_lines(render_history(history, plan, new.states, today)))
        for line in declared.summary():
            say(line)
        say(new.sources_line())
        if new.ladder:
            say(
                f"freeze ladder: the tags look like {new.ladder}'s; to use its stages, set "
                f'[policy] stages = "{new.ladder}" (see README, the freeze ladder)'
            )
        say(f"plan: {len(plan.releases)} releases" + (
            " (dry run: nothing written)" if args.dry_run else f" -> {out}"
        ))  # fmt: skip
    for note in declared.notes:
        say(f"relplan: note: {note}", err=True)
    if new.stale:
        say(f"relplan: warning: {new.stale}", err=True)
    if not args.dry_run:
        newplan.write_new_plan(new, out, args.force)
        say(f"relplan: wrote {out} ({len(plan.releases)} releases)", err=True)
        _link_config(new, out)
    return EXIT_OK


def _link_config(new: newplan.NewPlan, out: Path) -> None:
    """Write the config that links the plan to the repository (and the endoflife.date
    product), or, when a config is there already, say what it lacks."""
    path, product = new.config_path, new.endoflife
    written, missing = newplan.link_config(new, out)
    for line in missing:
        say(f"relplan: note: {path} has no {line}; add it so relplan finds it", err=True)
    if not written:
        return
    say(f"relplan: wrote {path} ([git] repo -> {new.repo}"
        + (f"; [support] endoflife = {product!r}" if product else "") + ")", err=True)  # fmt: skip
