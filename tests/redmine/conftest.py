"""The session's real Redmine server (see redmine_server.py); every test here is `redmine`."""

from __future__ import annotations

import pytest
from redmine_server import redmine

__all__ = ["redmine"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/redmine/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.redmine)
