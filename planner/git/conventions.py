r"""Each project's backport conventions as data: small tables of patterns, grouped in presets.

A pattern is a compiled regex of one *kind*:

- ``culprit``: names the commit a fix repairs (named group ``sha``): Linux's
  ``Fixes: <sha>``, systemd's ``Follow-up for <sha>``, Django's ``Regression in <sha>.``;
- ``revert``: ``This reverts commit <sha>`` (group ``sha``): the reverted commit is
  cancelled, and the revert repairs it;
- ``done``: a stable commit names the commit it was picked from (group ``sha``):
  ``(cherry picked from commit <sha>)``, ``master commit: <sha>``, ``Backport of <sha> from main``;
  or the pull request that commit was merged by (group ``pr``; a pattern whose only group is
  unnamed, such as ``\(#(\d+)\)``, captures a PR number): ``[stable-2.17] title (#84094)``;
- ``pr``: the pull request a main-line commit was merged by, read on its subject (group
  ``pr``): ``title (#84094)``, ``Merge pull request #123 from ...``, ``title (GH-1234)``;
- ``request``: asks for backports, optionally from a ``floor`` series (group ``floor``):
  ``Cc: stable@vger.kernel.org # 5.10+``, ``Backport: 4.9+``;
- ``opt-out``: asks for none (``Cc: stable+noautosel@kernel.org``);
- ``subject``: a stable commit's subject says it is a backport (``[3.13] ...``); it only
  tells which convention a repository follows.

Culprit and revert patterns also read lists: ``Follow-up for X and Y``, ``X, Y, and Z``.
Every preset is applied; :class:`ConventionUse` says which ones a repository's history
actually uses, and how many commits each pattern matched. ``[git.conventions]`` in the
config adds patterns, replaces a built-in one by name, or turns one off (an empty regex).
"""

from __future__ import annotations

import importlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = [
    "CUSTOM",
    "PRESETS",
    "Conventions",
    "ConventionUse",
    "Pattern",
    "PatternKind",
    "Preset",
    "compile_pattern",
]


class PatternKind(StrEnum):
    """What a match of a pattern means (see the module docstring)."""

    CULPRIT = "culprit"
    REVERT = "revert"
    DONE = "done"
    REQUEST = "request"
    OPT_OUT = "opt-out"
    SUBJECT = "subject"
    PR = "pr"


#: Kinds whose regex must name the commit in a ``sha`` group (done: or a ``pr`` group).
NEEDS_SHA = (PatternKind.CULPRIT, PatternKind.REVERT, PatternKind.DONE)
#: Kinds read on upstream commits (the others are read on stable branches).
UPSTREAM_KINDS = (
    PatternKind.CULPRIT,
    PatternKind.REVERT,
    PatternKind.REQUEST,
    PatternKind.OPT_OUT,
)
#: The preset name of patterns that come from the config.
CUSTOM = "config"


@dataclass(frozen=True, slots=True)
class Pattern:
    """One convention: a regex of one kind, named as a maintainer would say it.

    ``needles`` are lowercase words every match contains (one of them): messages
    without any are skipped cheaply, and ``git log`` is asked only for commits
    that carry one. ``claim`` (done markers) finds a line that looks like the
    marker but names no commit, which a strict scan reports. ``label`` and
    ``exact`` shape a request: ``Backport: 4.9`` without ``+`` means that series
    only (``exact``), and a request whose ``floor`` cannot be read is a problem
    when ``floor_required``.
    """

    name: str
    kind: PatternKind
    regex: re.Pattern[str]
    needles: tuple[str, ...] = ()
    claim: re.Pattern[str] | None = None
    label: str = ""
    exact: bool = False
    floor_required: bool = False
    preset: str = CUSTOM

    def wanted(self, hits: frozenset[str]) -> bool:
        """True when a message whose needles are ``hits`` may match (no needle: always)."""
        return not self.needles or not hits.isdisjoint(self.needles)


@dataclass(frozen=True, slots=True)
class Preset:
    """A project's conventions: a name, a title for people, and its patterns."""

    name: str
    title: str
    patterns: tuple[Pattern, ...]


