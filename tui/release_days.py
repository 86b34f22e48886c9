"""Release days from the dashboard: record that a release shipped, slip it, with a
what-if preview of every date that moves before anything changes; confirm a
tentative stage of its freeze ladder in one key. Part of
:class:`relplan.tui.app.RelplanApp`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App

from relplan.planner.domain import ops

if TYPE_CHECKING:
    from relplan.planner.domain.releases import DateMove
    from relplan.planner.usecases.session import Session
    from relplan.tui.screens.base import ViewScreen


class ReleaseDaysMixin(App[None]):
    """``S`` ships, ``L`` slips the release under the cursor (timeline, release view), ``C``
    confirms its next tentative stage."""

    session: Session

    if TYPE_CHECKING:  # provided by RelplanApp

        @property
        def view(self) -> ViewScreen | None: ...

        def set_status(self, text: str) -> None: ...

        def apply(self, change: ops.Change) -> None: ...

        def plan_changed(self, description: str) -> None: ...

    def _release_under_cursor(self) -> str | None:
        version = self.view.current_release() if self.view is not None else None
        if version is None:
            self.set_status("no release under the cursor")
        return version

    def action_ship(self) -> None:
        version = self._release_under_cursor()
        if version is None:
            return
        from relplan.tui.screens.dialogs import PathScreen

        question = f"{version} shipped on (YYYY-MM-DD):"
        today = self.session.today.isoformat()
        self.push_screen(
            PathScreen(question, today, "YYYY-MM-DD"), lambda text: self._ship(version, text)
        )

    def _ship(self, version: str, text: str | None) -> None:
        from relplan.planner.domain.errors import RelplanError
        from relplan.planner.usecases.session import parse_day

        if text is None:
            self.set_status("not shipped")
            return
        try:
            day = parse_day(text, "day")
            # The rules ship refuses on the command line (without --force) are asked here.
            refusals = self.session.ship_refusals(version, day)
            change = self.session.ship(version, day, force=True)
        except RelplanError as exc:
            self.set_status(f"not shipped: {exc.problems[0]}")
            return
        question = f"Record that {version} shipped on {text}?"
        if refusals:
            question += "\nAgainst the rule: " + "; ".join(refusals) + ". Ship anyway?"
        self._preview(change, question)

    def action_slip(self) -> None:
        version = self._release_under_cursor()
        if version is None:
            return
        from relplan.tui.screens.dialogs import PathScreen

        day = self.session.release(version).day
        question = f"Slip {version} (now {day}) to a day, or by +N[d|w] / -N[d|w]:"
        self.push_screen(
            PathScreen(question, "+1w", "YYYY-MM-DD or +2w"), lambda text: self._slip(version, text)
        )

    def _slip(self, version: str, text: str | None) -> None:
        from relplan.planner.domain.errors import RelplanError
        from relplan.planner.domain.releases import parse_shift
        from relplan.planner.usecases.session import parse_day

        if not text:
            self.set_status("not slipped")
            return
        try:
            if text.strip()[:1] in "+-" or text.strip()[-1:] in "dw":
                change = self.session.slip(version, by=parse_shift(text.lstrip("+")))
            else:
                change = self.session.slip(version, to=parse_day(text.strip(), "day"))
        except RelplanError as exc:
            self.set_status(f"not slipped: {exc.problems[0]}")
            return
        new_day = change.plan.spec(version)
        to = new_day.pins.get("release") if new_day is not None else None
        self._preview(change, f"Slip {version} from {self.session.release(version).day} to {to}?")

    def action_confirm_stage(self) -> None:
        """Confirm the next tentative stage of the release under the cursor: its day is
        pinned where it is (undoable with u)."""
        version = self._release_under_cursor()
        if version is None:
            return
        stage = self.session.next_tentative(version)
        if stage is None:
            self.set_status(f"{version}: no tentative stage ahead to confirm")
            return
        change = self.session.confirm(version, stage.key)
        if self.session.apply(change):
            self.plan_changed(f"{change.description} (u undoes it)")
        else:
            self.set_status(change.description)

    def _preview(self, change: ops.Change, question: str) -> None:
        """What-if: every date the change moves, then y applies it (undoable), n does not."""
        if change.is_noop:
            self.set_status(change.description)
            return
        from relplan.tui.screens.dialogs import ConfirmScreen

        moves = self.session.what_if(change)
        by_release: dict[str, list[DateMove]] = {}
        for m in moves:
            by_release.setdefault(m.version, []).append(m)
        lines = [f"{question}\n", f"{len(moves)} dates of {len(by_release)} releases move:"]
        for version, mine in list(by_release.items())[:16]:
            main = next((m for m in mine if m.field == "release_date"), mine[0])
            more = f"  (+{len(mine) - 1} more)" if len(mine) > 1 else ""
            field = "release" if main.field == "release_date" else main.field.replace("_", " ")
            lines.append(
                f"{version:9} {field:17} {_day_text(main.old)} -> {_day_text(main.new)}{more}"
            )
        if len(by_release) > 16:
            lines.append(f"… and {len(by_release) - 16} more releases (relplan slip --dry-run)")
        lines.append("\n[b]y[/b] apply (u undoes it)   [b]n[/b] cancel")

        def answer(key: str | None) -> None:
            if key == "y":
                self.apply(change)
            else:
                self.set_status(f"not applied: {change.description}")

        from relplan.tui.widgets.safe import markup_safe

        text = "\n".join(markup_safe(line) if "[b]" not in line else line for line in lines)
        self.push_screen(ConfirmScreen(text, ("y", "n")), answer)


def _day_text(value: object) -> str:
    """A date of a what-if row; a run of release candidates as its first..last day."""
    if isinstance(value, list):
        return f"{len(value)} RCs {value[0]}..{value[-1]}" if value else "no RCs"
    return str(value) if value else "-"
