"""Text from outside (trackers, plan files, import files, git) made safe for a terminal.

Anyone who can file an issue controls its title. A title holding
``"\\x1b]2;pwned\\x07"`` would retitle the terminal if printed as it is; a
right-to-left override would reorder what the reader sees; a lone surrogate
cannot even be encoded. :func:`printable` shows every such character escaped
(as Python writes it in a string literal), so it is seen, never obeyed.
Every table, row and status line that shows outside text goes through it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

# C0 controls and DEL, C1 controls, the bidi embeddings/overrides/isolates that
# "Trojan Source" uses, the line and paragraph separators, lone surrogates, and the two
# noncharacters XML forbids (U+FFFE, U+FFFF).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)


_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with control characters, escape sequences, bidi overrides and lone
    surrogates shown escaped (``\\x1b``, ``\\u202e``); everything else as it is.

    A newline or tab is escaped too: outside text is shown on one line.
    """
    if text.isascii() and text.isprintable():
        return text
    return _UNSAFE.sub(_escaped, text)


def printable_lines(text: str) -> str:
    """Like :func:`printable` for each line of a multi-line text (the newlines stay)."""
    return "\n".join(printable(line) for line in text.split("\n"))


_VARYING = re.compile(r"\b(?:[0-9a-f]{7,40}|\d+(?:\.\d+)*)\b")


def grouped_warnings(messages: Iterable[str], shown: int = 3) -> list[str]:
    """Warnings as a run prints them: each once, and warnings that differ only in commit
    ids or numbers (five commits whose ``Fixes:`` names no commit here) as one line with
    their count and the first few of them, in the order first seen."""
    groups: dict[str, list[str]] = {}
    for message in messages:
        groups.setdefault(_VARYING.sub("#", message), []).append(message)
    out = []
    for same in groups.values():
        distinct = list(dict.fromkeys(same))
        if len(same) == 1:
            out.append(same[0])
        elif len(distinct) == 1:
            out.append(f"{same[0]} ({len(same)} times)")
        else:
            out.append(_one_line(distinct, shown))
    return out


def _one_line(distinct: list[str], shown: int) -> str:
    """``commit … names no commit in the repository (5 times): a: Fixes: x; b: ...; and 2
    more``: the words all of them share, once, then what differs."""
    head = os.path.commonprefix(distinct)
    head = head[: head.rfind(" ") + 1] if " " in head else ""
    rest = [m[len(head) :] for m in distinct]
    tail = os.path.commonprefix([m[::-1] for m in rest])[::-1]
    tail = tail[tail.find(" ") :] if " " in tail else ""
    middles = [m[: len(m) - len(tail)].strip(" :,") for m in rest]
    more = len(distinct) - shown
    listed = "; ".join(middles[:shown]) + (f"; and {more} more" if more > 0 else "")
    shared = f"{head}…{tail}".strip() if head or tail else "warnings of one kind"
    return f"{shared} ({len(distinct)} times): {listed}"


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest choice (``did you mean 'status'?``), or None when nothing
    is close: what every error about an unknown name says, in files and on the command line."""
    import difflib  # start-up: only when a name is unknown (an error is being reported)

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None
