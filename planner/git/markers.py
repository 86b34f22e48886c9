"""Backport marks in commit messages, read with a project's conventions.

The patterns live in :mod:`relplan.planner.git.conventions`; this module reads one message
with them. On an upstream commit: the culprits it repairs (``Fixes: <sha>``,
``Follow-up for <sha>``, a revert's target), the commits it fully reverts, and a
backport request (``Cc: stable@vger.kernel.org # 5.10+``, ``Backport: 4.9+``;
the comment may give a floor) or opt-out. On a stable commit: the commits it was
picked from (``(cherry picked from commit X)``, ``master commit: X``, ...) and the
commits it reverts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from relplan.planner.domain.version import Version
from relplan.planner.git.conventions import (
    Conventions,
    Pattern,
    PatternKind,
    culprit_shas,
    pr_number,
)

_FLOOR = re.compile(r"^v?(\d+\.\d+)(?:\.[xy])?(\+)?(?:[\s,;]|$)", re.I)
_XEN_FLOOR = re.compile(r"^v?(\d+\.\d+)(\+)?(?:\s*(?:#.*)?)$")
_SECURITY = re.compile(r"\b(?:XSA-\d+|CVE-\d{4}-\d{4,})\b", re.I)

_DEFAULT: Conventions | None = None


@dataclass(frozen=True, slots=True)
class Pick:
    """A stable commit naming the commit it was picked from, and the marker that says so;
    ``signal`` says how it was found: ``marker``, ``pr-number``, ``patch-id`` or ``title``."""

    upstream: str
    marker: str
    signal: str = "marker"


@dataclass(frozen=True, slots=True)
class FixRef:
    """A named culprit (possibly abbreviated), its quoted subject, and the phrase naming it."""

    culprit: str
    subject: str
    phrase: str = "Fixes:"


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
    """Everything a commit message says about backports; ``problems`` lists bad lines.

    ``reverts`` are the commits it reverts whole (each is also a culprit in
    ``fixes``); ``matched`` names the patterns that matched, as (preset, name);
    ``prs`` are the pull requests a stable commit says it backports, as (number, pattern).
    """

    picks: tuple[Pick, ...] = ()
    prs: tuple[tuple[str, str], ...] = ()
    fixes: tuple[FixRef, ...] = ()
    reverts: tuple[str, ...] = ()
    request: Request | None = None
    opt_out: bool = False
    security: bool = False
    problems: tuple[str, ...] = ()
    matched: tuple[tuple[str, str], ...] = ()


def default_conventions() -> Conventions:
    """Every built-in preset, nothing changed (built once)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Conventions()
    return _DEFAULT


_EMPTY = Markers()


def parse_message(message: str, conventions: Conventions | None = None) -> Markers:
    """Read what an upstream commit says: culprits, reverts, a request or opt-out."""
    conv = conventions or default_conventions()
    hits = conv.hits(message.lower(), upstream=True)
    matched: list[tuple[str, str]] = []
    fixes: dict[str, FixRef] = {}
    reverts: dict[str, None] = {}
    for p in conv.by_kind[PatternKind.REVERT] + conv.by_kind[PatternKind.CULPRIT]:
        if not p.wanted(hits):
            continue
        found = culprit_shas(p, message)
        if found:
            matched.append((p.preset, p.name))
        for sha, subject in found:
            fixes.setdefault(sha, FixRef(sha, subject, p.name))
            if p.kind is PatternKind.REVERT:
                reverts[sha] = None
    request, opt_out, problems = _request(conv, message, hits, matched)
    security = bool(_SECURITY.search(message))
    if not (matched or problems or security):
        return _EMPTY
    return Markers(
        fixes=tuple(fixes.values()),
        reverts=tuple(reverts),
        request=request,
        opt_out=opt_out,
        security=security,
        problems=problems,
        matched=tuple(matched),
    )


