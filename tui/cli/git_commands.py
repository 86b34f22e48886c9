"""Git subcommands: ``backports`` (what is still missing on each stable branch) and
``init --from-git`` (a plan whose past releases come from release tags).

Headless: no Textual, no httpx. Everything is read-only on the repository.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.errors import PlanError, Problem
from planner.version import version_key

if TYPE_CHECKING:
    from planner.config import Config
    from planner.git.backports import BackportRow, BranchTarget, ScanResult
    from planner.git.history import History
    from planner.git.join import Conflict
    from planner.git.repo import Repo
    from planner.model import Plan
    from tui.cli.context import Context

EXIT_OK = 0


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``backports`` and ``init`` subcommands."""
    p = subparsers.add_parser(
        "backports",
        parents=[common],
        help="which upstream fixes still have to reach which stable branch (from git history)",
        description="Scan stable branches for picks of upstream fixes (cherry-pick markers, "
        "'master commit:', 'commit X upstream.', 'Backport of X', patch-id, along pick chains), "
        "culprits (Fixes:, Follow-up for, Regression in, reverts, ...) and backport requests, "
        "in every built-in convention (see [git.conventions] in the config). Says which "
        "conventions the history uses and which branch is upstream. Read-only on the repository.",
    )
    p.add_argument("--repo", metavar="PATH", help="repository (default: [git] repo, else .)")
    p.add_argument(
        "--upstream",
        metavar="BRANCH",
        help="upstream branch (default: [git] upstream, else the main line: main, master, "
        "origin/HEAD; never a stable branch)",
    )
    p.add_argument(
        "--branch",
        metavar="NAME",
        action="append",
        default=[],
        help="stable branch to check (repeatable; default: the plan's maintained ones)",
    )
    p.add_argument(
        "--branch-pattern",
        metavar="PATTERN",
        help="branch name of a series, e.g. stable-{series} (default: the policy's)",
    )
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format")
    p.add_argument("--missing", action="store_true", help="only fixes still missing")
    p.add_argument(
        "--lenient",
        action="store_true",
        help="report unparsable backport marks as warnings instead of failing",
    )
    p.add_argument("--no-patch-id", action="store_true", help="skip matching unmarked picks")
    p.add_argument(
        "--conflicts",
        action="store_true",
        help="list where the plan's tracker backport fields and git disagree",
    )
    p.set_defaults(run=run_backports)

    i = subparsers.add_parser(
        "init",
        parents=[common],
        help="create a plan from a repository's release tags",
        description="Create a plan whose past releases come from release tags, and report the "
        "measured cadence as a suggested policy. Never overwrites an existing plan.",
    )
    i.add_argument("--from-git", metavar="PATH", required=True, help="repository to read tags from")
    i.add_argument(
        "--tag-pattern",
        metavar="PATTERN",
        action="append",
        default=[],
        help="release tag pattern with {version} (repeatable; default: "
        "RELEASE-{version}, v{version}, {version}; -rcN tags are RCs)",
    )
    i.add_argument("--name", help="plan name (default: the repository's folder name)")
    i.add_argument("--dry-run", action="store_true", help="report only; write nothing")
    i.add_argument("--format", choices=("table", "json"), default="table", help="report format")
    i.set_defaults(run=run_init)


# backports ------------------------------------------------------------------


def _config(args: argparse.Namespace) -> Config:
    from planner.config import load_config

    return load_config(Path(args.config) if getattr(args, "config", None) else None)


