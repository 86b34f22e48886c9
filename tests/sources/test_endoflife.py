"""endoflife.date: product files in the repository's shape (YAML front matter, the current
``eoas``/``eol`` schema, the older ``support`` one, a product without an active support
phase) and API v1 answers in its documented shape (httpx.MockTransport), cached."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path

import httpx
import pytest

from relplan.planner.domain.errors import SourceError
from relplan.planner.domain.support import SupportSource
from relplan.planner.store.cache import Cache
from relplan.planner.trackers.endoflife import (
    cycles_from_api,
    cycles_from_front_matter,
    fetch_product,
    read_product_file,
)

D = dt.date

# products/python.md as endoflife.date keeps it (shortened; fields as in the repository).
PYTHON_MD = """---
title: Python
addedAt: 2019-03-26
category: lang
tags: python-software-foundation lang
permalink: /python
versionCommand: python --version
releasePolicyLink: https://devguide.python.org/versions/
eoasColumn: true

releases:
  - releaseCycle: "3.14"
    releaseDate: 2025-10-07
    eoas: 2027-10-01
    eol: 2030-10-31
    latest: "3.14.7"
    latestReleaseDate: 2026-08-05
    pep: PEP-0745

  - releaseCycle: "3.10"
    releaseDate: 2021-10-04
    eoas: 2023-04-05
    eol: 2026-10-31
    latest: "3.10.21"
    latestReleaseDate: 2026-08-13

  - releaseCycle: "2.7"
    releaseDate: 2010-07-03
    eoas: true
    eol: 2020-01-01
    latest: "2.7.18"
---

