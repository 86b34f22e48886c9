"""The Release view: stabilization panel, the release's items, its backport matrix."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from relplan.planner.domain.model import Item, Release
from relplan.planner.domain.schedule import RungState, rung_state
from relplan.planner.domain.stages import ACCEPTS_TEXT, Stage, is_rc
from relplan.planner.domain.status import ReleaseStatus
from relplan.tui.screens.backports import MatrixScreen
from relplan.tui.widgets.backport_matrix import BackportMatrix
from relplan.tui.widgets.item_list import ItemHeader, ItemList
from relplan.tui.widgets.item_rows import ItemRows
from relplan.tui.widgets.safe import markup_safe

_MARKS = {RungState.PASSED: "✓ ", RungState.LATE: "✗ ", RungState.ABANDONED: "✗ "}


def _rung(release: Release, stage: Stage, today: dt.date, first: Stage | None = None) -> str:
    """One rung (or a run from ``first`` to ``stage``): ``✓`` it happened, ``✗`` a release
    day behind us without a shipment (``late 11d``), ``~`` a tentative day ahead; the
    state is the planner's (:func:`relplan.planner.domain.schedule.rung_state`)."""
    rung = rung_state(release, stage.key, stage.day, today)
    mark = _MARKS.get(rung.state, "")
    tilde = "~" if stage.tentative and rung.state is RungState.AHEAD else ""
    after = {RungState.LATE: f" late {rung.days_late}d", RungState.ABANDONED: " abandoned"}
    tail = after.get(rung.state, "")
    if first is None:
        return f"{mark}{stage.name} {tilde}{stage.day}{tail}"
    return f"{mark}{first.name}..{stage.name} {tilde}{first.day}..{stage.day}{tail}"


def ladder_text(release: Release, stages: Sequence[Stage], today: dt.date) -> str:
    """The rungs of ``release``'s ladder on one line, marked as :func:`_rung` says;
    a run of more than three release candidates alike is summarised."""
    dated = [s for s in stages if s.day is not None]

    def alike(stage: Stage) -> tuple[RungState, bool]:
        return rung_state(release, stage.key, stage.day, today).state, stage.tentative

    parts: list[str] = []
    i = 0
    while i < len(dated):
        j = i
        while (
            j + 1 < len(dated)
            and is_rc(dated[i].key)
            and is_rc(dated[j + 1].key)
            and alike(dated[j + 1]) == alike(dated[i])
        ):
            j += 1
        parts.append(_rung(release, dated[j], today, dated[i] if j - i >= 3 else None))
        if 0 < j - i < 3:
            parts[-1:] = [_rung(release, s, today) for s in dated[i : j + 1]]
        i = j + 1
    return "  ".join(parts)


def panel_text(
    release: Release,
    status: ReleaseStatus,
    stages: Sequence[Stage],
    today: dt.date,
    backports: str | None = None,
) -> str:
    """The stabilization panel as console markup: ``stages`` are the release's ladder
    (:meth:`relplan.planner.usecases.session.Session.stages`), passed ones marked as of
    ``today``; ``backports`` what git says the branch still misses and whether it applies
    (:meth:`relplan.planner.usecases.session.Session.backport_summary`)."""
    colour = f"$phase-{status.phase.value}"  # a theme variable (relplan.tui.palette)
    verdict = {"go": "[b $success]GO[/]", "no-go": "[b $error]NO-GO[/]"}.get(
        status.verdict, f"[b]{status.verdict.upper()}[/]"
    )
    lines = [
        f"[b]{markup_safe(release.version)}[/b] ({release.kind.value}, "
        f"branch {markup_safe(release.branch or '-')})  "
        f"phase [{colour}]{status.phase.value}[/]   verdict {verdict}",
    ]
    if status.next_milestone:
        days = status.days_to_next
        lines.append(
            f"next: {status.next_milestone} on {status.next_date} "
            f"(in {days} day{'' if days == 1 else 's'})"
        )
    if status.stage and status.accepts:
        since = f" since {status.stage_since}" if status.stage_since else ""
        lines.append(
            f"stage: [b]{markup_safe(status.stage)}[/b]{since}: {ACCEPTS_TEXT[status.accepts]}"
        )
    lines.append("ladder: " + markup_safe(ladder_text(release, stages, today)))
    blockers = markup_safe(", ".join(status.blockers_open)) or "none"
    late = markup_safe(", ".join(status.features_open_after_freeze)) or "none"
    lines.append(
        f"items: {status.items_done}/{status.items_total} done   open blockers: {blockers}"
    )
    lines.append(f"features open after freeze: {late}")
    if backports is not None:
        lines.append(
            f"backports to {markup_safe(release.branch or release.series)}: "
            f"{markup_safe(backports)}"
        )
    if status.owners:
        load = ", ".join(f"{markup_safe(name)} {n}" for name, n in list(status.owners.items())[:6])
        lines.append(f"open work by owner: {load}")
    lines.extend(f"  [$warning]· over capacity: {markup_safe(c)}[/]" for c in status.over_capacity)
    # Blockers and late features have their own lines above; the other reasons follow.
    shown = ("open blocker(s):", "still open after the freeze:")
    lines.extend(
        f"  · {markup_safe(reason)}"
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
        stages = session.stages(self.version)
        summary = session.backport_summary(self.version)
        self.query_one("#panel", Static).update(
            panel_text(release, status, stages, session.today, summary)
        )
        mine = [it for it in session.plan.items if it.target == self.version]
        items = self.query_one(ItemList)
        keep = items.current
        self.rows.set_items(
            mine,
            at_risk=lambda: session.at_risk(),
            needing=lambda: session.needing_backport(),
            release_order=session.release_order(),
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

    def on_item_list_marked(self, event: ItemList.Marked) -> None:
        if event.by_key:
            self.say_marks(len(self.query_one(ItemList).marked))

    async def on_item_list_opened(self, event: ItemList.Opened) -> None:
        """Enter on an item: its details (the release it targets is this one)."""
        await self.app.run_action("triage('details')")

    def on_item_list_resized(self, event: ItemList.Resized) -> None:
        self.query_one(ItemHeader).show(event.width, None, False)
