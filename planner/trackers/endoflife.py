"""Declared support from endoflife.date: a product's file, or its public API (v1).

endoflife.date keeps one ``products/PRODUCT.md`` per product whose YAML front matter lists
``releases:``, one per release cycle (schema in its ``CONTRIBUTING.md``)::

    - releaseCycle: "3.13"
      releaseDate: 2024-10-07
      eoas: 2026-10-01        # end of active support: a day, or true (ended) / false (not)
      eol: 2029-10-31         # end of life (security support): a day, or true / false
      lts: false              # or the day a cycle became LTS
      latest: "3.13.15"

Before April 2024 (endoflife.date #4931) ``eoas`` was ``support`` with the boolean's meaning
reversed (``support: true`` = still supported): both are read. A product without an active
support phase (no ``eoas``/``support`` on any cycle, e.g. ansible-core, whose column is just
"Supported") declares one phase: its cycles are maintained until ``eol``.

The API (``https://endoflife.date/api/v1/products/PRODUCT``, OpenAPI in its ``api_v1/``)
answers ``{"result": {"releases": [...]}}`` whose cycles carry ``name``, ``releaseDate``,
``isLts``, ``isEoas``/``eoasFrom`` (absent without an active support phase), ``isEol``/
``eolFrom`` and ``latest: {"name", "date"}``. Its answer is kept in relplan's cache under the
source name ``endoflife:PRODUCT`` with its ETag, so a later read is a conditional GET, and
without a network the cached answer is used (and said).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relplan.planner.domain.errors import Problem, SourceError
from relplan.planner.domain.support import ENDOFLIFE_PRODUCT, DeclaredSupport, SupportSource
from relplan.planner.trackers.base import Conditional, Cursor, SourceConfig

if TYPE_CHECKING:
    from relplan.planner.store.cache import Cache

API_URL = "https://endoflife.date/api/v1"

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_product(product: str, where: str = "--endoflife") -> str:
    """``product`` when it is an endoflife.date product name, else a SourceError."""
    if not ENDOFLIFE_PRODUCT.match(product):
        raise SourceError(
            Problem(
                f"{product!r} is not an endoflife.date product name",
                field=where,
                hint="lower-case letters, digits, '.', '-', '_', '+', e.g. ansible-core",
            )
        )
    return product


# files -----------------------------------------------------------------------------------


def product_file(folder: Path, product: str) -> Path:
    """``folder/products/PRODUCT.md`` (``folder`` may also be the ``products`` folder)."""
    for candidate in (folder / "products" / f"{product}.md", folder / f"{product}.md"):
        if candidate.is_file():
            return candidate
    raise SourceError(
        Problem(
            f"no endoflife.date product file for {product!r}",
            file=str(folder / "products" / f"{product}.md"),
            hint="--endoflife-data names a copy of the endoflife.date repository "
            "(the folder holding products/)",
        )
    )


def read_product_file(folder: Path, product: str) -> list[DeclaredSupport]:
    """Every release cycle of ``product`` in a local copy of endoflife.date."""
    path = product_file(folder, check_product(product))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(Problem(f"cannot read it: {exc}", file=str(path))) from None
    return cycles_from_front_matter(text, f"endoflife.date products/{product}.md", str(path))


def cycles_from_front_matter(text: str, origin: str, filename: str) -> list[DeclaredSupport]:
    """The ``releases:`` of a product file's YAML front matter, newest first as written."""
    # start-up: PyYAML (~9 ms), only for a product file's front matter
    import yaml

    head = text.lstrip("\ufeff")
    if not head.startswith("---"):
        raise SourceError(Problem("no YAML front matter (a first line '---')", file=filename))
    parts = head.split("\n---", 1)
    if len(parts) < 2:
        raise SourceError(Problem("the YAML front matter is not closed by '---'", file=filename))
    try:
        # BaseLoader: every scalar stays a string ("2.10" is not the number 2.1); days and
        # booleans are read below, field by field.
        data = yaml.load(parts[0].removeprefix("---"), Loader=yaml.BaseLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise SourceError(Problem(f"bad YAML: {exc}", file=filename, line=line)) from None
    releases = data.get("releases") if isinstance(data, dict) else None
    if not isinstance(releases, list):
        raise SourceError(Problem("expected a 'releases:' list", file=filename))
    single_phase = not any(isinstance(r, dict) and ("eoas" in r or "support" in r)
                           for r in releases)  # fmt: skip
    out = []
    for i, raw in enumerate(releases):
        if not isinstance(raw, dict) or not isinstance(raw.get("releaseCycle"), str):
            raise SourceError(
                Problem("expected a table with a releaseCycle", file=filename,
                        field=f"releases[{i}]")
            )  # fmt: skip
        out.append(_file_cycle(raw, origin, single_phase, f"{filename} releases[{i}]"))
    return out


def _file_cycle(
    raw: Mapping[str, Any], origin: str, single_phase: bool, where: str
) -> DeclaredSupport:
    eol_day, eol_ended = _day_or_flag(raw.get("eol"), where, "eol")
    if single_phase:
        eoas_day, eoas_ended = eol_day, eol_ended
    elif "eoas" in raw:
        eoas_day, eoas_ended = _day_or_flag(raw.get("eoas"), where, "eoas")
    else:  # the schema before endoflife.date #4931: support: true means still supported
        eoas_day, still = _day_or_flag(raw.get("support"), where, "support")
        eoas_ended = None if still is None else not still
    lts_day, lts = _day_or_flag(raw.get("lts", "false"), where, "lts")
    latest = raw.get("latest")
    return DeclaredSupport(
        raw["releaseCycle"],
        SupportSource.ENDOFLIFE,
        origin,
        released=_day_or_flag(raw.get("releaseDate"), where, "releaseDate")[0],
        maintained_until=eoas_day,
        security_until=eol_day,
        maintained_ended=eoas_ended,
        security_ended=eol_ended,
        lts=bool(lts) or lts_day is not None,
        latest=latest if isinstance(latest, str) and latest else None,
    )


def _day_or_flag(value: object, where: str, key: str) -> tuple[dt.date | None, bool | None]:
    """A field that is a day or a boolean: (day, None), (None, flag), or (None, None)."""
    if value is None or value == "":
        return None, None
    text = str(value).strip().lower()
    if text in ("true", "yes"):
        return None, True
    if text in ("false", "no"):
        return None, False
    if _DAY.match(text):
        try:
            return dt.date.fromisoformat(text), None
        except ValueError:
            pass
    raise SourceError(Problem(f"expected a date or true/false, found {value!r:.40}",
                              field=f"{where}.{key}"))  # fmt: skip


# API -------------------------------------------------------------------------------------


def cycles_from_api(data: Any, origin: str) -> list[DeclaredSupport]:
    """The release cycles of an API v1 product answer (``{"result": {"releases": []}}``)."""
    result = data.get("result") if isinstance(data, dict) else None
    releases = result.get("releases") if isinstance(result, dict) else None
    if not isinstance(releases, list):
        raise SourceError(Problem("expected result.releases in the answer", file=origin))
    out = []
    for i, r in enumerate(releases):
        if not isinstance(r, dict) or not isinstance(r.get("name"), str):
            raise SourceError(Problem("expected a release with a name", file=origin,
                                      field=f"result.releases[{i}]"))  # fmt: skip
        where = f"{origin} result.releases[{i}]"
        eol_day = _api_day(r.get("eolFrom"), where)
        eol_ended = None if eol_day else _flag(r.get("isEol"))
        if "isEoas" in r or "eoasFrom" in r:
            eoas_day = _api_day(r.get("eoasFrom"), where)
            eoas_ended = None if eoas_day else _flag(r.get("isEoas"))
        else:  # no active support phase: one phase until the end of life
            eoas_day, eoas_ended = eol_day, eol_ended
        latest = r.get("latest")
        out.append(
            DeclaredSupport(
                r["name"],
                SupportSource.ENDOFLIFE,
                origin,
                released=_api_day(r.get("releaseDate"), where),
                maintained_until=eoas_day,
                security_until=eol_day,
                maintained_ended=eoas_ended,
                security_ended=eol_ended,
                lts=bool(r.get("isLts")),
                latest=latest.get("name") if isinstance(latest, dict) else None,
            )  # fmt: skip
        )
    return out


def _api_day(value: object, where: str) -> dt.date | None:
    if value is None:
        return None
    day, _ = _day_or_flag(value, where, "date")
    return day


def _flag(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


@dataclass(slots=True)
class Fetched:
    """What :func:`fetch_product` read: the cycles, and notes for the user."""

    cycles: list[DeclaredSupport]
    notes: list[str] = field(default_factory=list)
    requests: int = 0


def cache_name(product: str) -> str:
    """The cache's source name for a product's answer."""
    return f"endoflife:{product}"


async def fetch_product(
    product: str,
    cache: Cache,
    *,
    transport: Any = None,
    base_url: str = API_URL,
) -> Fetched:
    """The product's cycles from the API: a conditional GET against the cached answer; the
    answer is cached; without a network the cached answer (said in ``notes``)."""
    # start-up: trackers.http (~25 ms: email, asyncio), only for the API, not a data file
    from relplan.planner.trackers.http import HttpClient

    check_product(product)
    name, url = cache_name(product), f"{base_url.rstrip('/')}/products/{product}"
    cursor = cache.cursor(name, url)
    cached = cursor.conditional.get(url)
    config = SourceConfig(name, "endoflife", url=base_url)
    async with HttpClient(config, transport=transport, retries=2) as http:
        try:
            ask = cached if cached is not None and cached.etag else None
            answer = await http.get_json(url, conditional=ask)
        except SourceError as exc:
            if cached is None:
                raise SourceError(
                    Problem(
                        f"cannot read endoflife.date's {product!r}: {exc.problems[0].message}",
                        field="endoflife",
                        hint="pass --endoflife-data DIR (a local copy of the endoflife.date "
                        "repository), or try again with a network",
                    )
                ) from None
            note = f"{url}: {exc.problems[0].message}; using the answer cached earlier"
            return Fetched(cycles_from_api(json.loads(cached.body), url), [note], http.requests)
        cond = answer.conditional or Conditional("", json.dumps(answer.data))
        with cache.stage() as staged:
            staged.put_source(
                name, url, Cursor(conditional={url: cond}),
                synced_at=dt.datetime.now(dt.UTC), changed=0, requests=http.requests, warnings=0,
            )  # fmt: skip
            staged.commit()
        return Fetched(cycles_from_api(answer.data, url), [], http.requests)


def by_series(cycles: Iterable[DeclaredSupport]) -> dict[str, DeclaredSupport]:
    """Cycles by series (the first of a name wins: files list the newest first)."""
    out: dict[str, DeclaredSupport] = {}
    for c in cycles:
        out.setdefault(c.series, c)
    return out
