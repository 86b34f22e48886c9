"""Targets written by hand: a roadmap's ``[4.23]`` names a series, a plan names releases.

A plan from ``init --from-git`` names its releases ``4.23.0``, ``4.22.1``; a roadmap written
for people says ``[4.23]``. :func:`resolve_targets` turns a target that is no release of the
train but names a series into that series' next release (the first not shipped yet).
:func:`target_problem` says which hand-written targets cannot be placed at all (no such
release, a series with nothing left to ship): ``check`` would flag them, so an import
refuses them, file and line named, as ``add --target`` refuses an unknown release.
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


def target_problem(target: str, train: Sequence[Release]) -> tuple[str, str] | None:
    """Why a hand-written ``target`` names nothing an item can go to, and what was expected
    (``(problem, hint)``); None for a release of the train or a series with a release not
    shipped yet. A plan with no calendar yet refuses nothing: its roadmap may come first
    (an import into a new plan keeps the targets as written, and says so)."""
    if not train:
        return None
    if any(r.version == target for r in train) or series_release(target, train) is not None:
        return None
    ahead = sorted({r.series for r in train if not r.shipped}, key=version_key)
    hint = "expected a release on the calendar or a series with a release not shipped yet"
    hint += f": {', '.join(ahead[:6])}" if ahead else ""
    if any(r.series == target for r in train):
        return f"every release of series {target} has shipped", hint
    return f"{target} is no release or series of the plan", hint


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
