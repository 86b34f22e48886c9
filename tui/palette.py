"""The few colours relplan uses: one per release phase and one per item or backport state.

Everything else is the theme's plain foreground, so colour always means something. The
colours are Textual theme variables declared once, in ``themes.toml`` (``[dark]`` for dark
themes, ``[light]`` for light ones): the stylesheets use them as ``$phase-frozen``; render
code reads them here. The app calls :func:`use_theme` with its theme's variables whenever
the theme changes, and views redraw; the mappings below always answer in the current
theme's colours.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Generic, TypeVar

from rich.style import Style

from relplan.planner.domain.model import BackportState, Phase, State


def _read_themes(text: str) -> dict[str, dict[str, str]]:
    """``themes.toml``: ``[table]`` headers and ``name = "value"`` lines, ``#`` comments.
    Read by hand, not by tomllib: the first frame does not pay for a TOML reader."""
    out: dict[str, dict[str, str]] = {}
    table: dict[str, str] = {}
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            table = out.setdefault(line.strip("[]"), {})
        else:
            name, _, value = line.partition("=")
            table[name.strip()] = value.strip().strip('"')
    return out


_DECLARED = _read_themes(Path(__file__).with_name("themes.toml").read_text(encoding="utf-8"))
_current: dict[str, str] = dict(_DECLARED["dark"])

K = TypeVar("K")


def theme_defaults(dark: bool) -> dict[str, str]:
    """relplan's theme variables for a dark or a light theme
    (``App.get_theme_variable_defaults``)."""
    return dict(_DECLARED["dark" if dark else "light"])


def use_theme(variables: Mapping[str, str]) -> None:
    """Render from these theme variables from now on (the app's, after a theme change)."""
    _current.update({k: v for k, v in variables.items() if k in _DECLARED["dark"]})


def colour(name: str) -> str:
    """The current theme's value of one of relplan's variables (``phase-frozen``); a name
    themes.toml lacks (a phase added later) draws in the theme's muted grey, never fails
    (tests/tui/test_themes.py checks every phase and state is declared)."""
    return _current.get(name) or _current["backport-none"]


@lru_cache(maxsize=256)
def _style(
    color: str | None = None, bgcolor: str | None = None, bold: bool = False, italic: bool = False
) -> Style:
    return Style(color=color, bgcolor=bgcolor, bold=bold or None, italic=italic or None)


def style(name: str, *, bold: bool = False, italic: bool = False) -> Style:
    """A foreground style in one of relplan's colours, in the current theme."""
    return _style(colour(name), bold=bold, italic=italic)


class _Themed(Mapping[K, Style], Generic[K]):
    """Key -> style in the current theme (a read-only mapping, looked up at render time)."""

    def __init__(self, names: Mapping[K, str], bold: frozenset[K] = frozenset(),
                 italic: frozenset[K] = frozenset()) -> None:  # fmt: skip
        self._names, self._bold, self._italic = dict(names), bold, italic

    def __getitem__(self, key: K) -> Style:
        return style(self._names[key], bold=key in self._bold, italic=key in self._italic)

    def __iter__(self) -> Iterator[K]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


class _Colours(Mapping[Phase, str]):
    """Phase -> colour in the current theme."""

    def __getitem__(self, phase: Phase) -> str:
        return colour(f"phase-{phase.value}")

    def __iter__(self) -> Iterator[Phase]:
        return iter(Phase)

    def __len__(self) -> int:
        return len(Phase)


PHASE_COLOURS: Mapping[Phase, str] = _Colours()
STATE_STYLES: Mapping[State, Style] = _Themed(
    {s: f"state-{s.value}" for s in State}, italic=frozenset({State.DEFERRED})
)
BACKPORT_STYLES: Mapping[BackportState, Style] = _Themed(
    {s: f"backport-{s.value}" for s in BackportState},
    bold=frozenset({BackportState.REQUIRED}),
)
