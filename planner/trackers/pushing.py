"""Running a push: ask each tracker, write what the three-way rule allows, record it.

:func:`relplan.planner.trackers.pushplan.pending_pushes` (no network) finds each source's bases in
the
cache, as sync does, and what :func:`relplan.planner.trackers.push.local_writes` makes of them.
:class:`Pusher` then goes source by source and item by item, in id order and one at a
time, so that a failure leaves a clear line between what was written and what was not:

1. it reads the item from the tracker and decides each field
   (:func:`relplan.planner.trackers.push.decide`): conflicts and fields already there are not sent;
2. it finds the target's milestone/version (listed once per source); one the tracker
   lacks is reported, or created with ``create_versions``;
3. it sends the item's fields in one request, guarded where the tracker can (GitHub:
   ``If-Match`` with the ETag of step 1: a 412 is a conflict), reads the item back and
   checks that the tracker took each field.

A dry run reads (1 and 2) and sends nothing. A failure (a refusal, the network,
ctrl+c) stops the push; the writes not reached are ``unwritten``. Whatever happened,
:meth:`Pusher.record` then stores in the cache the version of each item written (see
:func:`relplan.planner.trackers.push.pushed_version`) and saves the plan with their new update
stamps:
both, or neither.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Mapping, Sequence
from itertools import groupby
from typing import TYPE_CHECKING, Any

from relplan.planner.domain.errors import Problem, RelplanError, SourceError
from relplan.planner.domain.model import Item, Plan
from relplan.planner.store.cache import Cache
from relplan.planner.trackers.base import (
    RELEASE_WORDS,
    FieldWrite,
    Milestone,
    Remote,
    Reporter,
    SourceConfig,
    Writer,
    config_sources,
)
from relplan.planner.trackers.http import HttpClient, Precondition, TrackerRefused, read_token
from relplan.planner.trackers.push import (
    Outcome,
    PushResult,
    SourcePush,
    Write,
    decide,
    milestone_for,
    pushed_version,
    stamped,
    taken,
    with_value,
)
from relplan.planner.trackers.pushplan import choose_sources, pending_pushes
from relplan.planner.trackers.registry import writer_for

if TYPE_CHECKING:
    from relplan.planner.store.config import Config

REFUSING = frozenset({400, 409, 422})
"""Answers that refuse one item's change (a validation error): the push goes on."""


