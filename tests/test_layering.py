"""Layering: planner never imports the UI; headless commands never load Textual or httpx."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _planner_modules() -> list[str]:
    names = ["planner"]
    # Walk the source folder, not planner.__path__: test folders named like packages must
    # not count as part of planner.
    for info in pkgutil.walk_packages([str(ROOT / "planner")], "planner."):
        names.append(info.name)
    return names


def _run(code: str) -> dict[str, list[str]]:
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.splitlines()[-1])


def test_every_planner_module_is_found() -> None:
    assert {"planner.calendar", "planner.model", "planner.status"} <= set(_planner_modules())


@pytest.mark.parametrize("module", _planner_modules())
def test_planner_module_never_imports_textual_or_rich(module: str) -> None:
    code = (
        f"import importlib, json, sys; importlib.import_module({module!r}); "
        "print(json.dumps(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('textual', 'rich'))))"
    )
    assert _run(code) == []


@pytest.mark.parametrize(
    "argv",
    [
        ["calendar", "--format", "json"],
        ["status", "--format", "json"],
        ["export", "--format", "toml"],
        ["export", "--format", "ics"],
        ["report", "--kind", "update"],
        ["report", "--kind", "schedule"],
        ["report"],
        ["check"],
        ["calendar", "--help"],
    ],
)
def test_headless_commands_import_neither_textual_nor_httpx(argv: list[str]) -> None:
    code = (
        "import contextlib, io, json, sys\n"
        "from tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        f"        main({argv!r})\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(json.dumps(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('textual', 'rich', 'httpx'))))"
    )
    assert _run(code) == []


@pytest.mark.parametrize(
    "argv, loaded",
    [
        (["status", "--format", "json"], False),
        (["report", "--kind", "update"], False),
        (["export", "--format", "json"], False),
        (["export", "--format", "ics"], True),
    ],
)
def test_only_the_calendar_feed_imports_icalendar(argv: list[str], loaded: bool) -> None:
    code = (
        "import contextlib, io, json, sys\n"
        "from tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main({argv!r})\n"
        "print(json.dumps({'icalendar': 'icalendar' in sys.modules}))"
    )
    assert _run(code) == {"icalendar": loaded}
