"""Roadmap items from files: TOML, JSON, CSV, or a Markdown/plain-text bullet list.

:func:`read_items` picks the reader by extension and returns
:class:`~relplan.planner.domain.merge.ImportedItem` records that say which fields each record
set, so a merge keeps local triage the file says nothing about.

- ``.toml``: ``[[items]]`` tables as in a plan file (a whole plan file works too).
- ``.json``: a list of item objects, or ``{"items": [...]}``.
- ``.csv``: a header row of item field names; ``labels``, ``depends_on`` and
  ``fix_commits`` separated by ``;``; ``backports`` as ``3.4=required;3.3=done``;
  ``blocker`` as true/false/yes/no/1/0; empty cells are unset.
- ``.md``, ``.markdown``, ``.txt``: one item per bullet (``•``, ``-``, ``*``, ``+``,
  ``1.``, ``1)``), like
  the roadmap list of a mailing-list post; nested bullets and continuation
  lines join the title; other prose is ignored; a trailing ``[bug]`` or
  ``(high)`` sets the kind or priority.

Records without an id get ``<source>#<slug of title>``; ids without ``#`` get
``<source>#`` in front. ``source`` defaults to the file name's stem. Problems
are collected for the whole file and raised as one PlanError.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from relplan.planner.domain.errors import PlanError, Problem
from relplan.planner.domain.merge import ImportedItem
from relplan.planner.domain.model import Kind, Priority, State
from relplan.planner.store.checking import Checker, Locator, Path_
from relplan.planner.store.planfile import (
    TOP_KEYS,
    decode,
    read_bytes,
    read_toml,
    too_deep,
    too_long,
)
from relplan.planner.store.tables import ITEM_FIELDS, item_from_table, item_label

Record = tuple[dict[str, Any], Path_]
SUFFIXES = (".toml", ".json", ".csv", ".md", ".markdown", ".txt")


def slug(text: str, limit: int = 40) -> str:
    """A short ASCII id from a title: ``"Remus: fault tolerance"`` -> ``remus-fault-tolerance``."""
    if text.isascii():
        ascii_text = text.lower()
    else:
        ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    out = ""
    for word in re.findall(r"[a-z0-9]+", ascii_text):
        if out and len(out) + 1 + len(word) > limit:
            break
        out = f"{out}-{word}" if out else word[:limit]
    return out or "item"


#: Judges an item's target: None when fine, else ``(problem, what was expected)``.
TargetCheck = Callable[[str], tuple[str, str] | None]


def read_items(
    path: Path, source: str | None = None, targets: TargetCheck | None = None
) -> list[ImportedItem]:
    """The items of an import file, in file order; raises PlanError listing every problem
    (with ``targets``, each target it refuses too, at its line)."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise PlanError(
            Problem(
                f"cannot import {suffix or 'a file without extension'}",
                str(path),
                hint=f"expected one of {', '.join(SUFFIXES)}",
            )
        )
    text = decode(read_bytes(path), str(path))
    return reads_items(text, str(path), source or slug(path.stem), suffix, targets)


def reads_items(
    text: str, filename: str, source: str, suffix: str, targets: TargetCheck | None = None
) -> list[ImportedItem]:
    """Like :func:`read_items` for text already read; ``suffix`` picks the format."""
    check = Checker(filename)
    if suffix == ".toml":
        records = _toml_records(text, check)
    elif suffix == ".json":
        records = _json_records(text, check)
    elif suffix == ".csv":
        records = _csv_records(text, check)
    else:
        records = _bullet_records(text, check)
    items = _build(records, source, check)
    if targets is not None:
        _check_targets(records, items, targets, check)
    check.raise_if_any()
    return items


def _full_id(raw: str, source: str) -> str:
    return raw if "#" in raw else f"{source}#{raw}"


