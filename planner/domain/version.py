"""Release versions: one parser, one order, one rule for the series a version belongs to.

Plans keep versions as the text the project writes (``"4.0.0"``, ``"3.13.0rc1"``);
code that compares, sorts or splits them goes through :class:`Version`, parsed
once per text (:meth:`Version.parse` is cached), so every view agrees that
4.10 comes after 4.9 and that 3.13.0rc1 comes before 3.13.0.

The schemes real projects use:

- ``X.Y`` and ``X.Y.Z`` (Xen ``4.0`` / ``4.17.1``, CPython ``3.12.4``, Linux ``6.12.3``,
  pre-1.0 projects ``0.2.2``): the series is ``X.Y``;
- a single number with maintenance releases under it (systemd ``253`` / ``253.4``,
  PostgreSQL from 10 on): the series is the number alone;
- pre-releases after the numbers, with or without a separator: ``3.13.0a3``,
  ``3.13.0b2``, ``3.13.0rc1`` (CPython), ``4.22.0-rc1`` (Xen tags),
  ``1.2.3-rc.1`` (SemVer), ``1.30.0-alpha.1`` (Kubernetes), ``3.4.0-preview1`` (Ruby).

This module imports only the standard library's ``re`` and ``functools``, so
headless commands pay nothing for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

SERIES_DEPTH = 2
"""How many leading numbers name a series unless told otherwise: ``3.4.1`` -> ``3.4``."""

PRERELEASE_KINDS = ("alpha", "beta", "preview", "rc")
"""Pre-release kinds in the order they come before a final release."""

_SPELLINGS = {
    "a": "alpha",
    "alpha": "alpha",
    "b": "beta",
    "beta": "beta",
    "pre": "preview",
    "preview": "preview",
    "rc": "rc",
}
_FINAL = len(PRERELEASE_KINDS)  # a final release sorts after each of its pre-releases
_PATTERN = re.compile(
    r"(?P<release>[0-9]+(?:\.[0-9]+)*)"
    r"(?:[-_.]?(?P<kind>alpha|beta|preview|pre|rc|a|b)(?:[-_.]?(?P<number>[0-9]+))?)?",
    re.IGNORECASE | re.ASCII,
)

VersionKey = tuple[tuple[int, ...], tuple[int, int], str]
"""What versions sort by: trimmed numbers, pre-release rank and number, then the text."""


class Prerelease(NamedTuple):
    """A pre-release tag: ``kind`` is one of :data:`PRERELEASE_KINDS`; ``rc1`` -> ("rc", 1)."""

    kind: str
    number: int


class Version:
    """A release version, parsed once; immutable, hashable and totally ordered.

    Build one with :meth:`Version.parse`. ``str(v)`` gives back the exact text it was
    parsed from, so plan files round-trip unchanged.

    Order: the numbers compare as numbers (4.10 after 4.9, 10 after 9), missing
    trailing numbers count as zero (``4.0`` and ``4.0.0`` are the same release), a
    pre-release comes before its final (alpha < beta < preview < rc < final), and
    texts naming the same release (``4.0`` / ``4.0.0``, ``4.0rc1`` / ``4.0-rc1``) are
    ordered by their text, so two versions are equal exactly when their texts are.
    """

    __slots__ = ("_key", "prerelease", "release", "text")

    text: str
    release: tuple[int, ...]
    prerelease: Prerelease | None
    _key: VersionKey

    def __init__(self, text: str, release: tuple[int, ...], prerelease: Prerelease | None) -> None:
        trimmed = release
        while len(trimmed) > 1 and trimmed[-1] == 0:
            trimmed = trimmed[:-1]
        rank = (
            (PRERELEASE_KINDS.index(prerelease.kind), prerelease.number)
            if prerelease
            else (_FINAL, 0)
        )
        for name, value in (
            ("text", text),
            ("release", release),
            ("prerelease", prerelease),
            ("_key", (trimmed, rank, text)),
        ):
            object.__setattr__(self, name, value)

    @classmethod
    def parse(cls, text: str) -> Version:
        """The version ``text`` names; ValueError saying what was expected otherwise."""
        return _parse(text)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Version is immutable (cannot set {name})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Version is immutable (cannot delete {name})")

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (_parse, (self.text,))

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Version({self.text!r})"

    def __hash__(self) -> int:
        return hash(self._key)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key == other._key

    def __lt__(self, other: Version) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key < other._key

    def __le__(self, other: Version) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key <= other._key

    def __gt__(self, other: Version) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key > other._key

    def __ge__(self, other: Version) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key >= other._key

    @property
    def key(self) -> VersionKey:
        """The sort key (what the order above compares)."""
        return self._key

    @property
    def major(self) -> int:
        """The first number: 4 for ``4.17.1``, 253 for ``253.4``."""
        return self.release[0]

    @property
    def is_prerelease(self) -> bool:
        """True for alphas, betas, previews and release candidates."""
        return self.prerelease is not None

    @property
    def final(self) -> Version:
        """The release a pre-release leads to (``3.13.0rc1`` -> ``3.13.0``); itself if final."""
        if self.prerelease is None:
            return self
        return _parse(self._release_text())

    @property
    def is_major_start(self) -> bool:
        """True when every number after the major is zero: ``4.0``, ``4.0.0``, ``253``.

        Pre-releases of such a version (``4.0.0-rc1``) count too.
        """
        return not any(self.release[1:])

    def series(self, depth: int = SERIES_DEPTH) -> str:
        """The series (branch) this version belongs to: its first ``depth`` numbers, as written.

        The default depth of 2 fits ``X.Y.Z`` projects (``3.4.1`` -> ``3.4``) and ``X.Y``
        trains (``4.0`` -> ``4.0``); a single number is its own series (``253`` -> ``253``).
        Two numbers are ambiguous on their own (Xen's ``4.0`` is a series, systemd's
        ``253.4`` is a maintenance release of ``253``), so projects whose releases are
        single numbers pass ``depth=1`` (``253.4`` -> ``253``); :func:`series_depth`
        decides it from a plan's point releases. Pre-release tags are never part of it.
        """
        if depth < 1:
            raise ValueError(f"series depth must be at least 1, got {depth}")
        return ".".join(self._release_text().split(".")[:depth])

    def is_series_start(self, depth: int = SERIES_DEPTH) -> bool:
        """True for the release that opens its series (a point release, not maintenance).

        Every number past the series is zero or absent: ``3.4.0``, ``4.0`` and ``253`` open
        theirs; ``3.4.1`` (and, with ``depth=1``, ``253.4``) are maintenance releases.
        """
        return not any(self.release[depth:])

    def _release_text(self) -> str:
        match = _PATTERN.match(self.text)
        assert match is not None  # parsed by _PATTERN
        return match.group("release")


@lru_cache(maxsize=4096)
def _parse(text: str) -> Version:
    match = _PATTERN.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(
            f"{text!r} is not a version: expected numbers separated by dots (4.0, 3.4.1, 253),"
            " optionally followed by a pre-release such as rc1, b2, a3, -rc1 or -rc.1"
        )
    release = tuple(int(p) for p in match.group("release").split("."))
    kind = match.group("kind")
    pre = Prerelease(_SPELLINGS[kind.lower()], int(match.group("number") or 0)) if kind else None
    return Version(text, release, pre)


def is_version(text: str) -> bool:
    """True when ``text`` parses as a :class:`Version`."""
    try:
        _parse(text)
    except ValueError:
        return False
    return True


def version_key(text: str) -> tuple[int, VersionKey]:
    """Sort key for text that may not be a version (tracker names, targets typed by hand).

    Versions come first in version order; anything else after them, by its text.
    """
    try:
        return (0, _parse(text).key)
    except ValueError:
        return (1, ((), (0, 0), text))


def newest_first(texts: Iterable[str]) -> list[str]:
    """The texts with versions newest first (4.10, 4.9, 4.9rc1), then the others by text."""
    versions: list[Version] = []
    others: list[str] = []
    for text in texts:
        try:
            versions.append(_parse(text))
        except ValueError:
            others.append(text)
    return [v.text for v in sorted(versions, reverse=True)] + sorted(others)


def series_depth(point_releases: Iterable[str | Version]) -> int:
    """How many numbers name a series in a project, from the versions of its point releases.

    1 when a point release is a bare number (systemd's ``253``, PostgreSQL's ``16``): its
    maintenance releases are ``253.1``, ``253.2``; otherwise :data:`SERIES_DEPTH` (2).
    Texts that are not versions are ignored.
    """
    for v in point_releases:
        try:
            version = v if isinstance(v, Version) else _parse(v)
        except ValueError:
            continue
        if len(version.release) == 1:
            return 1
    return SERIES_DEPTH
