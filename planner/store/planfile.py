"""The plan file: TOML read with every problem reported, written diff-friendly and atomically.

Format (``format = 1``): a ``[plan]`` table (``name``, ``format``, ``planned_from``), the
``[policy]`` table (see :mod:`relplan.planner.store.policyfile`), one ``[[releases]]`` table
per release sorted by release day then version, one ``[[support]]`` table per series
and source of declared support (:class:`~relplan.planner.domain.support.DeclaredSupport`,
by version), one ``[[items]]`` table per item sorted by id (natural order). Release
tables carry the inputs of a :class:`~relplan.planner.domain.model.ReleaseSpec` (version,
kind, actual, unscheduled, codename, branch, the plan's own support ends, pins) and the
calendar's computed dates, which are written for humans and diffs and ignored on read.
Reading an exported plan and exporting it again, on any day, gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import re
import stat
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relplan.planner.domain.calendar import UNSCHEDULED, phase_on, without_computed_ends
from relplan.planner.domain.errors import PlanChangedOnDisk, PlanError, Problem
from relplan.planner.domain.model import Item, Plan, Release, ReleaseSpec, natural_key
from relplan.planner.domain.support import DeclaredSupport, SupportSource
from relplan.planner.domain.version import version_key
from relplan.planner.store.atomic import LOCK_WAIT, file_kind, plan_lock, write_locked, write_target
from relplan.planner.store.atomic import (
    write_atomic as write_atomic,  # where every writer imports it from
)
from relplan.planner.store.checking import (
    Checker,
    Invalid,
    Locator,
    as_date,
    as_int,
    as_table,
    as_text,
)
from relplan.planner.store.policyfile import policy_from_table, policy_to_json, policy_to_table
from relplan.planner.store.tables import (
    item_from_table,
    item_label,
    item_to_json,
    item_to_table,
    release_to_json,
    release_to_table,
    spec_from_table,
    support_from_table,
    support_to_json,
    support_to_table,
)

if TYPE_CHECKING:
    from relplan.planner.domain.merge import Conflict

FORMAT = 1
"""The plan file format version this module reads and writes."""

TOP_KEYS = ("plan", "policy", "releases", "support", "items")
_SYNTAX_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass(frozen=True, slots=True)
class LoadedPlan:
    """A plan as read from disk, with the sha256 of the bytes read (to detect later edits)."""

    plan: Plan
    path: Path
    fingerprint: str


def fingerprint(data: bytes) -> str:
    """The fingerprint of file contents: sha256, hex."""
    return hashlib.sha256(data).hexdigest()


def read_toml(text: str, filename: str) -> dict[str, Any]:
    """Parse TOML text; a syntax error becomes a PlanError with its line and column.

    So do what the parser cannot take: nesting thousands of levels deep, and
    numbers of more than 4,300 digits (Python's limit for reading integers).
    """
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise too_deep(text, filename) from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line = column = None
        at = _SYNTAX_AT.search(message)
        if at:
            line, column = int(at.group(1)), int(at.group(2))
            message = message[: at.start()].strip()
        elif "end of document" in message:
            line = text.count("\n") + 1
            message = message.split(" (at", 1)[0]
        raise PlanError(Problem(f"not valid TOML: {message}", filename, line, column)) from None
    except ValueError as exc:  # not a TOMLDecodeError: an integer too long to read
        raise too_long(text, filename, exc) from None


MAX_NESTING = 100
_LONG_NUMBER = re.compile(r"[0-9_]{4000,}")


def too_deep(text: str, filename: str) -> PlanError:
    """A PlanError for nesting too deep to read, at the line where it gets too deep."""
    depth, line = 0, 1
    for char in text:
        if char == "\n":
            line += 1
        elif char in "[{":
            depth += 1
            if depth > MAX_NESTING:
                break
        elif char in "]}":
            depth -= 1
    return PlanError(
        Problem(
            f"nested more than {MAX_NESTING} levels deep",
            filename,
            line,
            hint="relplan's files are flat tables and lists",
        )
    )


def too_long(text: str, filename: str, exc: ValueError) -> PlanError:
    """A PlanError for a number too long to read (or another value the parser refused)."""
    found = _LONG_NUMBER.search(text)
    if found is None:
        return PlanError(Problem(f"cannot be read: {exc}", filename))
    line = text.count("\n", 0, found.start()) + 1
    return PlanError(
        Problem("a number with thousands of digits", filename, line, hint="expected a small number")
    )


def decode(data: bytes, filename: str) -> str:
    """Bytes of a text file as UTF-8 (a leading byte-order mark is dropped, as Windows
    editors and Trac's CSV write one); a bad byte becomes a PlanError with its line."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PlanError(
            Problem("not UTF-8 text", filename, line, hint="save it as UTF-8")
        ) from None


def read_bytes(path: Path) -> bytes:
    """A file's bytes; a missing, unreadable or non-regular file becomes a PlanError.

    Only regular files are read: a fifo would block forever, a device has no end.
    """
    try:
        # O_NONBLOCK: opening a fifo must not wait for a writer (regular files ignore it)
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC), "rb") as file:
            mode = os.fstat(file.fileno()).st_mode
            if not stat.S_ISREG(mode):
                raise PlanError(
                    Problem(
                        f"cannot read: not a regular file ({file_kind(mode)})",
                        str(path),
                        hint="relplan reads plans, configs and imports from regular files",
                    )
                )
            return file.read()
    except (OSError, ValueError) as exc:
        reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
        raise PlanError(Problem(f"cannot read: {reason}", str(path))) from None