def _build(records: list[Record], source: str, check: Checker) -> list[ImportedItem]:
    """Items from records, in order; ids made up from titles never take a given one.

    Linear in the number of records: one set of taken ids, grown as ids are
    made up, and a per-slug counter for repeated titles (200,000 bullets in a
    second or two; rebuilding the set per record took minutes).
    """
    out: list[ImportedItem] = []
    ids: dict[str, int] = {}
    taken = set(_full_id(t["id"], source) for t, _ in records if isinstance(t.get("id"), str))
    suffixes: dict[str, int] = {}
    for table, path in records:
        index = int(path[1])
        label = item_label(index, table)
        raw_id = table.get("id")
        item_id = _full_id(raw_id, source) if isinstance(raw_id, str) and raw_id else None
        twice = item_id is not None and item_id in ids
        if twice:
            check.add(f'"{item_id}" appears twice', (*path, "id"), f"{label}.id",
                      f"first in items[{ids[str(item_id)]}]; ids must be unique")  # fmt: skip
        elif item_id is not None:
            ids[item_id] = index
        title = table.get("title")
        if item_id is None and isinstance(title, str) and title.strip():
            item_id = _unique(f"{source}#{slug(title)}", taken, suffixes)
            ids[item_id] = index
        # The full id goes in before the item is built (dataclasses.replace after it
        # cost more than the rest of the record).
        whole = {**table, "id": item_id} if item_id is not None else table
        item, fields = item_from_table(whole, check, path, label, require_id=False)
        if item is None or twice:
            continue
        taken.add(item.id)
        derived = not (isinstance(raw_id, str) and raw_id)
        out.append(ImportedItem(item, fields | {"id"}, derived_id=derived))
    return out


def _check_targets(
    records: list[Record], items: list[ImportedItem], targets: TargetCheck, check: Checker
) -> None:
    """Add a problem at the line of each item whose target ``targets`` refuses (once the
    records are otherwise fine: then each record made one item, in order)."""
    if len(items) != len(records):
        return  # the other problems come first; the targets are judged on the next run
    for (_, path), record in zip(records, items, strict=True):
        target = record.item.target
        why = targets(target) if target else None
        if why is not None:
            check.add(f"{record.item.id}: {why[0]}", (*path, "target"), "target", why[1])


def _unique(item_id: str, taken: set[str], suffixes: dict[str, int]) -> str:
    """``item_id``, else ``item_id-2``, ``-3``...: the first one not taken (``suffixes``
    remembers where each base id got to, so a title repeated k times costs k, not k²)."""
    if item_id not in taken:
        return item_id
    n = suffixes.get(item_id, 1)
    candidate = item_id
    while candidate in taken:
        n += 1
        candidate = f"{item_id}-{n}"
    suffixes[item_id] = n
    return candidate


def _toml_records(text: str, check: Checker) -> list[Record]:
    data = read_toml(text, check.file)
    check.locator = Locator(text)
    check.unknown_keys(data, TOP_KEYS, (), "")
    raw = data.get("items", [])
    if not isinstance(raw, list):
        check.add("expected [[items]] tables", ("items",), "items")
        return []
    return _tables_only(raw, check)


def _tables_only(raw: list[Any], check: Checker) -> list[Record]:
    out: list[Record] = []
    for i, table in enumerate(raw):
        if isinstance(table, dict):
            out.append((table, ("items", i)))
        else:
            check.add(f"expected an item table/object, found {table!r:.40}", ("items", i),
                      f"items[{i}]")  # fmt: skip
    return out


def _json_records(text: str, check: Checker) -> list[Record]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanError(
            Problem(f"not valid JSON: {exc.msg}", check.file, exc.lineno, exc.colno)
        ) from None
    except RecursionError:
        raise too_deep(text, check.file) from None
    except ValueError as exc:  # an integer too long to read
        raise too_long(text, check.file, exc) from None
    if isinstance(data, dict) and "items" in data:
        data = data["items"]
    if not isinstance(data, list):
        check.add('expected a list of items or {"items": [...]}', line=1)
        return []
    check.line_of = _json_locator(text)
    return _tables_only(data, check)


_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _skip(text: str, pos: int) -> int:
    """The offset after any JSON whitespace at ``pos``."""
    match = _WS.match(text, pos)
    return match.end() if match else pos


def _entries(text: str, pos: int) -> dict[str | int, tuple[int, int]]:
    """Offsets (of the key, of the value) of each entry of the valid JSON array/object at pos."""
    opening = text[pos]
    closing = "]" if opening == "[" else "}"
    out: dict[str | int, tuple[int, int]] = {}
    pos = _skip(text, pos + 1)
    while text[pos] != closing:
        key: str | int = len(out)
        key_at = pos
        if opening == "{":
            key, pos = _DECODER.raw_decode(text, pos)
            pos = _skip(text, _skip(text, pos) + 1)  # past the colon
        _, end = _DECODER.raw_decode(text, pos)
        out[key] = (key_at, pos)
        pos = _skip(text, end)
        if text[pos] == ",":
            pos = _skip(text, pos + 1)
    return out