def run_backports(args: argparse.Namespace) -> int:
    """``relplan backports``: rows per branch, missing first (or the tracker-vs-git
    conflicts of the plan's items with ``--conflicts``), as a table or JSON."""
    from planner.git.join import git_evidence
    from planner.git.repo import Repo

    config = _config(args)
    repo = Repo(args.repo or config.git.repo or ".")
    pattern = args.branch_pattern or config.git.branch_pattern
    upstream = args.upstream or config.git.upstream
    ctx = _context(args) if args.conflicts or not args.branch else None
    targets = _targets(args, repo, pattern, ctx)
    plan = ctx.plan if ctx is not None and not ctx.is_demo else _empty_plan()
    ev = git_evidence(
        plan,
        repo,
        targets,
        upstream=upstream,
        strict=not args.lenient,
        patch_id=not args.no_patch_id,
        conventions=config.git.conventions,
        pattern=pattern,
    )
    if not ev.scan.upstream_reason:
        ev.scan.upstream_reason = "--upstream" if args.upstream else "[git] upstream"
    for warning in ev.scan.warnings:
        print(f"relplan: warning: {warning}", file=sys.stderr)
    table = args.format == "table" and not args.conflicts
    for line in scan_header(ev.scan):
        print(line if table else f"relplan: {line}", file=sys.stdout if table else sys.stderr)
    if args.conflicts:
        _emit(ev.conflicts, args.format)
        return EXIT_OK
    rows = [r for r in ev.scan.rows if r.state.is_pending or not args.missing]
    if args.format == "json":
        json.dump([r.to_json() for r in rows], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print()
        sys.stdout.write(render_backports(ev.scan, rows))
    return EXIT_OK


def scan_header(result: ScanResult) -> list[str]:
    """Which branch was upstream and why, and which conventions the history uses."""
    return [
        f"upstream: {result.upstream} ({result.upstream_reason})",
        f"conventions: {result.conventions.summary()}",
    ]


def _context(args: argparse.Namespace) -> Context:
    from tui.cli.context import load_context

    return load_context(args)


def _empty_plan() -> Plan:
    from planner.model import Plan
    from planner.policy import Policy

    return Plan("git", Policy())


def _emit(conflicts: list[Conflict], fmt: str) -> None:
    if fmt == "json":
        keys = ("item", "series", "branch", "tracker", "git", "message")
        data = [
            {
                k: (str(v) if v is not None else None)
                for k, v in zip(
                    keys, (c.item, c.series, c.branch, c.tracker, c.git, c.message), strict=True
                )
            }
            for c in conflicts
        ]
        json.dump(data, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    if not conflicts:
        print("tracker and git agree on every fix commit of the plan")
    for c in conflicts:
        print(f"{c.item}  {c.series}  {c.message}")


def _targets(
    args: argparse.Namespace, repo: Repo, pattern: str | None, ctx: Context | None
) -> list[BranchTarget]:
    from planner.git.backports import BranchTarget, series_from_branch

    if args.branch:
        return [BranchTarget(b, series_from_branch(b, pattern)) for b in args.branch]
    from planner.git.join import present_targets

    assert ctx is not None
    hint = "pass --branch NAME or --branch-pattern PATTERN"
    found, missing = present_targets(repo, ctx.plan, ctx.train(), ctx.today, pattern, hint)
    for warning in missing:
        print(f"relplan: warning: {warning}", file=sys.stderr)
    return found


def render_backports(result: ScanResult, rows: list[BackportRow]) -> str:
    """One block per branch: what is still missing first, then what is done."""
    out: list[str] = []
    for t in result.branches:
        mine = [r for r in rows if r.branch == t.name]
        counts = Counter("missing" if r.state.is_pending else str(r.state) for r in mine)
        parts = [f"{counts.pop('missing', 0)} missing", f"{counts.pop('done', 0)} done"]
        parts += [f"{n} {state}" for state, n in sorted(counts.items())]
        series = f" ({t.series}{', security only' if t.security_only else ''})" if t.series else ""
        out.append(f"{t.name}{series}: " + ", ".join(parts))
        for r in mine:
            subject = r.subject if len(r.subject) <= 50 else r.subject[:49] + "…"
            out.append(f"  {str(r.state):<9} {r.fix[:12]}  {subject:<50}  {r.evidence}")
        out.append("")
    return "\n".join(out)


# init -----------------------------------------------------------------------


def run_init(args: argparse.Namespace) -> int:
    """``relplan init --from-git PATH``: history from tags, measured cadence, a new plan."""
    from planner.git.history import DEFAULT_TAG_PATTERNS, history_from_tags
    from planner.git.repo import Repo

    out = Path(args.plan or "relplan.toml")
    if out.exists() and not args.dry_run:
        raise PlanError(
            Problem(
                "a plan already exists here; not overwriting it",
                str(out),
                hint="pass --plan NEW.toml",
            )
        )
    repo = Repo(args.from_git)
    config = _config(args)
    base = config.policy
    history = history_from_tags(
        repo, args.tag_pattern or DEFAULT_TAG_PATTERNS, (base.timezone if base else "UTC")
    )
    name = args.name or repo.path.resolve().name.removesuffix(".git")
    plan = history.plan(name, base)
    if args.format == "json":
        json.dump(_history_json(history, plan.policy, out, args.dry_run), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_history(history))
    if not args.dry_run:
        from planner.planfile import save_plan

        save_plan(plan, [], out, None)
        print(f"relplan: wrote {out} ({len(plan.releases)} releases)", file=sys.stderr)
    return EXIT_OK


def render_history(history: History) -> str:
    """Releases found in tags and the measured cadence as a suggested policy."""
    lines = [f"{'version':<10} {'kind':<12} {'day':<10}  {'rcs':<4} {'branch':<20} tag"]
    for r in history.releases:
        lines.append(
            f"{r.version:<10} {r.kind.value:<12} {r.day}  {len(r.rcs):<4} "
            f"{r.branch or '':<20} {r.tag}"
        )
    lines.append("")
    lines.append(f"point releases: {history.point_gaps or 'fewer than two'}")
    lines.append(f"maintenance releases: {history.all_maintenance_gaps or 'none'}")
    for series in sorted(history.maintenance_gaps, key=version_key):
        lines.append(f"  {series}: {history.maintenance_gaps[series]}")
    policy = history.suggested_policy()
    c, m = policy.cadence, policy.maintenance
    lines.append(
        f"suggested policy: cadence {c.min_weeks}-{c.max_weeks} weeks (target "
        f"{c.planned_weeks}), maintenance release every {m.release_every_weeks or '-'} weeks, "
        f"branch_pattern {policy.branch_pattern!r}"
    )
    return "\n".join(lines) + "\n"


def _history_json(history: History, policy: Any, out: Path, dry_run: bool) -> dict[str, Any]:
    def spread(s: Any) -> dict[str, Any] | None:
        return (
            None
            if s is None
            else {
                "median_weeks": round(s.median, 2),
                "low": round(s.low, 2),
                "high": round(s.high, 2),
                "min": round(s.minimum, 2),
                "max": round(s.maximum, 2),
                "gaps": s.count,
            }
        )

    c = policy.cadence
    return {
        "releases": [
            {
                "version": r.version,
                "kind": r.kind.value,
                "day": r.day.isoformat(),
                "tag": r.tag,
                "branch": r.branch,
                "rcs": [d.isoformat() for d in r.rcs],
            }
            for r in history.releases
        ],
        "point_gaps": spread(history.point_gaps),
        "maintenance_gaps": spread(history.all_maintenance_gaps),
        "maintenance_gaps_per_branch": {s: spread(v) for s, v in history.maintenance_gaps.items()},
        "suggested_policy": {
            "min_weeks": c.min_weeks,
            "max_weeks": c.max_weeks,
            "target_weeks": c.target_weeks,
            "release_every_weeks": policy.maintenance.release_every_weeks,
            "branch_pattern": policy.branch_pattern,
        },
        "plan": None if dry_run else str(out),
    }
