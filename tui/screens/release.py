"""The Release view: stabilization panel, the release's items, its backport matrix."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from planner.model import Item, Release
from planner.status import ReleaseStatus
from tui.palette import PHASE_COLOURS
from tui.screens.backports import MatrixScreen
from tui.widgets.backport_matrix import BackportMatrix
from tui.widgets.item_list import ItemHeader, ItemList
from tui.widgets.item_rows import ItemRows


def _milestones(release: Release) -> str:
    """Milestone dates on one line; a long run of release candidates is summarised."""
    named = [(n, d) for n, d in release.milestones() if not n.startswith("rc")]
    rcs = release.rcs
    if len(rcs) > 3:
        rc_text = f"rc1..rc{len(rcs)} {rcs[0]}..{rcs[-1]}"
    else:
        rc_text = "  ".join(f"rc{i} {d}" for i, d in enumerate(rcs, start=1))
    parts = [f"{n} {d}" for n, d in named if n != "release"]
    if rc_text:
        parts.append(rc_text)
    parts.append(f"release {release.day}")
    return "  ".join(parts)


def panel_text(release: Release, status: ReleaseStatus) -> str:
    """The stabilization panel as console markup."""
    colour = PHASE_COLOURS[status.phase]
    verdict = {"go": "[b green]GO[/]", "no-go": "[b red]NO-GO[/]"}.get(
        status.verdict, f"[b]{status.verdict.upper()}[/]"
    )
    lines = [
        f"[b]{release.version}[/b] ({release.kind.value}, branch {release.branch or '-'})  "
        f"phase [{colour}]{status.phase.value}[/]   verdict {verdict}",
    ]
    if status.next_milestone:
        days = status.days_to_next
        lines.append(
            f"next: {status.next_milestone} on {status.next_date} "
            f"(in {days} day{'' if days == 1 else 's'})"
        )
    lines.append("milestones: " + _milestones(release))
    blockers = escape(", ".join(status.blockers_open)) or "none"
    late = escape(", ".join(status.features_open_after_freeze)) or "none"
    lines.append(
        f"items: {status.items_done}/{status.items_total} done   open blockers: {blockers}"
    )
    lines.append(f"features open after freeze: {late}")
    if status.owners:
        load = ", ".join(f"{escape(name)} {n}" for name, n in list(status.owners.items())[:6])
        lines.append(f"open work by owner: {load}")
    lines.extend(f"  [yellow]· over capacity: {escape(c)}[/]" for c in status.over_capacity)
    # Blockers and late features have their own lines above; the other reasons follow.
    shown = ("open blocker(s):", "still open after the freeze:")
    lines.extend(
        f"  · {escape(reason)}"
        for reason in status.reasons
        if not any(mark in reason for mark in shown)
    )
    return "\n".join(lines)


class ReleaseScreen(MatrixScreen):
    """One release: is it on track, what is in it, which fixes still need backporting."""

    AUTO_FOCUS = "ItemList"
    view_name = "release"
    has_items = True
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="release_back")]

    def __init__(self, version: str) -> None:
        super().__init__()
        self.version = version
        self.view_name = f"release {version}"
        self.rows = ItemRows()

    def compose_body(self) -> ComposeResult:
        yield Static(id="panel")
        yield ItemHeader(id="header")
        yield ItemList(self.rows, id="release-items")
        yield BackportMatrix(id="release-matrix")
        yield Static(id="evidence", markup=False)

    def plan_shown(self) -> None:
        session = self.session
        release = session.release(self.version)
        status = session.status(self.version)
        self.query_one("#panel", Static).update(panel_text(release, status))
        mine = [it for it in session.plan.items if it.target == self.version]
        items = self.query_one(ItemList)
        keep = items.current
        self.rows.set_items(
            mine, at_risk=lambda: session.at_risk(), release_order=session.release_order()
        )
        items.reload(keep.id if keep else None)
        self.query_one(ItemHeader).show(items.row_width or self.size.width, None, False)
        series = list(status.backports) or session.maintained_series()
        fixes = [it for it in mine if it.kind.is_fix]
        # what git says this release's branches still need, whether or not an item names it
        fixes += [g for g in session.git_items() if set(g.backports) & set(status.backports)]
        self.show_matrix(fixes, series)

    def selection(self) -> set[str]:
        return self.query_one(ItemList).selection()

    def hidden_marks(self) -> int:
        return self.query_one(ItemList).hidden_marks()

    def selection_used(self) -> None:
        self.query_one(ItemList).clear_marks()

    def current_item(self) -> Item | None:
        return self.query_one(ItemList).current

    def current_release(self) -> str | None:
        return self.version

    def on_item_list_resized(self, event: ItemList.Resized) -> None:
        self.query_one(ItemHeader).show(event.width, None, False)
