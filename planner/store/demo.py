"""The embedded demo: the Xen 4.0 roadmap as announced in 2009, evaluated as of 2009-08-31.

In 2009 Xen moved from big yearly releases to a point release every 10-12
weeks after a stabilization phase, each maintained with bug fixes until the
next one ships. Xen 3.4.0 shipped in May 2009 and 3.4.1 in August; the 4.0
roadmap came from feature requests on the mailing list. On 2009-08-31 every
phase is on screen at once: 3.2 is end-of-life, 3.3 security-only, 3.4
maintained, 3.4.1 released, 3.4.2 in its release candidates, 4.0 frozen for
its longer stabilization, 4.1 in development and 4.2 still being planned.

The demo is data, never a file: relplan never writes it back.
"""

from __future__ import annotations

import datetime as dt

from relplan.planner.domain.model import (
    BackportState,
    Item,
    Kind,
    Plan,
    Priority,
    Prognosis,
    ReleaseKind,
    ReleaseSpec,
    State,
)
from relplan.planner.domain.policy import Cadence, DayRange, Maintenance, Policy, Stabilization

DEMO_TODAY = dt.date(2009, 8, 31)

_D = dt.date
_REQ, _DONE = BackportState.REQUIRED, BackportState.DONE


def demo_policy() -> Policy:
    """Xen's 2009 cadence: 10-12 weeks, Tuesdays, a long freeze before 4.0, no late December."""
    return Policy(
        timezone="Europe/London",
        branch_pattern="xen-{series}-testing",
        horizon=4,
        cadence=Cadence(min_weeks=10, max_weeks=12, target_weeks=11, weekday=1, catch_up=True),
        stabilization=Stabilization(
            freeze_weeks=4,
            last_posting_weeks=2,
            rc1_after_days=14,
            rc_every_days=7,
            major_freeze_weeks=12,
        ),
        maintenance=Maintenance(security_months=6, release_every_weeks=6, rc_days=14),
        blackouts=(DayRange.parse("12-18..12-31"),),
        holidays=(DayRange.parse("01-01"),),
    )


def _days(*ymd: tuple[int, int, int]) -> tuple[dt.date, ...]:
    return tuple(_D(*d) for d in ymd)


def _releases() -> tuple[ReleaseSpec, ...]:
    point, maint = ReleaseKind.POINT, ReleaseKind.MAINTENANCE
    # The release candidates of 3.2.0, 3.3.0 and 3.4.0 are the days xen.git tagged them;
    # their freezes were not recorded, so the calendar shows none.
    rcs_32 = _days((2007, 12, 8), (2007, 12, 19), (2007, 12, 20), (2007, 12, 29), (2008, 1, 9),
                   (2008, 1, 13))  # fmt: skip
    rcs_33 = _days((2008, 7, 25), (2008, 7, 31), (2008, 8, 7), (2008, 8, 12), (2008, 8, 15),
                   (2008, 8, 20), (2008, 8, 20))  # fmt: skip
    rcs_34 = _days((2009, 4, 10), (2009, 4, 16), (2009, 4, 30))
    return (
        ReleaseSpec("3.2.0", point, actual=_D(2008, 1, 17), actual_rcs=rcs_32),
        ReleaseSpec("3.3.0", point, actual=_D(2008, 8, 24), actual_rcs=rcs_33),
        ReleaseSpec("3.3.1", maint, actual=_D(2009, 1, 12)),
        ReleaseSpec("3.4.0", point, actual=_D(2009, 5, 18), actual_rcs=rcs_34),
        ReleaseSpec("3.4.1", maint, actual=_D(2009, 8, 5)),
        ReleaseSpec("3.4.2", maint, pins={"release": _D(2009, 9, 8)}),
        # "After a stabilization phase": 4.0 is planned for November with a 12-week freeze.
        ReleaseSpec("4.0.0", point, pins={"release": _D(2009, 11, 10)}),
    )


def _feature(key: str, title: str, **kw: object) -> Item:
    return Item(id=f"demo#{key}", title=title, kind=Kind.FEATURE, **kw)  # type: ignore[arg-type]


