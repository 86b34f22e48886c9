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

from relplan.planner.domain.errors import PlanError, Problem
from relplan.planner.domain.text import printable_lines
from relplan.planner.domain.version import version_key
from relplan.tui.cli.output import say

if TYPE_CHECKING:
    from relplan.planner.domain.model import Plan
    from relplan.planner.git.backports import BackportRow, BranchTarget, ScanResult
    from relplan.planner.git.history import History
    from relplan.planner.git.join import Conflict
    from relplan.planner.git.repo import Repo
    from relplan.planner.store.config import Config
    from relplan.tui.cli.context import Context

EXIT_OK = 0


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``backports`` and ``init`` subcommands."""
    p = subparsers.add_parser(
        "backports",
        parents=[common],
        help="which upstream fixes still have to reach which stable branch (from git history)",
        description="Scan stable branches for picks of upstream fixes (cherry-pick markers, "
        "'master commit:', 'commit X upstream.', 'Backport of X', bots' pull request numbers, "
        "patch-id and titles, along pick chains), "
        "culprits (Fixes:, Follow-up for, Regression in, reverts, ...) and backport requests, "
        "in every built-in convention (see [git.conventions] in the config). Says which "
        "conventions the history uses and which branch is upstream. For each missing fix, "
        "whether it applies to the branch (clean, conflict with paths, needs earlier commits, "
        "already applied), by an in-memory cherry-pick. Read-only on the repository; what it "
        "reads is cached by commit id and branch tips.",
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
    p.add_argument(
        "--no-patch-id", action="store_true", help="skip matching unmarked picks by patch-id"
    )
    p.add_argument(
        "--no-apply",
        action="store_true",
        help="skip 'will it apply?' (clean, conflict, needs, applied) for missing fixes",
    )
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
        description="Create a plan whose releases come from release tags (RC and beta tags "
        "recorded as their milestones), with the cadence, RC rhythm, support policy and branch "
        "pattern measured from the tags and branches as its policy. Never overwrites an "
        "existing plan unless --force.",
    )
    i.add_argument(
        "--from-git", metavar="PATH", required=True, help="repository (clone or bare) to read"
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
    i.add_argument("--name", help="plan name (default: the repository's folder name)")
    i.add_argument("--dry-run", action="store_true", help="report only; write nothing")
    i.add_argument("--force", action="store_true", help="overwrite an existing plan file")
    i.add_argument("--format", choices=("table", "json"), default="table", help="report format")
    i.set_defaults(run=run_init)


# backports ------------------------------------------------------------------


def _config(args: argparse.Namespace) -> Config:
    from relplan.planner.store.config import load_config

    return load_config(Path(args.config) if getattr(args, "config", None) else None)


def run_backports(args: argparse.Namespace) -> int:
    """``relplan backports``: rows per branch, missing first (or the tracker-vs-git
    conflicts of the plan's items with ``--conflicts``), as a table or JSON."""
    from relplan.planner.git.join import git_evidence
    from relplan.planner.git.repo import Repo
    from relplan.planner.git.store import GitStore
    from relplan.planner.store.cache import default_cache_dir

    config = _config(args)
    repo = Repo(args.repo or config.git.repo or ".")
    pattern = args.branch_pattern or config.git.branch_pattern
    upstream = args.upstream or config.git.upstream
    ctx = _context(args) if args.conflicts or not args.branch else None
    targets = _targets(args, repo, pattern, ctx)
    plan = ctx.plan if ctx is not None and not ctx.is_demo else _empty_plan()
    store = GitStore(config.cache_dir or default_cache_dir())
    try:
        ev = git_evidence(
            plan,
            repo,
            targets,
            upstream=upstream,
            strict=not args.lenient,
            patch_id=not args.no_patch_id,
            conventions=config.git.conventions,
            pattern=pattern,
            store=store,
            apply=not args.no_apply,
        )
    finally:
        store.close()
    if not ev.scan.upstream_reason:
        ev.scan.upstream_reason = "--upstream" if args.upstream else "[git] upstream"
    for warning in ev.scan.warnings:
        say(f"relplan: warning: {warning}", err=True)
    table = args.format == "table" and not args.conflicts
    for line in scan_header(ev.scan):
        say(line if table else f"relplan: {line}", err=not table)
    if args.conflicts:
        _emit(ev.conflicts, args.format)
        return EXIT_OK
    rows = [r for r in ev.scan.rows if r.state.is_pending or not args.missing]
    if args.format == "json":
        json.dump([r.to_json() for r in rows], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        say("")
        sys.stdout.write(printable_lines(render_backports(ev.scan, rows)))
    return EXIT_OK


def scan_header(result: ScanResult) -> list[str]:
    """Which branch was upstream and why, which conventions the history uses, and how the
    done rows were found (marker, pr-number, patch-id, title)."""
    lines = [
        f"upstream: {result.upstream} ({result.upstream_reason})",
        f"conventions: {result.conventions.summary()}",
    ]
    if result.signals:
        found = ", ".join(f"{name} {n}" for name, n in result.signals.items())
        lines.append(
            f"done found by: {found}" + (" (cached: no branch moved)" if result.cached else "")
        )
    return lines


def _context(args: argparse.Namespace) -> Context:
    from relplan.tui.cli.context import load_context

    return load_context(args)


def _empty_plan() -> Plan:
    from relplan.planner.domain.model import Plan
    from relplan.planner.domain.policy import Policy

    return Plan("git", Policy())


def _emit(conflicts: list[Conflict], fmt: str) -> None:
    if fmt == "json":
        from relplan.planner.outputs.contracts import conflict_json

        json.dump([conflict_json(c) for c in conflicts], sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    if not conflicts:
        say("tracker and git agree on every fix commit of the plan")
    for c in conflicts:
        say(f"{c.item}  {c.series}  {c.message}")


def _targets(
    args: argparse.Namespace, repo: Repo, pattern: str | None, ctx: Context | None
) -> list[BranchTarget]:
    from relplan.planner.git.backports import BranchTarget, series_from_branch

    if args.branch:
        return [BranchTarget(b, series_from_branch(b, pattern)) for b in args.branch]
    from relplan.planner.git.join import present_targets

    assert ctx is not None
    hint = "pass --branch NAME or --branch-pattern PATTERN"
    found, missing = present_targets(repo, ctx.plan, ctx.train(), ctx.today, pattern, hint)
    for warning in missing:
        say(f"relplan: warning: {warning}", err=True)
    return found


def render_backports(result: ScanResult, rows: list[BackportRow]) -> str:
    """One block per branch: what is still missing first, then what is done."""
    # the conventions' regexes compile on import (15 ms): only backports pays for them
    from relplan.planner.git.rows import missing_summary

    out: list[str] = []
    for t in result.branches:
        every = [r for r in result.rows if r.branch == t.name]  # counts: every row, shown or not
        counts = Counter("missing" if r.state.is_pending else str(r.state) for r in every)
        counts.pop("missing", None)
        parts = [missing_summary(every), f"{counts.pop('done', 0)} done"]
        parts += [f"{n} {state}" for state, n in sorted(counts.items())]
        series = f" ({t.series}{', security only' if t.security_only else ''})" if t.series else ""
        out.append(f"{t.name}{series}: " + ", ".join(parts))
        for r in (r for r in rows if r.branch == t.name):
            subject = r.subject if len(r.subject) <= 50 else r.subject[:49] + "…"
            apply = f"  [{r.apply_text}]" if r.apply else ""
            out.append(f"  {str(r.state):<9} {r.fix[:12]}  {subject:<50}  {r.evidence}{apply}")
        out.append("")
    return "\n".join(out)


# init -----------------------------------------------------------------------


def run_init(args: argparse.Namespace) -> int:
    """``relplan init --from-git PATH``: history from tags, measured policy, a new plan."""
    from relplan.planner.git.history import branch_states, history_from_tags
    from relplan.planner.git.repo import Repo

    out = Path(args.plan or "relplan.toml")
    if out.exists() and not args.dry_run and not args.force:
        raise PlanError(
            Problem(
                "a plan already exists here; not overwriting it",
                str(out),
                hint="pass --plan NEW.toml, or --force to replace it",
            )
        )
    repo = Repo(args.from_git)
    base = _config(args).policy
    timezone = base.timezone if base else "UTC"
    history = history_from_tags(repo, args.tag_pattern or None, timezone)
    name = args.name or repo.path.resolve().name.removesuffix(".git")
    plan = history.plan(name, base)
    today = _init_today(args, plan)
    states = branch_states(plan, today)
    from relplan.planner.domain.stages import propose_preset

    ladder = propose_preset(tag for tag, _, _ in repo.tags())
    if args.format == "json":
        report = _history_json(history, plan, states, today, out, args.dry_run)
        report["proposed_stages"] = ladder
        json.dump(report, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(printable_lines(render_history(history, plan, states, today)))
        if ladder:
            say(
                f"freeze ladder: the tags look like {ladder}'s; to use its stages, set "
                f'[policy] stages = "{ladder}" (see README, the freeze ladder)'
            )
        say(f"plan: {len(plan.releases)} releases" + (
            " (dry run: nothing written)" if args.dry_run else f" -> {out}"
        ))  # fmt: skip
    if not args.dry_run:
        _write_new_plan(plan, today, out, args.force)
    return EXIT_OK


def _init_today(args: argparse.Namespace, plan: Plan) -> Any:
    from relplan.planner.domain.calendar import today_in
    from relplan.planner.usecases.session import parse_day

    return parse_day(args.today) if getattr(args, "today", None) else today_in(plan.policy)


def _write_new_plan(plan: Plan, today: Any, out: Path, force: bool) -> None:
    """Write the plan as every save does (with the calendar's dates on ``today``); with
    ``force``, over the file that is there (checked not to change while replacing it)."""
    from relplan.planner.domain.calendar import build_train
    from relplan.planner.store.planfile import fingerprint, save_plan

    expected = fingerprint(out.read_bytes()) if force and out.exists() else None
    save_plan(plan, build_train(plan, today), out, expected)
    say(f"relplan: wrote {out} ({len(plan.releases)} releases)", err=True)


SHOWN_SERIES = 16
"""Series listed one per line by ``init``; older ones are summed up in one line."""


def render_history(history: History, plan: Plan, states: dict[str, Any], today: Any) -> str:
    """What ``init`` read and measured: tags, scheme, releases per series with their RCs and
    support on ``today``, cadence, support policy, branch pattern, the suggested policy."""
    scheme = history.scheme
    lines = []
    if scheme is not None:
        lines.append(f"tags: {scheme.tags_read} read; {scheme.describe()}")
        if scheme.ignored:
            shown = ", ".join(scheme.ignored[:6]) + (", ..." if len(scheme.ignored) > 6 else "")
            lines.append(f"  not release tags: {len(scheme.ignored)} ({shown})")
        if scheme.alphas:
            lines.append(f"  alpha tags: {scheme.alphas} (development snapshots, not milestones)")
    if history.abandoned:
        found = ", ".join(
            f"{v} ({n})"
            for v, n in sorted(history.abandoned.items(), key=lambda kv: version_key(kv[0]))
        )
        lines.append(f"  RC tags of releases never tagged, not imported: {found}")  # fmt: skip
    if history.orphans:
        lines.append(f"  maintenance tags without a point release: {', '.join(history.orphans)}")
    shipped = history.shipped
    points = sum(1 for r in shipped if r.kind.value == "point")
    lines.append(
        f"releases: {points} point, {len(shipped) - points} maintenance "
        f"({shipped[0].day} .. {shipped[-1].day}), "
        f"{sum(len(r.rcs) for r in shipped)} RCs and {sum(len(r.betas) for r in shipped)} "
        "betas recorded as their milestones"
    )
    for r in history.releases:
        if not r.shipped:
            lines.append(f"  upcoming {r.version}: {_prereleases(r)} tagged, not released yet")
    lines.extend(_series_table(history, states, today))
    lines.extend(_measured(history, plan))
    lines.append(_supported_line(history, states, today))
    return "\n".join(lines) + "\n"


def _supported_line(history: History, states: dict[str, Any], today: Any) -> str:
    """Which branches the suggested policy supports on ``today``, and whether every series
    that released in the six months before is among them (the tags say it is alive)."""
    import datetime as dt

    from relplan.planner.domain.model import Phase

    since = today - dt.timedelta(days=183)
    recent = {r.series for r in history.shipped if since <= r.day <= today}
    newest_first = sorted(states, key=version_key, reverse=True)
    kinds = (("maintained", Phase.MAINTAINED), ("security-only", Phase.SECURITY_ONLY))
    named = {label: [s for s in newest_first if states[s] is phase] for label, phase in kinds}
    text = f"on {today}: " + "; ".join(f"{k} {', '.join(v) or 'none'}" for k, v in named.items())
    dropped = sorted((s for s in recent if states.get(s) is None), key=version_key)
    if dropped:
        return text + f"; released since {since} but end-of-life here: {', '.join(dropped)}"
    return text + f"; every series released since {since} is supported"


def _prereleases(r: Any) -> str:
    parts = []
    for label, days in (("beta", r.betas), ("rc", r.rcs)):
        if days:
            span = f"{days[0]}" if len(days) == 1 else f"{days[0]} .. {days[-1]}"
            parts.append(f"{len(days)} {label} {span}")
    return ", ".join(parts)


def _series_table(history: History, states: dict[str, Any], today: Any) -> list[str]:
    by_series: dict[str, list[Any]] = {}
    for r in history.shipped:
        by_series.setdefault(r.series, []).append(r)
    lives = {b.series: b for b in history.lives}
    order = sorted(by_series, key=version_key, reverse=True)
    lines = [
        f"  {'series':<7} {'released':<10}  {'pre-releases':<30} {'releases':>8}  "
        f"{'last':<18} {'lived':>6} {'after next':>10}  on {today}"
    ]
    for series in order[:SHOWN_SERIES]:
        rs = by_series[series]
        point, last = rs[0], max(rs, key=lambda r: (r.day, version_key(r.version)))
        life = lives.get(series)
        after = life.after_next_months if life else None
        state = states.get(series)
        lines.append(
            f"  {series:<7} {point.day}  {_prereleases(point) or '-':<30} {len(rs):>8}  "
            f"{last.version + ' ' + str(last.day):<18} "
            f"{(life.lived_months if life else 0):>5.1f}m "
            f"{(f'{after:.1f}m' if after is not None else '-'):>10}  "
            f"{state.value if state else 'eol'}"
        )
    if len(order) > SHOWN_SERIES:
        older = order[SHOWN_SERIES:]
        lines.append(f"  ... {len(older)} older series ({older[-1]} .. {older[0]}): "
                     f"{sum(len(by_series[s]) for s in older)} releases")  # fmt: skip
    return lines


def _measured(history: History, plan: Plan) -> list[str]:
    lines = [f"point releases (newest): {history.point_gaps or 'fewer than two'}"]
    if history.rc_lead and history.rc_every:
        lines.append(
            f"release candidates: the first {history.rc_lead.median:.1f} weeks before the "
            f"release (median of {history.rc_lead.count}), then every "
            f"{history.rc_every.median:.0f} days (median)"
        )
    lines.append(
        f"maintenance releases (newest branches): {history.all_maintenance_gaps or 'none'}"
    )
    if history.support:
        lines.extend(f"support: {reason}" for reason in history.support.reasons)
    else:
        lines.append("support: too few maintained branches to measure; the default kept")
    found = sum(1 for r in history.shipped if r.branch and r.kind.value == "point")
    lines.append(
        f"branches: {history.branch_pattern or 'none found'}"
        + (f" ({found} series have one)" if history.branch_pattern else "")
    )
    p = plan.policy
    c, st, m = p.cadence, p.stabilization, p.maintenance
    support = (
        f"{m.model.value}: {m.general_months} months general + {m.security_months} security-only"
        if m.model.value == "windows"
        else f"{m.model.value} + {m.security_months} months security-only"
    )
    lines.append(
        f"suggested policy: a point release every {c.min_weeks}-{c.max_weeks} weeks (target "
        f"{c.planned_weeks}), freeze {st.freeze_weeks} weeks before, an RC every "
        f"{st.rc_every_days} days; maintenance {support}, a maintenance release every "
        f"{m.release_every_weeks or '-'} weeks; branch_pattern {p.branch_pattern!r}"
    )
    return lines


def _history_json(
    history: History, plan: Plan, states: dict[str, Any], today: Any, out: Path, dry_run: bool
) -> dict[str, Any]:
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

    policy = plan.policy
    c, m = policy.cadence, policy.maintenance
    scheme = history.scheme
    return {
        "scheme": None if scheme is None else {
            "release_patterns": list(scheme.release_patterns),
            "prerelease_patterns": list(scheme.prerelease_patterns),
            "series_depth": scheme.depth,
            "tags_read": scheme.tags_read,
            "release_tags": scheme.release_tags,
            "prerelease_tags": scheme.prerelease_tags,
        },
        "releases": [
            {
                "version": r.version,
                "kind": r.kind.value,
                "series": r.series,
                "day": r.day.isoformat() if r.shipped else None,
                "tag": r.tag,
                "branch": r.branch,
                "rcs": [d.isoformat() for d in r.rcs],
                "betas": [d.isoformat() for d in r.betas],
            }
            for r in history.releases
        ],
        "abandoned_prereleases": history.abandoned,
        "point_gaps": spread(history.point_gaps),
        "maintenance_gaps": spread(history.all_maintenance_gaps),
        "maintenance_gaps_per_branch": {s: spread(v) for s, v in history.maintenance_gaps.items()},
        "branches": [
            {
                "series": b.series,
                "first": b.first.isoformat(),
                "last": b.last.isoformat(),
                "releases": b.releases,
                "lived_months": round(b.lived_months, 1),
                "after_next_months": None if b.after_next_months is None
                else round(b.after_next_months, 1),
                "sparse_after": b.dense_until.isoformat() if b.dense_until else None,
                "support": states[b.series].value if states.get(b.series) else None,
            }
            for b in history.lives
        ],
        "today": today.isoformat(),
        "support_reasons": list(history.support.reasons) if history.support else [],
        "suggested_policy": {
            "min_weeks": c.min_weeks,
            "max_weeks": c.max_weeks,
            "target_weeks": c.target_weeks,
            "freeze_weeks": policy.stabilization.freeze_weeks,
            "rc_every_days": policy.stabilization.rc_every_days,
            "maintenance_model": m.model.value,
            "general_months": m.general_months,
            "security_months": m.security_months,
            "release_every_weeks": m.release_every_weeks,
            "branch_pattern": policy.branch_pattern,
        },
        "plan": None if dry_run else str(out),
    }  # fmt: skip