class Pusher:
    """One push over some sources; see the module docstring."""

    def __init__(
        self,
        plan: Plan,
        sources: Sequence[SourceConfig],
        cache: Cache,
        *,
        dry_run: bool = False,
        create_versions: bool = False,
        env: Mapping[str, str] | None = None,
        transport: Any = None,
        reporter: Reporter | None = None,
        http_options: Mapping[str, Any] | None = None,
    ) -> None:
        self.plan, self.cache, self.dry_run = plan, cache, dry_run
        self.create_versions, self.env, self.transport = create_versions, env, transport
        self.reporter = reporter or Reporter()
        self.http_options = dict(http_options or {})
        self.pending = pending_pushes(plan, sources, cache)
        self.writes: dict[tuple[str, str], Write] = {
            (w.item, w.field): w for sp in self.pending for w in sp.writes
        }
        self.notes: list[Problem] = [sp.config.problem(n) for sp in self.pending for n in sp.notes]
        self.notes += [_unsynced(sp) for sp in self.pending if sp.unsynced and not sp.notes]
        self.failure: list[Problem] = []
        self.versions: dict[str, dict[str, Item]] = {}
        self.requests = 0
        self._milestones: dict[str, list[Milestone]] = {}
        self.recorded = plan

    @property
    def todo(self) -> list[Write]:
        """Writes not checked with the tracker yet."""
        return [w for w in self.writes.values() if w.outcome is Outcome.PENDING]

    async def run(self) -> None:
        """Push every pending write; a failure is kept in :attr:`failure`, not raised
        (only cancellation propagates: :meth:`record` still runs in the caller)."""
        busy = [sp for sp in self.pending if sp.pending]
        try:
            tokens = {sp.config.name: _token(sp.config, self.env) for sp in busy}
            total, done = len({w.item for sp in busy for w in sp.pending}), 0
            for sp in busy:
                writer = writer_for(sp.config)
                async with self._client(writer, tokens[sp.config.name]) as http:
                    try:
                        ordered = sorted(sp.pending, key=lambda w: _id_key(w.item))
                        for item_id, group in groupby(ordered, key=lambda w: w.item):
                            self.reporter.status(f"{sp.config.name}: pushing {item_id}")
                            await self._item(http, writer, sp, item_id, list(group))
                            done += 1
                            self.reporter.progress(done, total)
                    finally:
                        self.requests += http.requests
        except SourceError as exc:
            self.failure = list(exc.problems)
        finally:
            for w in self.todo:
                self._set(dataclasses.replace(w, outcome=Outcome.UNWRITTEN))

    def _client(self, writer: Writer, token: str) -> HttpClient:
        auth = writer.auth_headers(token)
        return HttpClient(
            writer.config,
            auth=auth,
            transport=self.transport,
            reporter=self.reporter,
            **self.http_options,
        )

    def _set(self, write: Write) -> None:
        self.writes[(write.item, write.field)] = write

    async def _item(
        self, http: HttpClient, writer: Writer, sp: SourcePush, item_id: str, group: list[Write]
    ) -> None:
        key = item_id.split("#", 1)[1]
        remote = await writer.read(http, key)
        sends: list[tuple[Write, FieldWrite]] = []
        for w in (decide(w, remote.item) for w in group):
            if w.outcome is not Outcome.PENDING:
                self._set(w)
                continue
            milestone = None
            if w.field == "target" and w.plan is not None:
                milestone, note = await self._milestone(http, writer, w.plan)
                w = dataclasses.replace(w, note=note)
                if milestone is None:
                    self._set(dataclasses.replace(w, outcome=Outcome.MISSING))
                    continue
            sends.append((w, FieldWrite(w.field, w.tracker, w.plan, milestone)))
        if self.dry_run:
            for w, _ in sends:
                self._set(dataclasses.replace(w, outcome=Outcome.WOULD_WRITE))
            return
        after = remote
        if sends:
            try:
                left = await writer.write(http, remote, [c for _, c in sends])
            except Precondition:
                return self._all(sends, Outcome.CONFLICT, "the item changed while pushing")
            except TrackerRefused as exc:
                if exc.status not in REFUSING:
                    raise
                return self._all(sends, Outcome.REFUSED, exc.problems[0].message)
            for w, _ in sends:
                if w.field in left:
                    self._set(dataclasses.replace(w, outcome=Outcome.SKIPPED, note=left[w.field]))
            sent = [w for w, _ in sends if w.field not in left]
            after = await self._read_back(http, writer, sp, item_id, remote, sent)
            for w in sent:
                self._set(_explained(taken(w, after.item), writer.config))
        self._record(sp, item_id, after.item)

    def _all(self, sends: list[tuple[Write, FieldWrite]], outcome: Outcome, note: str) -> None:
        for w, _ in sends:
            self._set(dataclasses.replace(w, outcome=outcome, note=note))

    async def _read_back(
        self,
        http: HttpClient,
        writer: Writer,
        sp: SourcePush,
        item_id: str,
        remote: Remote,
        sent: list[Write],
    ) -> Remote:
        """The item as the tracker has it after the write; when it cannot be read, the
        writes count as made (the tracker answered them) and the failure goes on up."""
        if not sent:
            return remote
        try:
            return await writer.read(http, item_id.split("#", 1)[1])
        except SourceError:
            item = remote.item
            for w in sent:
                self._set(
                    dataclasses.replace(
                        w, outcome=Outcome.WRITTEN, tracker=w.plan, note="not read back"
                    )
                )
                item = with_value(item, w.field, w.plan)
            self._record(sp, item_id, item)
            raise

    async def _milestone(
        self, http: HttpClient, writer: Writer, version: str
    ) -> tuple[Milestone | None, str | None]:
        config = writer.config
        word = RELEASE_WORDS.get(config.kind, "milestone")
        if config.name not in self._milestones:
            self._milestones[config.name] = await writer.milestones(http)
        known = self._milestones[config.name]
        found = milestone_for(version, known, config.rules)
        if found is not None:
            return found, None
        why = writer.unsupported("create_milestone", version)
        if not self.create_versions or why:
            hint = why or "relplan push --create-versions creates it"
            return None, f"no {word} {version!r} in the tracker; {hint}"
        if self.dry_run:
            return Milestone(version, version), f"creates {word} {version!r}"
        made = await writer.create_milestone(http, version)
        known.append(made)
        self.notes.append(config.problem(f"created {word} {made.name!r}"))
        return made, f"created {word} {version!r}"

    def _record(self, sp: SourcePush, item_id: str, after: Item) -> None:
        fields = [
            w.field
            for (i, _), w in self.writes.items()
            if i == item_id and w.outcome in (Outcome.WRITTEN, Outcome.ALREADY, Outcome.NOT_TAKEN)
        ]
        base = sp.bases.get(item_id)
        if fields and base is not None and not self.dry_run:
            version = pushed_version(base, after, fields)
            self.versions.setdefault(sp.config.name, {})[item_id] = version

    def record(self, save: Callable[[Plan], None] | None) -> None:
        """Store the pushed versions in the cache and save the plan with their stamps:
        both, or (the save failing) neither; a failure joins :attr:`failure`."""
        if self.dry_run or not self.versions:
            return
        every = {i: v for versions in self.versions.values() for i, v in versions.items()}
        plan = self.plan.with_items(stamped(self.plan.items, every))
        try:
            with self.cache.stage() as staged:
                for source, versions in self.versions.items():
                    staged.put_items(source, versions.values(), replace_all=False)
                if save is not None and plan != self.plan:
                    save(plan)
                staged.commit()
        except RelplanError as exc:
            self.failure += [
                *exc.problems,
                Problem(
                    "the writes above were made but not recorded",
                    hint="the next sync and push find them in the tracker",
                ),
            ]
            return
        self.recorded = plan

    def result(self) -> PushResult:
        """What the push did (or, dry, would do)."""
        order = sorted(self.writes.values(), key=lambda w: (w.source, _id_key(w.item)))
        return PushResult(
            tuple(order),
            tuple(self.notes),
            tuple(self.failure),
            self.recorded,
            self.dry_run,
            self.requests,
        )