def load_plan(path: Path) -> LoadedPlan:
    """Read and check a plan file; raises PlanError listing every problem found."""
    data = read_bytes(path)
    plan = loads_plan(decode(data, str(path)), str(path))
    return LoadedPlan(plan, path, fingerprint(data))


def loads_plan(text: str, filename: str = "plan.toml") -> Plan:
    """Parse and check plan text; ``filename`` names the file in problems.

    The garbage collector waits meanwhile: reading makes 100,000s of objects, none
    cyclic, and each collection on the way walks all of them again (a 50,000-item plan:
    a third of its reading time).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _loads_plan(text, filename)
    finally:
        if was_enabled:
            gc.enable()


def _loads_plan(text: str, filename: str) -> Plan:
    data = read_toml(text, filename)
    check = Checker(filename, Locator(text))
    check.unknown_keys(data, TOP_KEYS, (), "")
    name, planned_from = _plan_table(data.get("plan", {}), filename, check)
    policy = policy_from_table(data.get("policy", {}), check)
    releases: list[ReleaseSpec] = []
    for i, table in _tables(data, "releases", check):
        label = item_label(i, {"id": table.get("version")}, "releases")
        spec = spec_from_table(table, policy, check, ("releases", i), label)
        releases.extend([spec] if spec else [])
    items: list[Item] = []
    for i, table in _tables(data, "items", check):
        item, _ = item_from_table(table, check, ("items", i), item_label(i, table))
        items.extend([item] if item else [])
    support: list[DeclaredSupport] = []
    for i, table in _tables(data, "support", check):
        label = f"support[{i}]" + (f" ({table['series']})" if "series" in table else "")
        record = support_from_table(table, check, ("support", i), label)
        support.extend([record] if record else [])
    check_unique(data, "releases", "version", check)
    check_unique(data, "items", "id", check)
    _check_unique_support(support, check)
    check.raise_if_any()
    plan = Plan(name, policy, tuple(releases), tuple(items), tuple(support), planned_from)
    return without_computed_ends(plan)


def _check_unique_support(records: Sequence[DeclaredSupport], check: Checker) -> None:
    seen: set[tuple[str, str]] = set()
    for i, r in enumerate(records):
        key = (r.series, r.source.value)
        if key in seen:
            check.add(
                f"series {r.series} from {r.source.value} appears twice",
                ("support", i, "series"),
                f"support[{i}].series",
                "one [[support]] table per series and source",
            )
        seen.add(key)


def check_unique(data: dict[str, Any], section: str, key: str, check: Checker) -> None:
    """Report every ``[[section]]`` table whose ``key`` repeats an earlier one."""
    seen: set[str] = set()
    for i, table in _tables(data, section, Checker(check.file)):
        value = table.get(key)
        if isinstance(value, str):
            if value in seen:
                check.add(
                    f'"{value}" appears twice',
                    (section, i, key),
                    f"{section}[{i}].{key}",
                    f"each {key} may appear once",
                )
            seen.add(value)


def _plan_table(raw: object, filename: str, check: Checker) -> tuple[str, dt.date | None]:
    """The ``[plan]`` table: the plan's name and the day it was made (None: not recorded)."""
    name, planned_from = Path(filename).stem, None
    try:
        table = as_table(raw)
    except Invalid as exc:
        check.add(str(exc), ("plan",), "plan")
        return name, None
    check.unknown_keys(table, ("name", "format", "planned_from"), ("plan",), "plan")
    try:
        name = as_text(table["name"]) if "name" in table else name
    except Invalid as exc:
        check.add(str(exc), ("plan", "name"), "plan.name")
    try:
        planned_from = as_date(table["planned_from"]) if "planned_from" in table else None
    except Invalid as exc:
        check.add(str(exc), ("plan", "planned_from"), "plan.planned_from")
    try:
        version = as_int(table.get("format", FORMAT))
    except Invalid as exc:
        check.add(str(exc), ("plan", "format"), "plan.format")
    else:
        if version != FORMAT:
            check.add(
                f"format {version} is not supported",
                ("plan", "format"),
                "plan.format",
                f"this relplan reads format {FORMAT}",
            )
    return name, planned_from


