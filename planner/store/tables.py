"""Items and releases as TOML-style tables: read with checks, written in a fixed key order.

Shared by the plan file (:mod:`relplan.planner.store.planfile`) and the import readers
(:mod:`relplan.planner.trackers.files`). Readers report every problem to a
:class:`~relplan.planner.store.checking.Checker` and also say which fields a record set,
which is what :func:`relplan.planner.domain.merge.merge_items` needs to keep local triage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from relplan.planner.domain.model import (
    BackportState,
    Item,
    Kind,
    Priority,
    Prognosis,
    Release,
    ReleaseKind,
    ReleaseSpec,
    State,
    natural_key,
    series_of,
)
from relplan.planner.domain.policy import Policy
from relplan.planner.domain.stages import is_stage_pin, stage_pin_names
from relplan.planner.domain.support import DeclaredSupport, SupportSource
from relplan.planner.domain.version import Version
from relplan.planner.store.checking import (
    Checker,
    Invalid,
    Path_,
    as_bool,
    as_date,
    as_datetime,
    as_enum,
    as_int,
    as_str,
    as_str_list,
    as_table,
    as_text,
    did_you_mean,
    key_label,
)

Convert = Callable[[object], Any]


def _backports(value: object) -> dict[str, BackportState]:
    table = as_table(value)
    out = {}
    for series, state in table.items():
        try:
            out[series] = as_enum(state, BackportState)
        except Invalid as exc:
            raise Invalid(str(exc), key=series) from None
    return out


ITEM_FIELDS: dict[str, Convert] = {
    "id": as_text,
    "title": as_text,
    "kind": lambda v: as_enum(v, Kind),
    "priority": lambda v: as_enum(v, Priority),
    "state": lambda v: as_enum(v, State),
    "prognosis": lambda v: as_enum(v, Prognosis),
    "area": as_text,
    "target": as_text,
    "why": as_str,
    "blocker": as_bool,
    "labels": as_str_list,
    "url": as_text,
    "owner": as_text,
    "estimate_days": lambda v: as_int(v, 0, 100_000),
    "depends_on": as_str_list,
    "fix_commits": as_str_list,
    "updated": as_datetime,
    "backports": _backports,
}
"""Every key of an item table, in the order they are written."""

PIN_NAMES = ("release", "freeze", "last_posting")
RELEASE_INPUTS = (
    "version", "kind", "actual", "actual_betas", "actual_rcs", "unscheduled", "codename",
    "branch", "maintained_until", "security_until", "pins",
)  # fmt: skip
"""Keys of a ``[[releases]]`` table that are read. ``maintained_until`` and
``security_until`` are the plan's own support ends for the release's series (source
``plan``), written only when a person set them; files written before carry computed ones,
dropped on read where they equal the calendar's
(:func:`relplan.planner.domain.calendar.without_computed_ends`)."""
RELEASE_COMPUTED = (
    "series",
    "development_start",
    "last_posting",
    "freeze",
    "rcs",
    "release",
    "maintained_until",
    "security_until",
    "notes",
)
RELEASE_KEYS = (
    "version", "kind", "actual", "actual_betas", "actual_rcs", "unscheduled", "codename",
    "series", "branch", "development_start", "last_posting", "freeze", "rcs", "release",
    "maintained_until", "security_until", "notes", "pins",
)  # fmt: skip


def _convert(
    table: dict[str, Any], key: str, convert: Convert, check: Checker, path: Path_, label: str
) -> Any:
    try:
        return convert(table[key])
    except Invalid as exc:
        if exc.key is not None:
            check.add(str(exc), (*path, key, exc.key), f"{label}.{key}.{key_label(exc.key)}")
        else:
            check.add(str(exc), (*path, key), f"{label}.{key}")
        return None


def item_label(index: int, table: dict[str, Any], section: str = "items") -> str:
    """How problems name a record: ``items[3] (demo#remus)``."""
    item_id = table.get("id")
    return f"{section}[{index}]" + (f" ({item_id})" if isinstance(item_id, str) else "")


def _fast_values(table: dict[str, Any]) -> dict[str, Any] | None:
    """The converted fields of a table with nothing to complain about, else None: one
    pass over the fields the table has (a 50,000-item plan reads in half the time)."""
    values: dict[str, Any] = {}
    try:
        for key, raw in table.items():
            convert = ITEM_FIELDS.get(key)
            if convert is not None:
                values[key] = convert(raw)
    except Invalid:
        return None
    return values


def item_from_table(
    table: dict[str, Any], check: Checker, path: Path_, label: str, *, require_id: bool = True
) -> tuple[Item | None, frozenset[str]]:
    """An item and the set of fields the table gave; (None, ...) when it has problems."""
    before = len(check.problems)
    check.unknown_keys(table, ITEM_FIELDS, path, label)
    values = _fast_values(table) if "id" in table or not require_id else None
    if values is None:  # a field to complain about: every problem, in the fields' order
        values = {}
        for key, convert in ITEM_FIELDS.items():
            if key in table:
                values[key] = _convert(table, key, convert, check, path, label)
    for key in ("id", "title") if require_id else ("title",):
        if key not in table:
            check.add(
                f"missing (every item needs {'an' if key == 'id' else 'a'} {key})",
                path,
                f"{label}.{key}",
            )
    if len(check.problems) > before:
        return None, frozenset(table)
    fields = frozenset(values)
    values.setdefault("id", "")
    for key in ("labels", "depends_on", "fix_commits"):
        values.setdefault(key, ())
    return Item(**values), fields


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC)
    if isinstance(value, BackportState | Kind | Priority | State | ReleaseKind | Prognosis):
        return value.value
    return value


