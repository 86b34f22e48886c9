"""The browser tier: pages and the served dashboard opened in a real headless Chromium.

Debian's ``chromium`` and ``chromium-driver`` (installed by .ci/run), driven by selenium.
Without them the tier is skipped locally, saying why, and fails under ``CI=true``: CI must
run it. Chromium starts offline (no network features, a fresh profile per session), so it
never waits on a connection this machine cannot make.
"""

from __future__ import annotations

import os
import shutil
import subprocess
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


def require_browser() -> None:
    """Skip with the reason when Chromium (or selenium) is missing; under ``CI=true`` fail."""
    why = _missing()
    if why is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser tier must run in CI: {why}")
        pytest.skip(why)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session (a selenium WebDriver)."""
    require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_AVOID_STATS", "true")  # selenium never phones home
    profile = tempfile.mkdtemp(prefix="relplan-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(Path(str(shutil.which("chromium"))).resolve())
    # the served dashboard's terminal draws on a canvas: its text is read from the websocket
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
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


def _git(repo: Path, day: int, *args: str) -> None:
    when = f"@{1_262_304_000 + day * 86400} +0000"  # day 0: 2010-01-01
    env = {
        "PATH": os.environ["PATH"], "HOME": str(repo.parent), "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.org",
        "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.org",
        "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
    }  # fmt: skip
    subprocess.run(["git", "-C", str(repo), *args], env=env, check=True, capture_output=True)


def built_repo(folder: Path) -> Path:
    """A small project with release tags and stable branches: 1.0.0 (day 30, an RC before),
    1.0.1 on stable-1.0, 1.1.0 (day 120), 1.1.1 on stable-1.1, 1.2.0 (day 210)."""
    repo = folder / "proj"
    repo.mkdir()
    _git(repo, 0, "init", "-q", "-b", "main")
    steps = [
        (20, "main", "1.0.0-rc1"), (30, "main", "RELEASE-1.0.0"),
        (75, "stable-1.0", "RELEASE-1.0.1"), (120, "main", "RELEASE-1.1.0"),
        (160, "stable-1.1", "RELEASE-1.1.1"), (210, "main", "RELEASE-1.2.0"),
    ]  # fmt: skip
    for day, branch, tag in steps:
        if branch != "main":
            _git(repo, day, "checkout", "-q", branch)
        _git(repo, day, "commit", "-q", "--allow-empty", "-m", f"work for {tag}")
        _git(repo, day, "tag", tag)
        if branch == "main" and not tag.endswith("rc1"):
            series = tag.removeprefix("RELEASE-").rsplit(".", 1)[0]
            _git(repo, day, "branch", f"stable-{series}")
        _git(repo, day, "checkout", "-q", "main")
    return repo
