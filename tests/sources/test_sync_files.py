"""A `kind = "file"` source syncs like `relplan import`: through the config, into the plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from relplan.planner.domain.model import Plan, State
from relplan.planner.domain.policy import Policy
from relplan.planner.store.configfile import load_config
from relplan.planner.trackers.sync import last_syncs, sync_from_config


def test_a_file_source_merges_its_items_keeping_local_triage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "wish.md").write_text(
        "Xen 4.0 roadmap:\n- RDMA live migration\n- VGA pass-through [bug]\n"
    )
    config_path = tmp_path / "relplan.config.toml"
    config_path.write_text('[[sources]]\nname = "wish"\nkind = "file"\npath = "wish.md"\n')
    config = load_config(config_path)
    saved: list[Plan] = []
    result = sync_from_config(Plan("p", Policy()), config, saved.append, create=True)
    [plan] = saved
    assert sorted(it.title for it in plan.items) == ["RDMA live migration", "VGA pass-through"]
    assert all(it.id.startswith("wish#") for it in plan.items)
    assert result.outcomes[0].added and result.outcomes[0].name == "wish"

    accepted = plan.with_items([it if "RDMA" not in it.title else _accept(it) for it in plan.items])
    again = sync_from_config(accepted, config, saved.append)
    assert not again.plan_changed and len(saved) == 1
    assert last_syncs(config) == []  # file sources keep nothing in the tracker cache


def _accept(item):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    return replace(item, state=State.ACCEPTED, target="4.0")
