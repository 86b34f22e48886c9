"""A development update read back: people's edited lines become prognosis and owner changes.

Release managers mail a development update (:func:`relplan.planner.outputs.report.update_report`);
people answer by editing their lines::

    *  Fault tolerance: Remus and Kemari (good)
       -  Brendan
       -  Minjae

:func:`parse_update` reads such a reply (quoted with ``>`` or not, text or
Markdown): each entry's title, prognosis and people. Only the ``Items``
section counts when the text has one (blockers and features at risk repeat
items there). :func:`apply_update` matches entries to plan items by an id
written on the line (``[demo#remus]``) or else by title, and applies the
changes with the same three-way rule as sync (:func:`relplan.planner.domain.merge.pick`):

- *theirs* is what the reply says: an unquoted entry (what the person wrote),
  else the quoted one (edited in place);
- *base* is what the update said when it was sent: the quoted entry of the same
  item when the reply has both, else the item in ``base`` (the plan as of the
  update's day, from the plan file's git history), else the plan as it is now
  (then every difference in the reply is taken, and the result says so);
- *ours* is the plan now. A change on one side is taken; different changes on
  both sides keep ours and are listed as conflicts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from relplan.planner.domain.merge import pick
from relplan.planner.domain.model import Item, Plan, Prognosis, owner_field, owners_of

# Every pattern here is linear on any line: no two unbounded repeats that can match the
# same characters next to each other (``^(=+)\s*(.*?)\s*=*\s*$`` took cubic time on a
# line of "=": 4,000 of them ran for minutes). Headings are taken apart with str methods.
_QUOTE = re.compile(r"^(?:[ \t]?>)+[ \t]?")
_PROGNOSIS_TAIL = re.compile(r"\(\s*(none|fair|ok|good|done)\s*\)\s*$", re.IGNORECASE)
_ID = re.compile(r"\[([^\[\]\s#]+#[^\[\]\s]+)\]")
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_AS_OF = re.compile(
    r"as of (?:\w+day )?(\d{1,2})(?:st|nd|rd|th)? (\w+) (\d{4})|as of (\d{4}-\d{2}-\d{2})",
    re.IGNORECASE,
)
_MONTHS = {m.lower(): i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"], start=1)}  # fmt: skip


@dataclass(frozen=True, slots=True)
class UpdateEntry:
    """One item as a development update (or its reply) states it."""

    title: str
    prognosis: Prognosis | None
    owners: tuple[str, ...]
    quoted: bool
    line: int
    item_id: str | None = None


@dataclass(frozen=True, slots=True)
class DevelopmentUpdate:
    """The entries of an update, the release it is about and the day it was made, if said."""

    entries: tuple[UpdateEntry, ...]
    release: str | None = None
    day: dt.date | None = None


def looks_like_update(text: str) -> bool:
    """True for a development update or a reply to one: it says "development update" and
    has at least one ``*  title (prognosis)`` line."""
    if "development update" not in text.casefold():
        return False
    for line in text.splitlines():
        body = _unquote(line)[1].strip()
        if body.startswith(("*", "-")) and _PROGNOSIS_TAIL.search(_ID.sub("", body).strip()):
            return True
    return False


def _prognosis(text: str) -> tuple[str, Prognosis | None]:
    """``title (good)`` -> (``title``, GOOD); the title alone when no prognosis ends it."""
    open_at = text.rfind("(")  # the tail is searched from the last "(": linear
    m = _PROGNOSIS_TAIL.match(text, open_at) if open_at >= 0 else None
    if m is None:
        return text, None
    return text[:open_at].rstrip(), Prognosis(m.group(1).lower())


def _unquote(line: str) -> tuple[bool, str]:
    m = _QUOTE.match(line)
    return (True, line[m.end() :]) if m else (False, line)


def _heading(content: str) -> tuple[int, str] | None:
    """``== Name ==`` (text) or ``## Name`` (Markdown): (level, name); else None."""
    stripped = content.strip()
    if stripped.startswith("=") and stripped.endswith("="):
        inner = stripped.lstrip("=")
        level = len(stripped) - len(inner)
        return level, inner.rstrip("=").strip()
    if stripped.startswith("#"):
        inner = stripped.lstrip("#")
        if inner[:1].isspace():
            return len(stripped) - len(inner) - 1, inner.strip()
    return None


