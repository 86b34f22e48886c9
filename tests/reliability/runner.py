"""Helpers of the reliability tier: the real CLI in subprocesses, with faults injected."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOOKS = Path(__file__).with_name("hooks.py")


def _child_env(extra: dict[str, str] | None) -> dict[str, str]:
    env = {**os.environ, **(extra or {})}
    # RELPLAN_TEST_CODE=/path/to/an/older/checkout runs the children on that code:
    # how each reproduction here was seen failing before its fix.
    if os.environ.get("RELPLAN_TEST_CODE"):
        env["PYTHONPATH"] = os.environ["RELPLAN_TEST_CODE"]
    return env


def relplan(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run the real ``relplan`` in a subprocess (through hooks.py, which can inject faults)."""
    return subprocess.run(
        [sys.executable, str(HOOKS), *args],
        cwd=cwd,
        env=_child_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def popen(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start the real ``relplan`` in a subprocess without waiting for it."""
    return subprocess.Popen(
        [sys.executable, str(HOOKS), *args],
        cwd=cwd,
        env=_child_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
