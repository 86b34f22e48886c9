"""Atomic, locked writes of relplan's files (plans and exports).

Every write goes the same way: follow a symlink to its target (a plan kept
in a dotfiles repository stays a symlink), refuse anything that is not a
regular file (/dev/null, /dev/full, a fifo, a folder), take the file's
advisory lock (``.NAME.lock`` beside it, :func:`plan_lock`), remove temp files
a killed writer left behind, then temp file, fsync, rename, fsync the folder.

The lock is fcntl's ``flock`` written out here rather than the ``filelock``
package: the rest of this path is POSIX already (folder fsync), and what
relplan needs (wait with a deadline, reentrancy for a check-then-write held
across one call, the holder's pid in the message, the lock file removed on
release without the unlink race) is these few lines.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from relplan.planner.domain.errors import PlanError, Problem

LOCK_WAIT = 10.0
"""Seconds a writer waits for another relplan writing the same file."""
SHORT_WAIT = 2.0
"""What the dashboard waits: the UI must not freeze behind another writer."""

written: list[Path] = []
"""Every file this process has replaced so far (what a ctrl+c message reports)."""

_held = threading.local()


def write_atomic(path: Path, data: bytes, *, wait: float = LOCK_WAIT) -> None:
    """Replace ``path`` with ``data``: temp file in the same folder, fsync, rename, fsync folder.

    A symlink is followed: its target is replaced, the link stays. A path that
    exists and is not a regular file (a device such as /dev/null, a fifo, a
    folder) is refused. Temp files left by a writer killed mid-write are
    removed. A failure (no such folder, no permission, disk full) is a
    PlanError naming the file; the old file is then untouched and no temp file
    is left behind.
    """
    target = write_target(path)
    with plan_lock(target, wait, shown=path):
        write_locked(target, data, path)


def write_target(path: Path) -> Path:
    """The file a write to ``path`` replaces: symlinks followed; refused unless it is a
    regular file or does not exist yet (PlanError naming ``path``)."""
    try:
        target = Path(os.path.realpath(path))
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return target
    except (OSError, RuntimeError, ValueError) as exc:
        raise PlanError(Problem(f"cannot write: {_why(exc)}", str(path))) from None
    if not stat.S_ISREG(mode):
        raise PlanError(
            Problem(
                f"cannot write: not a regular file ({file_kind(mode)})",
                str(path),
                hint="relplan writes plans and exports only to regular files",
            )
        )
    return target


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words ("a fifo", "a character device")."""
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a fifo"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "a special file")


def _why(exc: BaseException) -> str:
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc)


def write_locked(target: Path, data: bytes, shown: Path) -> None:
    """Write ``data`` to ``target`` (from :func:`write_target`) while holding its lock;
    problems are PlanErrors naming ``shown`` (the path as the user gave it)."""
    try:
        _remove_stale_temps(target)
        try:
            _write_atomic(target, data)
        except BaseException:
            if _holds(target, data):  # interrupted after the rename: it was written
                written.append(shown)
            raise
        written.append(shown)
    except OSError as exc:
        raise PlanError(Problem(f"cannot write: {_why(exc)}", str(shown))) from None


def _holds(target: Path, data: bytes) -> bool:
    try:
        return target.read_bytes() == data
    except OSError:
        return False


def _temp_prefix(target: Path) -> str:
    return f".{target.name}."


def _remove_stale_temps(target: Path) -> None:
    """Temp files of ``target`` left by a writer that was killed mid-write.

    Only called under the target's lock: no other relplan is writing one now.
    """
    prefix = _temp_prefix(target)
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        if name.startswith(prefix) and name.endswith(".tmp"):
            (target.parent / name).unlink(missing_ok=True)


def _write_atomic(path: Path, data: bytes, new_mode: int = 0o644) -> None:
    folder = path.parent
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = new_mode
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=_temp_prefix(path), suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def lock_path(target: Path) -> Path:
    """The advisory lock file of a plan (or export) file: ``.NAME.lock`` beside it."""
    return target.with_name(f".{target.name}.lock")


