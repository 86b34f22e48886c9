"""Start-up of the bare ``relplan``: it parses and imports only what the dashboard needs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from relplan.tui.cli import bare_dashboard_args, build_parser

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--plan", "x.toml"],
        ["--plan=x.toml", "--today", "2009-08-31"],
        ["--config", "c.toml", "--today", "2009-08-31", "--plan", "p.toml"],
        ["--pl", "x.toml"],  # argparse's abbreviations work as in the full parser
        ["--plan", "calendar"],  # a plan file named like a subcommand is still a plan file
        ["--plan", "a.toml", "--plan", "b.toml"],
    ],
)
def test_a_bare_relplan_parses_as_the_full_parser_does(argv: list[str]) -> None:
    args = bare_dashboard_args(argv)
    assert args is not None and args == build_parser().parse_args(argv)
    assert args.command is None


@pytest.mark.parametrize(
    "argv",
    [
        ["calendar"],
        ["--today", "2009-08-31", "status"],
        ["--help"],
        ["-h"],
        ["--plan"],  # missing value: the full parser's error message
        ["bogus"],
        ["-x"],
        ["--", "x"],
    ],
)
def test_anything_else_goes_to_the_full_parser(argv: list[str]) -> None:
    assert bare_dashboard_args(argv) is None


def _modules_after(code: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.splitlines()[-1])


NOT_FOR_THE_FIRST_FRAME = (
    "relplan.tui.cli.plan_commands",
    "relplan.tui.cli.git_commands",
    "relplan.tui.cli.sync_command",
    "relplan.planner.store.configfile",
    "relplan.planner.store.planfile",
    "tomllib",
    "httpx",
)


def test_opening_the_demo_imports_no_subcommand_nor_the_toml_reader() -> None:
    # main() up to the built app, as the console script runs it (the app itself is not run)
    code = (
        "import json, sys\n"
        "import relplan.tui.cli.dashboard as dashboard\n"
        "dashboard.run_dashboard = lambda args: dashboard.build_app(args) and 0\n"
        "from relplan.tui.cli import main\n"
        "assert main(['--today', '2009-08-31']) == 0\n"
        f"print(json.dumps(sorted(m for m in {NOT_FOR_THE_FIRST_FRAME!r} if m in sys.modules)))"
    )
    assert _modules_after(code) == []


def test_a_subcommand_still_finds_its_parser(capsys: pytest.CaptureFixture[str]) -> None:
    from relplan.tui.cli import main

    assert main(["--today", "2009-08-31", "calendar", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["version"]


def test_opening_a_plan_file_on_todays_date_imports_no_pendulum(plan_file: Path) -> None:
    """The date in the policy's time zone comes from zoneinfo: pendulum's import cost a real
    plan's start about 45 ms, a fifth of its first frame."""
    plan = plan_file
    code = (
        "import json, sys\n"
        "import relplan.tui.cli.dashboard as dashboard\n"
        "dashboard.run_dashboard = lambda args: dashboard.build_app(args) and 0\n"
        "from relplan.tui.cli import main\n"
        f"assert main(['--plan', {str(plan)!r}]) == 0\n"
        "print(json.dumps([m for m in ('pendulum',) if m in sys.modules]))"
    )
    assert _modules_after(code) == []


NOT_BEFORE_THE_FIRST_FRAME = (
    "sqlite3",  # the tracker cache's reader: only when a journal says a sync was cut short
    "relplan.planner.store.cache",
    "relplan.planner.git.conventions",  # only for a config with [git.conventions]
    "relplan.planner.domain.merge",  # only when a save meets a file changed on disk
    "tomli_w",  # only to write
    "json",
)


def test_opening_a_plan_linked_to_git_imports_no_cache_conventions_merge_nor_writer(
    plan_file: Path,
) -> None:
    """What a real project's start reads (plan, config with a [git] link) and no more."""
    (plan_file.parent / "relplan.config.toml").write_text(
        f'plan = "{plan_file.name}"\n[git]\nrepo = "/src/xen"\n'
        'branch_pattern = "stable-{series}"\n'
    )
    code = (
        "import sys\n"
        "import relplan.tui.cli.dashboard as dashboard\n"
        "dashboard.run_dashboard = lambda args: dashboard.build_app(args) and 0\n"
        "from relplan.tui.cli import main\n"
        f"assert main(['--plan', {str(plan_file)!r}]) == 0\n"
        f"print(sorted(m for m in {NOT_BEFORE_THE_FIRST_FRAME!r} if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.splitlines()[-1] == "[]"


def test_the_dashboard_gives_the_collector_back_even_when_it_cannot_start(
    tmp_path: Path,
) -> None:
    """run_dashboard pauses the cyclic collector for the start-up; a plan that cannot be read
    (exit 2, no app) leaves it on as it found it."""
    import argparse
    import gc

    from relplan.planner.domain.errors import PlanError
    from relplan.tui.cli.dashboard import run_dashboard

    args = argparse.Namespace(plan=str(tmp_path / "missing.toml"), config=None, today=None)
    assert gc.isenabled()
    with pytest.raises(PlanError):
        run_dashboard(args)
    assert gc.isenabled()
