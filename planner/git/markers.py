"""Backport marks in commit messages, in each project's own words.

Done (on a stable branch): ``(cherry picked from commit X)`` (git, CPython),
``master commit: X`` (Xen), ``commit X upstream.`` / ``[ Upstream commit X ]``
(Linux stable). Requested (upstream): ``Cc: stable@vger.kernel.org # 5.10+``
(Linux; the comment may give a floor), ``Backport: 4.9+`` (Xen). Affected:
``Fixes: <hash> ("subject")`` names the commit that introduced the bug.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from planner.version import Version

_HEX = r"[0-9a-fA-F]{7,40}"

#: (marker name, regex finding the upstream id, regex of a line that claims to be one)
PICK_MARKERS: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    (
        "cherry picked from commit",
        re.compile(rf"\(cherry picked from commit ({_HEX})\)"),
        re.compile(r"\(cherry picked from commit\b", re.I),
    ),
    (
        "master commit",
        re.compile(rf"^master commit:\s*({_HEX})\s*$", re.M),
        re.compile(r"^master commit:", re.M | re.I),
    ),
    (
        "commit upstream",
        re.compile(rf"^commit ({_HEX}) upstream\.?\s*$", re.M),
        re.compile(r"^commit \S+ upstream\.?\s*$", re.M),
    ),
    (
        "Upstream commit",
        re.compile(rf"^\[\s*Upstream commit ({_HEX})\s*\]\s*$", re.M),
        re.compile(r"^\[\s*Upstream commit\b", re.M | re.I),
    ),
)

_FIXES = re.compile(r"^Fixes:[ \t]*([0-9a-fA-F]{4,40})\b(?:[ \t]*\((.*)\))?", re.M | re.I)
_CC_STABLE = re.compile(
    r"^Cc:[ \t]*(?:[^<\n]*<)?stable(\+noautosel)?@(?:vger\.)?kernel\.org>?[ \t]*(?:#[ \t]*(.*))?$",
    re.M | re.I,
)
_BACKPORT = re.compile(r"^Backport:[ \t]*(.*)$", re.M | re.I)
_FLOOR = re.compile(r"^v?(\d+\.\d+)(?:\.[xy])?(\+)?(?:[\s,;]|$)", re.I)
_XEN_FLOOR = re.compile(r"^v?(\d+\.\d+)(\+)?(?:\s*(?:#.*)?)$")
_SECURITY = re.compile(r"\b(?:XSA-\d+|CVE-\d{4}-\d{4,})\b", re.I)


@dataclass(frozen=True, slots=True)
class Pick:
    """A stable commit naming the upstream commit it was picked from."""

    upstream: str
    marker: str


@dataclass(frozen=True, slots=True)
class FixRef:
    """A ``Fixes:`` trailer: the (possibly abbreviated) culprit and its quoted subject."""

    culprit: str
    subject: str


@dataclass(frozen=True, slots=True)
class Request:
    """A backport request; ``floor`` is the oldest series it asks for (None: every one).

    ``only`` means exactly that series (Xen ``Backport: 4.9`` without ``+``).
    """

    tag: str
    floor: str | None = None
    only: bool = False

    def covers(self, series: str | None) -> bool:
        """True when the request asks for ``series`` (unknown series: only floorless ones)."""
        if self.floor is None:
            return True
        if series is None:
            return False
        try:
            have, floor = Version.parse(series), Version.parse(self.floor)
        except ValueError:
            return False  # a branch whose name carries no version
        return have == floor if self.only else have >= floor


@dataclass(frozen=True, slots=True)
class Markers:
    """Everything a commit message says about backports; ``problems`` lists bad lines."""

    picks: tuple[Pick, ...] = ()
    fixes: tuple[FixRef, ...] = ()
    request: Request | None = None
    opt_out: bool = False
    security: bool = False
    problems: tuple[str, ...] = ()


def parse_message(message: str) -> Markers:
    """Read the backport marks of one commit message."""
    picks, problems = _picks(message)
    fixes = tuple(
        FixRef(m.group(1).lower(), (m.group(2) or "").strip().strip('"'))
        for m in _FIXES.finditer(message)
    )
    request, opt_out, req_problems = _request(message)
    return Markers(
        picks=picks,
        fixes=fixes,
        request=request,
        opt_out=opt_out,
        security=bool(_SECURITY.search(message)),
        problems=problems + req_problems,
    )


def _picks(message: str) -> tuple[tuple[Pick, ...], tuple[str, ...]]:
    picks: list[Pick] = []
    problems: list[str] = []
    for name, good, claim in PICK_MARKERS:
        found = [m.group(1).lower() for m in good.finditer(message)]
        picks.extend(Pick(sha, name) for sha in found)
        if len(claim.findall(message)) > len(found):
            line = _line_of(claim, message)
            problems.append(f"{name!r} line without a commit id: {line!r}")
    return tuple(dict.fromkeys(picks)), tuple(problems)


def _request(message: str) -> tuple[Request | None, bool, tuple[str, ...]]:
    problems: list[str] = []
    opt_out = False
    for m in _CC_STABLE.finditer(message):
        if m.group(1):
            opt_out = True
            continue
        comment = (m.group(2) or "").strip()
        floor = _FLOOR.match(comment)
        # "# 3.3.x: a1f84a3: subject" names a prerequisite, not a floor
        if floor and not comment[floor.end() - 1 :].lstrip().startswith(":"):
            return Request(f"Cc: stable # {comment}", floor.group(1)), opt_out, ()
        return Request("Cc: stable" + (f" # {comment}" if comment else "")), opt_out, ()
    for m in _BACKPORT.finditer(message):
        text = m.group(1).strip()
        xen = _XEN_FLOOR.match(text)
        if xen:
            only = not xen.group(2)
            return Request(f"Backport: {text}", xen.group(1), only), opt_out, ()
        problems.append(f"'Backport:' needs a version such as 4.9+, got {text!r}")
    return None, opt_out, tuple(problems)


def _line_of(pattern: re.Pattern[str], message: str) -> str:
    m = pattern.search(message)
    if not m:
        return ""
    start = message.rfind("\n", 0, m.start()) + 1
    end = message.find("\n", m.start())
    return message[start : end if end >= 0 else len(message)].strip()