def _day(text: str) -> dt.date | None:
    m = _AS_OF.search(text)
    if m is None:
        return None
    try:
        if m.group(4):
            return dt.date.fromisoformat(m.group(4))
        month = _MONTHS.get(m.group(2).lower())
        return dt.date(int(m.group(3)), month, int(m.group(1))) if month else None
    except ValueError:
        return None


def parse_update(text: str) -> DevelopmentUpdate:
    """The entries of a development update or a reply to it (see the module docstring).

    Lines end at a newline only (a form feed or U+2028 in a title is no line break), and
    Markdown's backslash escapes are undone, so a title reads back as it was written.
    """
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    has_items = any((h := _heading(_unquote(x)[1])) and h[1].casefold() == "items" for x in lines)
    in_items = not has_items
    markdown = _md(lines)
    entries: list[UpdateEntry] = []
    current: dict[str, object] | None = None

    def close() -> None:
        nonlocal current
        if current is not None:
            entries.append(UpdateEntry(**current))  # type: ignore[arg-type]
        current = None

    for number, raw in enumerate(lines, start=1):
        quoted, content = _unquote(raw)
        head = _heading(content)
        if head is not None:
            close()
            if head[0] <= 1:
                in_items = not has_items or head[1].casefold() == "items"
            continue
        if not content.strip():
            close()
            continue
        if not in_items:
            continue
        indent = len(content) - len(content.lstrip())
        body = content.strip()
        is_star = body.startswith("*")
        is_dash = body.startswith("-")
        # Text: ``*  title`` then ``-  Name`` lines; Markdown: ``- title`` then indented ``- Name``.
        if is_star or (is_dash and markdown and indent == 0):
            close()
            current = _entry(body.lstrip("*-").strip(), quoted, number, markdown)
        elif is_dash and current is not None:
            name = body.lstrip("-").strip()
            if markdown:
                name = _MD_ESCAPE.sub(r"\1", name)
            if name:
                current["owners"] = (*current["owners"], name)  # type: ignore[misc]
    close()
    head_text = "\n".join(_unquote(x)[1] for x in lines[:40])
    return DevelopmentUpdate(tuple(entries), _release(head_text), _day(head_text))


def _release(text: str) -> str | None:
    """The word before "development update" (``4.0.0 development update``), if any."""
    at = text.casefold().find(" development update")
    if at <= 0:
        return None
    words = text[:at].split()
    return words[-1] if words else None


def _md(lines: Sequence[str]) -> bool:
    return any(_unquote(x)[1].lstrip().startswith("## ") for x in lines)


def _entry(text: str, quoted: bool, line: int, markdown: bool) -> dict[str, object]:
    if markdown:
        text = _MD_ESCAPE.sub(r"\1", text)
    ids = list(_ID.finditer(text))
    found = ids[-1] if ids else None  # the last [id]: the one relplan wrote after the title
    item_id = found.group(1) if found else None
    if found:
        text = (text[: found.start()] + text[found.end() :]).strip()
    title, prognosis = _prognosis(text)
    return {
        "title": " ".join(title.split()),
        "prognosis": prognosis,
        "owners": (),
        "quoted": quoted,
        "line": line,
        "item_id": item_id,
    }