_I, _M = re.I, re.M
_SHA7 = r"(?P<sha>[0-9a-f]{7,40})\b"
_COMMIT = r"(?:the\s+)?(?:commits?\s+)?"
_CC = r"^Cc:[ \t]*(?:[^<\n]*<)?"
_FLOOR = r">?[ \t]*(?:#[ \t]*(?P<floor>.*))?$"
_K = PatternKind

#: preset -> (title, rows of (kind, name, regex, needles, flags, extra)); flags default re.I|re.M
_TABLES: dict[str, tuple[str, list[tuple[Any, ...]]]] = {
    "linux": (
        "Linux/QEMU: Fixes:, Cc: stable / qemu-stable, commit X upstream.",
        [
            (
                _K.CULPRIT,
                "Fixes:",
                r"^[ \t]*Fixes:[ \t]*(?:commit[ \t]+)?(?P<sha>[0-9a-f]{4,40})\b"
                r"(?:[ \t]*\((?P<subject>.*)\))?",
                ("fixes:",),
            ),
            (
                _K.REQUEST,
                "Cc: stable",
                _CC + r"stable@(?:vger\.)?kernel\.org" + _FLOOR,
                ("stable@",),
                _I | _M,
                {"label": "Cc: stable"},
            ),
            (
                _K.REQUEST,
                "Cc: qemu-stable",
                _CC + r"qemu-stable@nongnu\.org" + _FLOOR,
                ("qemu-stable@",),
                _I | _M,
                {"label": "Cc: qemu-stable"},
            ),
            (
                _K.OPT_OUT,
                "Cc: stable+noautosel",
                _CC + r"stable\+noautosel@(?:vger\.)?kernel\.org",
                ("noautosel",),
            ),
            (
                _K.DONE,
                "commit upstream",
                r"^commit (?P<sha>[0-9a-f]{7,40}) upstream\.?\s*$",
                ("upstream",),
                _M,
                {"claim": re.compile(r"^commit \S+ upstream\.?\s*$", _M)},
            ),
            (
                _K.DONE,
                "Upstream commit",
                r"^\[\s*Upstream commit (?P<sha>[0-9a-fA-F]{7,40})\s*\]\s*$",
                ("upstream commit",),
                _M,
                {"claim": re.compile(r"^\[\s*Upstream commit\b", _M | _I)},
            ),
        ],
    ),
    "xen": (
        "Xen: Backport: 4.9+, master commit:",
        [
            (
                _K.REQUEST,
                "Backport:",
                r"^Backport:[ \t]*(?P<floor>.*)$",
                ("backport:",),
                _I | _M,
                {"label": "Backport:", "exact": True, "floor_required": True},
            ),
            (
                _K.DONE,
                "master commit",
                r"^master commit:\s*(?P<sha>[0-9a-fA-F]{7,40})\s*$",
                ("master commit",),
                _M,
                {"claim": re.compile(r"^master commit:", _M | _I)},
            ),
        ],
    ),
    "git": (
        "git: (cherry picked from commit X), This reverts commit X",
        [
            (
                _K.DONE,
                "cherry picked from commit",
                r"\(cherry picked from commit (?P<sha>[0-9a-fA-F]{7,40})\)",
                ("cherry picked",),
                0,
                {"claim": re.compile(r"\(cherry picked from commit\b", _I)},
            ),
            (_K.REVERT, "This reverts commit", rf"\bThis reverts {_COMMIT}{_SHA7}", ("reverts",)),
            (
                _K.CULPRIT,
                "partially reverts",
                r"\b(?:(?:partially|effectively)[ \t]+reverts"
                rf"|reverts[ \t]+(?:a[ \t]+)?part[ \t]+of)[ \t]+{_COMMIT}{_SHA7}",
                ("reverts",),
            ),
        ],
    ),
    "cpython": (
        "CPython (miss-islington): [3.13] title (GH-N) with a cherry-pick line",
        [
            (_K.SUBJECT, "[X.Y] subject", r"^\[\d+\.\d+\][ \t]", ("[",), 0),
            (_K.PR, "(GH-N) subject", r"\(GH-(?P<pr>\d+)\)[ \t]*$", ("(gh-",), 0),
            (
                _K.DONE,
                "[X.Y] title (GH-N)",
                r"\A\[\d+\.\d+\][ \t][^\n]*?\(GH-(?P<pr>\d+)\)",
                ("(gh-",),
                _M,
            ),
        ],
    ),
    "ansible": (
        "ansible: [stable-X.Y] title (#orig) (#backport); the main line's title ends in (#orig)",
        [
            (
                _K.DONE,
                "[stable-X.Y] title (#orig)",
                r"\A\[stable-[\d.]+\][ \t]+[^\n]*?\(#(?P<pr>\d+)\)",
                ("[stable-",),
                _M,
            ),
            (
                _K.DONE,
                "title (#orig) (#backport)",
                r"\A[^\n]*?\(#(?P<pr>\d+)\)[ \t]*\(#\d+\)[ \t]*$",
                ("(#",),
                _M,
            ),
        ],
    ),
    "github": (
        "GitHub: the main line's title (#N) and Merge pull request #N; backport-action and "
        "sorenlouv/backport's [X] title (#N)",
        [
            (_K.PR, "(#N) subject", r"\(#(?P<pr>\d+)\)[ \t]*$", ("(#",), 0),
            (
                _K.PR,
                "Merge pull request #N",
                r"^Merge pull request #(?P<pr>\d+) from",
                ("merge",),
                0,
            ),
            (
                _K.DONE,
                "[X] title (#N)",
                r"\A\[(?!PR #)[^\]\n]+\][ \t]+[^\n]*?\(#(?P<pr>\d+)\)",
                ("(#",),
                _M,
            ),
        ],
    ),
    "patchback": (
        "patchback (aiohttp, pytest): [PR #N/<sha> backport][X.Y.x] title, "
        "patchback/backports/<branch>/<sha>/pr-N, Manually backported from <sha>",
        [
            (
                _K.DONE,
                "[PR #N/sha backport]",
                r"\A\[PR #(?P<pr>\d+)/(?P<sha>[0-9a-f]{7,40}) backport\]",
                ("backport]",),
                _M,
            ),
            (
                _K.DONE,
                "patchback/backports/.../pr-N",
                r"patchback/backports/\S+?/(?P<sha>[0-9a-f]{7,40})/pr-(?P<pr>\d+)",
                ("patchback/",),
                0,
            ),
            (
                _K.DONE,
                "Manually backported from",
                r"\bManually backported from (?:commit )?"
                r"(?:(?P<sha>[0-9a-f]{7,40})\b|(?:PR )?#(?P<pr>\d+))",
                ("manually backported",),
            ),
        ],
    ),
    "meeseeksdev": (
        "meeseeksdev (IPython, matplotlib, pandas): Backport PR #N on branch X (title)",
        [(_K.DONE, "Backport PR #N", r"^Backport PR #(?P<pr>\d+)\b", ("backport pr",), _M)],
    ),
    "django": (
        "Django: Regression in <sha>., Backport of <sha> from main",
        [
            (
                _K.CULPRIT,
                "Regression in",
                rf"\bRegression\s+in\s+{_COMMIT}{_SHA7}",
                ("regression",),
            ),
            (
                _K.DONE,
                "Backport of",
                r"^\s*Backport of (?P<sha>[0-9a-fA-F]{7,40}) from \S+",
                ("backport of",),
                _M,
            ),
            (_K.SUBJECT, "[X.Y.x] subject", r"^\[\d+\.\d+\.x\][ \t]", ("[",), 0),
        ],
    ),
    "systemd": (
        "systemd: Follow-up for <sha> (and its variants), Fixes <sha>, bug introduced by <sha>",
        [
            (
                _K.CULPRIT,
                "Follow-up for",
                rf"\bfollow[- ]?ups?[- \t]+(?:for|to)\b:?\s*{_COMMIT}{_SHA7}",
                ("follow",),
            ),
            (
                _K.CULPRIT,
                "Fixup for",
                rf"\bfixup[ \t]+(?:for|to)\b:?\s*{_COMMIT}{_SHA7}",
                ("fixup",),
            ),
            (_K.CULPRIT, "Fixes <sha>", rf"\bfixes\s+{_COMMIT}{_SHA7}", ("fixes",)),
            (
                _K.CULPRIT,
                "introduced by",
                r"\b(?:bug|regression|issue|problem|breakage|crash|leak)s?\s+(?:was\s+|were\s+)?"
                rf"(?:introduced|caused)\s+(?:by|in)\s+{_COMMIT}{_SHA7}",
                ("introduced", "caused"),
            ),
            (
                _K.CULPRIT,
                "Fixes a bug in",
                rf"\bfixes\s+(?:a|an|the)\s+(?:bug|regression|issue)s?\s+in\s+{_COMMIT}{_SHA7}",
                ("fixes",),
            ),
        ],
    ),
}