def _explained(write: Write, config: SourceConfig) -> Write:
    """A write the tracker answered but did not take, with the likely reasons."""
    if write.outcome is not Outcome.NOT_TAKEN:
        return write
    who = f"the token in ${config.token_env}" if config.token_env else "the token"
    return dataclasses.replace(
        write, note=f"{who} may lack the right to change it, or a workflow forbids it"
    )


def _id_key(item_id: str) -> tuple[int, str]:
    key = item_id.split("#", 1)[1]
    return (int(key), "") if key.isdigit() else (1 << 62, key)


def _token(config: SourceConfig, env: Mapping[str, str] | None) -> str:
    token = read_token(config, env)
    if token is None:
        raise SourceError(
            config.problem(
                "pushing needs a token with write access",
                "token_env",
                hint="set token_env to the name of an environment variable holding one",
            )
        )
    return token


def _unsynced(sp: SourcePush) -> Problem:
    shown = ", ".join(sp.unsynced[:5]) + (
        f" and {len(sp.unsynced) - 5} more" if len(sp.unsynced) > 5 else ""
    )
    return sp.config.problem(
        f"{len(sp.unsynced)} item(s) have no synced version in the cache, so nothing tells "
        f"what changed locally: {shown}",
        hint="relplan sync first; they are not pushed",
    )


async def push_config_async(
    plan: Plan,
    config: Config,
    save: Callable[[Plan], None] | None,
    *,
    sources: Sequence[str] = (),
    dry_run: bool = False,
    create_versions: bool = False,
    reporter: Reporter | None = None,
    transport: Any = None,
    started: Callable[[Pusher], None] | None = None,
) -> PushResult:
    """Push the plan's local triage to the config's sources (or those named) and record
    it; what ``relplan push`` and the dashboard run. ``save(plan)`` writes the plan
    atomically (None: the push is recorded in the cache only). ``started`` is handed the
    :class:`Pusher` first (the CLI keeps it to say what was written on ctrl+c)."""
    chosen = choose_sources(config_sources(config), sources)
    with Cache.open(config.cache_dir) as cache:
        pusher = Pusher(
            plan,
            chosen,
            cache,
            dry_run=dry_run,
            create_versions=create_versions,
            reporter=reporter,
            transport=transport,
        )
        if started is not None:
            started(pusher)
        try:
            await pusher.run()
        finally:
            pusher.record(save)
    return pusher.result()


def run_push(
    plan: Plan,
    sources: Sequence[SourceConfig],
    cache: Cache,
    save: Callable[[Plan], None] | None,
    *,
    dry_run: bool = False,
    create_versions: bool = False,
    env: Mapping[str, str] | None = None,
    transport: Any = None,
    reporter: Reporter | None = None,
    http_options: Mapping[str, Any] | None = None,
) -> PushResult:
    """Push and record in one blocking call, on sources and a cache given directly (as
    :func:`relplan.planner.trackers.sync.run_sync` syncs); runs its own event loop."""
    pusher = Pusher(
        plan,
        sources,
        cache,
        dry_run=dry_run,
        create_versions=create_versions,
        env=env,
        transport=transport,
        reporter=reporter,
        http_options=http_options,
    )

    async def go() -> None:
        try:
            await pusher.run()
        finally:
            pusher.record(save)

    asyncio.run(go())
    return pusher.result()