def item_to_table(item: Item) -> dict[str, Any]:
    """The item's table: unset and empty fields left out except ``blocker``."""
    out: dict[str, Any] = {}
    for key in ITEM_FIELDS:
        value = getattr(item, key)
        if key == "backports":
            value = {
                series: state.value
                for series, state in sorted(value.items(), key=lambda kv: natural_key(kv[0]))
            }
        if key == "blocker" or (value is not None and value != () and value != {}):
            out[key] = _plain(value)
    return out


def item_to_json(item: Item) -> dict[str, Any]:
    """The item as JSON-ready data: every field, null when unset, ISO date-times (keys in
    the order of :data:`ITEM_FIELDS`; built field by field: a 50,000-item export)."""
    updated = item.updated
    return {
        "id": item.id,
        "title": item.title,
        "kind": item.kind.value,
        "priority": item.priority.value,
        "state": item.state.value,
        "prognosis": item.prognosis.value if item.prognosis is not None else None,
        "area": item.area,
        "target": item.target,
        "why": item.why,
        "blocker": item.blocker,
        "labels": list(item.labels),
        "url": item.url,
        "owner": item.owner,
        "estimate_days": item.estimate_days,
        "depends_on": list(item.depends_on),
        "fix_commits": list(item.fix_commits),
        "updated": updated.astimezone(dt.UTC).isoformat() if updated is not None else None,
        "backports": {series: state.value for series, state in item.backports.items()},
    }


def _pins(value: object, policy: Policy | None = None) -> dict[str, dt.date]:
    """Pinned days by name: the calendar's own (:data:`PIN_NAMES`) and the stages of the
    policy's freeze ladder (:func:`relplan.planner.domain.stages.is_stage_pin`)."""
    table = as_table(value)
    out = {}
    for name, day in table.items():
        if name not in PIN_NAMES and not (policy is not None and is_stage_pin(name, policy)):
            known = (*PIN_NAMES, *((policy and stage_pin_names(policy)) or ("rc1", "rc2")))
            hint = did_you_mean(name, known)
            raise Invalid(
                f'"{name}" cannot be pinned; expected one of {", ".join(known)}'
                + (", ..." if policy is None or stage_pin_names(policy) is None else "")
                + (f" ({hint})" if hint else ""),
                key=name,
            )
        try:
            out[name] = as_date(day)
        except Invalid as exc:
            raise Invalid(str(exc), key=name) from None
    return out


def _days(value: object) -> tuple[dt.date, ...]:
    """A list of days (recorded betas or release candidates), oldest first, or Invalid."""
    if not isinstance(value, list):
        raise Invalid(f"{value!r} is not a list of dates (expected [YYYY-MM-DD, ...])")
    return tuple(sorted(as_date(day) for day in value))


