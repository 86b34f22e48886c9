"""Every tracker adapter, in one explicit table.

A ``[[sources]]`` table's ``kind`` picks its adapter here (:func:`adapter_for`); the
config check names these kinds, and every suite that runs all adapters (the hostile
tracker suite, the push suites) reads :data:`ADAPTERS` rather than a list of its own, so a
new adapter is one module plus one line here, and is tested by all of them at once.

Importing this module imports every adapter, and through them httpx: the commands that
talk to trackers (sync, push, the dashboard's workers) reach it through
:func:`relplan.planner.trackers.base.adapter_for`, which imports it when a source is used.
"""

from __future__ import annotations

from collections.abc import Callable

from relplan.planner.trackers import bugzilla, github, gitlab, jira, redmine
from relplan.planner.trackers.base import Adapter, SourceConfig

#: ``kind`` -> the function making that kind's adapter from a source's config.
ADAPTERS: dict[str, Callable[[SourceConfig], Adapter]] = {
    "github": github.make_adapter,
    "gitlab": gitlab.make_adapter,
    "jira": jira.make_adapter,
    "redmine": redmine.make_adapter,
    "bugzilla": bugzilla.make_adapter,
}
