"""The dashboard's sync line: a progress bar while a sync runs."""

from __future__ import annotations

import pytest

from relplan.tui.app import progress_text


@pytest.mark.parametrize(
    ("done", "total", "expected"),
    [
        (0, 1000, "sync ▱▱▱▱▱▱▱▱▱▱▱▱▱▱▱▱▱▱▱▱ 0/1,000 items"),
        (300, 1000, "sync ▰▰▰▰▰▰▱▱▱▱▱▱▱▱▱▱▱▱▱▱ 300/1,000 items"),
        (1000, 1000, "sync ▰▰▰▰▰▰▰▰▰▰▰▰▰▰▰▰▰▰▰▰ 1,000/1,000 items"),
        (1200, 1000, "sync ▰▰▰▰▰▰▰▰▰▰▰▰▰▰▰▰▰▰▰▰ 1,200/1,000 items"),
        (250, None, "sync: 250 items so far"),
    ],
)
def test_progress_text(done: int, total: int | None, expected: str) -> None:
    assert progress_text(done, total) == expected
