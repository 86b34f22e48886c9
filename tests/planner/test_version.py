"""relplan.planner.domain.version: parsing per scheme, the order's laws, and call sites that now
agree."""

from __future__ import annotations

import datetime as dt
import itertools
import pickle
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relplan.planner.domain.calendar import (
    build_train,
    next_maintenance_version,
    next_point_version,
)
from relplan.planner.domain.errors import PlanError
from relplan.planner.domain.model import (
    BackportState,
    Item,
    Kind,
    Plan,
    ReleaseKind,
    ReleaseSpec,
    natural_key,
    series_of,
)
from relplan.planner.domain.policy import Maintenance, MaintenanceModel, Policy
from relplan.planner.domain.rules import maintained_series
from relplan.planner.domain.status import all_status
from relplan.planner.domain.version import (
    PRERELEASE_KINDS,
    Prerelease,
    Version,
    is_version,
    newest_first,
    series_depth,
    version_key,
)
from relplan.planner.git.markers import Request
from relplan.planner.store.planfile import loads_plan
from relplan.planner.trackers.base import TrackerRelease, format_backport_field
from relplan.planner.trackers.sync import _merge_releases

D = dt.date
POINT, MAINT = ReleaseKind.POINT, ReleaseKind.MAINTENANCE
REQUIRED = BackportState.REQUIRED

# text, release, prerelease, series (default depth), series(depth=1), major start
SCHEMES = [
    ("4.0", (4, 0), None, "4.0", "4", True),  # Xen's old X.Y trains
    ("3.4.1", (3, 4, 1), None, "3.4", "3", False),  # Xen, CPython maintenance
    ("253", (253,), None, "253", "253", True),  # systemd
    ("253.4", (253, 4), None, "253.4", "253", False),  # systemd maintenance (depth 1)
    ("6.12.3", (6, 12, 3), None, "6.12", "6", False),  # Linux stable
    ("0.2.2", (0, 2, 2), None, "0.2", "0", False),  # 0.x is ordinary
    ("3.13.0rc1", (3, 13, 0), ("rc", 1), "3.13", "3", False),  # CPython
    ("3.13.0b2", (3, 13, 0), ("beta", 2), "3.13", "3", False),
    ("3.13.0a3", (3, 13, 0), ("alpha", 3), "3.13", "3", False),
    ("4.22.0-rc1", (4, 22, 0), ("rc", 1), "4.22", "4", False),  # Xen tags
    ("1.2.3-rc.1", (1, 2, 3), ("rc", 1), "1.2", "1", False),  # SemVer
    ("1.30.0-alpha.0", (1, 30, 0), ("alpha", 0), "1.30", "1", False),  # Kubernetes
    ("3.4.0-preview2", (3, 4, 0), ("preview", 2), "3.4", "3", False),  # Ruby
    ("4.0.0-RC3", (4, 0, 0), ("rc", 3), "4.0", "4", True),
    ("16beta1", (16,), ("beta", 1), "16", "16", True),  # PostgreSQL
]


@pytest.mark.parametrize("text, release, pre, series, series1, major_start", SCHEMES)
def test_parse_per_scheme(
    text: str,
    release: tuple[int, ...],
    pre: tuple[str, int] | None,
    series: str,
    series1: str,
    major_start: bool,
) -> None:
    v = Version.parse(text)
    assert str(v) == text and v.text == text
    assert v.release == release and v.major == release[0]
    assert v.prerelease == (Prerelease(*pre) if pre else None)
    assert v.is_prerelease is (pre is not None)
    assert v.series() == series and v.series(1) == series1 and series_of(text) == series
    assert v.is_major_start is major_start
    assert not v.final.is_prerelease and v.final.release == release
    assert (v.final == v) if pre is None else (v < v.final)


@pytest.mark.parametrize(
    "text, depth, opens",
    [
        ("3.4.0", 2, True),
        ("3.4.1", 2, False),
        ("4.0", 2, True),
        ("253", 1, True),
        ("253.4", 1, False),
        ("253.4", 2, True),
        ("4.17.0-rc1", 2, True),
    ],
)
def test_series_start_tells_point_from_maintenance(text: str, depth: int, opens: bool) -> None:
    assert Version.parse(text).is_series_start(depth) is opens


def test_final_keeps_the_spelling_of_the_numbers() -> None:
    assert str(Version.parse("4.22.0-rc1").final) == "4.22.0"
    assert str(Version.parse("3.13.0rc1").final) == "3.13.0"
    v = Version.parse("3.13.0")
    assert v.final is v


