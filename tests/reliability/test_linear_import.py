"""Markdown import is linear: the work per bullet does not grow with the file.

Counted, not timed: the module's ``set`` is replaced by one that counts the
ids put into new sets and the membership probes made on them. Rebuilding the
set of taken ids for every bullet (what made 200,000 lines run for over 15
minutes) puts n²/2 ids into sets; probing ``x``, ``x-2``, ``x-3``... anew for
every repeat of a title costs k² probes for k repeats.
"""

from __future__ import annotations

from typing import Any

import pytest

from relplan.planner.trackers import files


class CountingSet(set[Any]):
    added = 0
    probes = 0

    def __init__(self, items: Any = ()) -> None:
        items = list(items)
        CountingSet.added += len(items)
        super().__init__(items)

    def __contains__(self, item: object) -> bool:
        CountingSet.probes += 1
        return super().__contains__(item)


def work(monkeypatch: pytest.MonkeyPatch, bullets: int) -> tuple[int, int]:
    CountingSet.added = CountingSet.probes = 0
    monkeypatch.setattr(files, "set", CountingSet, raising=False)
    # Every fourth title repeats (same slug: ids roadmap#fix, roadmap#fix-2, ...), and a few
    # explicit-looking ids are mixed in as plain text.
    lines = [
        "- Fix the build [bug]\n" if n % 4 == 0 else f"- Feature number {n} (high)\n"
        for n in range(bullets)
    ]
    items = files.reads_items("".join(lines), "roadmap.md", "roadmap", ".md")
    assert len(items) == bullets and len({i.item.id for i in items}) == bullets
    return CountingSet.added, CountingSet.probes


def test_markdown_import_work_grows_linearly(monkeypatch: pytest.MonkeyPatch) -> None:
    small = work(monkeypatch, 2_000)
    large = work(monkeypatch, 8_000)
    for what, a, b in zip(("ids put into sets", "probes"), small, large, strict=True):
        assert b <= 4 * a + 100, f"{what}: {a} for 2,000 bullets but {b} for 8,000"
        assert b <= 3 * 8_000, f"{what}: {b} for 8,000 bullets"


def test_repeated_titles_get_numbered_ids_in_file_order() -> None:
    text = "- Fix\n- Fix\n- Other\n- Fix\n"
    ids = [i.item.id for i in files.reads_items(text, "r.md", "r", ".md")]
    assert ids == ["r#fix", "r#fix-2", "r#other", "r#fix-3"]
    given = '[{"title": "Fix"}, {"id": "fix-2", "title": "x"}, {"title": "Fix"}]'
    ids = [i.item.id for i in files.reads_items(given, "r.json", "r", ".json")]
    assert ids == ["r#fix", "r#fix-2", "r#fix-3"]  # a given id is never taken by a made-up one
