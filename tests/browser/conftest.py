"""The browser tier: pages and the served dashboard opened in a real headless Chromium.

Debian's ``chromium`` and ``chromium-driver`` (installed by .ci/run), driven by selenium.
Without them the tier is skipped locally, saying why, and fails under ``CI=true``: CI must
run it. Chromium starts offline (no network features, a fresh profile per session), so it
never waits on a connection this machine cannot make.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--hide-scrollbars",
)  # fmt: skip
INSTALL = "apt-get install -y chromium chromium-driver (see .ci/run)"


def _missing() -> str | None:
    """Why the tier cannot run here, or None."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed: pip install -e '.[test]'"
    for program in ("chromium", "chromedriver"):
        if shutil.which(program) is None:
            return f"{program} is not installed: {INSTALL}"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session (a selenium WebDriver)."""
    why = _missing()
    if why is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser tier must run in CI: {why}")
        pytest.skip(why)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_AVOID_STATS", "true")  # selenium never phones home
    profile = tempfile.mkdtemp(prefix="relplan-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(Path(str(shutil.which("chromium"))).resolve())
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    service = Service(executable_path=str(shutil.which("chromedriver")))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
