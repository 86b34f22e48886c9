"""Text from outside (trackers, plan files, import files, git) made safe for a terminal.

Anyone who can file an issue controls its title. A title holding
``"\\x1b]2;pwned\\x07"`` would retitle the terminal if printed as it is; a
right-to-left override would reorder what the reader sees; a lone surrogate
cannot even be encoded. :func:`printable` shows every such character escaped
(as Python writes it in a string literal), so it is seen, never obeyed.
Every table, row and status line that shows outside text goes through it.
"""

from __future__ import annotations

import re

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
