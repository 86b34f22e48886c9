"""Layering contracts over every import statement, and every headless command run for real.

- planner never imports tui, textual or rich, at any depth (inside functions and
  ``if TYPE_CHECKING`` blocks too); httpx is imported only by :data:`HTTP_MODULES`.
- tui has no import cycle, counting imports inside functions (the session refactor of
  issue 8 broke the one through relplan.tui.app, relplan.tui.keymap and the screens; one between
  two CLI
  modules is known and xfail, any other fails). Imports under ``if TYPE_CHECKING``
  never run, so they are exempt, and listed on their own.
- every subcommand the parser knows runs ``--help`` and a real invocation in a fresh
  interpreter without loading textual, rich or httpx (``sync`` and ``push`` may load
  httpx).

The contracts read the source with :mod:`ast` (see tests/importgraph.py) rather than
through import-linter: the checks need the depth of each import (function,
TYPE_CHECKING) reported per file and line, an allow-list of modules for httpx, and a
cycle check that could be marked xfail on its own while the cycle lasted; a dependency
and a config format for that is more than the ~170 lines it takes here. The runtime
checks catch what the source cannot show: third-party packages that pull in textual,
rich or httpx on their own.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from importgraph import (
    Import,
    collect,
    cycles,
    cyclic_components,
    format_cycle,
    imports_in_source,
    module_graph,
    strongly_connected,
)

from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.laying import lay
from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.store.planfile import dumps_toml
from relplan.tui.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
UI = ("tui", "textual", "rich")
HTTP_MODULES = frozenset({"relplan.planner.trackers.http"})  # the adapters fetch through it


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    return collect(ROOT, ("planner", "tui"))


def top(module: str) -> str:
    """The package an import belongs to: ``planner`` or ``tui`` for relplan's own
    (``relplan.planner.x`` -> ``planner``), the top-level name for anything else."""
    parts = module.split(".")
    return parts[1] if parts[0] == "relplan" and len(parts) > 1 else parts[0]


def subcommands() -> list[str]:
    """Every subcommand `relplan` knows, from its parser."""
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return sorted(action.choices)
    raise AssertionError("relplan's parser has no subcommands")


def _listing(found: list[Import]) -> str:
    return "\n".join(
        f"  {imp.where}: {imp.module} imports {imp.target}{imp.depth}" for imp in found
    )


# -- the collector itself ----------------------------------------------------------------


def test_the_collector_sees_imports_at_every_depth() -> None:
    source = (
        "import a.b as ab\n"
        "from typing import TYPE_CHECKING\n"
        "import typing\n"
        "from . import sibling\n"
        "from ..up import thing\n"
        "if TYPE_CHECKING:\n"
        "    from c import C\n"
        "else:\n"
        "    import d\n"
        "if typing.TYPE_CHECKING:\n"
        "    import e\n"
        "try:\n"
        "    import f\n"
        "except ImportError:\n"
        "    f = None\n"
        "class K:\n"
        "    import g\n"
        "    def method(self):\n"
        "        import h\n"
        "        def inner():\n"
        "            if TYPE_CHECKING:\n"
        "                import i\n"
        "async def run():\n"
        "    from j import J\n"
        "lazy = lambda: __import__('k')\n"
    )
    known = {"pkg.mod.sibling", "pkg.up"}
    got = {
        imp.target: (imp.line, imp.in_function, imp.type_checking)
        for imp in imports_in_source(source, "pkg.mod.here", Path("here.py"), known)
    }
    assert got == {
        "a.b": (1, False, False),
        "typing": (3, False, False),
        "pkg.mod.sibling": (4, False, False),
        "pkg.up": (5, False, False),
        "c": (7, False, True),
        "d": (9, False, False),
        "e": (11, False, True),
        "f": (13, False, False),
        "g": (17, False, False),
        "h": (19, True, False),
        "i": (22, True, True),
        "j": (24, True, False),
    }


def test_cycles_are_found_and_printed() -> None:
    def imp(a: str, b: str, line: int, **depth: bool) -> Import:
        return Import(a, b, Path(a.replace(".", "/") + ".py"), line, **depth)

    edges = [
        imp("t.app", "t.keys", 3),
        imp("t.keys", "t.screen", 4, in_function=True),
        imp("t.screen", "t.app", 5),
        imp("t.screen", "t.widget", 6),
        imp("t.widget", "t.widget", 7),  # a module importing itself is a cycle too
        imp("t.leaf", "t.app", 8),
    ]
    found = cycles(module_graph(edges))
    assert [sorted(c) for c in found] == [["t.app", "t.keys", "t.screen"], ["t.widget"]]
    graph = module_graph(edges)
    assert format_cycle(found[0], graph) == (
        "t.app -> t.keys (t/app.py:3) -> t.screen (t/keys.py:4, in a function)"
        " -> t.app (t/screen.py:5)"
    )
    assert strongly_connected({"a": {"b": []}, "b": {"a": []}}) == [{"a", "b"}]


# -- the contracts -----------------------------------------------------------------------


def test_every_module_is_read(imports: list[Import]) -> None:
    modules = {imp.module for imp in imports}
    assert {
        "relplan.planner.domain.calendar",
        "relplan.planner.trackers.http",
        "relplan.tui.app",
        "relplan.tui.cli.dashboard",
    } <= modules


def test_planner_never_imports_the_ui_at_any_depth(imports: list[Import]) -> None:
    bad = [imp for imp in imports if top(imp.module) == "planner" and top(imp.target) in UI]
    assert not bad, "planner must not import tui, textual or rich:\n" + _listing(bad)


def test_httpx_only_in_the_modules_that_talk_http(imports: list[Import]) -> None:
    users = [imp for imp in imports if imp.target.split(".")[0] == "httpx"]
    bad = [imp for imp in users if imp.module not in HTTP_MODULES]
    assert not bad, f"httpx outside {sorted(HTTP_MODULES)}:\n" + _listing(bad)
    # the list is exact: a module that stopped talking HTTP leaves it
    assert {imp.module for imp in users} == HTTP_MODULES


# Cycles known today: each is on the xfail below; the test after it fails on any other.
KNOWN_CYCLES: list[set[str]] = []


def _tui_cycles(imports: list[Import]) -> tuple[list[set[str]], str]:
    """Modules on run-time import cycles among tui modules (per strongly connected
    component), and the cycles listed with file:line."""
    tui = [imp for imp in imports if top(imp.module) == top(imp.target) == "tui"]
    graph = module_graph(imp for imp in tui if not imp.type_checking)
    message = "\n".join(f"  {format_cycle(c, graph)}" for c in cycles(graph))
    type_only = _type_checking_only_cycles(tui)
    if type_only:
        message += "\nonly through TYPE_CHECKING imports (exempt):\n" + type_only
    return cyclic_components(
        graph
    ), "import cycles in tui (imports inside functions count):\n" + message


def test_no_import_cycle_anywhere(imports: list[Import]) -> None:
    """No cycle among relplan's modules, planner and tui alike, counting imports inside
    functions (they hid calendar -> stages -> rules -> calendar and config <-> configfile)."""
    mine = [imp for imp in imports if {top(imp.module), top(imp.target)} <= {"planner", "tui"}]
    graph = module_graph(imp for imp in mine if not imp.type_checking)
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(f"  {format_cycle(c, graph)}" for c in found)


#: Imports inside functions without a comment saying the start-up cost they save. The
#: number only goes down: a new import inside a function says why (``# start-up ...`` on
#: its line or the line above), or moves to the top of its module.
UNCOMMENTED_FUNCTION_IMPORTS = 0


def _says_why(imp: Import) -> bool:
    lines = (ROOT / imp.where.split(":")[0]).read_text(encoding="utf-8").split("\n")
    here, above = lines[imp.line - 1], lines[imp.line - 2] if imp.line > 1 else ""
    return "start-up" in here or (above.strip().startswith("#") and "start-up" in above)


def test_imports_inside_functions_say_why(imports: list[Import]) -> None:
    silent = [imp for imp in imports if imp.in_function and not _says_why(imp)]
    assert len(silent) <= UNCOMMENTED_FUNCTION_IMPORTS, (
        f"{len(silent)} imports inside functions without a start-up comment "
        f"(at most {UNCOMMENTED_FUNCTION_IMPORTS}):\n" + _listing(silent[-10:])
    )


def test_tui_has_no_import_cycle(imports: list[Import]) -> None:
    found, message = _tui_cycles(imports)
    assert not found, message


def test_tui_has_no_import_cycle_but_the_known_ones(imports: list[Import]) -> None:
    found, message = _tui_cycles(imports)
    assert [c for c in found if c not in KNOWN_CYCLES] == [], message
    # a known cycle that is gone leaves KNOWN_CYCLES, and its xfail goes
    assert [c for c in KNOWN_CYCLES if c not in found] == []


def _type_checking_only_cycles(found: list[Import]) -> str:
    """Cycles that close only through ``if TYPE_CHECKING`` imports, one per line."""
    runtime = {frozenset(c) for c in cycles(module_graph(i for i in found if not i.type_checking))}
    graph = module_graph(found)
    return "\n".join(
        f"  {format_cycle(c, graph)}" for c in cycles(graph) if frozenset(c) not in runtime
    )


def test_type_checking_imports_resolve_and_their_cycles_are_reported(
    imports: list[Import],
) -> None:
    """TYPE_CHECKING imports never run, so nothing else notices a stale one; cycles they
    close are exempt from the cycle rule but said in the warnings summary of every run."""
    known = {imp.module for imp in imports}
    stale = [
        imp
        for imp in imports
        if imp.type_checking
        and (
            imp.target not in known
            if top(imp.target) in ("planner", "tui")
            else importlib.util.find_spec(imp.target) is None
        )
    ]
    assert not stale, "TYPE_CHECKING imports of modules that do not exist:\n" + _listing(stale)
    for package in ("planner", "tui"):
        mine = [imp for imp in imports if top(imp.module) == top(imp.target) == package]
        text = _type_checking_only_cycles(mine)
        if text:
            warnings.warn(f"{package}: import cycles through TYPE_CHECKING only:\n{text}",
                          stacklevel=1)  # fmt: skip


# -- at run time -------------------------------------------------------------------------


def _run_python(code: str, *args: str, cwd: Path, env: dict[str, str] | None = None) -> object:
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.splitlines()[-1])


def test_importing_any_planner_module_loads_no_ui_and_no_httpx() -> None:
    # one interpreter; each module's new arrivals are attributed to it
    code = (
        "import importlib, json, pkgutil, sys\n"
        "import relplan.planner as p\n"
        "names = ['relplan.planner']"
        " + [i.name for i in pkgutil.walk_packages(p.__path__, 'relplan.planner.')]\n"
        "blame = {}\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "    for m in sys.modules:\n"
        "        t = m.removeprefix('relplan.').split('.')[0]\n"
        "        if t in ('tui', 'textual', 'rich', 'httpx'):\n"
        "            blame.setdefault(t, name)\n"
        "print(json.dumps({'modules': len(names), 'blame': blame}))\n"
    )
    got = _run_python(code, cwd=ROOT)
    assert isinstance(got, dict) and got["modules"] > 30
    assert got["blame"] == {}


HEAVY = ("textual", "rich", "httpx")
# the trackers' verbs may load httpx; the dashboard (no subcommand) alone loads textual
ALLOWED = {"sync": {"httpx"}, "push": {"httpx"}}

RUNNER = """
import contextlib, io, json, sys
from relplan.tui.cli import main
runs = json.loads(sys.argv[1])
report = []
for argv in runs:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
    tops = {m.split('.')[0] for m in sys.modules}
    loaded = sorted(tops & {'textual', 'rich', 'httpx'})
    report.append({'argv': argv, 'code': code, 'loaded': loaded, 'icalendar': 'icalendar' in tops,
                   'out': out.getvalue()[:800]})
