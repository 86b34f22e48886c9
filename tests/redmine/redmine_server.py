"""A real Redmine 5 for the integration suite: one fresh sqlite instance per test session.

The fixture `redmine` (session-scoped, re-exported by conftest.py) and helpers.

`.ci/redmine.sh` starts it on 127.0.0.1 (a free port) in a tmp dir and seeds two
projects in bulk: ``relplan`` (130 issues: more than one page, open and closed,
versions with due dates, Backport values) and ``edits`` (20 issues, for the
tests that change issues). When Redmine is not installed the tests fail under
CI=true and skip locally, saying how to install it.

Migrating, setting up and seeding take six Rails boots (about 20 s of CPU); the
database they produce is kept as a template in the user's cache, keyed by the
Redmine package version and the scripts that made it, and later sessions start
from a copy of it (one Rails boot: the server).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / ".ci" / "redmine.sh"
TOKEN_ENV = "RELPLAN_TEST_REDMINE_KEY"
SEEDS = (("relplan", 130), ("edits", 20))
DATABASE = Path("instance/db/redmine.sqlite3")
KEPT = (DATABASE, Path("api_key"), *(Path(f"manifest-{project}.json") for project, _ in SEEDS))


@dataclass(frozen=True)
class Redmine:
    """A running server: its URL, the admin API key, and what was seeded per project."""

    url: str
    api_key: str
    folder: Path
    manifests: dict[str, dict[str, Any]]

    def issues(self, project: str) -> list[dict[str, Any]]:
        return list(self.manifests[project]["issues"])

    def put_issue(self, issue_id: int, fields: dict[str, Any]) -> None:
        """Change an issue through the REST API, as a maintainer would."""
        r = httpx.put(
            f"{self.url}/issues/{issue_id}.json",
            json={"issue": fields},
            headers={"X-Redmine-API-Key": self.api_key},
            timeout=30,
        )
        assert r.status_code in (200, 204), r.text

    def field_id(self, name: str) -> int:
        r = httpx.get(
            f"{self.url}/issues.json",
            params={"limit": 1, "status_id": "*"},
            headers={"X-Redmine-API-Key": self.api_key},
            timeout=30,
        )
        fields = r.json()["issues"][0]["custom_fields"]
        return int(next(f["id"] for f in fields if f["name"] == name))


def _why_unavailable() -> str | None:
    if sys.platform != "linux":
        return "the Redmine suite runs on Linux (Debian packages)"
    if subprocess.run(["bash", str(SCRIPT), "available"], capture_output=True).returncode:
        return (
            "Redmine is not installed: run `sudo .ci/redmine.sh install` "
            "(Debian packages redmine, redmine-sqlite, ruby-webrick)"
        )
    if os.geteuid() != 0:
        return "the Redmine instance needs root (it links /var/lib/redmine/<instance>)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _script(*args: str) -> str:
    done = subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=300)
    if done.returncode:
        pytest.fail(f"redmine.sh {args[0]} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _template() -> Path:
    """Where a seeded instance is kept between sessions (only ever copied from)."""
    version = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", "redmine"], capture_output=True, text=True
    ).stdout
    digest = hashlib.sha1(f"{version} {SEEDS}".encode())
    for script in (SCRIPT, ROOT / "tests/redmine/setup.rb", ROOT / "tests/redmine/seed.rb"):
        digest.update(script.read_bytes())
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "relplan-tests" / f"redmine-{digest.hexdigest()[:12]}"


def _restore(template: Path, folder: Path) -> bool:
    """Copy the template into a new instance folder; False when there is none yet."""
    if not all((template / f).is_file() for f in KEPT):
        return False
    for f in KEPT:
        (folder / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(template / f, folder / f)
    return True


def _keep(folder: Path, template: Path) -> None:
    """Save a freshly seeded instance as the template (atomically; first one wins)."""
    template.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=template.name + ".", dir=template.parent))
    try:
        for f in KEPT:
            (partial / f).parent.mkdir(parents=True, exist_ok=True)
            if f == DATABASE:  # a consistent copy of the live database
                src, dst = sqlite3.connect(folder / f), sqlite3.connect(partial / f)
                try:
                    src.backup(dst)
                finally:
                    src.close()
                    dst.close()
            else:
                shutil.copy2(folder / f, partial / f)
        partial.rename(template)
    except OSError:
        pass  # another session saved it first
    finally:
        shutil.rmtree(partial, ignore_errors=True)


@pytest.fixture(scope="session")
def redmine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Redmine]:
    """Start (from the template when there is one), seed and (at the end) stop the server."""
    why = _why_unavailable()
    if why:
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(f"CI needs the Redmine suite: {why}")
        pytest.skip(why)
    folder = tmp_path_factory.mktemp("redmine")
    template = _template()
    seeded = _restore(template, folder)
    try:
        url = _script("start", str(folder), str(_free_port())).strip().splitlines()[-1]
        if not seeded:
            for project, count in SEEDS:
                _script("seed", str(folder), str(count), project)
            _keep(folder, template)
        manifests = {
            project: json.loads((folder / f"manifest-{project}.json").read_text())
            for project, _ in SEEDS
        }
        key = (folder / "api_key").read_text().strip()
        yield Redmine(url, key, folder, manifests)
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop", str(folder)], capture_output=True)


def source_table(server: Redmine, project: str, name: str = "xen") -> dict[str, Any]:
    """A ``[[sources]]`` table for one seeded project."""
    return {
        "name": name,
        "kind": "redmine",
        "url": server.url,
        "project": project,
        "token_env": TOKEN_ENV,
        "backport_field": "Backport",
    }


def write_config(path: Path, server: Redmine, project: str, name: str = "xen") -> Path:
    """A config file with one Redmine source (the token stays in the environment)."""
    path.write_text(
        "[[sources]]\n"
        f'name = "{name}"\nkind = "redmine"\nurl = "{server.url}"\nproject = "{project}"\n'
        f'token_env = "{TOKEN_ENV}"\nbackport_field = "Backport"\n'
    )
    return path


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``relplan ARGS`` in a subprocess, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "relplan.tui.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


class CountingTransport(httpx.AsyncBaseTransport):
    """The real network transport, counting requests (and failing or interrupting on cue)."""

    def __init__(self, fail_at: int | None = None, error: BaseException | None = None) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.count = 0
        self.fail_at, self.error = fail_at, error
        self.urls: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        self.urls.append(str(request.url))
        if self.fail_at is not None and self.count >= self.fail_at:
            raise self.error or httpx.ConnectError("cut", request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()
