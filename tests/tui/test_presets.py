"""The Items view's presets on the demo (as of 2009-08-31): exactly which items each shows.

The demo has one blocker; here items in every other state carry the flag too, so the
blockers list has to tell open blockers (whatever their triage state) from done and
rejected ones. The dashboard shows the plan laid onto the train, so accepted work has a
target when it opens; one item is made unscheduled with ``t`` first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from relplan.planner.domain.model import Plan, State
from relplan.planner.domain.rules import PRESETS
from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.usecases.session import Session
from relplan.tui.app import RelplanApp
from relplan.tui.screens.items import ItemsScreen

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
    "unscheduled": ["demo#credit-starve"],  # made so with t; the rest was laid at start
    "at-risk": [  # features of 4.0.0 (frozen 2009-08-11) still open
        "demo#memory-overcommit", "demo#pv-usb-pci", "demo#remus", "demo#vga-passthrough",
    ],
    "blockers": [  # not done or rejected: in progress, accepted, proposed, deferred ...
        "demo#credit-starve", "demo#nand-flash", "demo#pvhvm-migrate-hang",
        "demo#rdma-migration",
    ],  # ... never done (vlan-per-nic) or rejected (gallium-remoting)
    "needs-backport": [  # fixes with a branch still required or in progress
        "demo#ioreq-overflow", "demo#pvhvm-migrate-hang", "demo#s3-resume", "demo#xend-fd-leak",
    ],
}  # fmt: skip


async def test_every_preset_shows_exactly_its_items(
    screen_text: Callable[[RelplanApp], str],
) -> None:
    app = RelplanApp(Session(demo_with_blockers(), today=DEMO_TODAY))
    shown: dict[str, list[str]] = {}
    async with app.run_test(size=SIZE) as pilot:
        # demo#credit-starve: target "unscheduled (no target)" (u jumps there), then the
        # filter cleared
        await pilot.press("2", "slash", *"credit", "enter", "t", "u", "enter", "escape")
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
