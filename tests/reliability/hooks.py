"""``relplan`` with faults injected by environment variables (tests only; never installed).

- ``RELPLAN_TEST_SLOW_RENAME=SECONDS``: sleep that long just before each rename
  of a file into place (widens the window between "changed on disk?" and the
  rename, where a second writer could slip in).
- ``RELPLAN_TEST_PAUSE_AFTER=NAME``: after renaming a file named NAME into
  place, print ``RENAMED NAME`` on stderr and sleep ``RELPLAN_TEST_PAUSE_SECONDS``
  (default 60; the test then kills -9 or presses ctrl+c).
- ``RELPLAN_TEST_FAIL_CACHE=commit``: the cache commit fails (disk full) after the
  plan was written; ``=write``: the first staged cache write fails (disk full).
"""

from __future__ import annotations

import os
import sys
import time

_replace = os.replace


def _hooked_replace(src: str, dst: str, *args: object, **kwargs: object) -> None:
    slow = float(os.environ.get("RELPLAN_TEST_SLOW_RENAME", "0") or 0)
    if slow:
        time.sleep(slow)
    _replace(src, dst, *args, **kwargs)  # type: ignore[arg-type]
    name = os.environ.get("RELPLAN_TEST_PAUSE_AFTER")
    if name and os.path.basename(str(dst)) == name:
        sys.stderr.write(f"RENAMED {name}\n")
        sys.stderr.flush()
        time.sleep(float(os.environ.get("RELPLAN_TEST_PAUSE_SECONDS", "60")))


os.replace = _hooked_replace  # type: ignore[assignment]

_fail = os.environ.get("RELPLAN_TEST_FAIL_CACHE")
if _fail:
    import sqlite3

    from relplan.planner.store import cache

    def _disk_full(*_args: object, **_kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    if _fail == "commit":
        cache.Staged.commit = _disk_full  # type: ignore[method-assign]
    else:
        cache.Staged._write = _disk_full  # type: ignore[method-assign]

if __name__ == "__main__":
    from relplan.tui.cli import main

    sys.exit(main(sys.argv[1:]))
