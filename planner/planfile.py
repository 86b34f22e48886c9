"""The plan file: TOML read with every problem reported, written diff-friendly and atomically.

Format (``format = 1``): a ``[plan]`` table (``name``, ``format``), the
``[policy]`` table (see :mod:`planner.policyfile`), one ``[[releases]]`` table
per release sorted by release day then version, one ``[[items]]`` table per
item sorted by id (natural order). Release tables carry the inputs of a
:class:`~planner.model.ReleaseSpec` (version, kind, actual, unscheduled, codename, branch,
pins) and the calendar's computed dates, which are written for humans and
diffs and ignored on read. Reading an exported plan and exporting it again
gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from planner.calendar import UNSCHEDULED, phase_on
from planner.checking import Checker, Invalid, Locator, as_int, as_table, as_text
from planner.errors import PlanChangedOnDisk, PlanError, Problem
from planner.model import Item, Plan, Release, ReleaseSpec, natural_key
from planner.policyfile import policy_from_table, policy_to_json, policy_to_table
from planner.tables import (
    item_from_table,
    item_label,
    item_to_json,
    item_to_table,
    release_to_json,
    release_to_table,
    spec_from_table,
)
from planner.version import version_key

FORMAT = 1
"""The plan file format version this module reads and writes."""

TOP_KEYS = ("plan", "policy", "releases", "items")
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
    """Parse TOML text; a syntax error becomes a PlanError with its line and column."""
    try:
        return tomllib.loads(text)
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


def decode(data: bytes, filename: str) -> str:
    """Bytes of a text file as UTF-8; a bad byte becomes a PlanError with its line."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PlanError(
            Problem("not UTF-8 text", filename, line, hint="save it as UTF-8")
        ) from None


def read_bytes(path: Path) -> bytes:
    """A file's bytes; a missing or unreadable file becomes a PlanError."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PlanError(Problem(f"cannot read: {exc.strerror or exc}", str(path))) from None


def load_plan(path: Path) -> LoadedPlan:
    """Read and check a plan file; raises PlanError listing every problem found."""
    data = read_bytes(path)
    plan = loads_plan(decode(data, str(path)), str(path))
    return LoadedPlan(plan, path, fingerprint(data))


def loads_plan(text: str, filename: str = "plan.toml") -> Plan:
    """Parse and check plan text; ``filename`` names the file in problems."""
    data = read_toml(text, filename)
    check = Checker(filename, Locator(text))
    check.unknown_keys(data, TOP_KEYS, (), "")
    name = _plan_table(data.get("plan", {}), filename, check)
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
    check_unique(data, "releases", "version", check)
    check_unique(data, "items", "id", check)
    check.raise_if_any()
    return Plan(name, policy, tuple(releases), tuple(items))


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


def _plan_table(raw: object, filename: str, check: Checker) -> str:
    name = Path(filename).stem
    try:
        table = as_table(raw)
    except Invalid as exc:
        check.add(str(exc), ("plan",), "plan")
        return name
    check.unknown_keys(table, ("name", "format"), ("plan",), "plan")
    try:
        name = as_text(table["name"]) if "name" in table else name
    except Invalid as exc:
        check.add(str(exc), ("plan", "name"), "plan.name")
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
    return name


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


def _items_sorted(plan: Plan) -> list[Item]:
    return sorted(plan.items, key=lambda it: natural_key(it.id))


def dumps_toml(plan: Plan, releases: Sequence[Release] = ()) -> str:
    """The plan file text: policy, each release (inputs + computed dates), each item."""
    doc: dict[str, Any] = {
        "plan": {"name": plan.name, "format": FORMAT},
        "policy": policy_to_table(plan.policy),
    }
    rows = [release_to_table(r, s) for r, s in _release_rows(plan, releases)]
    if rows:
        doc["releases"] = rows
    items = [item_to_table(it) for it in _items_sorted(plan)]
    if items:
        doc["items"] = items
    return str(tomli_w.dumps(doc))


def plan_to_json(plan: Plan, releases: Sequence[Release], today: dt.date) -> dict[str, Any]:
    """The plan as JSON-ready data: plan, policy, releases (with phase on ``today``), items."""
    out_releases = []
    for release, spec in _release_rows(plan, releases):
        phase = phase_on(release, today).value if release is not None else UNSCHEDULED
        out_releases.append(release_to_json(release, spec, phase))
    return {
        "plan": {"name": plan.name, "format": FORMAT},
        "policy": policy_to_json(plan.policy),
        "releases": out_releases,
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
    plan: Plan, releases: Sequence[Release], path: Path, expected_fingerprint: str | None
) -> str:
    """Write the plan atomically and return the new fingerprint.

    ``expected_fingerprint`` is the fingerprint of the file as loaded (None: the
    file must not exist yet); if the file on disk differs, nothing is written and
    PlanChangedOnDisk is raised. The text is built before anything touches the
    disk, and a crash at any moment leaves either the old or the new file.
    """
    data = dumps_toml(plan, releases).encode("utf-8")
    current = _disk_fingerprint(path)
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
    write_atomic(path, data)
    return fingerprint(data)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``: temp file in the same folder, fsync, rename, fsync folder.

    A failure (no such folder, no permission, disk full) is a PlanError naming
    the file; the old file is then untouched and no temp file is left behind.
    """
    try:
        _write_atomic(path, data)
    except OSError as exc:
        raise PlanError(Problem(f"cannot write: {exc.strerror or exc}", str(path))) from None


def _write_atomic(path: Path, data: bytes) -> None:
    folder = path.parent
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o644
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