def _preset(name: str, title: str, rows: list[tuple[Any, ...]]) -> Preset:
    patterns = []
    for kind, label, regex, needles, *rest in rows:
        flags = rest[0] if rest else _I | _M
        extra = rest[1] if len(rest) > 1 else {}
        patterns.append(
            Pattern(label, kind, re.compile(regex, flags), needles, preset=name, **extra)
        )
    return Preset(name, title, tuple(patterns))


#: Every built-in preset, by name.
PRESETS: dict[str, Preset] = {name: _preset(name, *table) for name, table in _TABLES.items()}

#: A culprit list goes on: ``X and Y``, ``X, Y, and Z`` (a quoted subject may sit between).
_MORE = re.compile(
    r"(?:[ \t]*\((?:\"[^\"\n]*\"|[^()\n]*)\))?\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)"
    rf"{_COMMIT}(?P<sha>[0-9a-fA-F]{{7,40}})\b",
    _I,
)
_WORD = re.compile(r"[a-f]+", _I)  # "defaced", "accede": words, not commits


@dataclass(slots=True)
class ConventionUse:
    """How many commits each pattern matched in one scan, and so which presets are in use."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)  # (preset, name) -> n

    def presets(self) -> list[str]:
        """Names of the presets (and ``config``) whose patterns matched at least one commit."""
        seen = dict.fromkeys(p for (p, _), n in self.counts.items() if n)
        return [p for p in [*PRESETS, CUSTOM] if p in seen]

    def summary(self) -> str:
        """``systemd (Follow-up for 512, Fixes <sha> 16), git (...)``, most used first."""
        parts = []
        for preset in self.presets():
            mine = sorted(
                ((n, name) for (p, name), n in self.counts.items() if p == preset and n),
                key=lambda x: (-x[0], x[1]),
            )
            parts.append(f"{preset} (" + ", ".join(f"{name} {n}" for n, name in mine) + ")")
        return ", ".join(parts) or "none matched"

    def to_json(self) -> dict[str, dict[str, int]]:
        """``{preset: {pattern: commits}}`` for the presets in use."""
        out: dict[str, dict[str, int]] = {}
        for (preset, name), n in sorted(self.counts.items()):
            if n:
                out.setdefault(preset, {})[name] = n
        return out


class Conventions:
    """The patterns a scan applies: the chosen presets, with the config's changes."""

    def __init__(
        self,
        presets: Sequence[str] | None = None,
        overrides: Iterable[Pattern | tuple[PatternKind, str]] = (),
    ) -> None:
        """``presets``: names to apply (None: all); ``overrides``: config patterns, which
        replace a built-in pattern of the same kind and name, or ``(kind, name)`` pairs
        that turn one off."""
        chosen = [PRESETS[name] for name in (presets if presets is not None else PRESETS)]
        table: dict[tuple[PatternKind, str], Pattern] = {
            (p.kind, p.name): p for preset in chosen for p in preset.patterns
        }
        for o in overrides:
            if isinstance(o, Pattern):
                table[(o.kind, o.name)] = o
            else:
                table.pop(o, None)
        self.patterns: tuple[Pattern, ...] = tuple(table.values())
        self.by_kind: dict[PatternKind, tuple[Pattern, ...]] = {
            k: tuple(p for p in self.patterns if p.kind is k) for k in PatternKind
        }
        self.upstream = tuple(p for p in self.patterns if p.kind in UPSTREAM_KINDS)
        stable = [p for p in self.patterns if p not in self.upstream and p.kind is not _K.PR]
        stable += self.by_kind[PatternKind.REVERT]
        self._upstream_needles = tuple(dict.fromkeys(n for p in self.upstream for n in p.needles))
        self._stable_needles = tuple(dict.fromkeys(n for p in stable for n in p.needles))

    def hits(self, lowered: str, *, upstream: bool) -> frozenset[str]:
        """The needles of upstream (or stable) patterns a lowercased message contains."""
        needles = self._upstream_needles if upstream else self._stable_needles
        return frozenset(n for n in needles if n in lowered)

    def grep(self) -> tuple[str, ...] | None:
        """Fixed strings (any of them, ignoring case) every upstream commit worth parsing
        contains, for ``git log -F -i --grep``; None when a pattern has no needle."""
        needles: dict[str, None] = {}
        for p in self.upstream:
            if not p.needles:
                return None
            needles.update(dict.fromkeys(p.needles))
        # "fixes" finds every "fixes:" too: git tests each word on every message
        return tuple(n for n in needles if not any(o != n and o in n for o in needles))