@pytest.mark.parametrize(
    "text", ["", "v253", "4.", ".4", "4..0", "4.0-1", "Backlog", " 4.0", "4.0 ", "4.0rc1x", "٤.٠"]
)
def test_what_is_not_a_version_says_what_was_expected(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        Version.parse(text)
    message = str(caught.value)
    assert repr(text) in message and "expected" in message and "4.0, 3.4.1" in message
    assert not is_version(text)


@pytest.mark.parametrize(
    "chain",
    [
        ["3.13.0a3", "3.13.0b2", "3.13.0rc1", "3.13.0"],  # pre-releases before the final
        ["3.4.0-preview1", "3.4.0-preview2", "3.4.0-rc1", "3.4.0"],  # Ruby
        ["4.9", "4.10", "4.11.0"],  # numbers, not text
        ["9", "10", "253", "253.4", "254"],
        ["0.2.2", "0.10", "1.0"],
        ["1.2.3-rc.1", "1.2.3-rc.2", "1.2.3", "1.2.4-rc1"],
        ["4.22.0-rc1", "4.22.0rc2", "4.22.0"],
        ["4.0", "4.0.0", "4.0.1"],  # 4.0 and 4.0.0 are the same release, told apart by text
        ["4.0.0rc1", "4.0"],  # missing trailing numbers are zeros
    ],
)
def test_order(chain: list[str]) -> None:
    versions = [Version.parse(t) for t in chain]
    assert sorted(reversed(versions)) == versions
    assert all(a < b and b > a and a <= b and a != b for a, b in itertools.pairwise(versions))


def test_hashable_immutable_and_picklable() -> None:
    v = Version.parse("4.10")
    assert {v: 1}[Version.parse("4.10")] == 1 and len({v, Version.parse("4.10.0")}) == 2
    with pytest.raises(AttributeError):
        v.text = "4.9"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(v)) == v
    assert v != "4.10" and repr(v) == "Version('4.10')"
    with pytest.raises(TypeError):
        _ = v < "4.9"  # type: ignore[operator]


# ---- laws ---------------------------------------------------------------------

NUMBERS = st.lists(st.integers(0, 30), min_size=1, max_size=4)
SPELLINGS = st.sampled_from(["a", "alpha", "b", "beta", "pre", "preview", "rc", "RC"])


@st.composite
def version_texts(draw: st.DrawFn) -> str:
    text = ".".join(str(n) for n in draw(NUMBERS))
    if draw(st.booleans()):
        sep = draw(st.sampled_from(["", "-", ".", "_"]))
        number = draw(st.none() | st.integers(0, 12))
        tail = "" if number is None else draw(st.sampled_from(["", ".", "-"])) + str(number)
        text += sep + draw(SPELLINGS) + tail
    return text


VERSIONS = version_texts().map(Version.parse)


@given(version_texts())
def test_round_trip(text: str) -> None:
    v = Version.parse(text)
    assert str(v) == text and Version.parse(str(v)) == v and hash(Version.parse(text)) == hash(v)


@given(VERSIONS, VERSIONS, VERSIONS)
def test_total_order(a: Version, b: Version, c: Version) -> None:
    assert [a < b, a == b, a > b].count(True) == 1  # trichotomy
    assert (a == b) == (a.text == b.text)  # equal exactly when the texts are
    assert (a <= b) == (a < b or a == b) and (a >= b) == (b <= a)
    if a <= b and b <= c:
        assert a <= c
    assert sorted([a, b, c]) == sorted([c, b, a])


@given(VERSIONS, VERSIONS)
def test_numbers_decide_before_prereleases(a: Version, b: Version) -> None:
    def padded(v: Version) -> tuple[int, ...]:
        return v.release + (0,) * (4 - len(v.release))

    if padded(a) != padded(b):
        assert (a < b) == (padded(a) < padded(b))


@given(VERSIONS)
def test_prerelease_before_its_final(v: Version) -> None:
    if v.is_prerelease:
        assert v < v.final and v.prerelease and v.prerelease.kind in PRERELEASE_KINDS
    else:
        assert v.final == v


@given(st.lists(version_texts() | st.text(max_size=8), max_size=8))
def test_version_key_sorts_versions_first_then_other_text(texts: list[str]) -> None:
    ordered = sorted(texts, key=version_key)
    split = sum(1 for t in texts if is_version(t))
    assert [Version.parse(t) for t in ordered[:split]] == sorted(
        Version.parse(t) for t in texts if is_version(t)
    )
    assert ordered[split:] == sorted(t for t in texts if not is_version(t))
    assert newest_first(texts) == ordered[:split][::-1] + ordered[split:]


def test_series_depth_from_point_releases() -> None:
    assert series_depth(["252", "253"]) == 1  # systemd
    assert series_depth(["3.4.0", "4.0.0"]) == 2  # Xen
    assert series_depth(["6.11", "6.12"]) == 2  # Linux
    assert series_depth(["Backlog", "4.0"]) == 2 and series_depth([]) == 2
    assert Plan("s", Policy(), (ReleaseSpec("253"), ReleaseSpec("253.4", MAINT))).series_depth == 1