def _json_locator(text: str) -> Callable[[Path_], int | None]:
    """Lines of ``("items", i, key)`` paths in valid JSON text."""
    at = _skip(text, 0)
    if text[at] == "{":
        at = _entries(text, at).get("items", (0, at))[1]
    elements = _entries(text, at) if text[at] == "[" else {}

    def line_of(path: Path_) -> int | None:
        if len(path) < 2 or path[1] not in elements:
            return None
        pos = elements[path[1]][1]
        if len(path) > 2 and text[pos] == "{":
            pos = _entries(text, pos).get(path[2], (pos, pos))[0]
        return text.count("\n", 0, pos) + 1

    return line_of


def _header_name(raw: str) -> str:
    return re.sub(r"[\s-]+", "_", raw.strip().lower())


def _csv_records(text: str, check: Checker) -> list[Record]:
    # strict: an unbalanced quote is an error, not the rest of the file in one cell
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [_header_name(h) for h in next(reader)]
    except StopIteration:
        check.add("empty file; expected a header row of item fields", line=1)
        return []
    except csv.Error as exc:
        check.add(f"not valid CSV: {exc}", line=1)
        return []
    rows_lines: dict[int, int] = {}
    check.line_of = lambda path: rows_lines.get(int(path[1])) if len(path) > 1 else 1
    check.unknown_keys(dict.fromkeys(header), ITEM_FIELDS, (), "")
    out: list[Record] = []
    start = reader.line_num + 1
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                index = len(out)
                rows_lines[index] = start
                out.append((_csv_row(header, cells, check, ("items", index)), ("items", index)))
            start = reader.line_num + 1
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            check.add(
                "not valid CSV: a quoted cell opened in this row is never closed",
                line=start,
                hint='check the quotes; a quote inside a quoted cell is written ""',
            )
        else:
            check.add(f"not valid CSV: {exc}", line=reader.line_num)
    return out


def _csv_row(header: list[str], cells: list[str], check: Checker, path: Path_) -> dict[str, Any]:
    if len(cells) > len(header):
        check.add(f"{len(cells)} cells but the header has {len(header)} columns", path)
    table: dict[str, Any] = {}
    for name, cell in zip(header, cells, strict=False):
        cell = cell.strip()
        if cell and name in ITEM_FIELDS:
            try:
                table[name] = _CELL.get(name, str)(cell)
            except ValueError as exc:
                table.pop(name, None)
                check.add(str(exc), (*path, name), f"{item_label(int(path[1]), table)}.{name}")
    return table


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def _cell_bool(cell: str) -> bool:
    value = cell.lower()
    if value in ("true", "yes", "y", "1", "x"):
        return True
    if value in ("false", "no", "n", "0"):
        return False
    raise ValueError(f'"{cell}" is not true or false (or yes/no, 1/0)')


def _cell_int(cell: str) -> int:
    try:
        return int(cell)
    except ValueError:
        raise ValueError(f'"{cell}" is not a whole number') from None


def _cell_backports(cell: str) -> dict[str, str]:
    out = {}
    for part in _split(cell):
        series, sep, state = part.partition("=")
        if not sep or not series.strip():
            raise ValueError(f'"{part}" is not SERIES=STATE (e.g. 3.4=required)')
        out[series.strip()] = state.strip().lower()
    return out


_CELL: dict[str, Callable[[str], Any]] = {
    "labels": _split,
    "depends_on": _split,
    "fix_commits": _split,
    "backports": _cell_backports,
    "blocker": _cell_bool,
    "estimate_days": _cell_int,
}

