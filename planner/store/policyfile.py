"""The ``[policy]`` table of a plan or config file, read with checks and written back.

One parser serves both files: :func:`policy_from_table` reports every problem
into a :class:`~relplan.planner.store.checking.Checker` and :func:`policy_to_table` writes
the table in a fixed key order (day ranges as strings, the weekday by name,
enums by value).
"""

from __future__ import annotations

import dataclasses
import zoneinfo
from collections.abc import Callable
from typing import Any

from relplan.planner.domain.policy import (
    MAX_HORIZON,
    WEEKDAYS,
    Accepts,
    Cadence,
    Capacity,
    DayRange,
    Maintenance,
    MaintenanceModel,
    Policy,
    Stabilization,
    StageRule,
)
from relplan.planner.domain.series import check_template
from relplan.planner.domain.stages import PRESETS, slug
from relplan.planner.store.checking import (
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

Convert = Callable[[object], Any]


def _between(minimum: int, maximum: int) -> Convert:
    return lambda value: as_int(value, minimum, maximum)


# Sane limits: what real trains use, with a wide margin; beyond them the calendar would
# run for minutes (horizon = 10000) or leave the range of dates.
WEEKS = 520  # ten years
DAYS = 3650
MONTHS = 1200  # a century
COUNT = 100_000  # items per release


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
    try:
        return check_template(as_str(value))
    except ValueError as exc:
        raise Invalid(str(exc)) from None


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
    "min_weeks": _between(1, WEEKS),
    "max_weeks": _between(1, WEEKS),
    "target_weeks": _between(1, WEEKS),
    "weekday": _weekday,
    "catch_up": as_bool,
}
_STABILIZATION: dict[str, Convert] = {
    "freeze_weeks": _between(0, WEEKS),
    "last_posting_weeks": _between(0, WEEKS),
    "rc1_after_days": _between(0, DAYS),
    "rc_every_days": _between(1, DAYS),
    "major_freeze_weeks": _between(0, WEEKS),
}
_MAINTENANCE: dict[str, Convert] = {
    "model": lambda v: as_enum(v, MaintenanceModel),
    "general_months": _between(0, MONTHS),
    "security_months": _between(0, MONTHS),
    "newest": _between(1, MAX_HORIZON),
    "release_every_weeks": _between(1, WEEKS),
    "rc_days": _between(0, DAYS),
    "measured_from": _between(1, COUNT),
}
_CAPACITY: dict[str, Convert] = {
    "features": _between(0, COUNT),
    "fixes": _between(0, COUNT),
    "per_owner": _between(0, COUNT),
}
_TOP: dict[str, Convert] = {
    "timezone": _timezone,
    "branch_pattern": _branch_pattern,
    "horizon": _between(0, MAX_HORIZON),
    "blackouts": _day_ranges,
    "holidays": _day_ranges,
}
_SUBTABLES: dict[str, tuple[type[Any], dict[str, Convert]]] = {
    "cadence": (Cadence, _CADENCE),
    "stabilization": (Stabilization, _STABILIZATION),
    "maintenance": (Maintenance, _MAINTENANCE),
    "capacity": (Capacity, _CAPACITY),
}
_STAGE: dict[str, Convert] = {
    "name": as_str,
    "weeks_before_release": _between(0, WEEKS),
    "days_before_release": _between(0, DAYS),
    "after_previous_days": _between(0, DAYS),
    "weekday": _weekday,
    "tentative": as_bool,
    "accepts": lambda v: as_enum(v, Accepts),
}
_DAY_KEYS = ("weeks_before_release", "days_before_release", "after_previous_days")
POLICY_KEYS = (*_TOP, *_SUBTABLES, "stages")


