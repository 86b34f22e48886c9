"""``relplan serve``: the dashboard in a browser, read-only, through textual-serve.

Each visitor's browser gets its own dashboard process (:mod:`relplan.tui.cli.served`) on the
same plan, with every write action disabled (:data:`relplan.tui.app.WRITE_ACTIONS`). The
server binds to 127.0.0.1 unless told otherwise and refuses any other address without
``--public``. The variables the config names as ``token_env`` (and any variable whose name
says it holds a token, key, password or secret) are taken out of the environment before the
server starts, so no served process ever sees them.

The page textual-serve sends loads its font from Google Fonts; relplan is used over SSH and
offline, so the page is served from a copy of textual-serve's templates that loads the same
Roboto Mono from textual-serve's own static folder (:func:`offline_templates`): nothing the
browser fetches comes from another host.

textual-serve is imported here only, when the command runs.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import re
import shlex
import sys
import tempfile
from collections.abc import Iterable, Mapping, MutableMapping
from pathlib import Path
from typing import Any

from relplan.planner.domain.errors import PlanError, Problem
from relplan.tui.cli.context import Context, load_context
from relplan.tui.cli.output import say

EXIT_OK = 0
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8000
_SECRET_NAME = re.compile(r"TOKEN|API_?KEY|PASSWORD|PASSWD|SECRET", re.IGNORECASE)


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and the loopback addresses (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere


def token_names(source_tables: Iterable[Mapping[str, Any]], environ: Mapping[str, str]) -> set[str]:
    """The variables a served process must not see: every ``token_env`` the config names, and
    every variable whose name says it is a secret."""
    named = {t["token_env"] for t in source_tables if isinstance(t.get("token_env"), str)}
    return named | {name for name in environ if _SECRET_NAME.search(name)}


def scrub(environ: MutableMapping[str, str], names: Iterable[str]) -> list[str]:
    """Remove ``names`` from ``environ``; the names removed, sorted."""
    return sorted(name for name in set(names) if environ.pop(name, None) is not None)


def served_command(ctx: Context, args: argparse.Namespace) -> str:
    """The shell command textual-serve runs per visitor: this Python, the served dashboard,
    the same plan, config and day. The config is the one the command read (``--config``,
    or the one it found beside the plan or in the current folder): the served process
    looks beside the plan only, so a config found in the current folder is named."""
    argv = [sys.executable, "-m", "relplan.tui.cli.served"]
    if ctx.path is not None:
        argv += ["--plan", str(ctx.path.resolve())]
    config = getattr(args, "config", None) or ctx.config.path
    if config:
        argv += ["--config", os.path.abspath(config)]
    if getattr(args, "today", None):
        argv += ["--today", str(args.today)]
    return shlex.join(argv)


def run_serve(args: argparse.Namespace) -> int:
    """Serve the read-only dashboard until interrupted."""
    if not (args.public or is_loopback(args.host)):
        raise PlanError(
            Problem(
                f"{args.host} is not a loopback address: anyone who reaches it sees the plan",
                field="--host",
                hint="pass --public to serve beyond this machine",
            )
        )
    ctx = load_context(args)  # a bad plan or config: exit 2 here, not in every visitor
    removed = scrub(os.environ, token_names(ctx.config.source_tables, os.environ))
    if removed:
        say(f"relplan serve: not passed to the dashboards: {', '.join(removed)}", err=True)
    title = f"relplan (read-only): {ctx.plan.name}"
    with tempfile.TemporaryDirectory(prefix="relplan-serve-") as folder:
        server = build_server(served_command(ctx, args), args, title, Path(folder))
        server.serve()
    return EXIT_OK


def build_server(command: str, args: argparse.Namespace, title: str, folder: Path) -> Any:
    """textual-serve's Server for ``command``, its page from :func:`offline_templates`
    written into ``folder``."""
    # start-up: textual-serve (~280 ms), only once serve runs
    import textual_serve
    from textual_serve.server import Server  # start-up: as above

    package = Path(textual_serve.__file__).parent
    templates = offline_templates(package / "templates", package / "static", folder)
    return Server(
        command, host=args.host, port=args.port, title=title, public_url=args.public_url,
        templates_path=templates,
    )  # fmt: skip


_FONT_LINK = re.compile(
    r"<link\b[^>]*\bhref=\"https?://fonts\.(?:googleapis|gstatic)\.com[^\"]*\"[^>]*>", re.DOTALL
)
_FONT_FILES = (
    ("normal", "RobotoMono-VariableFont_wght.ttf"),
    ("italic", "RobotoMono-Italic-VariableFont_wght.ttf"),
)
_FETCHED = re.compile(
    r"""(?:\b(?:href|src|action)\s*=\s*["']?|url\(\s*["']?|@import\s+["'])"""
    r"""((?:https?:)?//[^"'\s)>]+)""",
    re.IGNORECASE,
)


def external_urls(html: str, own: str = "") -> list[str]:
    """The URLs a page makes the browser fetch from a host other than ``own`` (its own
    origin, ``http://127.0.0.1:8000``): links, scripts, images, CSS ``url()`` and
    ``@import``. An ``xmlns`` namespace is a name, never fetched."""
    return [u for u in _FETCHED.findall(html) if not (own and u.startswith(own + "/"))]


def offline_templates(source: Path, statics: Path, dest: Path) -> Path:
    """textual-serve's page templates (``source``) written to ``dest`` without the Google
    Fonts stylesheet: Roboto Mono comes from the font files in its own ``statics`` folder.
    A PlanError when a template still fetches from another host (a textual-serve whose
    page changed: serving it would reach the internet)."""
    faces = "".join(
        f'@font-face {{ font-family: "Roboto Mono"; font-style: {style}; '
        f'src: url("{{{{ config.static.url }}}}fonts/{name}") format("truetype"); }}\n'
        for style, name in _FONT_FILES
        if (statics / "fonts" / name).is_file()
    )
    for template in sorted(source.glob("*.html")):
        html = _FONT_LINK.sub(f"<style>\n{faces}</style>" if faces else "", template.read_text())
        left = external_urls(html)
        if left:
            raise PlanError(
                Problem(
                    f"the served page would fetch {left[0]} from the internet",
                    str(template),
                    hint="relplan serve knows textual-serve 1.1's page; install that version",
                )
            )
        (dest / template.name).write_text(html, encoding="utf-8")
    return dest


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``serve`` to the command line."""
    p = sub.add_parser(
        "serve",
        parents=[common],
        help="the dashboard in a web browser, read-only (every write action disabled)",
    )
    p.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to bind (default {DEFAULT_HOST}; others need --public)",
    )
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.add_argument(
        "--public",
        action="store_true",
        help="allow a non-loopback --host: everyone who reaches it sees the plan",
    )
    p.add_argument(
        "--public-url",
        metavar="URL",
        help="the address browsers use, when not http://HOST:PORT (a proxy)",
    )
    p.set_defaults(run=run_serve)
