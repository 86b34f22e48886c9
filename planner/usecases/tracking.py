"""The sync and push use cases: the trackers of the config, both ways.

Sync fetches and merges into the plan (one undoable change, saved with the cache record:
both or neither); push writes local triage back; what is pending, and when each source
last synced.

:class:`relplan.planner.usecases.session.Session` is the last of a line of classes, each
adding one job to the one before: UnitOfWork, Queries, Backports, Triage, Shipping,
Tracking.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from relplan.planner.domain import ops
from relplan.planner.domain.model import Plan

# What the faces pass to and read from the trackers' use cases (pure types, no I/O)
from relplan.planner.trackers.base import Outcome as Outcome
from relplan.planner.trackers.base import Reporter as Reporter
from relplan.planner.trackers.base import config_sources
from relplan.planner.usecases.shipping import Shipping

if TYPE_CHECKING:
    from relplan.planner.store.cache import CachedConflict, SourceStatus
    from relplan.planner.trackers.push import PushResult, Write
    from relplan.planner.trackers.pushing import Pusher
    from relplan.planner.trackers.sync import SyncResult


class Tracking(Shipping):
    """The sync and push use cases: the trackers of the config, both ways."""

    # -- trackers ---------------------------------------------------------------------------------
    @property
    def has_sources(self) -> bool:
        """True when the config names tracker or file sources."""
        return bool(self.config.source_tables)

    async def sync(
        self,
        reporter: Reporter | None = None,
        *,
        source: str | None = None,
        full: bool = False,
        wait_for_writers: bool = False,
        transport: Any = None,
    ) -> SyncResult:
        """Fetch the config's sources (or the one named; ``full``: ignore update windows),
        merge into the plan as one undoable change, then save the plan and record the sync
        in the cache: both or neither. Both faces call it: a plan file changed on disk since
        it was loaded is never merged into silently, the save refuses (PlanChangedOnDisk)
        and nothing is recorded. A plan file that does not exist yet is created; the demo
        is merged in memory only. ``wait_for_writers``: wait the CLI's 10 s for another
        writer of the file instead of the dashboard's short wait."""
        # start-up: trackers.sync (~20 ms: asyncio, ssl), only for a sync
        from relplan.planner.trackers.sync import sync_config_async

        def save(plan: Plan) -> None:
            self.save(wait_for_writers=wait_for_writers)

        def adopt(merged: Plan, description: str) -> None:
            self.apply(ops.Change(merged, description, ("*",)))

        demo = self.is_demo
        try:
            return await sync_config_async(
                self.plan, self.config, None if demo else save, source=source, full=full,
                reporter=reporter, create=not demo and not self.writable_path().exists(),
                adopt=adopt, transport=transport, plan_path=None if demo else self.path,
            )  # fmt: skip
        finally:
            self._push_bases = None  # the cache holds new versions now

    async def push(
        self,
        *,
        sources: Sequence[str] = (),
        dry_run: bool = False,
        create_versions: bool = False,
        reporter: Reporter | None = None,
        transport: Any = None,
        started: Callable[[Pusher], None] | None = None,
    ) -> PushResult:
        """Write local triage back to the trackers (see :mod:`relplan.planner.trackers.pushing`);
        then save the plan with the update stamps of the items written, as one undoable
        change, and record the push in the cache: both or neither. A dry run writes nothing
        anywhere."""
        # start-up: the push machinery (~50 ms: asyncio, ssl, the adapters), only for a push
        from relplan.planner.trackers.pushing import push_config_async

        if not dry_run:
            self.writable_path()
        before = {it.id: it.updated for it in self.plan.items}

        def save(pushed: Plan) -> None:
            stamps = {it.id: it.updated for it in pushed.items if before.get(it.id) != it.updated}
            items = [
                replace(it, updated=stamps[it.id]) if it.id in stamps else it
                for it in self.plan.items
            ]
            self.apply(ops.Change(self.plan.with_items(items), "recorded the push", ("*",)))
            self.save()

        try:
            return await push_config_async(
                self.plan, self.config, None if dry_run else save, sources=sources,
                dry_run=dry_run, create_versions=create_versions, reporter=reporter,
                transport=transport, started=started,
            )  # fmt: skip
        finally:
            self._push_bases = None  # the cache may hold new versions now

    def pending_pushes(self) -> list[Write]:
        """Every local change a push would write or skip, from the plan and the bases in
        the cache (no network). The first call reads the cache (the dashboard asks in a
        thread); later ones reuse what it read until the next sync or push."""
        # start-up: the pending-push planner (~50 ms: the adapters, ssl), only with tracker sources
        from relplan.planner.trackers.pushplan import pending_from, source_bases

        if not self.has_sources:
            return []
        if self._push_bases is None:
            # The cache's reader and the tracker types (sqlite3, json) load with the first
            # count of pending pushes, after the first frame (start-up: ~12 ms)
            from relplan.planner.store.cache import Cache

            with Cache.open(self.config.cache_dir) as cache:
                self._push_bases = source_bases(self.plan, config_sources(self.config), cache)
        return [w for sp in pending_from(self.plan, self._push_bases) for w in sp.writes]

    def sync_record(self) -> tuple[list[SourceStatus], list[CachedConflict]]:
        """When each source last synced, with its counts, and the conflicts still open: what
        the cache recorded (no network; ``relplan sync --status``)."""
        from relplan.planner.store.cache import Cache  # start-up: the cache's reader, as above

        with Cache.open(self.config.cache_dir) as cache:
            return cache.statuses(), cache.conflicts()

    def sources_line(self) -> str:
        """How old the tracker data is, per source (empty without sources)."""
        if not self.has_sources:
            return ""
        # start-up: trackers.sync (~20 ms), only with tracker sources
        from relplan.planner.trackers.sync import last_sync_text

        return last_sync_text(self.config)
