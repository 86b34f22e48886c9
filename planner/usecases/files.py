"""Files a face writes besides the plan: exports, reports, pictures, status pages.

Both faces write them the same way: a path typed by a person has ``~`` expanded or says
why it cannot be; a file is written whole or not at all, and never over an existing one
unless the person said so (``--force``; the dashboard never replaces a file). The plan
itself is saved by the session (:meth:`relplan.planner.usecases.unit.UnitOfWork.save`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from relplan.planner.domain.errors import PlanError, Problem
from relplan.planner.store.checking import Invalid, as_path


def typed_path(text: str) -> Path:
    """A path a person typed (``~`` and ``~user`` expanded); a PlanError when it cannot be."""
    try:
        return as_path(text)
    except Invalid as exc:
        raise PlanError(Problem(str(exc), hint="type a path that exists")) from None


def write_new(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write ``data`` to ``path`` whole (atomically); without ``force`` an existing file is
    a PlanError naming it and nothing is written."""
    # store.output loads the plan file writer: not on the demo's first frame, nor for a
    # start-up of a command that writes no file (~11 ms)
    from relplan.planner.store.output import write_output

    write_output(path, data, force=force)


def write_files(folder: Path, files: Mapping[str, bytes], *, force: bool = False) -> None:
    """Write several files into ``folder`` (created if missing); without ``force`` none is
    written when any of them exists (each is named)."""
    if not force:
        taken = [folder / name for name in files if (folder / name).exists()]
        if taken:
            hint = "pass --force to replace it"
            raise PlanError([Problem("the file exists; not overwriting it", str(p), hint=hint)
                             for p in taken])  # fmt: skip
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        problem = Problem(f"cannot create the folder: {exc.strerror or exc}", str(folder))
        raise PlanError(problem) from None
    for name, data in files.items():
        write_new(folder / name, data, force=force)
