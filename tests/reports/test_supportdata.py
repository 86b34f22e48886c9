"""Support data in others' formats: ``export --format endoflife`` reads back as endoflife.date
product front matter, ``--format release-cycle`` as the CPython devguide's release-cycle.json,
each compared with a file of the real shape written here (products/python.md and
release-cycle.json as those projects keep them), with the session's dates."""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from relplan.planner.domain.calendar import build_train
from relplan.planner.outputs.supportdata import (
    endoflife_front_matter,
    release_cycle_json,
    series_support,
)
from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.store.planfile import dumps_toml
from relplan.planner.usecases.session import Session
from tests.reports.conftest import run

# The shape of endoflife.date's products/python.md (front matter, trimmed).
ENDOFLIFE_REAL = """---
title: Python
addedAt: 2019-05-27
category: lang
permalink: /python
eoasColumn: true

releases:
  - releaseCycle: "3.14"
    releaseDate: 2025-10-07
    eoas: 2027-10-01
    eol: 2030-10-31
    latest: "3.14.7"
    latestReleaseDate: 2026-08-05
    pep: PEP-0745

  - releaseCycle: "2.7"
    lts: true
    releaseDate: 2010-07-03
    eoas: false
    eol: 2020-01-01
    latest: "2.7.18"
    latestReleaseDate: 2020-04-19

---

> [Python](https://www.python.org/) is an interpreted, high-level, general-purpose language.
"""
# The shape of the devguide's release-cycle.json (two entries of it).
RELEASE_CYCLE_REAL = """{
  "3.15": {"branch": "main", "pep": 790, "status": "feature", "first_release": "2026-10-01",
           "end_of_life": "2031-10", "release_manager": "Hugo van Kemenade"},
  "3.12": {"branch": "3.12", "pep": 693, "status": "security", "first_release": "2023-10-02",
           "end_of_life": "2028-10", "release_manager": "Thomas Wouters"}
}"""
CYCLE_STATUSES = {"feature", "prerelease", "bugfix", "security", "end-of-life"}


def front_matter(text: str) -> dict[str, Any]:
    """The YAML between the first two ``---`` lines, as the site's Jekyll reads it."""
    lines = text.splitlines()
    assert lines[0] == "---"
    end = lines.index("---", 1)
    data = yaml.safe_load("\n".join(lines[1:end]))
    assert isinstance(data, dict)
    return data


def devguide_date(text: str, *, last: bool = False) -> dt.date:
    """How the devguide's tools read a date: ``YYYY-MM`` is the month's first (or last) day."""
    if len(text) == len("yyyy-mm"):
        year, month = map(int, text.split("-"))
        return dt.date(year, month, calendar.monthrange(year, month)[1] if last else 1)
    return dt.date.fromisoformat(text)


@pytest.fixture
def demo() -> Session:
    return Session.open(today=DEMO_TODAY.isoformat())


def test_endoflife_reads_back_in_the_shape_of_a_real_product(
    demo: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "export", "--format", "endoflife")
    assert code == 0, err
    ours, real = front_matter(out), front_matter(ENDOFLIFE_REAL)
    kinds = {key: {type(r[key]) for r in real["releases"] if key in r}
             for r in real["releases"] for key in r}  # fmt: skip
    for release in ours["releases"]:
        for key, value in release.items():
            assert key in kinds, key
            assert type(value) in kinds[key] | {bool}, (key, value)  # false: not announced
    got = {r["releaseCycle"]: r for r in ours["releases"]}
    assert list(got) == ["3.4", "3.3", "3.2"]  # released cycles only, newest first
    assert got["3.4"] == {
        "releaseCycle": "3.4", "releaseDate": dt.date(2009, 5, 18),
        "eoas": dt.date(2009, 11, 10), "eol": dt.date(2010, 5, 10),
        "latest": "3.4.1", "latestReleaseDate": dt.date(2009, 8, 5),
    }  # fmt: skip
    # the dates are the session's: the calendar's support ends and shipped days
    for row in series_support(demo):
        if row.series in got:
            assert got[row.series]["eoas"] == row.maintained_until
            assert got[row.series]["eol"] == row.security_until
            assert got[row.series]["releaseDate"] == row.first_release


