"""Targets written by hand: a roadmap's ``[4.23]`` names a series, a plan names releases.

A plan from ``init --from-git`` names its releases ``4.23.0``, ``4.22.1``; a roadmap written
for people says ``[4.23]``. :func:`resolve_targets` turns a target that is no release of the
train but names a series into that series' next release (the first not shipped yet), and
reports every target it cannot place, so an import never adds an item to a release nobody
plans without a word.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from relplan.planner.domain.model import Item, Release
from relplan.planner.domain.version import version_key


def series_release(target: str, train: Sequence[Release]) -> str | None:
    """The next release (not shipped yet) of the series ``target`` names, in version order;
    None when the train has none."""
    ahead = [r for r in train if r.series == target and not r.shipped]
    return min(ahead, key=lambda r: version_key(r.version)).version if ahead else None


def resolve_targets(
    items: Iterable[Item], train: Sequence[Release]
) -> tuple[list[Item], list[str]]:
    """``items`` with each series target (``4.23``) made that series' next release
    (``4.23.0``), and a sentence for each target moved and each one the train does not know
    (kept as written)."""
    known = {r.version for r in train}
    out: list[Item] = []
    notes: list[str] = []
    for item in items:
        target = item.target
        if target is None or target in known:
            out.append(item)
            continue
        release = series_release(target, train)
        if release is not None:
            notes.append(f"{item.id}: target {target} is the series; its next release {release}")
            out.append(replace(item, target=release))
        else:
            notes.append(f"{item.id}: target {target} is no release of the plan (kept as written)")
            out.append(item)
    return out, notes
