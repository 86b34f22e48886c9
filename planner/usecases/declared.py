"""Reading the support a project declares, and writing it into a plan.

``init --from-git`` and ``sync`` call :func:`read_declared`: the ``SUPPORT.md`` of each
release branch when there is a repository (Xen), and endoflife.date's product data when a
product is named (a local copy of its repository, else its API through the cache). The
records go into the plan with :func:`with_declared` (one per series, the most trusted
source winning; see :func:`relplan.planner.domain.support.merge_support`), where the calendar
takes each branch's support ends from them before any measured or configured policy.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.model import Plan, Release, ReleaseKind, series_of
from relplan.planner.domain.support import DeclaredSupport, SupportSource, merge_support
from relplan.planner.git.repo import Repo
from relplan.planner.git.supportfile import read_support_files, series_branches
from relplan.planner.store.cache import Cache
from relplan.planner.store.config import Config
from relplan.planner.trackers import endoflife as eol

if TYPE_CHECKING:
    from relplan.planner.store.planfile import Saved
    from relplan.planner.usecases.session import Session


@dataclass(slots=True)
class DeclaredRead:
    """What the readers found: records, which sources were read whole, notes for the user."""

    records: list[DeclaredSupport] = field(default_factory=list)
    refreshed: set[SupportSource] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        """One line per source that declared something: how many series, and which; or one
        line saying nothing was declared where it was looked for."""
        lines = []
        for source in (SupportSource.DECLARED, SupportSource.ENDOFLIFE):
            mine = [r for r in self.records if r.source is source]
            if source not in self.refreshed or not mine:
                continue
            where = mine[0].origin.split(" on ")[0]
            named = ", ".join(r.series for r in mine[:8]) + (", ..." if len(mine) > 8 else "")
            lines.append(f"declared support: {where}: {len(mine)} series ({named})")
        if not lines and self.refreshed:
            looked = " or ".join(_label(s) for s in sorted(self.refreshed))
            lines.append(f"declared support: none found ({looked})")
        return lines


def _label(source: SupportSource) -> str:
    return "SUPPORT.md on the branches" if source is SupportSource.DECLARED else "endoflife.date"


def plan_series(plan: Plan) -> list[str]:
    """The series of the plan's point releases."""
    depth = plan.series_depth
    return [series_of(r.version, depth) for r in plan.releases if r.kind is ReleaseKind.POINT]


def read_declared(
    series: Iterable[str],
    *,
    repo: Repo | None = None,
    branch_patterns: Iterable[str | None] = (),
    endoflife: str | None = None,
    endoflife_data: Path | None = None,
    cache_dir: Path | None = None,
    transport: Any = None,
) -> DeclaredRead:
    """Declared support of ``series``: ``SUPPORT.md`` on each series' branch (named by the
    first of ``branch_patterns`` that names one) when ``repo`` is given, and the
    endoflife.date ``endoflife`` product (from ``endoflife_data``, else the API)."""
    found = DeclaredRead()
    wanted = list(dict.fromkeys(series))
    if repo is not None:
        branches = series_branches(repo, wanted, branch_patterns)
        found.records += read_support_files(repo, branches)
        found.refreshed.add(SupportSource.DECLARED)
    if endoflife:
        cycles = _endoflife(endoflife, endoflife_data, cache_dir, transport, found.notes)
        found.records += cycles
        found.refreshed.add(SupportSource.ENDOFLIFE)
        known = set(wanted)
        unknown = [c.series for c in cycles if c.series not in known]
        if unknown and wanted:
            found.notes.append(
                f"endoflife.date {endoflife}: {len(unknown)} cycle(s) name no series of the "
                f"plan ({', '.join(unknown[:5])}{', ...' if len(unknown) > 5 else ''})"
            )
    return found


def _endoflife(
    product: str, data: Path | None, cache_dir: Path | None, transport: Any, notes: list[str]
) -> list[DeclaredSupport]:
    if data is not None:
        return eol.read_product_file(data, product)

    with Cache.open(cache_dir) as cache:
        fetched = asyncio.run(eol.fetch_product(product, cache, transport=transport))
    notes.extend(fetched.notes)
    return fetched.cycles


def with_declared(plan: Plan, read: DeclaredRead) -> Plan:
    """``plan`` with the records read merged into its per-series support."""
    return replace(plan, support=merge_support(plan.support, read.records, read.refreshed))


def refresh_from_config(plan: Plan, config: Config, transport: Any = None) -> DeclaredRead | None:
    """What ``relplan sync`` reads again: ``SUPPORT.md`` on the branches of ``[git] repo`` and
    the ``[support] endoflife`` product; None when the config names neither."""
    product = config.support.endoflife
    if config.git.repo is None and product is None:
        return None
    repo = Repo(config.git.repo) if config.git.repo is not None else None
    return read_declared(
        plan_series(plan), repo=repo,
        branch_patterns=(config.git.branch_pattern, plan.policy.branch_pattern),
        endoflife=product, endoflife_data=config.support.endoflife_data,
        cache_dir=config.cache_dir, transport=transport,
    )  # fmt: skip


def write_declared(session: Session, read: DeclaredRead) -> Saved | None:
    """The declared support ``read`` written into the session's plan file (created when
    missing; merged three-way with the file when it changed on disk since it was loaded:
    :func:`relplan.planner.store.planfile.save_merged`). None when the plan says it
    already (nothing written)."""
    plan = with_declared(session.plan, read)
    path = session.writable_path()
    if plan.support == session.plan.support and path.exists():
        return None
    # start-up cost: the plan file writer, only when there is something to write
    from relplan.planner.store.planfile import save_merged

    def releases(plan: Plan) -> list[Release]:
        return build_train(plan, session.today)

    return save_merged(session.plan, plan, path, session.fingerprint, releases)
