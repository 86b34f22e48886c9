"""Writing what relplan exports: never over an existing file unless asked.

Reports, calendar feeds, pictures and plan exports go to a path the user names.
Without ``force`` an existing file there is an error naming it, and the check is
atomic: the data is written to a temp file in the same folder, then linked to
the final name, which fails if the name exists by then (no window in which
another writer's file could be replaced). With ``force`` the file is replaced
atomically (:func:`relplan.planner.store.planfile.write_atomic`).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from relplan.planner.domain.errors import PlanError, Problem
from relplan.planner.store.planfile import write_atomic


def _exists(path: Path) -> PlanError:
    return PlanError(
        Problem("the file exists; not overwriting it", str(path), hint="pass --force to replace it")
    )


def write_output(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write ``data`` to ``path``; without ``force`` an existing file is a PlanError."""
    if force:
        write_atomic(path, data)
        return
    if path.exists() or path.is_symlink():
        raise _exists(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise PlanError(Problem(f"cannot write: {exc.strerror or exc}", str(path))) from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.link(tmp, path)
    except FileExistsError:
        raise _exists(path) from None
    except OSError as exc:
        raise PlanError(Problem(f"cannot write: {exc.strerror or exc}", str(path))) from None
    finally:
        Path(tmp).unlink(missing_ok=True)
