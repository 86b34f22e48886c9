"""The SVG timeline's month axis sits over the bars, also when librsvg renders it (MediaWiki).

Rich's SVG gives each run of equal style one ``<text>`` with a ``textLength``; librsvg lays
a run out in its own font, so anything after the run's start may drift. Each axis label is
its own run (its own ``x``), and ``rsvg-convert`` puts today's ``▼`` over today's ``│``.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.usecases.session import Session
from relplan.tui.screenshot import timeline_svg
from relplan.tui.widgets.timeline import LABEL, WEEK, monday, ruler_labels

TEXT = re.compile(r'<text [^>]*x="([\d.]+)" y="([\d.]+)" textLength="([\d.]+)"[^>]*>([^<]*)</text>')


@pytest.fixture(scope="module")
def svg() -> str:
    return timeline_svg(Session(demo_plan(), today=DEMO_TODAY), (120, 30))


def texts(svg: str) -> list[tuple[float, float, float, str]]:
    out = []
    for x, y, length, text in TEXT.findall(svg):
        out.append((float(x), float(y), float(length), text.replace("&#160;", " ")))
    return out


def test_each_axis_label_is_a_run_at_its_week(svg: str) -> None:
    runs = texts(svg)
    mark = next(r for r in runs if r[3] == "▼")
    cell = mark[2]
    ruler = [r for r in runs if r[1] == mark[1]]
    found = {(round((x - mark[0]) / cell), text) for x, _, _, text in ruler if text.strip()}
    start = monday(DEMO_TODAY) - 12 * WEEK  # where the timeline opens
    weeks = 120 - LABEL
    today = (monday(DEMO_TODAY) - start).days // 7
    wanted = {(col - today, text) for col, text in ruler_labels(start, weeks, today)}
    assert found == wanted
    # today's line in the rows below is a run of its own in the same column
    lines = [r for r in runs if r[3] == "│" and r[1] > mark[1]]
    assert lines and all(abs(x - mark[0]) < 0.01 for x, _, _, _ in lines)


def _png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and RGBA rows of an 8-bit RGBA PNG (what rsvg-convert writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        (size,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + size]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 6)
        elif kind == b"IDAT":
            idat += body
        pos += size + 12
    raw, stride, rows, prev = zlib.decompress(idat), width * 4, [], bytes(width * 4)
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for i in range(stride):
            a = line[i - 4] if i >= 4 else 0
            b, c = prev[i], prev[i - 4] if i >= 4 else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = bytes(line)
    return width, height, rows


def _ink_centre(rows: list[bytes], x0: int, x1: int, y0: int, y1: int) -> float | None:
    """The mean column of pixels brighter than the dark terminal background in a box."""
    cols = [
        x for y in range(y0, y1) for x in range(x0, x1) if sum(rows[y][4 * x : 4 * x + 3]) > 3 * 90
    ]
    return sum(cols) / len(cols) if cols else None


def test_librsvg_draws_today_mark_over_today_line(svg: str, tmp_path: Path) -> None:
    if shutil.which("rsvg-convert") is None:
        # .ci/run installs librsvg2-bin: a CI run without it is a gap, not a skip
        if os.environ.get("CI") == "true":
            pytest.fail("rsvg-convert is missing in CI (.ci/run installs librsvg2-bin)")
        pytest.skip("librsvg2-bin not installed (apt-get install librsvg2-bin)")
    source = tmp_path / "timeline.svg"
    source.write_text(svg, encoding="utf-8")
    png = subprocess.run(
        ["rsvg-convert", "-f", "png", str(source)], capture_output=True, check=True
    ).stdout
    _, _, rows = _png_pixels(png)
    dx, dy = (float(v) for v in re.findall(r"translate\(([\d.]+), ?([\d.]+)\)", svg)[-1])
    runs = texts(svg)
    mark = next(r for r in runs if r[3] == "▼")
    line = next(r for r in runs if r[3] == "│" and r[1] > mark[1])
    cell = mark[2]

    def centre(x: float, y: float) -> float | None:
        left, base = int(dx + x), int(dy + y)
        return _ink_centre(rows, left, int(left + cell), base - 14, base + 2)

    top, below = centre(mark[0], mark[1]), centre(line[0], line[1])
    assert top is not None and below is not None
    assert abs(top - below) < cell / 3
    # and a month label lands in its own cell, not a cell to either side
    month = next(r for r in runs if r[1] == mark[1] and r[3] not in ("▼", " "))
    assert centre(month[0], month[1]) is not None
