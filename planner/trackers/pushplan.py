"""What each tracker source has to push, from the plan and the cache (no network).

:func:`source_bases` reads, per source, the tracker version each item of the plan holds
(as sync finds it: :func:`relplan.planner.trackers.sync.plan_bases`); :func:`pending_from` compares
the
plan with them (pure, so the dashboard recounts on every edit without the cache).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from relplan.planner.domain.errors import SourceError
from relplan.planner.domain.model import Item, Plan
from relplan.planner.store.cache import Cache
from relplan.planner.trackers.base import SourceConfig
from relplan.planner.trackers.push import SourcePush, local_writes
from relplan.planner.trackers.registry import writer_for
from relplan.planner.trackers.sync import identity, plan_bases, select_sources


@dataclass(frozen=True, slots=True)
class SourceBases:
    """A tracker source and, per item of the plan, the tracker version it holds (None:
    the cache never synced this source with this config)."""

    config: SourceConfig
    bases: Mapping[str, Item] | None


def source_bases(plan: Plan, sources: Sequence[SourceConfig], cache: Cache) -> list[SourceBases]:
    """Each tracker source's bases for the plan's items, from the cache (as sync finds them)."""
    out = []
    for config in sources:
        if config.kind == "file":
            continue
        if cache.identity(config.name) != identity(config):
            out.append(SourceBases(config, None))
            continue
        bases = plan_bases(cache, config.name, cache.item_map(config.name), plan)
        out.append(SourceBases(config, bases))
    return out


def pending_from(plan: Plan, found: Sequence[SourceBases]) -> list[SourcePush]:
    """What each source has to push: the plan against bases read before (pure)."""
    out = []
    for sb in found:
        mine = [it for it in plan.items if it.id.startswith(f"{sb.config.name}#")]
        if sb.bases is None:
            note = ("never synced with this config: relplan sync first",) if mine else ()
            out.append(SourcePush(sb.config, (), {}, tuple(it.id for it in mine), note))
            continue
        unsupported = writer_for(sb.config).unsupported
        out.append(local_writes(mine, sb.bases, sb.config, unsupported))
    return out


def pending_pushes(plan: Plan, sources: Sequence[SourceConfig], cache: Cache) -> list[SourcePush]:
    """What each tracker source has to push: the plan against the cache (no network)."""
    return pending_from(plan, source_bases(plan, sources, cache))


def choose_sources(sources: Sequence[SourceConfig], names: Sequence[str]) -> list[SourceConfig]:
    """The sources named (each checked as sync checks one), or all of them."""
    if not names:
        return select_sources(sources, None)
    chosen: dict[str, SourceConfig] = {}
    for name in names:
        for config in select_sources(sources, name):
            if config.kind == "file":
                raise SourceError(
                    config.problem(
                        "is a file source: nothing to push",
                        "kind",
                        hint="push writes to trackers; edit the file itself",
                    )
                )
            chosen[config.name] = config
    return list(chosen.values())
