"""The ``[policy]`` table of a plan or config file, read with checks and written back.

One parser serves both files: :func:`policy_from_table` reports every problem
into a :class:`~planner.checking.Checker` and :func:`policy_to_table` writes
the table in a fixed key order (day ranges as strings, the weekday by name,
enums by value).
"""

from __future__ import annotations

import dataclasses
import zoneinfo
from collections.abc import Callable
from typing import Any

from planner.checking import (
    Checker,
    Invalid,
    Path_,
    as_bool,
    as_enum,
    as_int,
    as_str,
    as_table,
    did_you_mean,
)
from planner.policy import (
    WEEKDAYS,
    Cadence,
    Capacity,
    DayRange,
    Maintenance,
    MaintenanceModel,
    Policy,
    Stabilization,
)

Convert = Callable[[object], Any]


def _at_least(minimum: int) -> Convert:
    return lambda value: as_int(value, minimum)


def _weekday(value: object) -> int:
    name = as_str(value).strip().lower()
    if name not in WEEKDAYS:
        hint = did_you_mean(name, WEEKDAYS)
        raise Invalid(f'"{value}" is not a weekday name' + (f" ({hint})" if hint else ""))
    return WEEKDAYS.index(name)


def _timezone(value: object) -> str:
    name = as_str(value)
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise Invalid(
            f'"{name}" is not a known time zone (expected e.g. "Europe/London")'
        ) from None
    return name


def _branch_pattern(value: object) -> str:
    pattern = as_str(value)
    try:
        pattern.format(series="1.0")
    except (KeyError, IndexError, ValueError):
        raise Invalid(f'"{pattern}" may only use the placeholder {{series}}') from None
    return pattern


def _day_ranges(value: object) -> tuple[DayRange, ...]:
    if not isinstance(value, list):
        raise Invalid(f'{value!r} is not a list of days or ranges such as "12-18..12-31"')
    out = []
    for entry in value:
        try:
            out.append(DayRange.parse(as_str(entry)))
        except ValueError as exc:
            raise Invalid(str(exc)) from None
    return tuple(out)


_CADENCE: dict[str, Convert] = {
    "min_weeks": _at_least(1),
    "max_weeks": _at_least(1),
    "target_weeks": _at_least(1),
    "weekday": _weekday,
    "catch_up": as_bool,
}
_STABILIZATION: dict[str, Convert] = {
    "freeze_weeks": _at_least(0),
    "last_posting_weeks": _at_least(0),
    "rc1_after_days": _at_least(0),
    "rc_every_days": _at_least(1),
    "major_freeze_weeks": _at_least(0),
}
_MAINTENANCE: dict[str, Convert] = {
    "model": lambda v: as_enum(v, MaintenanceModel),
    "general_months": _at_least(0),
    "security_months": _at_least(0),
    "newest": _at_least(1),
    "release_every_weeks": _at_least(1),
    "rc_days": _at_least(0),
}
_CAPACITY: dict[str, Convert] = {
    "features": _at_least(0),
    "fixes": _at_least(0),
    "per_owner": _at_least(0),
}
_TOP: dict[str, Convert] = {
    "timezone": _timezone,
    "branch_pattern": _branch_pattern,
    "horizon": _at_least(0),
    "blackouts": _day_ranges,
    "holidays": _day_ranges,
}
_SUBTABLES: dict[str, tuple[type[Any], dict[str, Convert]]] = {
    "cadence": (Cadence, _CADENCE),
    "stabilization": (Stabilization, _STABILIZATION),
    "maintenance": (Maintenance, _MAINTENANCE),
    "capacity": (Capacity, _CAPACITY),
}
POLICY_KEYS = (*_TOP, *_SUBTABLES)


def _convert_fields(
    table: dict[str, Any], spec: dict[str, Convert], check: Checker, path: Path_, label: str
) -> dict[str, Any]:
    check.unknown_keys(table, spec, path, label)
    values: dict[str, Any] = {}
    for key, convert in spec.items():
        if key not in table:
            continue
        try:
            values[key] = convert(table[key])
        except Invalid as exc:
            check.add(str(exc), (*path, key), f"{label}.{key}")
    return values


def policy_from_table(
    raw: object, check: Checker, path: Path_ = ("policy",), label: str = "policy"
) -> Policy:
    """Read a ``[policy]`` table; problems go to ``check`` (the result is then a best effort)."""
    try:
        table = as_table(raw)
    except Invalid as exc:
        check.add(str(exc), path, label)
        return Policy()
    top = {k: v for k, v in table.items() if k not in _SUBTABLES}
    values = _convert_fields(top, _TOP, check, path, label)
    for name, (cls, spec) in _SUBTABLES.items():
        if name not in table:
            continue
        sub_path, sub_label = (*path, name), f"{label}.{name}"
        try:
            sub = as_table(table[name])
        except Invalid as exc:
            check.add(str(exc), sub_path, sub_label)
            continue
        values[name] = cls(**_convert_fields(sub, spec, check, sub_path, sub_label))
    policy = Policy(**values)
    _check_cadence(policy.cadence, check, (*path, "cadence"), f"{label}.cadence")
    return policy


def _check_cadence(cadence: Cadence, check: Checker, path: Path_, label: str) -> None:
    if cadence.min_weeks > cadence.max_weeks:
        check.add(
            f"min_weeks ({cadence.min_weeks}) is more than max_weeks ({cadence.max_weeks})",
            (*path, "min_weeks"),
            label,
            "expected min_weeks <= target_weeks <= max_weeks",
        )
    target = cadence.target_weeks
    if target is not None and not cadence.min_weeks <= target <= cadence.max_weeks:
        check.add(
            f"target_weeks ({target}) is outside {cadence.min_weeks}..{cadence.max_weeks}",
            (*path, "target_weeks"),
            label,
            "expected min_weeks <= target_weeks <= max_weeks",
        )


def _plain(value: Any, key: str) -> Any:
    if key == "weekday" and value is not None:
        return WEEKDAYS[value]
    if isinstance(value, MaintenanceModel):
        return value.value
    if isinstance(value, tuple):
        return [str(v) for v in value]
    return value


def _fields_table(obj: Any) -> dict[str, Any]:
    out = {}
    for f in dataclasses.fields(obj):
        value = _plain(getattr(obj, f.name), f.name)
        if value is not None and value != []:
            out[f.name] = value
    return out


def policy_to_table(policy: Policy) -> dict[str, Any]:
    """The ``[policy]`` table for a policy: every field except unset ones, in a fixed order."""
    out = {k: v for k, v in _fields_table(policy).items() if k not in _SUBTABLES}
    for name in _SUBTABLES:
        table = _fields_table(getattr(policy, name))
        if table:  # a table with nothing set (no capacity limits) is not written
            out[name] = table
    return out


def policy_to_json(policy: Policy) -> dict[str, Any]:
    """The policy as JSON-ready data: like the TOML table, with null for unset fields."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(policy):
        value = getattr(policy, f.name)
        if f.name in _SUBTABLES:
            out[f.name] = {
                g.name: _plain(getattr(value, g.name), g.name) for g in dataclasses.fields(value)
            }
        else:
            out[f.name] = _plain(value, f.name)
    return out