def _plan_head(plan: Plan) -> dict[str, Any]:
    """The ``[plan]`` table written: ``planned_from`` only where the plan records it."""
    head: dict[str, Any] = {"name": plan.name, "format": FORMAT}
    if plan.planned_from is not None:
        head["planned_from"] = plan.planned_from
    return head


def _tables(data: dict[str, Any], key: str, check: Checker) -> list[tuple[int, dict[str, Any]]]:
    raw = data.get(key, [])
    if not isinstance(raw, list):
        check.add(f"expected [[{key}]] tables", (key,), key)
        return []
    out = []
    for i, table in enumerate(raw):
        if isinstance(table, dict):
            out.append((i, table))
        else:
            check.add(f"expected a table, found {table!r}", (key,), f"{key}[{i}]")
    return out


def _release_rows(
    plan: Plan, releases: Sequence[Release]
) -> list[tuple[Release | None, ReleaseSpec | None]]:
    """Each computed release with its spec, then specs with no computed release; sorted."""
    rows: list[tuple[Release | None, ReleaseSpec | None]] = []
    seen: set[str] = set()
    for release in releases:
        if release.version not in seen:
            seen.add(release.version)
            rows.append((release, plan.spec(release.version)))
    rows.extend((None, spec) for spec in plan.releases if spec.version not in seen)

    def order(row: tuple[Release | None, ReleaseSpec | None]) -> tuple[Any, ...]:
        release, spec = row
        day = (
            release.day if release else (spec.actual or spec.pins.get("release") if spec else None)
        )
        version = release.version if release else spec.version if spec else ""
        return (day is None, day or dt.date.min, version_key(version))

    return sorted(rows, key=order)


def _support_sorted(plan: Plan) -> list[DeclaredSupport]:
    trust = list(SupportSource)
    return sorted(plan.support, key=lambda r: (version_key(r.series), trust.index(r.source)))


def _items_sorted(plan: Plan) -> list[Item]:
    return sorted(plan.items, key=lambda it: natural_key(it.id))


def dumps_toml(plan: Plan, releases: Sequence[Release] = ()) -> str:
    """The plan file text: policy, each release (inputs + computed dates), each item."""
    doc: dict[str, Any] = {
        "plan": _plan_head(plan),
        "policy": policy_to_table(plan.policy),
    }
    rows = [release_to_table(r, s) for r, s in _release_rows(plan, releases)]
    if rows:
        doc["releases"] = rows
    if plan.support:
        doc["support"] = [support_to_table(r) for r in _support_sorted(plan)]
    items = [item_to_table(it) for it in _items_sorted(plan)]
    if items:
        doc["items"] = items
    import tomli_w  # start-up: the writer (~0.5 ms) for writes only; every start reads a plan

    return str(tomli_w.dumps(doc))


