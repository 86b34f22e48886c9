"""Actions on one item from any view that has one under the cursor: its details, its
tracker page, a form to add or edit it. Part of :class:`relplan.tui.app.RelplanApp`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from textual.app import App

from relplan.planner.domain import ops
from relplan.planner.domain.model import Item

if TYPE_CHECKING:
    from relplan.planner.usecases.session import Session
    from relplan.tui.screens.base import ViewScreen


class ItemActionsMixin(App[None]):
    """``i`` details, ``o`` open the tracker page, ``n`` new item, ``E`` edit item."""

    session: Session

    if TYPE_CHECKING:  # provided by RelplanApp

        @property
        def view(self) -> ViewScreen | None: ...

        def set_status(self, text: str) -> None: ...

        def apply(self, change: ops.Change) -> None: ...

        def confirm_rules(
            self, refusals: dict[str, list[str]], question: str, then: Callable[[], None]
        ) -> None: ...

    def _current_item(self) -> Item | None:
        item = self.view.current_item() if self.view is not None else None
        if item is None:
            self.set_status("no item under the cursor")
        return item

    def action_details(self) -> None:
        item = self._current_item()
        if item is None:
            return
        from relplan.tui.screens.item import ItemScreen

        def then(what: str | None) -> None:
            if what == "open":
                self._open_link(item)
            elif what == "edit":
                self._edit(item)

        self.push_screen(ItemScreen(self.session, item), then)

    def action_open_link(self) -> None:
        item = self._current_item()
        if item is not None:
            self._open_link(item)

    def _open_link(self, item: Item) -> None:
        if not item.url:
            self.set_status(f"{item.id} has no tracker link (E edits it)")
            return
        self.open_url(item.url)
        self.set_status(f"opened {item.url}")

    def action_new_item(self) -> None:
        from relplan.tui.screens.item import ItemForm

        defaults = {"kind": "feature", "priority": "medium", "state": "proposed"}
        versions = [r.version for r in self.session.train()]

        def then(fields: dict[str, object] | None) -> None:
            if fields is None:
                self.set_status("no item added")
                return
            title = str(fields["title"])
            item = Item(ops.new_item_id(self.session.plan, title), title)
            new = replace(item, **fields)  # type: ignore[arg-type]
            self._guarded(replace(new, target=None), new.target, ops.add(self.session.plan, new))

        self.push_screen(ItemForm("New item", defaults, versions), then)

    def action_edit_item(self) -> None:
        item = self._current_item()
        if item is not None:
            self._edit(item)

    def _edit(self, item: Item) -> None:
        from relplan.tui.screens.item import ItemForm

        versions = [r.version for r in self.session.train()]

        def then(fields: dict[str, object] | None) -> None:
            if fields is None:
                self.set_status(f"{item.id} not changed")
                return
            change = ops.edit(self.session.plan, item.id, **fields)
            edited = change.plan.item(item.id)
            target = edited.target if edited is not None else None
            kind = edited.kind if edited is not None else item.kind
            self._guarded(replace(item, kind=kind), target, change)

        self.push_screen(ItemForm(f"Edit {item.id}", ops.item_texts(item), versions), then)

    def _guarded(self, before: Item, target: str | None, change: ops.Change) -> None:
        """Apply a form's change; a new target that crosses a guard rail
        (:func:`relplan.planner.domain.rules.target_refusal`) is confirmed first."""
        from relplan.planner.domain.rules import target_refusal

        refusals: dict[str, list[str]] = {}
        if target and target != before.target:
            why = target_refusal(before, self.session.release(target), self.session.today)
            if why is not None:
                refusals[why] = [before.id]
        self.confirm_rules(refusals, f"Target {target} anyway?", lambda: self.apply(change))