> [Python](https://www.python.org/) is an interpreted, high-level, general-purpose programming
> language.
"""

# products/ansible-core.md: no eoas column, only "Supported" until eol.
ANSIBLE_CORE_MD = """---
title: Ansible-core
category: framework
eolColumn: Supported

releases:

  - releaseCycle: "2.21"
    pythonVersionsControlNode: "3.12 - 3.14"
    releaseDate: 2026-05-31
    eol: 2027-11-30
    latest: "2.21.3"
    latestReleaseDate: 2026-08-10

  - releaseCycle: "2.10"
    releaseDate: 2020-08-13
    eol: 2022-05-23
    latest: "2.10.17"
---
"""

# Before endoflife.date #4931 (April 2024): `support`, true meaning still supported.
OLD_SCHEMA_MD = """---
title: Example
activeSupportColumn: true
releases:
-   releaseCycle: "1.2"
    releaseDate: 2023-01-01
    support: true
    eol: false
    lts: 2023-06-01
-   releaseCycle: "1.1"
    releaseDate: 2022-01-01
    support: 2022-12-31
    eol: true
---
"""


def test_current_schema_dates_and_booleans() -> None:
    got = {c.series: c for c in cycles_from_front_matter(PYTHON_MD, "eol python", "python.md")}
    assert list(got) == ["3.14", "3.10", "2.7"]
    assert (got["3.14"].maintained_until, got["3.14"].security_until) == (
        D(2027, 10, 1), D(2030, 10, 31),
    )  # fmt: skip
    assert got["3.14"].source is SupportSource.ENDOFLIFE and got["3.14"].latest == "3.14.7"
    assert got["3.10"].released == D(2021, 10, 4)
    assert got["2.7"].maintained_until is None and got["2.7"].maintained_ended is True


def test_a_product_without_active_support_is_maintained_until_eol() -> None:
    got = cycles_from_front_matter(ANSIBLE_CORE_MD, "eol ansible-core", "ansible-core.md")
    assert [(c.series, c.maintained_until, c.security_until) for c in got] == [
        ("2.21", D(2027, 11, 30), D(2027, 11, 30)),
        ("2.10", D(2022, 5, 23), D(2022, 5, 23)),
    ]


def test_the_older_support_field_is_read_with_its_meaning() -> None:
    got = {c.series: c for c in cycles_from_front_matter(OLD_SCHEMA_MD, "x", "x.md")}
    assert got["1.2"].maintained_ended is False and got["1.2"].security_ended is False
    assert got["1.2"].lts is True
    assert got["1.1"].maintained_until == D(2022, 12, 31) and got["1.1"].security_ended is True


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title: x\n", "no YAML front matter"),
        ("---\ntitle: x\n", "not closed"),
        ("---\ntitle: [x\n---\n", "bad YAML"),
        ("---\ntitle: x\n---\n", "expected a 'releases:' list"),
        ('---\nreleases:\n  - releaseCycle: "1"\n    eol: soon\n---\n', "expected a date or"),
    ],
)
def test_bad_files_say_where(text: str, message: str) -> None:
    with pytest.raises(SourceError) as err:
        cycles_from_front_matter(text, "x", "products/x.md")
    assert message in str(err.value) and "products/x.md" in str(err.value)


def test_a_local_copy_of_the_repository(tmp_path: Path) -> None:
    (tmp_path / "products").mkdir()
    (tmp_path / "products" / "python.md").write_text(PYTHON_MD)
    assert len(read_product_file(tmp_path, "python")) == 3
    with pytest.raises(SourceError, match="no endoflife.date product file"):
        read_product_file(tmp_path, "nope")
    with pytest.raises(SourceError, match="not an endoflife.date product name"):
        read_product_file(tmp_path, "../etc/passwd")


# An answer of GET /api/v1/products/python in the shape of endoflife.date's OpenAPI v1.2.1.
API_PYTHON = {
    "schema_version": "1.2.1",
    "generated_at": "2026-12-01T10:00:00+00:00",
    "last_modified": "2026-11-30T09:00:00+00:00",
    "result": {
        "name": "python", "label": "Python", "aliases": [], "category": "lang",
        "tags": ["lang"], "versionCommand": "python --version", "identifiers": [],
        "labels": {"eoas": "Active Support", "eol": "Security Support", "eoes": None,
                   "discontinued": None},
        "links": {"icon": None, "html": "https://endoflife.date/python",
                  "releasePolicy": "https://devguide.python.org/versions/"},
        "releases": [
            {"name": "3.14", "codename": None, "label": "3.14", "releaseDate": "2025-10-07",
             "isLts": False, "ltsFrom": None, "isEoas": False, "eoasFrom": "2027-10-01",
             "isEol": False, "eolFrom": "2030-10-31", "isMaintained": True,
             "latest": {"name": "3.14.7", "date": "2026-08-05", "link": None},
             "custom": None},
            {"name": "2.7", "codename": None, "label": "2.7", "releaseDate": "2010-07-03",
             "isLts": False, "ltsFrom": None, "isEoas": True, "eoasFrom": None,
             "isEol": True, "eolFrom": "2020-01-01", "isMaintained": False,
             "latest": {"name": "2.7.18", "date": "2020-04-20", "link": None},
             "custom": None},
        ],
    },
}  # fmt: skip


def test_api_answer() -> None:
    got = {c.series: c for c in cycles_from_api(API_PYTHON, "api")}
    assert got["3.14"].maintained_until == D(2027, 10, 1) and got["3.14"].latest == "3.14.7"
    assert got["2.7"].maintained_ended is True and got["2.7"].security_until == D(2020, 1, 1)
    with pytest.raises(SourceError, match="expected result.releases"):
        cycles_from_api({"result": {}}, "api")


def test_api_without_an_active_support_phase() -> None:
    answer = json.loads(json.dumps(API_PYTHON))
    for r in answer["result"]["releases"]:
        del r["isEoas"], r["eoasFrom"]
    got = cycles_from_api(answer, "api")
    assert got[0].maintained_until == got[0].security_until == D(2030, 10, 31)


def test_fetch_caches_answers_with_etag_and_works_offline(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []
    mode = {"now": "ok"}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        assert request.url.path == "/api/v1/products/python"
        if mode["now"] == "down":
            raise httpx.ConnectError("no network")
        if request.headers.get("If-None-Match") == '"v1"':
            return httpx.Response(304, headers={"ETag": '"v1"'})
        return httpx.Response(200, json=API_PYTHON, headers={"ETag": '"v1"'})

    transport = httpx.MockTransport(handler)

    def fetch() -> list[str]:
        with Cache.open(tmp_path) as cache:
            got = asyncio.run(fetch_product("python", cache, transport=transport))
        return [c.series for c in got.cycles] + got.notes

    assert fetch() == ["3.14", "2.7"]
    assert fetch() == ["3.14", "2.7"] and seen[-1].headers["If-None-Match"] == '"v1"'
    mode["now"] = "down"
    offline = fetch()
    assert offline[:2] == ["3.14", "2.7"] and "using the answer cached earlier" in offline[2]
    (tmp_path / "cache.sqlite3").unlink()
    with pytest.raises(SourceError):
        fetch()


def test_relplans_own_endoflife_export_reads_back_the_same() -> None:
    """The exporter (outputs/supportdata) and this reader agree on the format: every released
    series of the demo comes back with its release day, latest release and both ends."""
    from relplan.planner.outputs.supportdata import endoflife_front_matter, series_support
    from relplan.planner.store.demo import DEMO_TODAY, demo_plan
    from relplan.planner.usecases.session import Session

    rows = [r for r in series_support(Session(demo_plan(), today=DEMO_TODAY)) if r.shipped]
    text = endoflife_front_matter(rows, "Xen") + "\n> Xen\n"
    back = {c.series: c for c in cycles_from_front_matter(text, "export", "xen.md")}
    assert sorted(back) == sorted(r.series for r in rows) and rows
    for r in rows:
        c = back[r.series]
        assert (c.released, c.latest) == (r.first_release, r.latest)
        assert c.maintained_until == r.maintained_until
        assert c.security_until == (r.security_until or r.maintained_until)