print(json.dumps(report))
"""


def _relplan(runs: list[list[str]], cwd: Path) -> list[dict[str, object]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(cwd), "GIT_CONFIG_NOSYSTEM": "1",
           "XDG_CACHE_HOME": str(cwd / "cache")}  # fmt: skip
    got = _run_python(RUNNER, json.dumps(runs), cwd=cwd, env=env)
    assert isinstance(got, list)
    return got


def test_help_of_every_command_loads_nothing_heavy(tmp_path: Path) -> None:
    runs = [["--help"]] + [[name, "--help"] for name in subcommands()]
    report = _relplan(runs, tmp_path)
    # one interpreter for all: modules pile up, so the first run that shows one is to blame
    for run in report:
        assert run["code"] == 0 and "usage: relplan" in str(run["out"]), run
        assert run["loaded"] == [], f"{run['argv']} loaded {run['loaded']}"


def _git(repo: Path, *args: str, day: int = 0) -> str:
    stamp = f"@{1_230_768_000 + day * 86400} +0000"  # 2009-01-01 + day
    env = {"PATH": os.environ["PATH"], "HOME": str(repo), "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.org",
           "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.org",
           "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}  # fmt: skip
    done = subprocess.run(["git", "-C", str(repo), *args], env=env, capture_output=True,
                          text=True, check=True)  # fmt: skip
    return done.stdout.strip()


def tiny_repo(path: Path) -> Path:
    """master with two releases and a fix; stable-4.0 with the fix cherry-picked."""
    path.mkdir()
    _git(path, "init", "-q", "-b", "master")
    _git(path, "commit", "-q", "--allow-empty", "-m", "start", day=0)
    _git(path, "tag", "RELEASE-4.0.0")
    _git(path, "branch", "stable-4.0")
    _git(path, "commit", "-q", "--allow-empty", "-m", "Fix a crash", day=10)
    fix = _git(path, "rev-parse", "HEAD")
    _git(path, "checkout", "-q", "stable-4.0")
    message = f"Fix a crash\n\n(cherry picked from commit {fix})"
    _git(path, "commit", "-q", "--allow-empty", "-m", message, day=12)
    _git(path, "tag", "RELEASE-4.0.1")
    _git(path, "checkout", "-q", "master")
    _git(path, "commit", "-q", "--allow-empty", "-m", "more", day=80)
    _git(path, "tag", "RELEASE-4.1.0")
    return path


ON_PLAN = ["--plan", "{plan}", "--today", "2009-08-31"]
# One real invocation per subcommand (a new subcommand needs its line here); {tmp} is a
# fresh folder, {repo} a tiny git repository, {plan} a copy of the demo as a file.
INVOCATIONS: dict[str, list[tuple[list[str], int]]] = {
    "calendar": [(["calendar", "--format", "json"], 0), (["calendar", "--count", "2"], 0),
                 (["calendar", "--current"], 0)],
    "branches": [(["branches"], 0), (["branches", "--all", "--format", "json"], 0)],
    "status": [(["status", "--format", "json"], 0), (["status", "4.0.0"], 0)],
    "export": [(["export", "--format", "json"], 0),
               (["export", "--format", "toml", "-o", "{tmp}/out.toml"], 0),
               (["export", "--format", "ics"], 0),
               (["export", "--format", "endoflife"], 0),
               (["export", "--format", "release-cycle"], 0)],
    "report": [(["report"], 0), (["report", "--kind", "update"], 0),
               (["report", "--kind", "schedule"], 0),
               (["report", "--format", "html", "-o", "{tmp}/site/"], 0)],
    # serve imports textual-serve once it binds; its refusal of a public host runs before
    "serve": [(["serve", "--host", "192.0.2.1"], 2)],
    "check": [(["check"], 1)],  # the demo's 3.4.2 is past its freeze with an open blocker
    "import": [([*ON_PLAN, "import", "{tmp}/wish.md"], 0)],
    "sync": [(["--config", "{tmp}/c.toml", "--plan", "{tmp}/synced.toml", "sync"], 0),
             (["--config", "{tmp}/c.toml", "--plan", "{tmp}/synced.toml", "sync", "--status"], 0)],
    "backports": [(["backports", "--repo", "{repo}", "--upstream", "master",
                    "--branch", "stable-4.0", "--format", "json"], 0)],
    "init": [(["init", "--from-git", "{repo}", "--plan", "{tmp}/new.toml", "--format", "json"],
              0)],
    "ship": [([*ON_PLAN, "ship", "3.4.2", "--on", "2009-08-31", "--force", "--format", "json"], 0)],
    "slip": [([*ON_PLAN, "slip", "4.1.0", "--by", "2w"], 0)],
    "set": [([*ON_PLAN, "set", "demo#remus", "--priority", "low", "--format", "json"], 0)],
    "add": [([*ON_PLAN, "add", "Per-disk I/O caps", "--kind", "feature"], 0)],
    "edit": [([*ON_PLAN, "edit", "demo#remus", "--title", "Remus"], 0)],
    "schedule": [([*ON_PLAN, "schedule", "--dry-run"], 0), ([*ON_PLAN, "schedule"], 0)],
    "confirm": [([*ON_PLAN, "confirm", "4.0.0", "rc1", "--dry-run"], 0),
                ([*ON_PLAN, "confirm", "4.0.0", "rc1"], 0)],
    "push": [(["--config", "{tmp}/c.toml", *ON_PLAN, "push", "--dry-run"], 0),
             (["--config", "{tmp}/c.toml", *ON_PLAN, "push"], 0)],  # nothing to push: no HTTP
}  # fmt: skip


def test_every_subcommand_has_a_real_invocation() -> None:
    assert set(INVOCATIONS) == set(subcommands())


@pytest.mark.parametrize("command", subcommands())
def test_a_real_run_of_every_command_loads_nothing_heavy(command: str, tmp_path: Path) -> None:
    (tmp_path / "wish.md").write_text("Roadmap:\n- RDMA live migration\n- Per-disk I/O caps\n")
    (tmp_path / "c.toml").write_text(
        '[[sources]]\nname = "wish"\nkind = "file"\npath = "wish.md"\n'
    )
    plan = demo_plan()
    train = build_train(plan, DEMO_TODAY)
    (tmp_path / "plan.toml").write_text(dumps_toml(lay(plan, train), train))
    repo = tiny_repo(tmp_path / "repo") if command in ("backports", "init") else tmp_path
    fill = {"tmp": str(tmp_path), "repo": str(repo), "plan": str(tmp_path / "plan.toml")}
    allowed = ALLOWED.get(command, set())
    assert INVOCATIONS.get(command), f"no real invocation of {command!r} in INVOCATIONS"
    runs = [[arg.format(**fill) for arg in argv] for argv, _ in INVOCATIONS[command]]
    # one fresh interpreter per command; modules pile up over its runs, so the first run
    # that shows one is to blame
    for run, (_, code) in zip(_relplan(runs, tmp_path), INVOCATIONS[command], strict=True):
        assert run["code"] == code, run
        assert set(run["loaded"]) <= allowed, f"{run['argv']} loaded {run['loaded']}"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "argv, loaded",
    [
        (["status", "--format", "json"], False),
        (["report", "--kind", "update"], False),
        (["export", "--format", "json"], False),
        (["export", "--format", "ics"], True),
    ],
)
def test_only_the_calendar_feed_imports_icalendar(
    argv: list[str], loaded: bool, tmp_path: Path
) -> None:
    [run] = _relplan([argv], tmp_path)
    assert run["code"] == 0, run
    assert run["icalendar"] is loaded
