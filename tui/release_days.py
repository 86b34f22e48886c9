"""Release days from the dashboard: record that a release shipped, slip it, with a
what-if preview of every date that moves before anything changes; confirm a
tentative stage of its freeze ladder in one key. Part of
:class:`relplan.tui.triage.Triage`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from relplan.planner.domain import ops
from relplan.planner.domain.errors import RelplanError
from relplan.planner.usecases.session import parse_day, parse_span
from relplan.tui.host import OnScreen
from relplan.tui.widgets.safe import markup_safe

if TYPE_CHECKING:
    from relplan.planner.usecases.releases import DateMove


class ReleaseDays(OnScreen):
    """``S`` ships, ``L`` slips the release under the cursor (timeline, release view), ``C``
    confirms its next tentative stage: part of :class:`relplan.tui.triage.Triage`."""

    def ship(self) -> None:
        version = self.current_release()
        if version is None:
            return
        # start-up: the dialogs (~2 ms), not loaded for the first frame
        from relplan.tui.screens.dialogs import PathScreen

        question = f"{version} shipped on (YYYY-MM-DD):"
        today = self.session.today.isoformat()
        self.app.push_screen(
            PathScreen(question, today, "YYYY-MM-DD"), lambda text: self._ship(version, text)
        )

    def _ship(self, version: str, text: str | None) -> None:
        if text is None:
            self.app.set_status("not shipped")
            return
        try:
            day = parse_day(text, "day")
            # The rules ship refuses on the command line (without --force) are asked here.
            refusals = self.session.ship_refusals(version, day)
            change = self.session.ship(version, day, force=True)
        except RelplanError as exc:
            self.app.set_status(f"not shipped: {exc.problems[0]}")
            return
        question = f"Record that {version} shipped on {text}?"
        if refusals:
            question += "\nAgainst the rule: " + "; ".join(refusals) + ". Ship anyway?"
        self._preview(change, question)

    def slip(self) -> None:
        version = self.current_release()
        if version is None:
            return
        # start-up: the dialogs (~2 ms), not loaded for the first frame
        from relplan.tui.screens.dialogs import PathScreen

        day = self.session.release(version).day
        question = f"Slip {version} (now {day}) to a day, or by +N[d|w] / -N[d|w]:"
        self.app.push_screen(
            PathScreen(question, "+1w", "YYYY-MM-DD or +2w"), lambda text: self._slip(version, text)
        )

    def _slip(self, version: str, text: str | None) -> None:
        if not text:
            self.app.set_status("not slipped")
            return
        try:
            span = text.strip()[:1] in "+-" or text.strip()[-1:] in "dw"
            by = parse_span(text, "day") if span else None
            to = None if span else parse_day(text.strip(), "day")
            # The rule slip refuses on the command line (without --force) is asked here.
            refusals = self.session.slip_refusals(version, to=to, by=by)
            change = self.session.slip(version, to=to, by=by, force=True)
        except RelplanError as exc:
            self.app.set_status(f"not slipped: {exc.problems[0]}")
            return
        new_day = change.plan.spec(version)
        moved = new_day.pins.get("release") if new_day is not None else None
        question = f"Slip {version} from {self.session.release(version).day} to {moved}?"
        if refusals:
            question += "\nAgainst the rule: " + "; ".join(refusals) + ". Slip anyway?"
        self._preview(change, question)

    def confirm_stage(self) -> None:
        """Confirm the next tentative stage of the release under the cursor: its day is
        pinned where it is (undoable with u)."""
        version = self.current_release()
        if version is None:
            return
        stage = self.session.next_tentative(version)
        if stage is None:
            self.app.set_status(f"{version}: no tentative stage ahead to confirm")
            return
        change = self.session.confirm(version, stage.key)
        if self.session.apply(change):
            self.app.plan_changed(f"{change.description} (u undoes it)")
        else:
            self.app.set_status(change.description)

    def _preview(self, change: ops.Change, question: str, *, whole: bool = False) -> None:
        """What-if: every date the change moves and every day it records (the rows of
        ``--dry-run``), then y applies it (undoable), n does not.
        First one line per release (its release day, ``+N more``); ``m`` shows every date."""
        if change.is_noop:
            self.app.set_status(change.description)
            return
        # start-up: the dialogs (~2 ms), not loaded for the first frame
        from relplan.tui.screens.dialogs import ConfirmScreen

        moves = self.session.writes(change)  # what `--dry-run` lists, row for row
        rows, folded = preview_rows(moves, whole)
        head = [
            *question.splitlines(),  # the question's own lines; outside text never breaks one
            "",
            f"{len(moves)} dates of {len({m.version for m in moves})} releases change:",
        ]
        keys = "[b]y[/b] apply (u undoes it)   [b]n[/b] cancel"
        if folded:
            keys += "   [b]m[/b] show every date"
        text = "\n".join([*(markup_safe(line) for line in head + rows), "", keys])

        def answer(key: str | None) -> None:
            if key == "y":
                self.app.apply(change)
            elif key == "m":
                self._preview(change, question, whole=True)
            else:
                self.app.set_status(f"not applied: {change.description}")

        self.app.push_screen(ConfirmScreen(text, ("y", "n", "m") if folded else ("y", "n")), answer)


def preview_rows(moves: Sequence[DateMove], whole: bool = False) -> tuple[list[str], bool]:
    """The preview's rows: per release its release day and ``(+N more)`` dates, the first
    16 releases; with ``whole`` every date of every release. Also: whether any was folded."""
    by_release: dict[str, list[DateMove]] = {}
    for m in moves:
        by_release.setdefault(m.version, []).append(m)
    rows: list[str] = []
    folded = False
    for i, (version, mine) in enumerate(by_release.items()):
        if not whole and i == 16:
            rows.append(f"… and {len(by_release) - 16} more releases")
            folded = True
            break
        main = next((m for m in mine if m.field == "release_date"), mine[0])
        shown = mine if whole else [main]
        for m in shown:
            more = f"  (+{len(mine) - 1} more)" if not whole and len(mine) > 1 else ""
            folded = folded or bool(more)
            field = "release" if m.field == "release_date" else m.field.replace("_", " ")
            rows.append(f"{version:9} {field:17} {_day_text(m.old)} -> {_day_text(m.new)}{more}")
    return rows, folded


def _day_text(value: object) -> str:
    """A date of a what-if row; a run of release candidates as its first..last day."""
    if isinstance(value, list):
        return f"{len(value)} RCs {value[0]}..{value[-1]}" if value else "no RCs"
    return str(value) if value else "-"
