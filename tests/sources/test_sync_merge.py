"""Folding tracker answers into a plan: local triage kept, conflicts, releases, the cache."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from relplan.planner.domain.model import (
    BackportState,
    Item,
    Kind,
    Plan,
    Priority,
    ReleaseKind,
    ReleaseSpec,
    State,
)
from relplan.planner.domain.policy import Policy
from relplan.planner.store.cache import (
    Cache,
    CachedConflict,
    default_cache_dir,
    item_from_row,
    item_to_row,
)
from relplan.planner.trackers.base import (
    Conditional,
    Cursor,
    FetchResult,
    SourceConfig,
    TrackerRelease,
)
from relplan.planner.trackers.sync import Fetched, identity, merge_fetched, reconcile, write_sync

B = BackportState
NOW = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
CFG = SourceConfig(name="xen", kind="redmine", url="https://t.example", project="xen")


def item(**kw: object) -> Item:
    base: dict[str, object] = {
        "id": "xen#1",
        "title": "Remus",
        "target": "4.0",
        "state": State.ACCEPTED,
    }
    return Item(**{**base, **kw})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("base", "ours", "theirs", "want", "conflict"),
    [
        ("4.0", "4.0", "4.1", "4.1", False),  # only the tracker moved: take it
        ("4.0", "4.1", "4.0", "4.1", False),  # only the plan moved: keep it
        ("4.0", "4.1", "4.1", "4.1", False),  # both moved the same way
        ("4.0", "4.1", "4.2", "4.1", True),  # both moved differently: keep ours, conflict
        (None, "4.1", "4.2", "4.1", True),  # never synced, plan decided: conflict
        (None, None, "4.2", "4.2", False),  # never synced, plan undecided: take it
    ],
)
def test_reconcile_target(
    base: str | None, ours: str | None, theirs: str | None, want: str | None, conflict: bool
) -> None:
    merged, conflicts, _ = reconcile(
        item(target=ours),
        item(target=base) if base else None,
        item(target=theirs, title="Remus (renamed)"),
    )
    assert merged.target == want and merged.title == "Remus (renamed)"
    assert bool(conflicts) == conflict
    if conflict:
        assert conflicts == [("target", ours, theirs)]


def test_reconcile_backports_per_series() -> None:
    base = item(backports={"3.4": B.REQUIRED, "3.3": B.REQUIRED})
    ours = item(backports={"3.4": B.DONE, "3.3": B.REQUIRED, "3.2": B.DONTNEED})
    theirs = item(backports={"3.4": B.WONTFIX, "3.3": B.DONE})
    merged, conflicts, agreed = reconcile(ours, base, theirs)
    assert dict(merged.backports) == {"3.4": B.DONE, "3.3": B.DONE, "3.2": B.DONTNEED}
    assert conflicts == [("backports.3.4", B.DONE, B.WONTFIX)]
    assert "backports.3.3" in agreed


def test_reconcile_takes_data_fields_and_keeps_why() -> None:
    ours = item(why="laid by relplan", priority=Priority.HIGH)
    merged, _, _ = reconcile(ours, item(), item(title="New", owner="keir", url="u"))
    assert (merged.title, merged.owner, merged.url) == ("New", "keir", "u")
    assert merged.why == "laid by relplan" and merged.priority is Priority.HIGH


def _fetched(
    items: list[Item],
    base: dict[str, Item] | None = None,
    complete: bool = True,
    releases: tuple[TrackerRelease, ...] = (),
) -> Fetched:
    result = FetchResult(
        "xen",
        tuple(items),
        releases,
        Cursor("2026-03-01T00:00:00Z", {"v": Conditional('"e"', "{}")}),
        complete,
        requests=3,
    )
    return Fetched(CFG, result, base or {}, identity(CFG))


def test_merge_adds_releases_and_items_but_never_replaces_local_specs() -> None:
    local_40 = ReleaseSpec("4.0", pins={"release": dt.date(2010, 2, 2)})
    plan = Plan("p", Policy(), (local_40,), (item(id="local#1"),))
    releases = (
        TrackerRelease("Xen 3.4", "3.4", due=dt.date(2009, 5, 18), closed=True),
        TrackerRelease("4.0", "4.0", due=dt.date(2010, 1, 15)),
        TrackerRelease("4.0.1", "4.0.1", due=dt.date(2010, 3, 1)),
        TrackerRelease("Someday", None),
    )
    result = merge_fetched(plan, [_fetched([item(id="xen#7")], releases=releases)], now=NOW)
    assert result.outcomes[0].releases_added == ["3.4", "4.0.1"]
    spec34, spec401 = result.plan.spec("3.4"), result.plan.spec("4.0.1")
    assert spec34.actual == dt.date(2009, 5, 18) and spec34.codename == "Xen 3.4"
    assert spec401.kind is ReleaseKind.MAINTENANCE
    assert spec401.pins == {"release": dt.date(2010, 3, 1)}
    assert result.plan.spec("4.0") == local_40  # the plan's own spec stays as it was
    assert [i.id for i in result.plan.items] == ["local#1", "xen#7"]
    assert result.plan_changed


def test_cache_records_a_sync_atomically_and_keeps_conflicts(tmp_path: Path) -> None:
    conflict = CachedConflict("xen", "xen#1", "target", "4.1", "4.2", NOW)
    f = _fetched([item(), item(id="xen#2", backports={"4.0": B.REQUIRED})])
    result = merge_fetched(Plan("p", Policy()), [f], now=NOW)
    result.outcomes[0].conflicts.append(conflict)
    saved: list[Plan] = []
    with Cache.open(tmp_path) as cache:
        write_sync(result, cache, saved.append, now=NOW)
        assert [c.item for c in cache.conflicts()] == ["xen#1"]
        assert cache.item_map("xen") == {i.id: i for i in f.result.items}
        assert cache.cursor("xen", identity(CFG)) == f.result.cursor
        assert cache.cursor("xen", "other identity") == Cursor()
        [status] = cache.statuses()
        assert (status.items, status.changed, status.requests, status.conflicts) == (2, 2, 3, 1)
        assert status.age(NOW + dt.timedelta(hours=2)) == dt.timedelta(hours=2)

        def failing_save(plan: Plan) -> None:
            raise OSError("disk full")

        later = merge_fetched(Plan("p", Policy()), [_fetched([item(id="xen#3")])], now=NOW)
        with pytest.raises(OSError):
            write_sync(later, cache, failing_save, now=NOW)
        assert sorted(cache.item_map("xen")) == ["xen#1", "xen#2"]  # rolled back
    assert len(saved) == 1


def test_item_rows_round_trip() -> None:
    full = item(
        labels=("a", "b"),
        url="u",
        owner="o",
        why="w",
        blocker=True,
        estimate_days=3,
        depends_on=("xen#2",),
        fix_commits=("abc123",),
        kind=Kind.SECURITY,
        backports={"3.4": B.IN_PROGRESS},
        updated=NOW,
    )
    assert item_from_row(item_to_row(full)) == full
    assert item_from_row(item_to_row(item())) == item()


def test_cache_dir_honours_xdg(tmp_path: Path) -> None:
    assert default_cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "relplan"
    assert default_cache_dir({"XDG_CACHE_HOME": "relative"}) == Path.home() / ".cache/relplan"
    assert default_cache_dir({}) == Path.home() / ".cache" / "relplan"


def test_an_unchanged_result_is_saved_only_when_asked(tmp_path: Path) -> None:
    result = merge_fetched(Plan("p", Policy()), [_fetched([])], now=NOW)
    assert not result.plan_changed
    saved: list[Plan] = []
    with Cache.open(tmp_path) as cache:
        write_sync(result, cache, saved.append, now=NOW)
        assert saved == []
        write_sync(result, cache, saved.append, now=NOW, always_save=True)
    assert saved == [result.plan]


def test_a_full_fetch_warns_about_plan_items_gone_from_the_tracker() -> None:
    plan = Plan("p", Policy()).with_items([item(id="xen#1"), item(id="xen#2"), item(id="git#2")])
    full = merge_fetched(plan, [_fetched([item(id="xen#1")])], now=NOW)
    [warning] = full.outcomes[0].warnings
    assert "1 item(s) of the plan are no longer in the tracker: xen#2" in str(warning)
    assert [i.id for i in full.plan.items] == ["xen#1", "xen#2", "git#2"]  # kept
    partial = merge_fetched(plan, [_fetched([item(id="xen#1")], complete=False)], now=NOW)
    assert partial.outcomes[0].warnings == ()