def _roadmap() -> tuple[Item, ...]:
    """The fifteen items of the 4.0 roadmap, as triaged by the end of August 2009 (those
    targeting 4.0 with the prognosis and area of a development update)."""
    acc, prog, done, prop = State.ACCEPTED, State.IN_PROGRESS, State.DONE, State.PROPOSED
    hi, med, lo = Priority.HIGH, Priority.MEDIUM, Priority.LOW
    return (
        _feature(
            "rdma-migration", "RDMA live migration", priority=med, state=prop, labels=("migration",)
        ),
        _feature(
            "pv-usb-pci",
            "Stable USB and PCI pass-through for PV guests",
            priority=hi,
            state=prog,
            target="4.0.0",
            owner="Konrad",
            labels=("passthrough",),
            prognosis=Prognosis.OK,
            area="Linux",
        ),
        _feature(
            "remus",
            "Fault tolerance: Remus and Kemari",
            priority=hi,
            state=prog,
            target="4.0.0",
            owner="Brendan",
            labels=("ha",),
            estimate_days=40,
            prognosis=Prognosis.FAIR,
            area="Toolstack",
        ),
        _feature(
            "bridge-switch",
            "Virtual bridge configured like a real switch",
            priority=med,
            state=acc,
            labels=("network",),
        ),
        _feature(
            "vlan-per-nic",
            "VLAN tagging per NIC in the VM config",
            priority=med,
            state=done,
            target="4.0.0",
            labels=("network", "toolstack"),
            prognosis=Prognosis.DONE,
            area="Toolstack",
        ),
        _feature(
            "vswitch-per-client",
            "Virtual Ethernet switch per client",
            priority=lo,
            state=prop,
            labels=("network",),
        ),
        _feature(
            "disk-io-limits",
            "Per-disk I/O limits",
            priority=med,
            state=acc,
            target="4.1.0",
            labels=("storage",),
        ),
        _feature(
            "memory-overcommit",
            "Dynamic memory overcommit",
            priority=hi,
            state=prog,
            target="4.0.0",
            owner="Dan",
            labels=("memory",),
            estimate_days=30,
            prognosis=Prognosis.GOOD,
            area="Hypervisor",
        ),
        _feature(
            "vga-passthrough",
            "VGA pass-through for VT-d",
            priority=med,
            state=prog,
            target="4.0.0",
            labels=("passthrough",),
            prognosis=Prognosis.FAIR,
            area="Hypervisor",
        ),
        _feature(
            "online-resize",
            "Online resize of DomU disks",
            priority=lo,
            state=acc,
            labels=("storage",),
        ),
        _feature(
            "gallium-remoting",
            "Gallium 3D remoting",
            priority=lo,
            state=prop,
            labels=("idea", "graphics"),
        ),
        _feature(
            "ovs-sriov",
            "Open vSwitch with an SR-IOV-aware bond driver",
            priority=lo,
            state=prop,
            labels=("idea", "network"),
        ),
        _feature(
            "dom0-restart",
            "dom0 restartability",
            priority=med,
            state=prop,
            labels=("idea",),
            depends_on=("demo#memory-overcommit",),
        ),
        _feature(
            "nand-flash",
            "Native NAND flash support",
            priority=lo,
            state=State.DEFERRED,
            labels=("idea", "storage"),
        ),
        _feature(
            "deterministic-replay",
            "Deterministic replay",
            priority=lo,
            state=prop,
            labels=("idea",),
        ),
    )


def _fixes() -> tuple[Item, ...]:
    """Bug fixes of the summer of 2009 and where they still have to go."""
    return (
        Item(
            "demo#s3-resume",
            "Dom0 crash on S3 resume with VT-d enabled",
            Kind.BUG,
            Priority.HIGH,
            State.DONE,
            target="4.0.0",
            labels=("vtd",),
            fix_commits=("5c2f1e0d9a7b4c3e8f6a1b2c3d4e5f6a7b8c9d0e",),
            backports={"3.4": _REQ, "3.3": BackportState.DONTNEED},
        ),
        Item(
            "demo#ioreq-overflow",
            "HVM guest can write outside its ioreq page",
            Kind.SECURITY,
            Priority.CRITICAL,
            State.DONE,
            target="4.0.0",
            fix_commits=("9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d",),
            backports={"3.4": _DONE, "3.3": _REQ},
        ),
        Item(
            "demo#pvhvm-migrate-hang",
            "PV-on-HVM drivers hang during live migration",
            Kind.BUG,
            Priority.HIGH,
            State.IN_PROGRESS,
            target="3.4.2",
            blocker=True,
            owner="Keir",
            backports={"3.4": BackportState.IN_PROGRESS},
        ),
        Item(
            "demo#xend-fd-leak",
            "xend leaks file descriptors on domain restart",
            Kind.BUG,
            Priority.MEDIUM,
            State.DONE,
            target="4.0.0",
            backports={"3.4": BackportState.IN_PROGRESS},
        ),
        Item(
            "demo#credit-starve",
            "Credit scheduler starves idle vCPUs under load",
            Kind.BUG,
            Priority.MEDIUM,
            State.ACCEPTED,
            backports={"3.4": BackportState.UNKNOWN},
        ),
        Item(
            "demo#blkback-barrier",
            "blkback returns the wrong error on barrier failure",
            Kind.BUG,
            Priority.LOW,
            State.DONE,
            target="3.4.1",
            backports={"3.4": _DONE},
        ),
    )


def demo_plan() -> Plan:
    """The Xen 4.0 plan of 2009: policy, recorded releases, roadmap items and fixes."""
    return Plan(
        name="Xen (demo, 2009)",
        policy=demo_policy(),
        releases=_releases(),
        items=_roadmap() + _fixes(),
        planned_from=DEMO_TODAY,  # the roadmap as triaged that day
    )
