"""``relplan serve`` opened in Chromium: the read-only dashboard comes up in the page, the
served process never sees a token, and a non-loopback host is refused.

The server runs on 127.0.0.1 on a free port and is stopped by the test; every wait is
bounded. The terminal is drawn on a canvas, so what it shows is read from the websocket
frames Chromium received (its performance log).
"""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

TOKEN_VAR = "RELPLAN_TEST_TRACKER_SECRET_VALUE"
CONFIG = f"""
[[sources]]
name = "gh"
kind = "github"
url = "https://github.com"
project = "example/project"
token_env = "{TOKEN_VAR}"
"""
WAIT = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        assert server.poll() is None, server.communicate()[1]
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"relplan serve did not listen on {port} within {WAIT} s")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    """``relplan serve`` on the demo, with a config naming a token that is set."""
    config = tmp_path / "config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    port = free_port()
    env = {**os.environ, TOKEN_VAR: "s3cr3t-token", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "relplan.tui.cli", "serve", "--port", str(port),
         "--config", str(config)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_for_port(port, proc)
        yield port, proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # the server and the dashboards it started
        try:
            proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()


def terminal_bytes(browser: Any) -> bytes:
    """What the page's websocket received since the last call."""
    out = b""
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] != "Network.webSocketFrameReceived":
            continue
        frame = message["params"]["response"]
        payload = frame["payloadData"]
        out += base64.b64decode(payload) if frame["opcode"] == 2 else payload.encode()
    return out


def descendants(pid: int) -> list[int]:
    """Every process under ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def test_served_dashboard_comes_up_read_only_without_tokens(
    browser: Any, server: tuple[int, subprocess.Popen[str]]
) -> None:
    port, proc = server
    browser.set_window_size(1280, 800)
    terminal_bytes(browser)  # drop what earlier pages logged
    browser.get(f"http://127.0.0.1:{port}/")
    seen, deadline = b"", time.monotonic() + WAIT
    while b"READ-ONLY" not in seen and time.monotonic() < deadline:
        time.sleep(0.2)
        seen += terminal_bytes(browser)
    assert b"READ-ONLY" in seen, f"no dashboard within {WAIT} s: {seen[-500:]!r}"
    assert b"Xen (demo, 2009)" in seen and b"4.0.0" in seen
    environments = []
    for pid in descendants(proc.pid):
        try:
            environments.append(Path(f"/proc/{pid}/environ").read_bytes())
        except OSError:
            continue
    served = [e for e in environments if b"TEXTUAL_DRIVER=" in e]
    assert served, "no served dashboard process found"
    assert all(TOKEN_VAR.encode() not in e and b"s3cr3t" not in e for e in served)


def test_a_public_address_needs_public(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "relplan.tui.cli", "serve", "--host", "0.0.0.0"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "0.0.0.0 is not a loopback address" in proc.stderr and "--public" in proc.stderr