# -- applying ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of one item: its value before and after (or, for a conflict, ours and
    theirs: the plan kept ours)."""

    item: str
    field: str
    before: str | None
    after: str | None


@dataclass(frozen=True, slots=True)
class UpdateResult:
    """The plan after applying a reply, and what happened to each entry."""

    plan: Plan
    changes: list[FieldChange] = field(default_factory=list)
    conflicts: list[FieldChange] = field(default_factory=list)
    unmatched: list[UpdateEntry] = field(default_factory=list)
    ambiguous: list[tuple[UpdateEntry, list[str]]] = field(default_factory=list)
    matched: int = 0
    base: str = ""

    @property
    def changed(self) -> bool:
        """True when the plan differs from before."""
        return bool(self.changes)


def _norm(title: str) -> str:
    return " ".join(title.split()).casefold()


def match_entries(
    plan: Plan, entries: Sequence[UpdateEntry]
) -> tuple[dict[str, list[UpdateEntry]], list[UpdateEntry], list[tuple[UpdateEntry, list[str]]]]:
    """Entries by the item they name (id written on the line, else the same title), then
    entries naming no item, then entries whose title fits several items."""
    by_id = {it.id: it for it in plan.items}
    by_title: dict[str, list[str]] = {}
    for it in plan.items:
        by_title.setdefault(_norm(it.title), []).append(it.id)
    found: dict[str, list[UpdateEntry]] = {}
    unmatched: list[UpdateEntry] = []
    ambiguous: list[tuple[UpdateEntry, list[str]]] = []
    for e in entries:
        ids = [e.item_id] if e.item_id in by_id else by_title.get(_norm(e.title), [])
        if len(ids) == 1:
            found.setdefault(ids[0], []).append(e)
        elif ids:
            ambiguous.append((e, ids))
        else:
            unmatched.append(e)
    return found, unmatched, ambiguous


def apply_update(plan: Plan, update: DevelopmentUpdate, base: Plan | None) -> UpdateResult:
    """Apply the prognosis and people of each entry to the matching item, three-way (see
    the module docstring); ``base`` is the plan as of the update's day, if known."""
    found, unmatched, ambiguous = match_entries(plan, update.entries)
    base_items = {it.id: it for it in base.items} if base is not None else {}
    items = {it.id: it for it in plan.items}
    changes: list[FieldChange] = []
    conflicts: list[FieldChange] = []
    for item_id, entries in found.items():
        ours = items[item_id]
        theirs = next((e for e in reversed(entries) if not e.quoted), entries[-1])
        quoted = [e for e in entries if e.quoted and e is not theirs]
        was = _values(quoted[-1]) if quoted else _item_values(base_items.get(item_id, ours))
        new: dict[str, object] = {}
        for name, mine in _item_values(ours).items():
            value, clash = pick(was[name], mine, _values(theirs)[name])
            if clash:
                conflicts.append(
                    FieldChange(item_id, name, _text(mine), _text(_values(theirs)[name]))
                )
            elif value != mine:
                changes.append(FieldChange(item_id, name, _text(mine), _text(value)))
                new[name] = value
        if new:
            items[item_id] = _with(ours, new)
    how = "the plan as of the update's day" if base is not None else "none (the plan now)"
    return UpdateResult(
        plan.with_items(items.values()), changes, conflicts, unmatched, ambiguous,
        sum(len(v) for v in found.values()), how,
    )  # fmt: skip


def _values(e: UpdateEntry) -> dict[str, object]:
    return {"prognosis": e.prognosis, "owner": e.owners}


def _item_values(it: Item) -> dict[str, object]:
    return {"prognosis": it.prognosis, "owner": tuple(owners_of(it.owner))}


def _with(item: Item, new: dict[str, object]) -> Item:
    changes: dict[str, object] = {}
    if "prognosis" in new:
        changes["prognosis"] = new["prognosis"]
    if "owner" in new:
        owners = new["owner"]
        assert isinstance(owners, tuple)
        changes["owner"] = owner_field(owners)
    return dataclasses.replace(item, **changes)  # type: ignore[arg-type]


def _text(value: object) -> str | None:
    if isinstance(value, tuple):
        return owner_field(value)
    return None if value is None else str(value)