def _version(value: object) -> str:
    """A version as the plan writes it (kept as text), or Invalid saying what was expected."""
    text = as_text(value)
    try:
        Version.parse(text)
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    return text


_SPEC_FIELDS: dict[str, Convert] = {
    "version": _version,
    "kind": lambda v: as_enum(v, ReleaseKind),
    "actual": as_date,
    "actual_betas": _days,
    "actual_rcs": _days,
    "unscheduled": as_bool,
    "codename": as_text,
    "branch": as_text,
    "maintained_until": as_date,
    "security_until": as_date,
    "pins": _pins,
}


def spec_from_table(
    table: dict[str, Any], policy: Policy, check: Checker, path: Path_, label: str
) -> ReleaseSpec | None:
    """The inputs of a ``[[releases]]`` table; computed keys are accepted and ignored."""
    before = len(check.problems)
    check.unknown_keys(table, RELEASE_KEYS, path, label)
    values: dict[str, Any] = {}
    for key, convert in _SPEC_FIELDS.items():
        if key in table:
            if key == "pins":  # stage pins depend on the policy's ladder
                convert = lambda v: _pins(v, policy)  # noqa: E731
            values[key] = _convert(table, key, convert, check, path, label)
    if "version" not in table:
        check.add("missing (every release needs a version)", path, f"{label}.version")
    if len(check.problems) > before:
        return None
    if values.get("branch") == policy.branch_for(series_of(values["version"])):
        del values["branch"]  # the policy's own branch name is computed, not an input
    return ReleaseSpec(**values)


def release_to_table(release: Release | None, spec: ReleaseSpec | None) -> dict[str, Any]:
    """A ``[[releases]]`` table: the spec's inputs plus the release's computed dates."""
    out: dict[str, Any] = {}
    if release is not None:
        out = {
            "version": release.version,
            "kind": release.kind,
            "actual": spec.actual if spec else release.actual,
            "actual_betas": spec.actual_betas if spec else (),
            "actual_rcs": spec.actual_rcs if spec else (),
            "unscheduled": True if spec and spec.unscheduled else None,
            "codename": spec.codename if spec else None,
            "series": release.series,
            "branch": release.branch if release.branch is not None else (spec and spec.branch),
        }
        for key in RELEASE_COMPUTED[1:]:
            out[key] = getattr(release, key)
        # Support ends in the file are the plan's own (a person wrote them): computed ones
        # would read back as such and outlive a change of policy (calendar shows them).
        out["maintained_until"] = spec.maintained_until if spec else None
        out["security_until"] = spec.security_until if spec else None
    elif spec is not None:
        out = {
            "version": spec.version,
            "kind": spec.kind,
            "actual": spec.actual,
            "actual_betas": spec.actual_betas,
            "actual_rcs": spec.actual_rcs,
            "unscheduled": True if spec.unscheduled else None,
            "codename": spec.codename,
            "branch": spec.branch,
            "maintained_until": spec.maintained_until,
            "security_until": spec.security_until,
        }
    if spec is not None and spec.pins:
        # the calendar's own pins, then confirmed stages by day
        stages = sorted((d, n) for n, d in spec.pins.items() if n not in PIN_NAMES)
        out["pins"] = {name: spec.pins[name] for name in PIN_NAMES if name in spec.pins}
        out["pins"].update((n, d) for d, n in stages)
    return {
        key: _plain(out[key])
        for key in RELEASE_KEYS
        if out.get(key) is not None and out.get(key) != ()
    }


_JSON_NAMES = {"freeze": "freeze_date", "release": "release_date"}


