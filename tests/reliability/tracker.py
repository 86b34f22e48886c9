"""A tiny Redmine on 127.0.0.1 for the crash-window tests: real HTTP, canned JSON."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def issue(n: int, status: str = "New", closed: bool = False) -> dict[str, Any]:
    """One issue in Redmine's /issues.json shape."""
    return {
        "id": n,
        "subject": f"Issue {n}",
        "tracker": {"id": 1, "name": "Bug"},
        "status": {"id": 1, "name": status, "is_closed": closed},
        "priority": {"id": 2, "name": "Normal"},
        "updated_on": f"2026-01-01T00:{n:02d}:00Z",
    }


class Tracker:
    """The issues it serves can be changed between syncs (``issues``)."""

    def __init__(self) -> None:
        self.issues = [issue(n) for n in (1, 2, 3)]
        self.url = ""

    def answer(self, path: str) -> dict[str, Any]:
        if path.startswith("/projects/") and "/versions.json" in path:
            return {"versions": []}
        return {"issues": self.issues, "total_count": len(self.issues), "offset": 0, "limit": 100}


@contextmanager
def serve() -> Iterator[Tracker]:
    """A Tracker listening on a free loopback port until the block ends."""
    tracker = Tracker()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            body = json.dumps(tracker.answer(self.path)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tracker.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield tracker
    finally:
        server.shutdown()
        server.server_close()