def test_endoflife_strings_cannot_break_out(tmp_path: Path) -> None:
    plan = dataclasses.replace(demo_plan(), name='Xen"\nreleases: []\n---\n<script>\u202e')
    rows = series_support(_session(tmp_path, plan))
    data = front_matter(endoflife_front_matter(rows, plan.name))
    assert data["title"] == plan.name
    assert len(data["releases"]) == 3


def test_unknown_support_end_is_false_as_the_site_writes_it(demo: Session) -> None:
    rows = [dataclasses.replace(r, maintained_until=None, security_until=None)
            for r in series_support(demo)]  # fmt: skip
    data = front_matter(endoflife_front_matter(rows, "x"))
    assert {(r["eoas"], r["eol"]) for r in data["releases"]} == {(False, False)}


def test_release_cycle_reads_back_as_the_devguide_reads_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "export", "--format", "release-cycle")
    assert code == 0, err
    ours, real = json.loads(out), json.loads(RELEASE_CYCLE_REAL)
    real_keys = {k for v in real.values() for k in v}
    for entry in ours.values():
        assert set(entry) <= real_keys and {"branch", "status", "first_release",
                                            "end_of_life"} <= set(entry)  # fmt: skip
        assert entry["status"] in CYCLE_STATUSES
        devguide_date(entry["first_release"])
        devguide_date(entry["end_of_life"], last=True)
    assert {s: (e["branch"], e["status"], e["end_of_life"]) for s, e in ours.items()} == {
        "4.1": ("main", "feature", "2010-10-20"),
        "4.0": ("xen-4.0-testing", "prerelease", "2010-08-02"),
        "3.4": ("xen-3.4-testing", "bugfix", "2010-05-10"),
        "3.3": ("xen-3.3-testing", "security", "2009-11-18"),
        "3.2": ("xen-3.2-testing", "end-of-life", "2009-02-24"),
    }
    assert list(ours) == ["4.1", "4.0", "3.4", "3.3", "3.2"]  # newest first, as the file is


def test_release_manager_where_known(demo: Session) -> None:
    rows = [dataclasses.replace(r, release_manager="Keir" if r.series == "4.0" else None)
            for r in series_support(demo)]  # fmt: skip
    out = release_cycle_json(rows)
    assert out["4.0"]["release_manager"] == "Keir" and "release_manager" not in out["3.4"]


def _session(tmp_path: Path, plan: Any) -> Session:
    path = tmp_path / "plan.toml"
    path.write_text(dumps_toml(plan, build_train(plan, DEMO_TODAY)), encoding="utf-8")
    return Session.open(plan=str(path), today=DEMO_TODAY.isoformat())


def test_a_late_series_is_still_a_prerelease(demo: Session) -> None:
    rows = [dataclasses.replace(r, phase="late" if r.series == "4.0" else r.phase)
            for r in series_support(demo)]  # fmt: skip
    assert release_cycle_json(rows)["4.0"]["status"] == "prerelease"


def test_a_branch_held_open_by_a_late_release_has_no_end_yet(tmp_path: Path) -> None:
    """3.4's general support ends when 4.0.0 ships (until-next), planned 2009-11-10. On
    2009-12-01 4.0.0 is late, so 3.4 is still maintained: its end is not 2009-11-10 (a day
    already past, which readers of the export would take for end-of-life), it is not known."""
    path = tmp_path / "plan.toml"
    plan = demo_plan()
    path.write_text(dumps_toml(plan, build_train(plan, DEMO_TODAY)), encoding="utf-8")
    late = Session.open(plan=str(path), today="2009-12-01")
    assert {s.version: s.phase.value for s in late.statuses()}["4.0.0"] == "late"
    row = next(r for r in series_support(late) if r.series == "3.4")
    assert row.phase == "maintained" and row.open_until == "4.0.0"
    assert (row.maintained_until, row.security_until) == (None, None)
    eol = {r["releaseCycle"]: r for r in front_matter(endoflife_front_matter([row], "x"))[
        "releases"]}  # fmt: skip
    assert (eol["3.4"]["eoas"], eol["3.4"]["eol"]) == (False, False)
    assert release_cycle_json([row])["3.4"]["end_of_life"] is None
    before = next(r for r in series_support(_session(tmp_path, plan)) if r.series == "3.4")
    assert before.maintained_until == dt.date(2009, 11, 10) and before.open_until is None