_BULLET = re.compile(r"^(\s*)(?:•\s*|[-*+]\s+|\d{1,9}[.)]\s+)(?:\[([ xX])\]\s+)?(.*)$")
_HINT = re.compile(r"\s*[\[(]\s*([A-Za-z-]+)\s*[\])]\s*$")
_KINDS = {k.value: k.value for k in Kind} | {"fix": "bug", "bugfix": "bug", "sec": "security"}
_PRIORITIES = {p.value for p in Priority}
_STATES = {s.value for s in State}
#: Inline hints of a Markdown roadmap line (README "Importing a roadmap"):
#: ``[4.23]`` target, ``@name`` owner, ``!blocker`` / ``!high`` blocker or priority,
#: ``#bug`` kind or ``#accepted`` state, ``{#id}`` the item's own id.
_TOKEN = re.compile(
    r"(?<!\S)(?:\[(?P<target>v?\d+(?:\.\d+)*(?:[-.]?(?:rc|a|b|alpha|beta)\.?\d+)?)\]"
    r"|@(?P<owner>[\w.-]+)|!(?P<bang>[A-Za-z-]+)|\{#(?P<id>[^}\s]+)\}|#(?P<tag>[A-Za-z-]+))(?!\S)"
)


def _bullet_records(text: str, check: Checker) -> list[Record]:
    """Bullets become items; lines that continue a bullet join its title."""
    bullets: list[tuple[int, list[str]]] = []  # (line, parts)
    base_indent = 0
    open_item = blank = False
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.expandtabs(4)
        bullet = _BULLET.match(line)
        indent = len(line) - len(line.lstrip())
        if not line.strip():
            blank = True
            continue
        if bullet and (not open_item or indent <= base_indent):
            checked = ["[x]"] if (bullet.group(2) or " ").lower() == "x" else []
            bullets.append((lineno, [*checked, bullet.group(3)]))
            base_indent, open_item = indent, True
        elif open_item and (indent > base_indent or (not blank and line.lstrip()[0] != "#")):
            bullets[-1][1].append(bullet.group(3) if bullet else line.strip())
        else:
            open_item = False
        blank = False
    tables = [(lineno, _bullet_table(parts)) for lineno, parts in bullets]
    tables = [(lineno, table) for lineno, table in tables if table["title"]]
    lines = {i: lineno for i, (lineno, _) in enumerate(tables)}
    check.line_of = lambda path: lines.get(int(path[1])) if len(path) > 1 else None
    return [(table, ("items", i)) for i, (_, table) in enumerate(tables)]


def _bullet_table(parts: list[str]) -> dict[str, Any]:
    """Title and hints of one bullet: ``[x]`` done, inline hints (:data:`_TOKEN`) anywhere,
    and the older ``(feature)`` / ``[high]`` hints at the end of a line."""
    table: dict[str, Any] = {}
    if parts and parts[0] == "[x]":
        table["state"] = "done"
        parts = parts[1:]
    owners: list[str] = []
    words = []
    for part in parts:
        part = " ".join(part.split())
        for m in _TOKEN.finditer(part):
            if _known(m):
                _inline_hint(m, table, owners)
        part = " ".join(_TOKEN.sub(lambda m: "" if _known(m) else m.group(0), part).split())
        while hint := _HINT.search(part):
            word = hint.group(1).lower()
            if word in _KINDS and "kind" not in table:
                table["kind"] = _KINDS[word]
            elif word in _PRIORITIES and "priority" not in table:
                table["priority"] = word
            else:
                break
            part = part[: hint.start()].rstrip()
        words.append(part)
    if owners:
        table["owner"] = "; ".join(owners)
    table["title"] = " ".join(w for w in words if w)
    return table


def _known(m: re.Match[str]) -> bool:
    """Whether an inline hint means something (unknown ``#word``s stay in the title)."""
    if m.group("tag"):
        return m.group("tag").lower() in _KINDS or m.group("tag").lower() in _STATES
    if m.group("bang"):
        return m.group("bang").lower() in ("blocker", *_PRIORITIES)
    return True


def _inline_hint(m: re.Match[str], table: dict[str, Any], owners: list[str]) -> None:
    """Record one inline hint in the item's table (the first of each kind wins)."""
    if m.group("target"):
        table.setdefault("target", m.group("target").removeprefix("v"))
    elif m.group("owner"):
        owners.append(m.group("owner"))
    elif m.group("id"):
        table.setdefault("id", m.group("id"))
    elif bang := (m.group("bang") or "").lower():
        if bang == "blocker":
            table["blocker"] = True
        else:
            table.setdefault("priority", bang)
    elif tag := (m.group("tag") or "").lower():
        if tag in _KINDS:
            table.setdefault("kind", _KINDS[tag])
        else:
            table.setdefault("state", tag)
