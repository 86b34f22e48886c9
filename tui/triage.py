"""Triage from any view: the one place for the actions the views share.

Every view says what triage applies to (:meth:`ViewScreen.selection`, the item or
release under the cursor); these actions ask the session for one undoable change on
it, through the app's :meth:`~relplan.tui.app.RelplanApp.apply` (the undo model: every
change recorded in the session's history, ``u`` reverts it). Bindings name them as
``triage('<action>')``; :meth:`Triage.available` says which a view offers.

Targets, backport marks and the ``n``/``E`` forms are assembled by the use case the
command line's ``set``/``add``/``edit`` call (:mod:`relplan.planner.usecases.edits`): the
same parsing, the same guard rails. A change that crosses one is confirmed first, naming
the rule (the CLI refuses the same unless ``--force``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from relplan.planner.domain import ops
from relplan.planner.domain.calendar import phase_on
from relplan.planner.domain.errors import RelplanError
from relplan.planner.domain.model import BackportState, Item, Priority
from relplan.planner.usecases import edits
from relplan.tui.host import OnScreen
from relplan.tui.release_days import ReleaseDays
from relplan.tui.widgets.safe import markup_safe

if TYPE_CHECKING:
    from relplan.planner.usecases.session import Session
    from relplan.tui.host import TriageHost

#: Actions that are one session use case on the view's items, no question asked.
ON_SELECTION: Mapping[str, Callable[[Session, set[str]], ops.Change]] = {
    "accept": lambda session, ids: ops.accept(session.plan, ids),
    "defer": lambda session, ids: ops.defer(session.plan, ids),
    "reject": lambda session, ids: ops.reject(session.plan, ids),
    "blocker": lambda session, ids: ops.toggle_blocker(session.plan, ids),
    "next": lambda session, ids: ops.move(session.plan, ids, session.train(), session.today, 1),
    "prev": lambda session, ids: ops.move(session.plan, ids, session.train(), session.today, -1),
}
#: Actions on the view's items (marked, or the one under the cursor).
ON_ITEMS = frozenset(ON_SELECTION) | {
    "priority", "backport", "target", "details", "open_link", "edit_item",
}  # fmt: skip
#: Actions on the release under the cursor.
ON_RELEASE = frozenset({"ship", "slip", "confirm_stage"})
#: Every action a binding may name as ``triage('<name>')``.
ACTIONS = ON_ITEMS | ON_RELEASE | {"new_item"}


class Triage(OnScreen):
    """The triage actions of the dashboard over the view on screen (see the module)."""

    def __init__(self, app: TriageHost) -> None:
        super().__init__(app)
        self.days = ReleaseDays(app)

    def available(self, name: str) -> bool:
        """Whether the view on screen offers the action (its key is dimmed when not)."""
        view = self.view
        if name in ON_RELEASE:
            return view is not None and view.current_release() is not None
        if name in ON_ITEMS:
            return bool(view is not None and getattr(view, "has_items", False))
        return name in ACTIONS

    def run(self, name: str) -> None:
        """Run one action by name."""
        if name not in ACTIONS:
            raise ValueError(f"no triage action {name!r}")
        if name in ON_RELEASE:
            getattr(self.days, name)()
        elif name in ON_SELECTION:
            self._run(lambda ids: ON_SELECTION[name](self.session, ids))
        else:
            getattr(self, name)()

    def _selected(self) -> set[str]:
        return self.view.selection() if self.view is not None else set()

    def _run(self, op: Callable[[set[str]], ops.Change]) -> None:
        ids = self._selected()
        if not ids:
            self.app.set_status("no item selected")
            return
        self._apply_to_selection(op(ids))

    def _apply_to_selection(self, change: ops.Change) -> None:
        """Apply a triage change made from the view's selection; the marks end with it."""
        view = self.view
        hidden = view.hidden_marks() if view is not None else 0
        self.app.apply(change)
        if view is not None:
            view.selection_used()
        if hidden:
            left = f"{hidden} marked item{'s' if hidden > 1 else ''} hidden by the filter"
            self.app.set_status(f"{self.app.status_text}; {left} left alone (marks cleared)")

    def _shared(self, ids: set[str], value: Callable[[Item], str | None]) -> str | None:
        """The value the selected items share (the dialog opens on it), or None."""
        found = {value(it) for it in self.session.plan.items if it.id in ids}
        return found.pop() if len(found) == 1 else None

    def priority(self) -> None:
        choices = [(p.value, p.value) for p in Priority]
        current = self._shared(self._selected(), lambda it: it.priority.value)

        def then(value: str, ids: set[str]) -> None:
            self._apply_to_selection(ops.set_priority(self.session.plan, ids, Priority(value)))

        self._ask("Priority for the selected item(s)", choices, then, current=current)

    def target(self) -> None:
        ids, today = self._selected(), self.session.today
        choices = []
        for r in self.session.target_choices():
            asks = " ⚠ asks" if edits.target_refusals(self.session, ids, r.version) else ""
            phase = phase_on(r, today).value
            choices.append((r.version, f"{r.version:10} {phase:13} {r.day}{asks}"))
        choices.append(("-", "unscheduled (no target)"))
        current = self._shared(ids, lambda it: it.target or "-")
        self._ask(
            "Target release for the selected item(s)", choices, self._set_target, current=current
        )

    def _set_target(self, value: str, ids: set[str]) -> None:
        self._set_fields(ids, f"Target {value} anyway?", target=value)

    def _set_fields(self, ids: set[str], question: str, **fields: Any) -> None:
        """What ``relplan set`` does with the same fields (:func:`edits.set_fields`), on the
        selection; a guard rail it crosses is asked, a problem said on the status line."""
        try:
            edit = edits.set_fields(self.session, ids, **fields)
        except RelplanError as exc:  # an item gone since it was marked (undone, reloaded)
            self.app.set_status(f"not changed: {exc.problems[0]}")
            return
        self._confirmed(edit, question, self._apply_to_selection)

    def _confirmed(
        self, edit: edits.Edit, question: str, apply: Callable[[ops.Change], None]
    ) -> None:
        """Apply an edit the use case assembled; one that crosses a guard rail is asked."""
        self.confirm_rules(edit.refusals, question, lambda: apply(edit.change))

    def confirm_rules(
        self, refusals: Collection[edits.Refusal], question: str, then: Callable[[], None]
    ) -> None:
        """Run ``then`` at once when no guard rail is crossed; else name each rule and the
        items it stops, and run it on y only (the CLI wants --force for the same)."""
        if not refusals:
            then()
            return
        # start-up: the dialogs (~2 ms), not loaded for the first frame
        from relplan.tui.screens.dialogs import ConfirmScreen

        lines = [markup_safe(question), ""]
        for refusal in refusals:
            item_ids = refusal.ids
            shown = ", ".join(item_ids[:4]) + (
                f" +{len(item_ids) - 4}" if len(item_ids) > 4 else ""
            )
            lines.append(markup_safe(f"· {refusal.rule}" + (f" ({shown})" if shown else "")))
        lines += ["", "[b]y[/b] do it anyway (u undoes it)   [b]n[/b] cancel"]

        def answer(key: str | None) -> None:
            if key == "y":
                then()
            else:
                self.app.set_status("not changed: " + "; ".join(r.rule for r in refusals))

        self.app.push_screen(ConfirmScreen("\n".join(lines), ("y", "n")), answer)

    def backport(self, series: str | None = None) -> None:
        if series is None:
            branches = [
                (b.series, f"{b.series} ({b.name})") for b in self.session.maintained_branches()
            ]
            if not branches:
                self.app.set_status("no maintained branch to backport to")
                return
            self._ask("Backport to which branch?", branches, self._ask_backport_state)
        else:
            self._ask_backport_state(series, self._selected())

    def edit_backport(self, item_id: str, series: str) -> None:
        """Ask for the backport state of one fix on one branch."""
        self._ask_backport_state(series, {item_id})

    def _ask_backport_state(self, series: str, ids: set[str]) -> None:
        choices = [(s.value, s.value) for s in BackportState]

        def done(value: str, ids: set[str]) -> None:
            question = f"Mark {value} on {series}?"
            self._set_fields(ids, question, backports=[f"{series}={value}"])

        current = self._shared(
            ids, lambda it: (it.backports.get(series) or BackportState.UNKNOWN).value
        )
        self._ask(f"Backport state on {series}", choices, done, ids, current=current)

    def _ask(
        self,
        question: str,
        choices: Sequence[tuple[str, str]],
        then: Callable[[str, set[str]], None],
        ids: set[str] | None = None,
        current: str | None = None,
    ) -> None:
        chosen = self._selected() if ids is None else ids
        if not chosen:
            self.app.set_status("no item selected")
            return
        # start-up: the dialogs (~2 ms), not loaded for the first frame
        from relplan.tui.screens.dialogs import ChoiceScreen

        def answer(value: str | None) -> None:
            if value is not None:
                then(value, chosen)

        self.app.push_screen(ChoiceScreen(question, choices, current), answer)

    def details(self) -> None:
        item = self.current_item()
        if item is None:
            return
        # start-up: the item screens (~4 ms), not loaded for the first frame
        from relplan.tui.screens.item import ItemScreen

        def then(what: str | None) -> None:
            if what == "open":
                self._open_link(item)
            elif what == "edit":
                self._edit(item)

        self.app.push_screen(ItemScreen(self.session, item), then)

    def open_link(self) -> None:
        item = self.current_item()
        if item is not None:
            self._open_link(item)

    def _open_link(self, item: Item) -> None:
        if not item.url:
            self.app.set_status(f"{item.id} has no tracker link (E edits it)")
            return
        self.app.open_url(item.url)
        self.app.set_status(f"opened {item.url}")

    def new_item(self) -> None:
        # start-up: the item screens (~4 ms), not loaded for the first frame
        from relplan.tui.screens.item import ItemForm

        defaults = {"kind": "feature", "priority": "medium", "state": "proposed"}

        def then(edit: edits.Edit | None) -> None:
            if edit is None:
                self.app.set_status("no item added")
            else:
                self._form_done(edit)

        assemble = lambda texts: edits.add_item(self.session, texts)  # noqa: E731
        self.app.push_screen(ItemForm("New item", defaults, assemble), then)

    def edit_item(self) -> None:
        item = self.current_item()
        if item is not None:
            self._edit(item)

    def _edit(self, item: Item) -> None:
        # start-up: the item screens (~4 ms), not loaded for the first frame
        from relplan.tui.screens.item import ItemForm

        def then(edit: edits.Edit | None) -> None:
            if edit is None:
                self.app.set_status(f"{item.id} not changed")
            else:
                self._form_done(edit)

        assemble = lambda texts: edits.edit_item(self.session, item.id, texts)  # noqa: E731
        self.app.push_screen(ItemForm(f"Edit {item.id}", ops.item_texts(item), assemble), then)

    def _form_done(self, edit: edits.Edit) -> None:
        """Apply what a form assembled (:mod:`relplan.planner.usecases.edits`, as ``relplan
        add``/``edit``); a new target that crosses a guard rail is confirmed first."""
        [item_id] = edit.change.changed or ("",)
        item = edit.change.plan.item(item_id)
        self._confirmed(edit, f"Target {item.target if item else '-'} anyway?", self.app.apply)
