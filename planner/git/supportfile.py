"""Declared support from the ``SUPPORT.md`` a project keeps on each release branch (Xen).

Every Xen stable branch carries a ``SUPPORT.md`` whose "Release Support" block reads::

    Xen-Version: 4.20
    Initial-Release: 2025-03-05
    Supported-Until: 2028-03-05
    Security-Support-Until: 2030-03-05

The development branch says ``Initial-Release: n/a`` and ``Supported-Until: TBD``: a value
that is not a day is no date. The files of every branch are read in one ``git cat-file
--batch`` (:meth:`relplan.planner.git.repo.Repo.show_files`), never one process per branch.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

from relplan.planner.domain.support import DeclaredSupport, SupportSource
from relplan.planner.domain.version import is_version
from relplan.planner.git.repo import Repo

SUPPORT_FILE = "SUPPORT.md"
_FIELD = re.compile(r"^\s*(?P<key>[A-Za-z][A-Za-z-]*):[ \t]*(?P<value>.*?)\s*$", re.MULTILINE)
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})\b")


def parse_support_file(text: str, series: str, origin: str) -> DeclaredSupport | None:
    """The support a ``SUPPORT.md`` declares for ``series`` (the branch's), or None when it
    declares no day at all (the development branch's ``n/a`` / ``TBD``) or names another
    version (a file copied from elsewhere is not this branch's statement)."""
    fields: dict[str, str] = {}
    for m in _FIELD.finditer(text):
        fields.setdefault(m.group("key").lower(), m.group("value"))
    named = fields.get("xen-version", "")
    if is_version(named) and named != series:
        return None
    released = _day(fields.get("initial-release"))
    maintained = _day(fields.get("supported-until"))
    security = _day(fields.get("security-support-until"))
    if released is None and maintained is None and security is None:
        return None
    return DeclaredSupport(
        series,
        SupportSource.DECLARED,
        origin,
        released=released,
        maintained_until=maintained,
        security_until=security,
    )


def _day(value: str | None) -> dt.date | None:
    m = _DAY.match(value or "")
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def series_branches(
    repo: Repo, series: Iterable[str], patterns: Iterable[str | None]
) -> dict[str, str]:
    """The branch of each series that exists, under the first of ``patterns`` (e.g.
    ``stable-{series}``) that names one; a local branch before ``origin/<name>``."""
    existing = set(repo.branches())
    chosen = [p for p in dict.fromkeys(patterns) if p]
    found: dict[str, str] = {}
    for s in series:
        for pattern in chosen:
            name = pattern.format(series=s)
            hit = next((b for b in (name, f"origin/{name}") if b in existing), None)
            if hit:
                found[s] = hit
                break
    return found


def read_support_files(
    repo: Repo, branches: Mapping[str, str], path: str = SUPPORT_FILE
) -> list[DeclaredSupport]:
    """The declared support of each series (series -> branch) whose branch carries ``path``
    with at least one day, in one ``git cat-file --batch``."""
    specs = {s: f"{b}:{path}" for s, b in branches.items()}
    texts = repo.show_files(list(specs.values()))
    out = []
    for s, spec in specs.items():
        text = texts.get(spec)
        if text is None:
            continue
        record = parse_support_file(text, s, f"{path} on {branches[s]}")
        if record is not None:
            out.append(record)
    return out
