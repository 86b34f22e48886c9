"""Collecting every problem in an input file, each with its line and a hint.

A :class:`Checker` gathers :class:`~relplan.planner.domain.errors.Problem` records while a
file is read, so the user sees all of them at once. A :class:`Locator` finds
the line of a table or key in TOML source text (tomllib reports positions only
for syntax errors), so semantic problems can name a line too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar, cast

from relplan.planner.domain import days
from relplan.planner.domain.errors import PlanError, Problem
from relplan.planner.domain.text import did_you_mean as did_you_mean  # its callers import it here

Path_ = tuple[str | int, ...]
E = TypeVar("E", bound=StrEnum)

_BARE = r"[A-Za-z0-9_-]+"
_KEY = rf'(?:{_BARE}|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_DOTTED = rf"{_KEY}(?:\s*\.\s*{_KEY})*"
_HEADER = re.compile(rf"^\[(\[)?\s*({_DOTTED})\s*\](\])?\s*(?:#.*)?$")
_KEYLINE = re.compile(rf"^({_DOTTED})\s*=")
_PART = re.compile(_KEY)


def _key_parts(dotted: str) -> list[str]:
    parts = []
    for m in _PART.finditer(dotted):
        raw = m.group(0)
        if raw[0] == '"' and "\\" in raw:
            import json  # start-up: ~1.5 ms, for a quoted key with escapes (rare)

            try:
                raw = json.loads(raw)  # TOML basic-string escapes are JSON's, near enough
            except ValueError:
                raw = raw[1:-1]
        elif raw[0] in "\"'":
            raw = raw[1:-1]
        parts.append(raw)
    return parts


class Locator:
    """Line numbers of tables and keys in TOML text, addressed like the parsed data.

    ``locate(("items", 3, "priority"))`` is the line of ``priority =`` under the
    fourth ``[[items]]`` header; unknown paths fall back to their longest known
    prefix. Array-of-table indexes are 0-based, as in the parsed data.
    """

    def __init__(self, text: str) -> None:
        # Indexing costs as much as parsing a large plan; only a file with problems needs it.
        self._text = text
        self._index: dict[Path_, int] | None = None

    @property
    def _lines(self) -> dict[Path_, int]:
        if self._index is None:
            self._index = self._build(self._text)
        return self._index

    @staticmethod
    def _build(text: str) -> dict[Path_, int]:
        lines: dict[Path_, int] = {}
        counters: dict[Path_, int] = {}
        current: Path_ = ()
        closing: str | None = None
        for lineno, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if closing is not None:  # inside a multi-line string
                if line.count(closing) % 2 == 1:
                    closing = None
                continue
            header = _HEADER.match(line)
            if header and bool(header.group(1)) == bool(header.group(3)):
                current = Locator._resolve(_key_parts(header.group(2)), counters)
                if header.group(1):
                    lines.setdefault(current, lineno)
                    index = counters.get(current, -1) + 1
                    counters[current] = index
                    current = (*current, index)
                lines.setdefault(current, lineno)
                continue
            key = _KEYLINE.match(line)
            if key:
                lines.setdefault((*current, *_key_parts(key.group(1))), lineno)
                rest = line[key.end() :]
                for quote in ('"""', "'''"):
                    if rest.count(quote) % 2 == 1:
                        closing = quote
        return lines

    @staticmethod
    def _resolve(parts: list[str], counters: dict[Path_, int]) -> Path_:
        out: Path_ = ()
        for i, part in enumerate(parts):
            out = (*out, part)
            if i < len(parts) - 1 and out in counters:
                out = (*out, counters[out])
        return out

    def locate(self, path: Path_) -> int | None:
        """The line of ``path`` or of its longest known prefix; None if nothing matches."""
        for end in range(len(path), 0, -1):
            line = self._lines.get(path[:end])
            if line is not None:
                return line
        return None


