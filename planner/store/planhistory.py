"""The plan file's own history in git: the plan as it was on a day, and what changed since.

A plan file is meant to live in git (it is written to diff well). Its committed
versions are read with two git processes whatever their number (``git log`` of
the file, then one ``git cat-file --batch`` for every version's text), parsed,
and compared by meaning rather than by text: items moved, states and prognoses
changed, milestone days that slipped. A file outside any git work tree has no
history; callers say so instead of guessing.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from relplan.planner.domain.errors import PlanError
from relplan.planner.domain.model import Item, Plan, Release, natural_key
from relplan.planner.store.planfile import loads_plan

_GIT_ENV = {"GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


@dataclass(frozen=True, slots=True)
class PlanVersion:
    """One committed version of the plan file: commit, committer time (UTC), the plan."""

    commit: str
    when: dt.datetime
    plan: Plan


@dataclass(frozen=True, slots=True)
class PlanHistory:
    """The committed versions of a plan file, oldest first.

    ``missing`` says why there is none (no file, not in a git work tree, never
    committed); ``skipped`` counts versions that do not parse (they are left out).
    """

    versions: tuple[PlanVersion, ...] = ()
    missing: str | None = None
    skipped: int = 0

    def as_of(self, moment: dt.datetime) -> PlanVersion | None:
        """The last version committed strictly before ``moment`` (aware), or None."""
        found = None
        for v in self.versions:
            if v.when < moment:
                found = v
        return found


def start_of(day: dt.date, timezone: str) -> dt.datetime:
    """Midnight at the start of ``day`` in ``timezone``, as an aware UTC instant."""
    local = dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(timezone))
    return local.astimezone(dt.UTC)


def _git(cwd: Path, args: Sequence[str], stdin: bytes | None = None) -> bytes | None:
    try:
        proc = subprocess.run(
            ["git", "-c", "core.quotePath=false", "-C", str(cwd), *args],
            input=stdin,
            capture_output=True,
            env={**os.environ, **_GIT_ENV},
        )
    except FileNotFoundError:
        return None
    return proc.stdout if proc.returncode == 0 else None


def _blobs(cwd: Path, names: Sequence[str]) -> list[bytes | None]:
    """The contents of ``<commit>:<path>`` names in one ``git cat-file --batch``."""
    out = _git(cwd, ["cat-file", "--batch"], "".join(f"{n}\n" for n in names).encode())
    if out is None:
        return [None] * len(names)
    blobs: list[bytes | None] = []
    pos = 0
    for _ in names:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[1] != b"blob":
            blobs.append(None)
            continue
        size = int(header[2])
        blobs.append(out[pos : pos + size])
        pos += size + 1
    return blobs


def _releases_part(text: str) -> str:
    """The plan text without its items, when relplan wrote it (items come last): the
    calendar needs only plan, policy and releases, and parsing 100,000 items per
    version would cost seconds each."""
    cut = text.find("\n[[items]]")
    if cut < 0 or "\n[[releases]]" in text[cut:]:
        return text
    return text[: cut + 1]


def read_history(path: Path | None, *, items: bool = True) -> PlanHistory:
    """Every committed version of the plan file at ``path``, oldest first.

    ``items=False`` reads only plan, policy and releases of each version (enough
    for the calendar; much faster for large plans).
    """
    if path is None:
        return PlanHistory(missing="the embedded demo has no history")
    path = path.resolve()
    folder = path.parent
    if not folder.is_dir():
        return PlanHistory(missing=f"{path} does not exist")
    prefix = _git(folder, ["rev-parse", "--show-prefix"])
    if prefix is None:
        return PlanHistory(missing=f"{path.name} is not in a git work tree")
    log = _git(folder, ["log", "--format=%H%x1f%ct", "--", path.name])
    rows = [line.split("\x1f") for line in (log or b"").decode().splitlines() if line]
    if not rows:
        return PlanHistory(missing=f"{path.name} has never been committed")
    inside = prefix.decode().strip() + path.name
    rows.reverse()
    texts = _blobs(folder, [f"{sha}:{inside}" for sha, _ in rows])
    versions: list[PlanVersion] = []
    skipped = 0
    for (sha, stamp), data in zip(rows, texts, strict=True):
        if data is None:  # the file was deleted in that commit
            continue
        try:
            text = data.decode("utf-8")
            plan = loads_plan(text if items else _releases_part(text), str(path))
        except (UnicodeDecodeError, PlanError):
            skipped += 1
            continue
        when = dt.datetime.fromtimestamp(int(stamp), dt.UTC)
        versions.append(PlanVersion(sha, when, plan))
    return PlanHistory(tuple(versions), skipped=skipped)


# -- what changed ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanChange:
    """One change between two versions of a plan: ``scope`` "item" or "release", the id or
    version it concerns, and what happened in words."""

    scope: str
    key: str
    text: str


def _target(value: str | None) -> str:
    return value or "no release"


def item_changes(old: Item, new: Item) -> list[str]:
    """What changed on one item that a development update reports, in words."""
    out = []
    if old.target != new.target:
        out.append(f"moved from {_target(old.target)} to {_target(new.target)}")
    for name in ("state", "prognosis", "priority", "owner"):
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            out.append(f"{name} {a or 'unset'} -> {b or 'unset'}")
    if old.blocker != new.blocker:
        out.append("now a blocker" if new.blocker else "no longer a blocker")
    return out


def _slip(name: str, old: dt.date | None, new: dt.date | None) -> str | None:
    if old == new:
        return None
    if old is None or new is None:
        return f"{name} {old or 'none'} -> {new or 'none'}"
    days = (new - old).days
    how = f"slipped {days} days" if days > 0 else f"brought forward {-days} days"
    return f"{name} {old} -> {new} ({how})"


def plan_changes(
    old: Plan, old_train: Sequence[Release], new: Plan, new_train: Sequence[Release]
) -> list[PlanChange]:
    """What changed from ``old`` to ``new``: releases first (milestone days that moved,
    releases shipped, added or dropped), then items (added, removed, moved, state,
    prognosis, priority, owner, blocker), each in calendar / natural id order."""
    out: list[PlanChange] = []
    before = {r.version: r for r in old_train}
    after = {r.version: r for r in new_train}
    for r in new_train:
        was = before.get(r.version)
        if was is None:
            out.append(PlanChange("release", r.version, f"new on the calendar ({r.day})"))
            continue
        if r.actual is not None and was.actual is None:
            out.append(PlanChange("release", r.version, f"shipped on {r.actual}"))
        else:
            for name, a, b in (
                ("last posting", was.last_posting, r.last_posting),
                ("freeze", was.freeze, r.freeze),
                ("release", was.day, r.day),
            ):
                text = _slip(name, a, b)
                if text:
                    out.append(PlanChange("release", r.version, text))
    out.extend(
        PlanChange("release", r.version, "no longer on the calendar")
        for r in old_train
        if r.version not in after
    )
    old_items = {it.id: it for it in old.items}
    new_items = {it.id: it for it in new.items}
    for item_id in sorted(old_items.keys() | new_items.keys(), key=natural_key):
        then, now = old_items.get(item_id), new_items.get(item_id)
        if then is None and now is not None:
            out.append(PlanChange("item", item_id, f"new: {now.title} ({_target(now.target)})"))
        elif now is None and then is not None:
            out.append(PlanChange("item", item_id, f"removed: {then.title}"))
        elif then is not None and now is not None:
            out.extend(PlanChange("item", item_id, t) for t in item_changes(then, now))
    return out