def subject_prs(subject: str, conventions: Conventions) -> list[tuple[str, str]]:
    """The pull request numbers a subject carries by the main line's own shapes (``title
    (#123)``, ``Merge pull request #123``), as (number, pattern): a branch commit that
    kept the main-line title of a squash merge names the PR it came from; every trailing
    number is read (``title (#123) (#130)``: the original, then the backport's own)."""
    low = subject.lower()
    found: list[tuple[str, str]] = []
    for p in conventions.by_kind[PatternKind.PR]:
        if not p.wanted(frozenset(n for n in p.needles if n in low)):
            continue
        rest = subject
        while (m := p.regex.search(rest)) is not None and (pr := pr_number(m)):
            found.append((pr, p.name))
            rest = rest[: m.start()].rstrip()
    return found


def parse_stable(subject: str, message: str, conventions: Conventions | None = None) -> Markers:
    """Read what a stable commit says: the commits it was picked from, those it reverts."""
    conv = conventions or default_conventions()
    hits = conv.hits(message.lower(), upstream=False)
    matched: list[tuple[str, str]] = []
    picks: dict[Pick, None] = {}
    problems: list[str] = []
    prs: dict[tuple[str, str], None] = {}
    for p in conv.by_kind[PatternKind.DONE]:
        if not p.wanted(hits):
            continue
        found: list[str] = []
        for m in p.regex.finditer(message):
            sha, pr = m.groupdict().get("sha"), pr_number(m)
            if sha:
                found.append(sha.lower())
            if pr:
                prs[(pr, p.name)] = None
            if sha or pr:
                matched.append((p.preset, p.name))
        picks.update((Pick(sha, p.name), None) for sha in found)
        if p.claim is not None and len(p.claim.findall(message)) > len(found):
            line = _line_of(p.claim, message)
            problems.append(f"{p.name!r} line without a commit id: {line!r}")
    reverts: list[str] = []
    for p in conv.by_kind[PatternKind.REVERT]:
        if p.wanted(hits) and (named := culprit_shas(p, message)):
            matched.append((p.preset, p.name))
            reverts.extend(sha for sha, _ in named)
    for p in conv.by_kind[PatternKind.SUBJECT]:
        if p.wanted(hits) and p.regex.search(subject):
            matched.append((p.preset, p.name))
    prs.update(dict.fromkeys(subject_prs(subject, conv)))
    if not (matched or problems or prs):
        return _EMPTY
    matched = list(dict.fromkeys(matched))
    return Markers(
        picks=tuple(picks),
        prs=tuple(prs),
        reverts=tuple(dict.fromkeys(reverts)),
        problems=tuple(problems),
        matched=tuple(matched),
    )


def _request(
    conv: Conventions, message: str, hits: frozenset[str], matched: list[tuple[str, str]]
) -> tuple[Request | None, bool, tuple[str, ...]]:
    opt_out = False
    for p in conv.by_kind[PatternKind.OPT_OUT]:
        if p.wanted(hits) and p.regex.search(message):
            opt_out = True
            matched.append((p.preset, p.name))
    problems: list[str] = []
    for p in conv.by_kind[PatternKind.REQUEST]:
        if not p.wanted(hits):
            continue
        for m in p.regex.finditer(message):
            text = (m.groupdict().get("floor") or "").strip()
            request = _read_request(p, text)
            if request is not None:
                matched.append((p.preset, p.name))
                return request, opt_out, ()
            problems.append(f"'{p.label}' needs a version such as 4.9+, got {text!r}")
    return None, opt_out, tuple(problems)


def _read_request(p: Pattern, text: str) -> Request | None:
    """The request a matched line makes; None when its floor cannot be read but must be."""
    label = p.label or p.name
    if p.exact:
        xen = _XEN_FLOOR.match(text)
        if xen:
            return Request(f"{label} {text}", xen.group(1), not xen.group(2))
        return None if p.floor_required else Request(label)
    floor = _FLOOR.match(text)
    # "# 3.3.x: a1f84a3: subject" names a prerequisite, not a floor
    if floor and not text[floor.end() - 1 :].lstrip().startswith(":"):
        return Request(f"{label} # {text}", floor.group(1))
    if p.floor_required and not floor:
        return None
    return Request(label + (f" # {text}" if text else ""))


def _line_of(pattern: re.Pattern[str], message: str) -> str:
    m = pattern.search(message)
    if not m:
        return ""
    start = message.rfind("\n", 0, m.start()) + 1
    end = message.find("\n", m.start())
    return message[start : end if end >= 0 else len(message)].strip()
