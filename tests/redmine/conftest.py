"""The session's real Redmine server (see redmine_server.py); every test here is `redmine`
(set by tests/conftest.py, which also keeps them on one xdist worker: one server per run)."""

from __future__ import annotations

from redmine_server import redmine

__all__ = ["redmine"]
