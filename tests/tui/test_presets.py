"""The Items view's presets on the demo (as of 2009-08-31): exactly which items each shows.

The demo has one blocker; here items in every other state carry the flag too, so the
blockers list has to tell open blockers from proposed, deferred, done and rejected ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from planner.demo import DEMO_TODAY, demo_plan
from planner.model import Plan, State
from tui.app import RelplanApp
from tui.screens.items import ItemsScreen
from tui.widgets.item_rows import PRESETS

SIZE = (120, 40)
EXTRA_BLOCKERS = {
    "demo#rdma-migration": State.PROPOSED,
    "demo#credit-starve": State.ACCEPTED,  # an accepted fix without a target
    "demo#nand-flash": State.DEFERRED,
    "demo#vlan-per-nic": State.DONE,
    "demo#gallium-remoting": State.REJECTED,  # proposed in the demo
}


def demo_with_blockers() -> Plan:
    plan = demo_plan()
    return plan.with_items(
        replace(it, blocker=True, state=EXTRA_BLOCKERS[it.id]) if it.id in EXTRA_BLOCKERS else it
        for it in plan.items
    )


ALL = sorted(it.id for it in demo_plan().items)
EXPECTED = {
    "all": ALL,
    "untriaged": [  # proposed; gallium-remoting was rejected above
        "demo#deterministic-replay", "demo#dom0-restart", "demo#ovs-sriov",
        "demo#rdma-migration", "demo#vswitch-per-client",
    ],
    "unscheduled": [  # accepted or in progress, no target; not the proposed or deferred
        "demo#bridge-switch", "demo#credit-starve", "demo#online-resize",
    ],
    "at-risk": [  # features of 4.0.0 (frozen 2009-08-11) still open
        "demo#memory-overcommit", "demo#pv-usb-pci", "demo#remus", "demo#vga-passthrough",
    ],
    "blockers": [  # in progress, accepted, and proposed (not yet triaged away) ...
        "demo#credit-starve", "demo#pvhvm-migrate-hang", "demo#rdma-migration",
    ],  # ... never deferred (nand-flash), done (vlan-per-nic) or rejected (gallium-remoting)
    "needs-backport": [  # fixes with a branch still required or in progress
        "demo#ioreq-overflow", "demo#pvhvm-migrate-hang", "demo#s3-resume", "demo#xend-fd-leak",
    ],
}  # fmt: skip


async def test_every_preset_shows_exactly_its_items(
    screen_text: Callable[[RelplanApp], str],
) -> None:
    app = RelplanApp(demo_with_blockers(), today=DEMO_TODAY, is_demo=True)
    shown: dict[str, list[str]] = {}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        screen = app.screen
        assert isinstance(screen, ItemsScreen)
        for _ in PRESETS:  # f: the next preset, round the list
            rows = screen.rows
            shown[rows.preset] = sorted(rows.item_at(i).id for i in range(len(rows)))
            assert f"{len(rows)} of {len(ALL)} items" in screen_text(app)
            await pilot.press("f")
        assert screen.rows.preset == "all"  # round the list once
    assert set(shown) == set(PRESETS) == set(EXPECTED)
    for preset, ids in EXPECTED.items():
        assert shown[preset] == ids, preset