def plan_to_json(plan: Plan, releases: Sequence[Release], today: dt.date) -> dict[str, Any]:
    """The plan as JSON-ready data: plan, policy, releases (with phase on ``today``), items."""
    out_releases = []
    for release, spec in _release_rows(plan, releases):
        phase = phase_on(release, today).value if release is not None else UNSCHEDULED
        out_releases.append(release_to_json(release, spec, phase))
    return {
        "plan": {**_plan_head(plan), "planned_from": _iso_or_none(plan.planned_from)},
        "policy": policy_to_json(plan.policy),
        "releases": out_releases,
        "support": [support_to_json(r) for r in _support_sorted(plan)],
        "items": [item_to_json(it) for it in _items_sorted(plan)],
    }


def _disk_fingerprint(path: Path) -> str | None:
    try:
        return fingerprint(path.read_bytes())
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise PlanError(Problem(f"cannot read: {exc.strerror or exc}", str(path))) from None


def save_plan(
    plan: Plan,
    releases: Sequence[Release],
    path: Path,
    expected_fingerprint: str | None,
    *,
    wait: float = LOCK_WAIT,
) -> str:
    """Write the plan atomically and return the new fingerprint.

    ``expected_fingerprint`` is the fingerprint of the file as loaded (None: the
    file must not exist yet); if the file on disk differs, nothing is written and
    PlanChangedOnDisk is raised. The check and the rename happen under the
    plan's lock (see :func:`plan_lock`), so two writers can never both pass the
    check with the same file: the second waits up to ``wait`` seconds, then
    sees the first one's file. The text is built before anything touches the
    disk, and a crash at any moment leaves either the old or the new file.
    A symlinked plan is written through to its target.
    """
    data = dumps_toml(plan, releases).encode("utf-8")
    target = write_target(path)
    with plan_lock(target, wait, shown=path):
        current = _disk_fingerprint(target)
        if current != expected_fingerprint:
            what = (
                "was created"
                if expected_fingerprint is None
                else ("was deleted" if current is None else "changed")
            )
            raise PlanChangedOnDisk(
                Problem(
                    f"the plan file {what} since it was loaded; not overwriting it",
                    str(path),
                    hint="reload it and apply your edits again",
                )
            )
        write_locked(target, data, path)
    return fingerprint(data)


@dataclass(frozen=True, slots=True)
class Saved:
    """What :func:`save_merged` wrote: the plan (merged with the file on disk when that
    had changed), its fingerprint, and the fields both sides changed (ours kept)."""

    plan: Plan
    fingerprint: str
    merged: bool = False
    conflicts: tuple[Conflict, ...] = ()


def save_merged(
    base: Plan,
    plan: Plan,
    path: Path,
    expected_fingerprint: str | None,
    releases: Callable[[Plan], Sequence[Release]],
    *,
    wait: float = LOCK_WAIT,
) -> Saved:
    """Save ``plan``; when the file changed since ``base`` was loaded from it, merge first.

    What import and sync use: another writer's additions (a second import, a
    git pull) are kept by a three-way merge (:func:`relplan.planner.domain.merge.three_way`:
    base = the plan as loaded, ours = ``plan``, theirs = the file now), all under
    the plan's lock, so nothing either writer added is lost. ``releases``
    computes the calendar of the plan to write. A plan deleted since it was
    loaded is not recreated (PlanChangedOnDisk).
    """
    target = write_target(path)
    with plan_lock(target, wait, shown=path):
        try:
            return Saved(plan, save_plan(plan, releases(plan), path, expected_fingerprint))
        except PlanChangedOnDisk:
            if not target.exists():
                raise
        # start-up: the merge (~1.5 ms) only when another writer changed the file
        from relplan.planner.domain.merge import three_way

        disk = load_plan(path)
        merged, conflicts = three_way(base, plan, disk.plan)
        saved = save_plan(merged, releases(merged), path, disk.fingerprint)
        return Saved(merged, saved, True, tuple(conflicts))


def _iso_or_none(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None
