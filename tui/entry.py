"""The ``relplan`` console script: ctrl+c at any moment exits 130 without a traceback.

The command line (:func:`relplan.tui.cli.main`) says what an interrupted command had
written; but a ctrl+c can also come while Python imports it, or inside a callback Python
runs for itself, where it is printed as "Exception ignored" with a traceback. So this
module, the first of relplan that runs, imports nothing Python has not loaded already;
while the command line is imported a ctrl+c is only remembered; one that Python would
"ignore", or one after the command is done, ends the process by SIGINT's default action
(the shell sees 130, no traceback).
"""

from __future__ import annotations

import os
import signal
import sys

_interrupted = False


def _remember(signum: int, frame: object) -> None:
    global _interrupted
    _interrupted = True


def _unraisable(info: sys.UnraisableHookArgs) -> None:
    if isinstance(info.exc_value, KeyboardInterrupt):
        # Python would go on as if nothing happened: stop the way a ctrl+c stops any
        # program (files are written atomically, so each is old or new, never half)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
        return
    sys.__unraisablehook__(info)


def _stop_taking() -> None:
    """From now on a ctrl+c ends the process by the default action (no traceback)."""
    while True:
        try:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            return
        except KeyboardInterrupt:  # one landed inside signal.signal itself: again
            continue


# At import, from the console script: the earliest moment relplan has.
signal.signal(signal.SIGINT, _remember)
sys.unraisablehook = _unraisable


def main() -> int:
    """Run ``relplan`` with the arguments of the process."""
    signal.signal(signal.SIGINT, _remember)
    # start-up: imported once the handler is in place, so a ctrl+c during it is remembered
    from relplan.tui.cli import main as run

    try:
        if _interrupted:
            raise KeyboardInterrupt
        signal.signal(signal.SIGINT, signal.default_int_handler)
        code = run(sys.argv[1:])
        _stop_taking()  # exiting: nothing left to report
        return code
    except KeyboardInterrupt:
        _stop_taking()
        sys.stderr.write("relplan: interrupted\n")
        return 130


if __name__ == "__main__":
    sys.exit(main())
