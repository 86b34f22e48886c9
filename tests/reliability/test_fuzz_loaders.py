"""Fuzzing the loaders: arbitrary text, TOML and JSON in the shape of plans, configs and
import files give a plan/items or a PlanError with a message, never another exception.

A plan that loads must also give a calendar or a PlanError (values that load but break
date arithmetic were the crashes of issue 14)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from typing import Any

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.errors import RelplanError
from relplan.planner.store.configfile import loads_config
from relplan.planner.store.planfile import loads_plan
from relplan.planner.store.policyfile import POLICY_KEYS
from relplan.planner.store.tables import ITEM_FIELDS, PIN_NAMES, RELEASE_KEYS
from relplan.planner.trackers.files import reads_items

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TODAY = dt.date(2009, 8, 31)
TEXTS = st.text(max_size=40) | st.sampled_from(
    ["\x1b]2;x\x07", "\ufeff", "\ud800", "[b]x[/b]", "~nosuchuser/p", "3.4", "4.0.0", ""]
)
ENUMS = st.sampled_from(
    ["feature", "bug", "security", "task", "high", "low", "accepted", "done", "required",
     "point", "maintenance", "windows", "newest", "until-next", "tuesday", "12-18..12-31",
     "01-01..12-31", "2009-12-24..2010-01-03", "UTC", "Europe/London", "stable-{series}"]
)  # fmt: skip
NUMBERS = (
    st.integers(-(10**6), 10**6)
    | st.integers()
    | st.sampled_from([0, 1, 4, 520, 521, 10_000, 10**100, -1])
)
# Mostly days a plan has, at times the edges of the range relplan takes, or of all dates.
EDGES = ["0001-01-01", "1899-12-31", "1900-01-01", "2999-12-31", "3000-01-01", "9999-12-31"]
DAYS = (
    st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31))
    | st.sampled_from([dt.date.fromisoformat(d) for d in EDGES])
    | st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))
)
STAMPS = st.datetimes(timezones=st.none() | st.timezones())
FLOATS = st.floats(allow_nan=True, allow_infinity=True)
SCALARS = TEXTS | ENUMS | NUMBERS | DAYS | STAMPS | st.booleans() | FLOATS
KEYS = st.sampled_from(
    [*POLICY_KEYS, *ITEM_FIELDS, *RELEASE_KEYS, *PIN_NAMES, "name", "format", "min_weeks",
     "max_weeks", "target_weeks", "freeze_weeks", "general_months", "release_every_weeks",
     "rc_every_days", "model", "dir", "repo", "upstream", "url", "kind", "token_env"]
) | st.text(max_size=8)  # fmt: skip


def values(scalars: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
        max_leaves=12,
    )


TOML_VALUES = values(SCALARS.filter(lambda v: not (isinstance(v, float) and math.isnan(v))))
JSON_VALUES = values(TEXTS | ENUMS | NUMBERS | st.booleans() | FLOATS | st.none())


def tables(keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(keys) | KEYS, TOML_VALUES, max_size=6)


# Mostly everyday numbers, at times one on or past a limit (or absurd).
SMALLISH = st.integers(1, 60) | st.sampled_from([0, 1, 52, 100, 101, 520, 1200, 3650, 10**12])
WEEKDAY = st.sampled_from(["tuesday", "monday", "Sunday", "friday", "funday"])
CADENCE = {"min_weeks": SMALLISH, "max_weeks": SMALLISH, "target_weeks": SMALLISH,
           "weekday": WEEKDAY, "catch_up": st.booleans()}  # fmt: skip
STABILIZATION = {key: SMALLISH for key in ("freeze_weeks", "last_posting_weeks",
                 "rc1_after_days", "rc_every_days", "major_freeze_weeks")}  # fmt: skip
MAINTENANCE = {"model": st.sampled_from(["until-next", "windows", "newest", "x"]),
               **{key: SMALLISH for key in ("general_months", "security_months", "newest",
                                            "release_every_weeks", "rc_days")}}  # fmt: skip
YEARLY = st.dates(dt.date(2000, 1, 1), dt.date(2000, 12, 31)).map(lambda d: d.strftime("%m-%d"))
DAY_RANGES = (
    st.tuples(YEARLY, YEARLY).map("..".join)
    | st.tuples(DAYS, DAYS).map(lambda ab: f"{ab[0]}..{ab[1]}")
    | DAYS.map(str)
    | ENUMS
)
SANE_POLICIES = st.fixed_dictionaries(
    {},
    optional={
        "horizon": SMALLISH,
        "timezone": st.sampled_from(["UTC", "Europe/London", "Mars/Olympus"]),
        "branch_pattern": st.sampled_from(["stable-{series}", "{series}", "v{series}", "{x}"]),
        "blackouts": st.lists(DAY_RANGES, max_size=4),
        "holidays": st.lists(DAY_RANGES, max_size=4),
        "cadence": st.fixed_dictionaries({}, optional=CADENCE),
        "stabilization": st.fixed_dictionaries({}, optional=STABILIZATION),
        "maintenance": st.fixed_dictionaries({}, optional=MAINTENANCE),
    },
)
POLICIES = SANE_POLICIES | st.dictionaries(KEYS, TOML_VALUES, max_size=4)
VERSIONS = st.sampled_from(["3.4.0", "3.4.1", "3.4.2", "4.0.0", "4.1", "5.0.0", "x"])
RELEASES = st.fixed_dictionaries(
    {"version": VERSIONS, "kind": st.sampled_from(["point", "point", "maintenance"])},
    optional={
        "actual": DAYS,
        "pins": st.dictionaries(st.sampled_from(PIN_NAMES), DAYS, max_size=3),
        "codename": TEXTS,
    },
) | tables(list(RELEASE_KEYS))
# The first point release anchors the train: with it, most plans give a calendar to compute.
ANCHOR = st.fixed_dictionaries(
    {"version": st.just("3.4.0"), "kind": st.just("point"), "actual": DAYS},
    optional={"pins": st.dictionaries(st.sampled_from(PIN_NAMES), DAYS)},
)
ITEMS = st.fixed_dictionaries(
    {"id": st.sampled_from(["demo#1", "demo#2", "demo#3"]), "title": st.sampled_from(["T"])},
    optional={
        "target": VERSIONS,
        "state": st.sampled_from(["accepted", "done", "proposed", "in-progress"]),
        "kind": st.sampled_from(["feature", "bug", "security"]),
        "blocker": st.booleans(),
        "estimate_days": SMALLISH,
        "updated": STAMPS,
        "backports": st.dictionaries(st.sampled_from(["3.4", "4.0"]), ENUMS, max_size=2),
    },
) | tables(list(ITEM_FIELDS))
PLANS = st.fixed_dictionaries(
    {},
    optional={
        "plan": tables(["name", "format"]),
        "policy": POLICIES,
        "releases": st.tuples(ANCHOR, st.lists(RELEASES, max_size=4)).map(
            lambda a: [a[0], *[r for r in a[1] if r.get("version") not in (None, "3.4.0")]]
        )
        | st.lists(RELEASES, max_size=3),
        "items": st.lists(ITEMS, max_size=4),
    },
)


# Plans that mostly load: a policy of the right shape with extreme numbers and days, an
# anchored train; what they stress is the calendar (overflows, endless searches).
TRAINS = st.fixed_dictionaries(
    {
        "policy": SANE_POLICIES,
        "releases": st.tuples(ANCHOR, st.lists(RELEASES, max_size=4)).map(
            lambda a: [a[0], *[r for r in a[1] if r.get("version") not in (None, "3.4.0")]]
        ),
    }
)


def toml_text(doc: dict[str, Any]) -> str | None:
    try:
        return str(tomli_w.dumps(doc))
    except (TypeError, ValueError):
        return None  # not expressible in TOML (a None, a lone surrogate)


def loads_or_clear_error(load: Any, *args: Any) -> Any:
    try:
        return load(*args)
    except RelplanError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)
        return None


@FUZZ
@given(st.text(max_size=300))
def test_any_text_as_plan_config_or_import(text: str) -> None:
    loads_or_clear_error(loads_plan, text, "p.toml")
    loads_or_clear_error(loads_config, text, "c.toml")
    for suffix in (".toml", ".json", ".csv", ".md"):
        loads_or_clear_error(reads_items, text, f"in{suffix}", "in", suffix)


@settings(FUZZ, max_examples=200)
@given(PLANS | TRAINS, st.dates(dt.date(1900, 1, 1), dt.date(2999, 12, 31)), st.none() | SMALLISH)
def test_plan_shaped_toml(doc: dict[str, Any], today: dt.date, count: int | None) -> None:
    text = toml_text(doc)
    if text is None:
        return
    plan = loads_or_clear_error(loads_plan, text, "p.toml")
    if plan is not None:
        loads_or_clear_error(build_train, plan, today, count)
    loads_or_clear_error(loads_config, text, "c.toml")
    loads_or_clear_error(reads_items, text, "in.toml", "in", ".toml")


@FUZZ
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "plan": st.sampled_from(["p.toml", "~nosuchuser/p.toml", "", 5]),
            "policy": st.dictionaries(st.sampled_from(POLICY_KEYS) | KEYS, TOML_VALUES),
            "keymap": st.dictionaries(KEYS, TOML_VALUES, max_size=3),
            "sources": st.lists(
                st.dictionaries(
                    st.sampled_from(["name", "kind", "url", "project", "token_env"]) | KEYS,
                    TOML_VALUES
                    | st.sampled_from(["redmine", "https://u:p@host", "http://h", "file"]),
                ),
                max_size=3,
            ),
            "cache": tables(["dir"]),
            "git": tables(["repo", "upstream", "branch_pattern"]),
        },
    )
)
def test_config_shaped_toml(doc: dict[str, Any]) -> None:
    text = toml_text(doc)
    if text is not None:
        loads_or_clear_error(loads_config, text, "c.toml")


@FUZZ
@given(
    st.lists(st.dictionaries(st.sampled_from(list(ITEM_FIELDS)) | KEYS, JSON_VALUES), max_size=5)
    | JSON_VALUES
)
def test_import_shaped_json(data: Any) -> None:
    for doc in (data, {"items": data}):
        loads_or_clear_error(reads_items, json.dumps(doc), "in.json", "in", ".json")


@FUZZ
@given(
    st.lists(st.sampled_from(list(ITEM_FIELDS)) | st.text(max_size=6), min_size=1, max_size=5),
    st.lists(st.lists(TEXTS | ENUMS, max_size=6), max_size=5),
    st.booleans(),
)
def test_import_shaped_csv(header: list[str], rows: list[list[str]], cut: bool) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in [header, *rows]:
        writer.writerow([cell.replace("\ud800", "?") for cell in row])
    text = out.getvalue()
    if cut and '"' in text:  # an unbalanced quote
        text = text[: text.rindex('"')] + text[text.rindex('"') + 1 :]
    loads_or_clear_error(reads_items, text, "in.csv", "in", ".csv")