def test_natural_key_orders_ids() -> None:
    assert sorted(["x#10", "x#9", "x#1"], key=natural_key) == ["x#1", "x#9", "x#10"]


def test_import_is_cheap() -> None:
    code = (
        "import sys, relplan.planner.domain.version;"
        " print(sorted(m for m in sys.modules if 'pendulum' in m))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---- call sites agree -----------------------------------------------------------


def test_next_versions() -> None:
    assert next_point_version("4.9") == "4.10"
    assert next_point_version("253") == "254"
    assert next_point_version("3.4.0") == "3.5.0"
    assert next_maintenance_version("3.4.9") == "3.4.10"
    assert next_maintenance_version("253", 1) == "253.1"
    assert next_maintenance_version("253.4", 1) == "253.5"


def _windows(every: int | None = None) -> Policy:
    return Policy(
        maintenance=Maintenance(
            model=MaintenanceModel.WINDOWS, general_months=24, release_every_weeks=every
        )
    )


def test_maintained_series_newest_first_everywhere() -> None:
    plan = Plan(
        "t",
        _windows(),
        (
            ReleaseSpec("4.8.0", actual=D(2021, 1, 5)),
            ReleaseSpec("4.9.0", actual=D(2021, 4, 6)),
            ReleaseSpec("4.10.0", actual=D(2021, 7, 6)),
        ),
    )
    today = D(2021, 8, 1)
    train = build_train(plan, today, upcoming=1)
    assert maintained_series(plan.policy, train, today) == ["4.10", "4.9", "4.8"]
    series = ("4.8", "4.9", "4.10")
    fixes = [Item(f"t#{s}", "fix", kind=Kind.BUG, backports={s: REQUIRED}) for s in series]
    upcoming = next(
        s for s in all_status(plan.with_items(fixes), train, today) if s.version == "4.11.0"
    )
    assert list(upcoming.backports) == ["4.10", "4.9", "4.8"]  # status lists them as the app does
    states = dict.fromkeys(["4.9", "main", "4.10", "4.8"], REQUIRED)
    field = "4.10: REQUIRED, 4.9: REQUIRED, 4.8: REQUIRED, main: REQUIRED"
    assert format_backport_field(states) == field  # Redmine's field, newest first


def test_systemd_plan_has_series_of_one_number() -> None:
    plan = Plan(
        "systemd",
        _windows(every=4),
        (
            ReleaseSpec("253", actual=D(2023, 2, 15)),
            ReleaseSpec("253.4", MAINT, actual=D(2023, 4, 20)),
            ReleaseSpec("254", actual=D(2023, 7, 28)),
        ),
    )
    train = build_train(plan, D(2023, 8, 1), upcoming=1)
    by_version = {r.version: r for r in train}
    assert by_version["253.4"].series == "253" and by_version["254"].series == "254"
    assert "255" in by_version  # the next point release, not "254.next"
    generated = [r.version for r in train if r.series == "253" and r.kind is MAINT]
    assert generated[:2] == ["253.4", "253.5"]


def test_release_versions_that_are_not_versions_are_plan_problems() -> None:
    text = '[plan]\nname = "x"\nformat = 1\n\n[[releases]]\nversion = "Backlog"\nkind = "point"\n'
    with pytest.raises(PlanError) as caught:
        loads_plan(text, "p.toml")
    assert "p.toml" in str(caught.value) and "version" in str(caught.value)
    assert "'Backlog' is not a version" in str(caught.value)
    plan = Plan("x", Policy(), (ReleaseSpec("Backlog", actual=D(2021, 1, 5)),))
    with pytest.raises(PlanError, match="Backlog"):
        build_train(plan, D(2021, 2, 1))


def test_backport_floor_compares_as_a_version() -> None:
    assert Request("Backport: 4.9+", "4.9").covers("4.10")
    assert not Request("Backport: 4.10+", "4.10").covers("4.9")
    assert Request("Backport: 4.9", "4.9", only=True).covers("4.9")
    assert not Request("Backport: 4.9+", "4.9").covers("main")


def test_sync_tells_point_from_maintenance_by_the_series_rule() -> None:
    tracker = [
        TrackerRelease(name=n, version=v)
        for n, v in [
            ("4.0 RC", "4.0.0-rc1"),
            ("Backlog", "Backlog"),
            ("253", "253"),
            ("253.4", "253.4"),
        ]  # fmt: skip
    ]
    specs, added = _merge_releases((), tracker)
    assert added == ["4.0.0-rc1", "253", "253.4"]  # a name that is no version is left out
    kinds = {s.version: s.kind for s in specs}
    assert kinds == {"4.0.0-rc1": POINT, "253": POINT, "253.4": MAINT}
