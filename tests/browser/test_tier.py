"""The browser tier says why it is skipped where Chromium is missing, and fails in CI."""

from __future__ import annotations

import shutil

import pytest
from conftest import require_browser


def test_missing_chromium_skips_locally_and_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="chromium is not installed: apt-get"):
        require_browser()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="must run in CI: chromium is not installed"):
        require_browser()
