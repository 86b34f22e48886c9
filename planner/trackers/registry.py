"""Every tracker adapter, in one explicit table.

A ``[[sources]]`` table's ``kind`` picks its adapter here (:func:`adapter_for`); the
config check names these kinds, and every suite that runs all adapters (the hostile
tracker suite, the push suites) reads :data:`ADAPTERS` rather than a list of its own, so a
new adapter is one module plus one line here, and is tested by all of them at once.

Importing this module imports every adapter, and through them httpx: only the modules
that talk to trackers (sync, push) import it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from relplan.planner.domain.errors import PlanError
from relplan.planner.trackers import bugzilla, github, gitlab, jira, redmine
from relplan.planner.trackers.base import Adapter, SourceConfig, Writer

#: ``kind`` -> the function making that kind's adapter from a source's config.
ADAPTERS: dict[str, Callable[[SourceConfig], Adapter]] = {
    "github": github.make_adapter,
    "gitlab": gitlab.make_adapter,
    "jira": jira.make_adapter,
    "redmine": redmine.make_adapter,
    "bugzilla": bugzilla.make_adapter,
}


def writer_for(config: SourceConfig) -> Writer:
    """The adapter of a tracker source, as a :class:`Writer`."""
    adapter: Any = adapter_for(config)
    writer: Writer = adapter
    return writer


def adapter_for(config: SourceConfig) -> Adapter:
    """The adapter for a source, from :data:`ADAPTERS`."""
    make = ADAPTERS.get(config.kind)
    if make is None:
        raise PlanError(config.problem(f"kind {config.kind!r} has no tracker adapter", "kind"))
    return make(config)
