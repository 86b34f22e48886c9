"""Test tiers, set here from where a test lives and what it needs (never by hand on a test).

- ``redmine``: everything under tests/redmine/ (a real Redmine server, started once per
  session). Under xdist all of them go to one worker (``xdist_group``), so one server runs.
- ``browser``: everything under tests/browser/ (headless Chromium; skipped locally with the
  reason when it is missing, a failure under ``CI=true``). One worker, one browser.
- ``app``: tests that run the Textual app: coroutine tests (``App.run_test`` is async)
  anywhere but tests/sources/ (whose coroutines talk to ``httpx.MockTransport``),
  snapshot tests (``snap_compare``), the real terminal (``terminal``, tmux), and the few
  sync tests that run the app through a command, named in :data:`APP_TESTS`.
- ``fast``: the rest: planner, sources against ``httpx.MockTransport``, git, CLI subprocesses.

``python -m pytest`` runs every tier on all cores (see ``addopts`` in pyproject.toml);
``-m fast`` is the quick loop. A test that starts the app without being in the ``app``
(or ``redmine``) tier fails and says so, so the fast tier stays fast.
"""

from __future__ import annotations

import inspect
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
HTTP_DIRS = ("sources",)  # coroutine tests here are httpx; anywhere else they drive the app
APP_FIXTURES = frozenset({"snap_compare", "terminal"})
# Sync tests that run the app through a command (the guard below names any missing)
APP_TESTS = frozenset({
    "tests/reports/test_exports.py::test_svg_timeline_is_deterministic",
    "tests/git/test_faces_agree.py::test_every_face_agrees_with_git_evidence",  # hypothesis
    "tests/git/test_faces_agree.py::test_the_disagreements_of_issue_21",
    "tests/sources/test_sync_line_app.py::test_the_sync_line_shows_the_adapters_progress",
})  # fmt: skip
REDMINE_GROUP = "redmine"
BROWSER_GROUP = "browser"
TIER_ORDER = {"redmine": 0, "browser": 1, "app": 2, "fast": 3}  # under xdist: longest first


def tier_of(item: pytest.Item) -> str:
    """``redmine``, ``browser``, ``app`` or ``fast``, from the test's folder and fixtures."""
    path = Path(str(item.fspath)).resolve()
    parts = path.relative_to(TESTS).parts if path.is_relative_to(TESTS) else ("",)
    if parts[0] in ("redmine", "browser"):
        return parts[0]
    if APP_FIXTURES & set(getattr(item, "fixturenames", ())):
        return "app"
    if item.nodeid.split("[")[0] in APP_TESTS:
        return "app"
    coroutine = inspect.iscoroutinefunction(getattr(item, "function", None))
    if coroutine and parts[0] not in HTTP_DIRS:
        return "app"
    return "fast"


def pytest_configure(config: pytest.Config) -> None:
    """No test reads or writes the user's own relplan folders: the cache, the state
    folder (journals, recovery files) and the config folder point into a temporary folder
    of this process, inherited by every command a test runs. A test that needs its own
    sets the variable for its command."""
    base = Path(tempfile.mkdtemp(prefix="relplan-tests-"))
    for name in ("XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        os.environ[name] = str(base / name.split("_")[1].lower())


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: two workers per core (at most 8). Most of an app test's time is
    Textual's pilot sleeping until the process is idle (at least 40 ms a key), the Redmine
    worker waits on its server and CLI tests on their subprocesses: on this 2-core box a
    full run took 125 s with 2 workers, 97 s with 3 and 86 s with 4."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return int(os.environ["PYTEST_XDIST_AUTO_NUM_WORKERS"])
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(2 * (cores or 1), 8)


@pytest.hookimpl(tryfirst=True)  # before xdist turns -n into workers
def pytest_cmdline_main(config: pytest.Config) -> None:
    # syrupy removes unused snapshots only when one process ran every snapshot test
    if getattr(config.option, "update_snapshots", False):
        config.option.numprocesses = 0


@pytest.hookimpl(tryfirst=True)  # before xdist reads the xdist_group marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    distributed = config.pluginmanager.hasplugin("xdist") and _workers(config) > 0
    tiers = {}
    for item in items:
        tier = tiers[item.nodeid] = tier_of(item)
        item.add_marker(getattr(pytest.mark, tier))
        if tier == "redmine" and distributed:
            item.add_marker(pytest.mark.xdist_group(REDMINE_GROUP))
        if tier == "browser" and distributed:
            item.add_marker(pytest.mark.xdist_group(BROWSER_GROUP))
    if distributed:
        # Redmine's start-up first, then the slow app tests, then the many quick ones to
        # fill in behind them (the scheduler hands out work in this order).
        items.sort(key=lambda it: TIER_ORDER[tiers[it.nodeid]])


def _workers(config: pytest.Config) -> int:
    if hasattr(config, "workerinput"):  # inside an xdist worker
        return int(config.workerinput.get("workercount", 1))
    numprocesses = getattr(config.option, "numprocesses", None)
    return int(numprocesses or 0)


@pytest.fixture(autouse=True)
def _only_app_tests_run_the_app(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Starting the Textual app from a ``fast`` test is an error naming the fix."""
    node = request.node
    if node.get_closest_marker("fast") is not None:
        from textual.app import App

        def refuse(*args: object, **kwargs: object) -> None:
            raise AssertionError(
                f"{node.nodeid} runs the Textual app but is in the fast tier: make it an "
                "async test (outside tests/sources/) or name it in APP_TESTS in "
                "tests/conftest.py"
            )

        monkeypatch.setattr(App, "run_test", refuse)
        monkeypatch.setattr(App, "run_async", refuse)
    yield
