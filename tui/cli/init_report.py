"""What ``relplan init --from-git`` says it read and measured: tags, releases per series,
cadence, support (declared or measured, with its sample), the suggested policy; as text or
JSON. Headless: no Textual, no httpx."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relplan.planner.domain.model import Phase
from relplan.planner.domain.version import version_key

if TYPE_CHECKING:
    from relplan.planner.domain.model import Plan
    from relplan.planner.git.history import History


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
            f"{_after_next(after):>10}  "
            f"{state.value if state else 'eol'}"
        )
    if len(order) > SHOWN_SERIES:
        older = order[SHOWN_SERIES:]
        lines.append(f"  ... {len(older)} older series ({older[-1]} .. {older[0]}): "
                     f"{sum(len(by_series[s]) for s in older)} releases")  # fmt: skip
    return lines


def _after_next(months: float | None) -> str:
    """How long a branch kept releasing after the next series' first release: ``-`` for the
    newest series, ``none`` for one that stopped before (never a negative duration)."""
    if months is None:
        return "-"
    return f"{months:.1f}m" if months >= 0.05 else "none"


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


def history_json(
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
                else max(0.0, round(b.after_next_months, 1)),
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
