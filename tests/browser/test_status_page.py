"""The HTML status page as Chromium renders it: the facts in its rendered text, no horizontal
overflow on a phone (375 px) or a desktop (1280 px), hostile titles shown, never run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import built_repo

WIDTHS = (375, 1280)
HOSTILE = (
    "<script>document.title='pwned'</script> ]]> \u202eevil\u202c <img src=x onerror=alert(1)>"
)


def relplan(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "relplan.tui.cli", *args], cwd=cwd, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return proc


def rendered(browser: Any, page: Path, width: int) -> tuple[str, int, int]:
    """The page's rendered text, its scroll width and the window's inner width."""
    browser.set_window_size(width, 900)
    browser.get(page.as_uri())
    text, scroll, inner = browser.execute_script(
        "return [document.body.innerText, document.documentElement.scrollWidth, window.innerWidth]"
    )
    return str(text), int(scroll), int(inner)


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    relplan(out, "report", "--kind", "status", "--format", "html", "-o", "site/")
    return out / "site"


@pytest.mark.parametrize("width", WIDTHS)
def test_demo_page_renders_branches_and_next_releases(
    browser: Any, demo_site: Path, width: int
) -> None:
    text, scroll, inner = rendered(browser, demo_site / "index.html", width)
    assert inner == width
    assert scroll <= inner, f"the page is {scroll} px wide in a {inner} px window"
    for fact in ("xen-3.4-testing", "xen-3.3-testing", "4.0.0", "4.1.0", "rc1 2009-09-01",
                 "in 1 day", "no-go", "1 open blocker(s): demo#pvhvm-migrate-hang",
                 "security fixes only", "2010-05-10", "demo#s3-resume"):  # fmt: skip
        assert fact in text, fact
    assert browser.execute_script("return document.querySelectorAll('th[scope=col]').length") > 9


@pytest.mark.parametrize("width", WIDTHS)
def test_series_page_renders_its_schedule(browser: Any, demo_site: Path, width: int) -> None:
    text, scroll, inner = rendered(browser, demo_site / "series-4.0.html", width)
    assert scroll <= inner
    assert "4.0.0 schedule" in text and "2009-11-10" in text and "Remus" in text


def test_page_of_a_test_built_repository(browser: Any, tmp_path: Path) -> None:
    repo = built_repo(tmp_path)
    # made on the day the page is about (a plan made later plans nothing before its day)
    relplan(tmp_path, "init", "--from-git", str(repo), "--plan", "p.toml", "--name", HOSTILE,
            "--today", "2010-09-01")  # fmt: skip
    relplan(tmp_path, "--plan", "p.toml", "--today", "2010-09-01", "report", "--kind",
            "status", "--format", "html", "-o", "index.html")  # fmt: skip
    for width in WIDTHS:
        text, scroll, inner = rendered(browser, tmp_path / "index.html", width)
        assert scroll <= inner, (width, scroll)
        assert "stable-1.2" in text and "1.2.1" in text and "1.3.0" in text
        # the hostile plan name is shown as text: no script ran, no element was made
        assert "<script>document.title='pwned'</script>" in text
        assert "\\u202eevil" in text
        assert browser.title.startswith("<script>document.title='pwned'")  # not run
        assert browser.execute_script("return document.querySelectorAll('script, img').length") == 0


def test_light_and_dark_follow_the_system(browser: Any, demo_site: Path) -> None:
    def background(scheme: str) -> int:
        feature = {"name": "prefers-color-scheme", "value": scheme}
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [feature]})
        browser.get((demo_site / "index.html").as_uri())
        rgb = browser.execute_script("return getComputedStyle(document.body).backgroundColor")
        return sum(int(n) for n in rgb[rgb.index("(") + 1 : -1].split(",")[:3])

    try:
        assert background("light") > 700 and background("dark") < 100
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