@contextmanager
def plan_lock(
    target: Path, wait: float = LOCK_WAIT, *, shown: Path | None = None
) -> Iterator[None]:
    """Hold the advisory lock of ``target`` (reentrant within a thread).

    Every relplan writer of the file takes it from its "changed on disk?"
    check to its rename. A second writer waits up to ``wait`` seconds, then
    gets a PlanError naming the file and the process holding it. The lock file
    is removed on release (a lock file left by a killed writer is taken over).
    """
    held: dict[Path, int] = _held.__dict__.setdefault("locks", {})
    if target in held:
        held[target] += 1
        try:
            yield
        finally:
            held[target] -= 1
        return
    where = lock_path(target)
    fd = _acquire(where, wait, shown or target, file_mode(target, 0o644))
    held[target] = 1
    try:
        yield
    finally:
        del held[target]
        try:
            where.unlink(missing_ok=True)  # while still holding it: see _acquire
        finally:
            os.close(fd)


def file_mode(path: Path, default: int) -> int:
    """The permission bits of ``path`` (what files relplan makes beside it carry), else
    ``default``."""
    try:
        return os.stat(path).st_mode & 0o666
    except OSError:
        return default


def _acquire(where: Path, wait: float, shown: Path, mode: int = 0o644) -> int:
    deadline = time.monotonic() + wait
    while True:
        try:
            # O_NOFOLLOW: a symlink planted at the lock's name is never written through
            fd = os.open(where, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, mode)
        except OSError as exc:
            if exc.errno == errno.ELOOP and where.is_symlink():
                where.unlink(missing_ok=True)  # the link goes, its target is untouched
                continue
            raise PlanError(Problem(f"cannot write: {_why(exc)}", str(shown))) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip()
            os.close(fd)
            if time.monotonic() >= deadline:
                raise PlanError(
                    Problem(
                        f"another relplan (process {holder or '?'}) is writing this file; "
                        f"waited {wait:g} s, nothing written",
                        str(shown),
                        hint="try again when it has finished",
                    )
                ) from None
            time.sleep(0.02)
            continue
        except OSError as exc:
            os.close(fd)
            raise PlanError(Problem(f"cannot lock: {_why(exc)}", str(shown))) from None
        # The holder before us removes the file on release: if it did so between our
        # open and our flock, we hold a lock nobody else will ever see; start over.
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(where))
        except FileNotFoundError:
            same = False
        if same:
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
            return fd
        os.close(fd)


def write_new(name: str, data: bytes, folders: Sequence[Path], mode: int) -> Path:
    """Write ``data`` as a new file ``name`` in the first of ``folders`` that takes it
    (a read-only folder is skipped); never over an existing file, never through a
    symlink, with permission bits ``mode`` (a recovery file carries its plan's). Returns
    the path written; the last folder's OSError when none takes it."""
    error: OSError | None = None
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        except OSError as exc:
            error = exc
            continue
        try:
            with os.fdopen(fd, "wb") as out:
                os.fchmod(out.fileno(), mode)
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.link(tmp, path)  # fails on any existing name, a symlink included
            return path
        except FileExistsError:
            raise  # the caller picks another name
        except OSError as exc:
            error = exc
        finally:
            Path(tmp).unlink(missing_ok=True)
    raise error or OSError(errno.ENOENT, "no folder to write to")


def state_dir(env: Mapping[str, str] | None = None) -> Path:
    """The user's state folder for relplan: ``$XDG_STATE_HOME/relplan``, else
    ``~/.local/state/relplan`` (where files meant beside a plan in a read-only folder go)."""
    env = os.environ if env is None else env
    base = env.get("XDG_STATE_HOME") or ""
    if base and Path(base).is_absolute():
        return Path(base) / "relplan"
    return Path.home() / ".local" / "state" / "relplan"


def replace_file(target: Path, data: bytes) -> None:
    """Write a relplan-internal file atomically (no lock, not reported as written).

    For files that another lock guards already, such as the sync journal
    (written inside the cache's write transaction). OSError as is. A new file is
    private (0600): a journal holds what a tracker sent.
    """
    _write_atomic(target, data, 0o600)
