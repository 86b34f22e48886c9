"""Printing for the command line: every line may quote outside text, so controls are escaped.

Titles, ids, owners and labels come from trackers, plan files and import
files; tracker warnings and git subjects too. :func:`say` runs each line
through :func:`relplan.planner.domain.text.printable` so an escape sequence in an issue
title is shown, never obeyed. JSON output needs no such care (``json.dumps``
escapes every control character) and goes straight to stdout.
"""

from __future__ import annotations

import sys

from relplan.planner.domain.text import printable_lines


def say(text: object = "", *, err: bool = False) -> None:
    """Print ``text`` (one or more lines) to stdout, or stderr with ``err``."""
    line = printable_lines(str(text))
    stream = sys.stderr if err else sys.stdout
    stream.write(line if line.endswith("\n") else line + "\n")