def _convert_fields(
    table: dict[str, Any],
    spec: dict[str, Convert],
    check: Checker,
    path: Path_,
    label: str,
    known: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    if known is None:  # else the caller checked the keys against ``known``
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
    top = {k: v for k, v in table.items() if k not in _SUBTABLES and k != "stages"}
    check.unknown_keys(top, POLICY_KEYS, path, label)
    values = _convert_fields(top, _TOP, check, path, label, known=POLICY_KEYS)
    if "stages" in table:
        values["stages"], values["stages_preset"] = _stages(
            table["stages"], check, (*path, "stages"), f"{label}.stages"
        )
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
    if policy.blocks_every_day():
        alone = dataclasses.replace(policy, blackouts=()).blocks_every_day()
        key = "holidays" if alone or "blackouts" not in table else "blackouts"
        check.add(
            "blackouts and holidays leave no day free for a whole year",
            (*path, key),
            f"{label}.{key}",
            "no release or freeze could ever be placed; free at least some days",
        )
    return policy


def _stages(
    raw: object, check: Checker, path: Path_, label: str
) -> tuple[tuple[StageRule, ...], str | None]:
    """``stages = "xen"`` (a preset) or ``[[policy.stages]]`` tables, checked."""
    if isinstance(raw, str):
        if raw in PRESETS:
            return PRESETS[raw], raw
        hint = did_you_mean(raw, PRESETS) or f"presets: {', '.join(PRESETS)}"
        check.add(f'"{raw}" is not a preset', path, label, hint + ", or [[policy.stages]] tables")
        return (), None
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        check.add(
            "expected a preset name or [[policy.stages]] tables",
            path,
            label,
            f"presets: {', '.join(PRESETS)}",
        )
        return (), None
    rules: list[StageRule] = []
    for i, table in enumerate(raw):
        rule = _stage(table, check, (*path, i), f"{label}[{i}]", first=not rules)
        if rule is not None:
            rules.append(rule)
    _check_stage_names(rules, check, path, label)
    return tuple(rules), None


def _stage(
    table: dict[str, Any], check: Checker, path: Path_, label: str, first: bool
) -> StageRule | None:
    name = table.get("name")
    if isinstance(name, str) and name.strip():
        label = f"{label} ({name})"
    before = len(check.problems)
    values = _convert_fields(table, _STAGE, check, path, label)
    if not str(values.get("name", "")).strip():
        check.add("every stage needs a name", (*path, "name"), f"{label}.name")
    days = [k for k in _DAY_KEYS if k in table]
    if len(days) != 1:
        found = f" (found {', '.join(days)})" if days else ""
        check.add(
            f"needs exactly one of {', '.join(_DAY_KEYS)}{found}",
            path,
            label,
            "e.g. weeks_before_release = 4",
        )
    elif first and days[0] == "after_previous_days":
        check.add(
            "the first stage has no previous one",
            (*path, days[0]),
            f"{label}.{days[0]}",
            "count it back from the release: weeks_before_release or days_before_release",
        )
    if len(check.problems) > before:
        return None
    values["name"] = values["name"].strip()
    return StageRule(**values)


def _check_stage_names(rules: list[StageRule], check: Checker, path: Path_, label: str) -> None:
    seen: dict[str, int] = {}
    for i, rule in enumerate(rules):
        key = slug(rule.name)
        where, at = (*path, i, "name"), f"{label}[{i}].name"
        if key in ("release", "development", ""):
            check.add(
                f'"{rule.name}" cannot name a stage',
                where,
                at,
                "the ladder starts in development and ends with the release by itself",
            )
        elif key in seen:
            check.add(f'"{rule.name}" names stage {seen[key]} already', where, at,
                      "each stage needs its own name")  # fmt: skip
        seen.setdefault(key, i)


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


_NOT_PLAIN = ("stages", "stages_preset")


def _stage_table(rule: StageRule) -> dict[str, Any]:
    out = _fields_table(rule)
    out["accepts"] = rule.accepts.value
    return out


def stages_to_table(policy: Policy) -> str | list[dict[str, Any]] | None:
    """``stages`` as the plan file writes it: the preset's name while the ladder is that
    preset's, else the tables written out; None for the implicit ladder."""
    preset = policy.stages_preset
    if preset is not None and PRESETS.get(preset) == policy.stages:
        return preset
    return [_stage_table(r) for r in policy.stages] or None


def policy_to_table(policy: Policy) -> dict[str, Any]:
    """The ``[policy]`` table for a policy: every field except unset ones, in a fixed order."""
    out = {
        k: v
        for k, v in _fields_table(policy).items()
        if k not in _SUBTABLES and k not in _NOT_PLAIN
    }
    stages = stages_to_table(policy)
    if isinstance(stages, str):
        out["stages"] = stages
    for name in _SUBTABLES:
        table = _fields_table(getattr(policy, name))
        if table:  # a table with nothing set (no capacity limits) is not written
            out[name] = table
    if isinstance(stages, list):
        out["stages"] = stages
    return out


def policy_to_json(policy: Policy) -> dict[str, Any]:
    """The policy as JSON-ready data: like the TOML table, with null for unset fields."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(policy):
        value = getattr(policy, f.name)
        if f.name == "stages":
            out[f.name] = [_stage_table(r) for r in value]
        elif f.name in _SUBTABLES:
            out[f.name] = {
                g.name: _plain(getattr(value, g.name), g.name) for g in dataclasses.fields(value)
            }
        else:
            out[f.name] = _plain(value, f.name)
    return out