@dataclass
class Checker:
    """Collects problems found in one file; ``raise_if_any`` turns them into a PlanError."""

    file: str
    locator: Locator | None = None
    problems: list[Problem] = field(default_factory=list)
    line_of: Callable[[Path_], int | None] | None = None

    def add(
        self,
        message: str,
        path: Path_ = (),
        label: str | None = None,
        hint: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        """Record a problem at ``path`` (a data path used to find the line)."""
        if line is None and path:
            if self.line_of is not None:
                line = self.line_of(path)
            elif self.locator is not None:
                line = self.locator.locate(path)
        self.problems.append(Problem(message, self.file, line, column, label, hint))

    def unknown_keys(
        self, table: dict[str, Any], known: Collection[str], path: Path_, label: str
    ) -> None:
        """Report every key of ``table`` not in ``known``, with a did-you-mean hint."""
        for key in table:
            if key not in known:
                hint = did_you_mean(key, known) or f"expected one of {', '.join(known)}"
                where = f"{label}.{key}" if label else key
                self.add("unknown key", (*path, key), where, hint)

    def raise_if_any(self) -> None:
        """Raise a PlanError listing every problem in file order, if there is one."""
        if self.problems:
            big = 1 << 62
            raise PlanError(sorted(self.problems, key=lambda p: (p.line or big, p.column or 0)))


class Invalid(ValueError):
    """A value that does not fit; the message says what was expected.

    ``key`` names the entry of a table value that is wrong (a series in
    ``backports``), so the problem can point at its own line.
    """

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


def key_label(key: str) -> str:
    """A key as TOML writes it: bare when it can be, quoted otherwise."""
    return key if re.fullmatch(_BARE, key) else f'"{key}"'


def _show(value: object) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if not isinstance(value, dt.date) else value.isoformat()


def as_str(value: object) -> str:
    """A string (that can be written back as UTF-8: no lone surrogates), or Invalid."""
    if not isinstance(value, str):
        raise Invalid(f"{_show(value)} is not a string")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            bad = f"\\u{ord(value[exc.start]):04x}"
            raise Invalid(f"holds {bad}, half of a surrogate pair: not text") from None
    return value


def as_path(value: object) -> Path:
    """A path from a file, with ``~`` and ``~user`` expanded; Invalid when the user is unknown."""
    text = as_text(value)
    try:
        return Path(text).expanduser()
    except RuntimeError:
        user = text.split("/", 1)[0]
        raise Invalid(f'"{text}": cannot expand {user} (no such user, or no home folder)') from None


def as_text(value: object) -> str:
    """A non-empty string, or Invalid."""
    text = as_str(value)
    if not text.strip():
        raise Invalid("must not be empty")
    return text


def as_bool(value: object) -> bool:
    """A boolean, or Invalid."""
    if not isinstance(value, bool):
        raise Invalid(f"{_show(value)} is not true or false")
    return value


def as_int(value: object, minimum: int | None = None, maximum: int | None = None) -> int:
    """An integer within ``minimum``..``maximum`` (either may be None), or Invalid."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"{_show(value)} is not a whole number")
    if minimum is not None and value < minimum:
        raise Invalid(f"{_number(value)} is less than {minimum}")
    if maximum is not None and value > maximum:
        raise Invalid(f"{_number(value)} is more than {maximum:,}, the most relplan takes here")
    return value


def _number(value: int) -> str:
    if value.bit_length() <= 64:
        return str(value)
    return f"a number of about {int(value.bit_length() * 0.30103) + 1:,} digits"


def as_enum(value: object, enum: type[E]) -> E:
    """A member of ``enum`` given by its value, or Invalid listing the choices."""
    if isinstance(value, str):
        member = enum._value2member_map_.get(value)  # enum(value) costs 20x more
        if member is not None:
            return cast(E, member)
    choices = [m.value for m in enum]
    raise Invalid(f"{_show(value)} is not one of {', '.join(choices)}")


def in_range(day: dt.date) -> dt.date:
    """``day`` when it lies within the days relplan plans with
    (:func:`relplan.planner.domain.days.in_range`), else Invalid saying the range."""
    try:
        return days.in_range(day)
    except days.BadDay as exc:
        raise Invalid(str(exc)) from None


def as_date(value: object) -> dt.date:
    """A calendar date (TOML date or ISO string) relplan plans with
    (:func:`relplan.planner.domain.days.parse_day`), or Invalid."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date | str):
        raise Invalid(f"{_show(value)} is not a date (expected YYYY-MM-DD)")
    if isinstance(value, str):
        try:
            return days.parse_day(value)
        except days.BadDay as exc:
            raise Invalid(str(exc)) from None
    return in_range(value)


def as_datetime(value: object) -> dt.datetime:
    """A UTC date-time; a date or a time without offset counts as UTC."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise Invalid(
                f"{_show(value)} is not a date-time (expected e.g. 2009-08-31T12:00:00Z)"
            ) from None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        try:  # a time stamp, not a planning day: any year, as long as it is one in UTC too
            return value.astimezone(dt.UTC)
        except OverflowError:
            raise Invalid(f"{value.isoformat()} is out of range in UTC") from None
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    raise Invalid(f"{_show(value)} is not a date-time (expected e.g. 2009-08-31T12:00:00Z)")


def as_str_list(value: object) -> tuple[str, ...]:
    """A list of strings, or Invalid."""
    if not isinstance(value, list):
        raise Invalid(f"{_show(value)} is not a list of strings")
    for entry in value:
        if not isinstance(entry, str):
            raise Invalid(f"{_show(entry)} in the list is not a string")
    return tuple(value)


def as_table(value: object) -> dict[str, Any]:
    """A table (mapping), or Invalid."""
    if not isinstance(value, dict):
        raise Invalid(f"{_show(value)} is not a table")
    return value
