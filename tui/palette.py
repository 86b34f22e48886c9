"""The few colours relplan uses: one per release phase and one per item or backport state.

Everything else is the theme's plain foreground, so colour always means something.
"""

from __future__ import annotations

from rich.style import Style

from relplan.planner.domain.model import BackportState, Phase, State

PHASE_COLOURS: dict[Phase, str] = {
    Phase.PLANNING: "#5f6f7f",
    Phase.DEVELOPMENT: "#4f7fa8",
    Phase.FROZEN: "#b8963e",
    Phase.RC: "#c07a3a",
    Phase.LATE: "#d04a4a",
    Phase.RELEASED: "#5f9f6f",
    Phase.MAINTAINED: "#4f8f6f",
    Phase.SECURITY_ONLY: "#7f6f9f",
    Phase.EOL: "#5a5a5a",
}

STATE_STYLES: dict[State, Style] = {
    State.PROPOSED: Style(color="#9aa5b1"),
    State.ACCEPTED: Style(color="#6fa3d0"),
    State.IN_PROGRESS: Style(color="#d0b060"),
    State.DONE: Style(color="#70b080"),
    State.DEFERRED: Style(color="#8a8a8a", italic=True),
    State.REJECTED: Style(color="#a06060"),
}

BACKPORT_STYLES: dict[BackportState, Style] = {
    BackportState.UNKNOWN: Style(color="#7a7a7a"),
    BackportState.REQUIRED: Style(color="#d08a50", bold=True),
    BackportState.IN_PROGRESS: Style(color="#d0b060"),
    BackportState.DONE: Style(color="#70b080"),
    BackportState.DONTNEED: Style(color="#6a7a8a"),
    BackportState.WONTFIX: Style(color="#a06060"),
}