def release_to_json(
    release: Release | None, spec: ReleaseSpec | None, phase: str | None = None
) -> dict[str, Any]:
    """A release as JSON-ready data with every calendar key (null when unknown), ISO dates.

    Key order: version, kind, series, branch, phase, codename, actual, actual_betas,
    actual_rcs, development_start, last_posting, freeze_date, rcs, release_date,
    maintained_until, maintained_until_source, security_until, security_until_source,
    notes, pins. Recorded betas and RCs are lists (empty when none were recorded); dates
    nobody recorded or computed are null (a shipped release's ``release_date`` is the day
    it was planned for, recorded when it shipped, else null). A source names where its
    end came from (declared, endoflife, plan, measured, policy).
    """
    table = release_to_table(release, spec)
    out: dict[str, Any] = {
        "version": table["version"],
        "kind": table["kind"],
        "series": table.get("series", series_of(table["version"])),
        "branch": table.get("branch"),
        "phase": phase,
        "codename": table.get("codename"),
        "actual": table.get("actual"),
        "actual_betas": table.get("actual_betas", []),
        "actual_rcs": table.get("actual_rcs", []),
    }
    for key in RELEASE_COMPUTED[1:]:
        empty: Any = [] if key in ("rcs", "notes") else None
        out[_JSON_NAMES.get(key, key)] = table.get(key, empty)
        if key in ("maintained_until", "security_until"):
            if release is not None:  # repeated on maintenance releases, unlike the file
                out[key] = getattr(release, key)
            out[f"{key}_source"] = _end_source(release, key)
    out["pins"] = table.get("pins", {})
    result: dict[str, Any] = _iso(out)
    return result


def _end_source(release: Release | None, key: str) -> str | None:
    """Where a release's support end came from (``declared``, ``endoflife``, ``plan``,
    ``measured``, ``policy``), None when it has none."""
    if release is None:
        return None
    source = getattr(release, key.replace("_until", "_source"))
    return source.value if source is not None else None


# -- [[support]] --------------------------------------------------------------------------


def _end(value: object) -> dt.date | bool:
    """A support end: a date, or a boolean for one without a day (true: ended)."""
    if isinstance(value, bool):
        return value
    try:
        return as_date(value)
    except Invalid:
        raise Invalid(
            f"{value!r} is not a date or a boolean (expected YYYY-MM-DD, true when support "
            "ended on an unknown day, false when it has not ended)"
        ) from None


SUPPORT_FIELDS: dict[str, Convert] = {
    "series": as_text,
    "source": lambda v: as_enum(v, SupportSource),
    "origin": as_str,
    "released": as_date,
    "maintained_until": _end,
    "security_until": _end,
    "lts": as_bool,
    "latest": as_text,
}
"""Every key of a ``[[support]]`` table (declared support of one series), in written order."""


def support_from_table(
    table: dict[str, Any], check: Checker, path: Path_, label: str
) -> DeclaredSupport | None:
    """A declared support record from a ``[[support]]`` table (None when it has problems).

    ``source`` defaults to ``plan`` (a person wrote it) and ``origin`` to the plan file.
    """
    before = len(check.problems)
    check.unknown_keys(table, SUPPORT_FIELDS, path, label)
    values: dict[str, Any] = {}
    for key, convert in SUPPORT_FIELDS.items():
        if key in table:
            values[key] = _convert(table, key, convert, check, path, label)
    if "series" not in table:
        check.add("missing (every [[support]] table names its series)", path, f"{label}.series")
    if len(check.problems) > before:
        return None
    for key in ("maintained", "security"):
        end = values.pop(f"{key}_until", None)
        if isinstance(end, bool):
            values[f"{key}_ended"] = end
        elif end is not None:
            values[f"{key}_until"] = end
    values.setdefault("source", SupportSource.PLAN)
    values.setdefault("origin", "plan file")
    return DeclaredSupport(**values)


def support_to_table(record: DeclaredSupport) -> dict[str, Any]:
    """A ``[[support]]`` table: unset fields left out, an end without a day as a boolean."""
    out: dict[str, Any] = {
        "series": record.series,
        "source": record.source.value,
        "origin": record.origin or None,
        "released": record.released,
    }
    for key in ("maintained", "security"):
        day, ended = getattr(record, f"{key}_until"), getattr(record, f"{key}_ended")
        out[f"{key}_until"] = day if day is not None else ended
    out["lts"] = True if record.lts else None
    out["latest"] = record.latest
    return {k: v for k, v in out.items() if v is not None}


def support_to_json(record: DeclaredSupport) -> dict[str, Any]:
    """A declared support record as JSON-ready data: every key, null when unset."""
    table = support_to_table(record)
    out = {key: table.get(key) for key in SUPPORT_FIELDS}
    out["lts"] = record.lts
    result: dict[str, Any] = _iso(out)
    return result


def _iso(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_iso(v) for v in value]
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in value.items()}
    return value
