"""What every command starts from: a :class:`relplan.planner.usecases.session.Session` for the
global options.

Resolution of the plan: ``--plan PATH``, else the config's ``plan`` key, else
``./relplan.toml`` when present, else the embedded Xen 4.0 demo (read-only,
evaluated as of 2009-08-31 unless ``--today`` says otherwise).
"""

from __future__ import annotations

import argparse

from relplan.planner.usecases.session import Session, parse_day
from relplan.tui.cli.output import say

Context = Session

__all__ = ["Context", "load_context", "parse_day"]


def load_context(args: argparse.Namespace, *, allow_missing_plan: bool = False) -> Session:
    """The session named by ``--plan``, ``--config`` and ``--today``.

    With ``allow_missing_plan``, a ``--plan`` path that does not exist yet gives
    an empty plan (policy from the config) that will be created on first save.
    """
    session = Session.open(
        plan=getattr(args, "plan", None),
        config=getattr(args, "config", None),
        today=getattr(args, "today", None),
        allow_missing_plan=allow_missing_plan,
    )
    for note in session.notes:  # an interrupted sync was finished on the way in
        say(f"relplan: {note}", err=True)
    return session