def compile_pattern(kind: PatternKind, name: str, text: str) -> Pattern:
    """A config pattern (multi-line mode); ValueError says what is wrong with it."""
    try:
        regex = re.compile(text, re.M)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from None
    if kind is PatternKind.PR and not _names_pr(regex):
        raise ValueError(
            r"a pr pattern needs a group for the pull request number, such as \(#(?P<pr>\d+)\)"
        )
    if (
        kind in NEEDS_SHA
        and "sha" not in regex.groupindex
        and not (kind is PatternKind.DONE and _names_pr(regex))
    ):
        extra = r", or one for a pull request number, such as \(#(\d+)\)" if kind is _K.DONE else ""
        raise ValueError(
            f"a {kind} pattern needs a named group for the commit id, "
            "such as (?P<sha>[0-9a-f]{7,40})" + extra
        )
    needle = _needle(regex)
    return Pattern(name, kind, regex, (needle,) if needle else (), label=name, preset=CUSTOM)


def _needle(regex: re.Pattern[str]) -> str | None:
    """The longest run of plain characters every match must contain (3 or more), lowercased."""
    try:
        parser: Any = importlib.import_module("re._parser")
        items = list(parser.parse(regex.pattern, regex.flags))
        literal = parser.LITERAL
    except Exception:  # noqa: BLE001 - an optimisation only: no needle means read everything
        return None
    best, run = "", ""
    for op, arg in items:
        if op is literal:
            run += chr(arg)
            best = max(best, run, key=len)
        else:
            run = ""
    return best.lower() if len(best) >= 3 and best.strip() else None


def culprit_shas(pattern: Pattern, message: str) -> list[tuple[str, str]]:
    """``(id, quoted subject)`` of each commit a culprit or revert pattern names, lists too."""
    found: list[tuple[str, str]] = []
    for m in pattern.regex.finditer(message):
        groups = m.groupdict()
        sha = groups.get("sha")
        if not sha:
            continue
        subject = (groups.get("subject") or "").strip().strip('"')
        found.append((sha.lower(), subject))
        end = m.end("sha")
        while more := _MORE.match(message, end):
            found.append((more.group("sha").lower(), ""))
            end = more.end()
    return [(s, subj) for s, subj in found if not _WORD.fullmatch(s)]


def _names_pr(regex: re.Pattern[str]) -> bool:
    """True when a pattern captures a pull request number: a ``pr`` group, or one group only."""
    return "pr" in regex.groupindex or (regex.groups == 1 and not regex.groupindex)


def pr_number(match: re.Match[str]) -> str | None:
    """The pull request number a match captured (``pr`` group, or the only group), or None."""
    if "pr" in match.re.groupindex:
        return match.group("pr")
    if match.re.groups == 1 and not match.re.groupindex:
        return match.group(1)
    return None
