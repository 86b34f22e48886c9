"""The ``relplan`` command line: global options, subcommands, and clean error exits.

Headless subcommands never import Textual or httpx; only the bare ``relplan``
(the dashboard), ``sync`` and ``push`` pull them in, lazily. The bare ``relplan`` parses its
global options alone: the subcommands' parsers are built only for a subcommand.

Each subcommand module exposes ``register(subparsers, common)``: it adds its
parser(s) with ``common`` as a parent and sets ``run=<function(args) -> int>``.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
from collections.abc import Sequence
from typing import NoReturn

from relplan.planner.domain.errors import RelplanError
from relplan.planner.domain.text import did_you_mean
from relplan.tui.cli.output import say

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def common_options(suppress: bool) -> argparse.ArgumentParser:
    """Options accepted before or after the subcommand."""
    default = argparse.SUPPRESS if suppress else None
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("global options")
    g.add_argument(
        "--plan",
        metavar="PATH",
        default=default,
        help="plan file (default: ./relplan.toml if present, else the embedded Xen 4.0 demo, "
        "which is never written to)",
    )
    g.add_argument("--config", metavar="PATH", default=default, help="config file")
    g.add_argument(
        "--today",
        metavar="YYYY-MM-DD",
        default=default,
        help="evaluate everything as of that day (default: today in the policy's time zone; "
        "the embedded demo is evaluated as of 2009-08-31)",
    )
    return p


class RelplanParser(argparse.ArgumentParser):
    """argparse with a did-you-mean for an unknown command or option (``relplan stauts``,
    ``--formt``): the closest known name is named in the error (exit 2 as usual)."""

    def error(self, message: str) -> NoReturn:
        m = _INVALID_CHOICE.search(message)
        if m:
            hint = did_you_mean(m.group("word"), self._choices(m.group("arg")))
            message += f"; {hint}" if hint else ""
        super().error(message)

    def _choices(self, argument: str) -> list[str]:
        """The choices of the argument an error names (``--format``, ``COMMAND``)."""
        for action in self._actions:
            names = {*action.option_strings, action.metavar, action.dest}
            if argument in names and action.choices is not None:
                return [str(c) for c in action.choices]
        return []

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        """As argparse's, with a did-you-mean for each unknown option, from the options of
        the command given (and the global ones)."""
        parsed, extra = self.parse_known_args(args, namespace)
        if extra:
            known = self._options(getattr(parsed, "command", None))
            hints = [h for word in extra if word.startswith("-")
                     if (h := did_you_mean(word.split("=")[0], known))]  # fmt: skip
            text = f"unrecognized arguments: {' '.join(extra)}"
            self.error(text + (f"; {'; '.join(hints)}" if hints else ""))
        return parsed

    def _options(self, command: str | None) -> list[str]:
        found = [o for a in self._actions for o in a.option_strings]
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction) and command in action.choices:
                found += [o for a in action.choices[command]._actions for o in a.option_strings]
        return found


_INVALID_CHOICE = re.compile(r"argument (?P<arg>[^:]+): invalid choice: '(?P<word>[^']*)'")


def build_parser() -> argparse.ArgumentParser:
    """The full parser with every subcommand registered."""
    # start-up: the subcommand modules (~30 ms, 29 modules); the bare relplan (dashboard) needs none
    from relplan.tui.cli import (
        branch_commands,
        edit_commands,
        git_commands,
        init_command,
        plan_commands,
        push_command,
        report_commands,
        serve_command,
        sync_command,
    )

    parser = RelplanParser(
        prog="relplan",
        description="Release planning in the terminal. Without a subcommand, opens the "
        "dashboard (on the embedded Xen 4.0 demo as of 2009-08-31 when no plan is found).",
        parents=[common_options(suppress=False)],
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = common_options(suppress=True)
    for module in (
        plan_commands,
        branch_commands,
        edit_commands,
        report_commands,
        sync_command,
        push_command,
        git_commands,
        serve_command,
    ):
        module.register(sub, common)
    init_command.register(sub, common_options(suppress=True))  # changes its parent's --config
    return parser


class _NotBare(Exception):
    """The command line holds more than global options: the full parser takes it."""


class _GlobalOptionsParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _NotBare(message)


def bare_dashboard_args(argv: Sequence[str] | None = None) -> argparse.Namespace | None:
    """The options of a bare ``relplan`` (the dashboard), or None for anything else.

    Parses the global options alone, so opening the dashboard neither imports nor builds
    every subcommand's parser. A subcommand, ``--help`` or a mistake gives None: the full
    parser then parses the line, with its usual help and error messages. The result equals
    what the full parser gives for the same line.
    """
    quick = _GlobalOptionsParser(add_help=False, parents=[common_options(suppress=False)])
    try:
        args, rest = quick.parse_known_args(argv)
    except _NotBare:
        return None
    if rest:
        return None
    args.command = None
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``relplan`` console script."""
    atomic = sys.modules.get("relplan.planner.store.atomic")  # imported by whatever writes files
    if atomic is not None:
        atomic.written.clear()  # what this command writes, for the ctrl+c message
    try:
        args = bare_dashboard_args(argv) or build_parser().parse_args(argv)
        if args.command is None:
            # start-up: the dashboard's door: Textual loads behind it, never for a subcommand
            from relplan.tui.cli.dashboard import run_dashboard

            return run_dashboard(args)
        result: int = args.run(args)
        sys.stdout.flush()  # a full disk under stdout shows here, not at exit
        return result
    except RelplanError as exc:
        for problem in exc.problems:
            say(f"relplan: {problem}", err=True)
        return EXIT_USAGE
    except KeyboardInterrupt:
        say(f"relplan: interrupted; {_what_was_written()}", err=True)
        return 130
    except BrokenPipeError:
        _drop_stdout()
        return EXIT_OK
    except OSError as exc:  # files are PlanErrors already: this is stdout (full, gone)
        _drop_stdout()
        reason = exc.strerror or str(exc)
        say(f"relplan: {exc.filename or 'cannot write the output'}: {reason}", err=True)
        return EXIT_USAGE
    except Exception as exc:
        if not caused_by_ctrl_c(exc):
            raise
        say(f"relplan: interrupted; {_what_was_written()}", err=True)
        return 130


def caused_by_ctrl_c(exc: BaseException) -> bool:
    """Whether a ctrl+c is what went wrong, wrapped by Python on its way out.

    Python 3.11 turns a KeyboardInterrupt raised while a class is created (a lazy import
    of a module with a dataclass) into "RuntimeError: Error calling __set_name__".
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _drop_stdout() -> None:
    """Point stdout at /dev/null so the exit does not fail again flushing what is left."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # stdout is not a file (tests): nothing will flush it at exit


def _what_was_written() -> str:
    """What an interrupted command had written, exactly (files renamed into place)."""
    atomic = sys.modules.get("relplan.planner.store.atomic")
    written = atomic.written if atomic is not None else []
    if not written:
        return "nothing was written"
    names = ", ".join(dict.fromkeys(str(p) for p in written))
    text = f"wrote {names} before it stopped"
    cache = sys.modules.get("relplan.planner.store.cache")
    if cache is not None and getattr(cache, "interrupted", None):
        text += "; the sync is not in the tracker cache yet (the next run completes it)"
    return text


if __name__ == "__main__":
    sys.exit(main())
