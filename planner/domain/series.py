"""The ``{series}`` template: branch names (``stable-{series}``), backport labels
(``backport-{series}``), Bugzilla flags (``cf_status_firefox_esr{series}``).

One home for filling a template with a series and reading the series back out of a name,
for the policy, the git scan, the tracker adapters and the config checks. A series is
digits separated by dots (``4.0``, ``3.12``, ``115``); a template may spell the dots
another way (Bugzilla's ``_``).
"""

from __future__ import annotations

import re
from functools import cache

PLACEHOLDER = "{series}"
#: A series as templates carry it: ``4``, ``4.0``, ``2.6.32``.
SERIES = r"\d+(?:\.\d+)*"


def has_placeholder(template: str) -> bool:
    """True when the template names a series."""
    return PLACEHOLDER in template


def check_template(template: str) -> str:
    """``template`` when its only ``{...}`` placeholder is ``{series}``; a ValueError
    naming the placeholder allowed otherwise."""
    try:
        template.format(series="1.0")
    except (KeyError, IndexError, ValueError):
        raise ValueError(f'"{template}" may only use the placeholder {PLACEHOLDER}') from None
    return template


def fill(template: str, series: str, *, sep: str = ".") -> str:
    """The name for one series: ``stable-{series}`` -> ``stable-4.0`` (``sep`` spells the
    series' dots, e.g. ``_`` for Bugzilla's ``esr3_6``)."""
    return template.replace(PLACEHOLDER, series.replace(".", sep))


@cache
def template_regex(template: str, *, sep: str = ".", ignore_case: bool = False) -> re.Pattern[str]:
    """A regex matching exactly the names the template makes, the series in group
    ``series`` (spelled with ``sep``)."""
    series = SERIES.replace(r"\.", re.escape(sep))
    head, _, tail = template.partition(PLACEHOLDER)
    body = re.escape(head) + f"(?P<series>{series})" + re.escape(tail)
    return re.compile(body, re.IGNORECASE if ignore_case else 0)


def series_in(template: str, name: str, *, sep: str = ".", ignore_case: bool = False) -> str | None:
    """The series ``name`` carries by ``template`` (``stable-4.0`` -> ``4.0``; with a
    ``sep``, given back with dots), or None when the name is not the template's."""
    if not has_placeholder(template):
        return None
    m = template_regex(template, sep=sep, ignore_case=ignore_case).fullmatch(name.strip())
    return m.group("series").replace(sep, ".") if m else None
