"""The freeze ladder: each release's stages, their days, and what each stage accepts.

A layer on top of the calendar. The calendar places every release day; this
module climbs back from that day through the policy's stages
(``[[policy.stages]]`` or a preset such as ``stages = "xen"``), each on its own
day and each saying what may still land (:class:`~relplan.planner.domain.policy.Accepts`).
Without stages in the policy the ladder is the implicit one of
``[policy.stabilization]``: last posting date, feature freeze, RC1..RCn and the
release, read off the calendar's own dates, so an old plan behaves as before.

The laws of a computed ladder, whatever the policy: the stages keep the
policy's order and all fall before the release day. A stage's day is counted
back from the release day (or on from the previous stage), moved to its
weekday within the same Monday-to-Sunday week, moved earlier off blackouts
and holidays (a deadline never moves later), then kept in order. A pinned
stage (``[releases.pins]``, which ``relplan confirm`` writes) keeps its day. A
shipped release has only the stages someone recorded: nothing is computed
into its past.

The calendar asks :func:`ladder_milestones` for the dates it keeps itself
(freeze, last posting date, RCs), so phases, laying and status agree with the
ladder: the freeze is the first stage that no longer takes features, the last
posting date the stage named so, the RCs the stages named ``rcN``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from relplan.planner.domain.days import DAY, WEEK
from relplan.planner.domain.model import Release, ReleaseKind, ReleaseSpec
from relplan.planner.domain.policy import Accepts, Policy, StageRule

_MON, _TUE, _WED, _THU, _FRI, _SAT, _SUN = range(7)
_RC = re.compile(r"^rc\d+$")

ACCEPTS_TEXT = {
    Accepts.FEATURES: "features and fixes",
    Accepts.FIXES: "bug fixes, no new features",
    Accepts.APPROVED_FIXES: "bug fixes approved by the release manager",
    Accepts.BLOCKERS: "fixes for release blockers only",
    Accepts.DOCS: "documentation and release preparation only",
    Accepts.NOTHING: "nothing more",
}
"""What each kind of stage lets in, in words (status, the Release view, the mails)."""


def slug(name: str) -> str:
    """The key of a stage name: lower case, words joined by ``-`` (``Code freeze`` ->
    ``code-freeze``, ``RC1`` -> ``rc1``). Commands find stages by it."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _rule(
    name: str, weeks: int, weekday: int, accepts: Accepts, tentative: bool = True
) -> StageRule:
    return StageRule(
        name, weeks_before_release=weeks, weekday=weekday, tentative=tentative, accepts=accepts
    )


F, X, A, B, D = (
    Accepts.FEATURES,
    Accepts.FIXES,
    Accepts.APPROVED_FIXES,
    Accepts.BLOCKERS,
    Accepts.DOCS,
)

PRESETS: dict[str, tuple[StageRule, ...]] = {
    # Xen's schedule mails (4.16: last posting and feature freeze decided, the rest tentative).
    "xen": (
        _rule("Last posting date", 11, _FRI, F, tentative=False),
        _rule("Feature freeze", 8, _FRI, X, tentative=False),
        _rule("Code freeze", 5, _FRI, A),
        _rule("Hard code freeze", 3, _FRI, B),
        _rule("Branch off", 2, _TUE, B),
        _rule("Final commits", 1, _FRI, D),
    ),
    # PEP 602 as planned in PEP 745: seven monthly alphas, beta 1 is the feature freeze,
    # release candidates take release-blocker fixes only.
    "cpython": (
        *(_rule(f"Alpha {n}", w, _TUE, F) for n, w in enumerate((50, 45, 41, 37, 33, 29, 25), 1)),
        *(_rule(f"Beta {n}", w, _TUE, X) for n, w in enumerate((21, 18, 15, 12), 1)),
        _rule("RC1", 10, _TUE, B),
        _rule("RC2", 5, _TUE, B),
    ),
    # Two weeks of merge window opened by the previous release, then weekly RCs on Sundays.
    "linux": (
        _rule("Merge window", 9, _SUN, F),
        *(_rule(f"rc{n}", 8 - n, _SUN, X) for n in range(1, 8)),
    ),
    # Weeks counted back from the release week (R-n), deadlines on its Thursday.
    "openstack": (
        _rule("Milestone 1", 20, _THU, F, tentative=False),
        _rule("Milestone 2", 12, _THU, F, tentative=False),
        _rule("Feature freeze", 5, _THU, X, tentative=False),
        _rule("RC1", 3, _THU, B, tentative=False),
        _rule("Final RCs", 1, _THU, B, tentative=False),
    ),
}
"""The ladders of projects that publish theirs; ``[policy] stages = "<name>"``."""


@dataclass(frozen=True, slots=True)
class Stage:
    """One rung of a release's ladder on the calendar.

    ``name`` as the policy writes it, ``key`` its :func:`slug`; ``day`` None when
    nobody recorded it (a shipped release's past); ``pin`` is the name under
    ``[releases.pins]`` that fixes its day (what confirming writes). Whether it has
    passed on a day is :func:`relplan.planner.domain.schedule.rung_state`'s to say.
    """

    name: str
    key: str
    day: dt.date | None
    accepts: Accepts
    tentative: bool
    pin: str

    def to_json(self) -> dict[str, object]:
        """``{name, date, accepts, tentative}`` (``calendar --format json``)."""
        return {
            "name": self.name,
            "date": self.day.isoformat() if self.day else None,
            "accepts": self.accepts.value,
            "tentative": self.tentative,
        }


DEVELOPMENT = Stage("Development", "development", None, Accepts.FEATURES, False, "")
"""The stage of a point release before the first rung of its ladder."""
MAINTENANCE = Stage("Maintenance", "maintenance", None, Accepts.FIXES, False, "")
"""The stage of a maintenance (bug-fix) release before its RCs: it takes fixes only."""


def first_stage(release: Release) -> Stage:
    """The stage a release is in before the first rung of its ladder: :data:`DEVELOPMENT`
    for a point release, :data:`MAINTENANCE` (fixes only) for a bug-fix release."""
    return MAINTENANCE if release.kind is ReleaseKind.MAINTENANCE else DEVELOPMENT


def is_rc(key: str) -> bool:
    """True for the key of a release candidate stage (``rc1``, ``rc12``)."""
    return bool(_RC.match(key))


def pin_name(key: str, is_freeze: bool) -> str:
    """The ``[releases.pins]`` name that fixes a stage's day: the calendar's own names
    for the release, the feature freeze and the last posting date, else the key."""
    if key == "release":
        return "release"
    if is_freeze:
        return "freeze"
    if key.startswith("last-posting"):
        return "last_posting"
    return key


def _freeze_index(rules: Sequence[StageRule]) -> int | None:
    return next((i for i, r in enumerate(rules) if r.accepts is not Accepts.FEATURES), None)


def _same_week(day: dt.date, weekday: int) -> dt.date:
    return day - dt.timedelta(days=day.weekday() - weekday)


def _computed(
    policy: Policy, rule: StageRule, release_day: dt.date, prev: dt.date | None
) -> dt.date:
    """The day of one stage by its rule; in order after ``prev`` and before the release."""
    if rule.after_previous_days is not None and prev is not None:
        day = prev + DAY * rule.after_previous_days
    elif rule.days_before_release is not None:
        day = release_day - DAY * rule.days_before_release
    else:
        day = release_day - WEEK * (rule.weeks_before_release or 0)
    step = DAY
    if rule.weekday is not None:
        day, step = _same_week(day, rule.weekday), WEEK
    for _ in range(60):  # off blackouts and holidays: a deadline moves earlier, never later
        if not policy.blocked(day):
            break
        day -= step
    while day >= release_day:
        day -= step
    return max(day, prev) if prev is not None else day


def _explicit_days(
    policy: Policy,
    spec: ReleaseSpec | None,
    release_day: dt.date,
    shipped: bool,
    floor: dt.date | None = None,
) -> list[dt.date | None]:
    """Each stage's day: pinned, else (unshipped) computed; a computed day before ``floor``
    (the plan's day, :attr:`Release.planned_from`) stays unknown: it was never planned."""
    rules = policy.stages
    freeze_at = _freeze_index(rules)
    pins = spec.pins if spec is not None else {}
    out: list[dt.date | None] = []
    prev: dt.date | None = None
    for i, rule in enumerate(rules):
        day = pins.get(pin_name(slug(rule.name), i == freeze_at))
        if day is None and not shipped:
            day = _computed(policy, rule, release_day, prev)
            prev = day
            if floor is not None and day < floor:
                day = None
        out.append(day)
        prev = day or prev
    return out


def ladder_milestones(
    policy: Policy,
    spec: ReleaseSpec,
    day: dt.date,
    computed: tuple[dt.date | None, dt.date | None, tuple[dt.date, ...]],
) -> tuple[dt.date | None, dt.date | None, tuple[dt.date, ...]]:
    """The freeze, last posting date and RCs of a point release on ``day``, as the ladder
    has them (the calendar's ``computed`` ones for the implicit ladder, with any
    confirmed RC days in place)."""
    if not policy.explicit_ladder:
        freeze, last_posting, rcs = computed
        confirmed = [spec.pins.get(f"rc{i}", rc) for i, rc in enumerate(rcs, start=1)]
        return freeze, last_posting, tuple(sorted(confirmed))
    days = _explicit_days(policy, spec, day, spec.actual is not None)
    keys = [slug(r.name) for r in policy.stages]
    at = _freeze_index(policy.stages)
    freeze = days[at] if at is not None else None
    last = next((d for k, d in zip(keys, days, strict=True) if k.startswith("last-posting")), None)
    rcs = tuple(d for k, d in zip(keys, days, strict=True) if _RC.match(k) and d is not None)
    return freeze, last, rcs


def _release_rung(release: Release, spec: ReleaseSpec | None) -> Stage:
    decided = release.actual is not None or (spec is not None and "release" in spec.pins)
    return Stage("Release", "release", release.day, Accepts.NOTHING, not decided, "release")


def _implicit(release: Release, spec: ReleaseSpec | None) -> list[Stage]:
    pins = spec.pins if spec is not None else {}
    out = []
    if release.last_posting:
        tentative = "last_posting" not in pins
        out.append(
            Stage("Last posting date", "last-posting", release.last_posting, Accepts.FEATURES,
                  tentative, "last_posting")
        )  # fmt: skip
    if release.freeze:
        tentative = "freeze" not in pins
        out.append(
            Stage("Feature freeze", "freeze", release.freeze, Accepts.FIXES, tentative, "freeze")
        )
    for i, day in enumerate(release.rcs, start=1):
        key = f"rc{i}"
        out.append(Stage(f"RC{i}", key, day, Accepts.FIXES, key not in pins, key))
    return out


def ladder(policy: Policy, release: Release, spec: ReleaseSpec | None) -> list[Stage]:
    """Every stage of ``release`` in order, the release itself last.

    Point releases climb the policy's ladder; maintenance releases (and every
    release of a policy without stages) the implicit one.
    """
    if not policy.explicit_ladder or release.kind is ReleaseKind.MAINTENANCE:
        return [*_implicit(release, spec), _release_rung(release, spec)]
    days = _explicit_days(policy, spec, release.day, release.shipped, release.planned_from)
    pins = spec.pins if spec is not None else {}
    at = _freeze_index(policy.stages)
    out = []
    for i, (rule, day) in enumerate(zip(policy.stages, days, strict=True)):
        key = slug(rule.name)
        pin = pin_name(key, i == at)
        out.append(
            Stage(rule.name, key, day, rule.accepts, rule.tentative and pin not in pins, pin)
        )
    return [*out, _release_rung(release, spec)]


def stage_on(stages: Sequence[Stage], day: dt.date, first: Stage = DEVELOPMENT) -> Stage:
    """The stage in force on ``day``: the last one whose day has come (a stage starts on
    its day), ``first`` before the first (see :func:`first_stage`)."""
    current = first
    for stage in stages:
        if stage.day is not None and stage.day <= day:
            current = stage
    return current


def next_milestone(release: Release, today: dt.date) -> tuple[str, dt.date] | None:
    """The next milestone on or after ``today`` (end of support once shipped), or None (a
    late release has none: its day passed, and its support has not begun)."""
    for name, day in release.milestones():
        if day >= today:
            return name, day
    if not release.shipped:
        return None  # a late release: its support has not begun, whatever was planned
    for name, end in (
        ("end of maintenance", release.maintained_until),
        ("end of security support", release.security_until),
    ):
        if release.kind is ReleaseKind.POINT and end and end >= today:
            return name, end
    return None


def stage_in_force(release: Release, stages: Sequence[Stage], day: dt.date) -> Stage:
    """The stage ``release`` is in on ``day`` (:func:`stage_on` from its :func:`first_stage`);
    a late release (its day passed, not shipped) is still in the stage before its release:
    the release rung starts when it ships."""
    late = release.actual is None and release.day < day
    rungs = [s for s in stages if s.key != "release"] if late else stages
    return stage_on(rungs, day, first_stage(release))


def next_step(
    release: Release, stages: Sequence[Stage], today: dt.date
) -> tuple[str, dt.date] | None:
    """The next stage on or after ``today`` (named by its key in words: ``last posting``,
    ``rc2``, ``code freeze``, ``release``), else the next end of support, else None."""
    for stage in stages:
        if stage.day is not None and stage.day >= today:
            return stage.key.replace("-", " "), stage.day
    return next_milestone(release, today)


def find_stage(stages: Sequence[Stage], name: str) -> Stage | None:
    """The stage called ``name`` (by its key, its name or its pin name), or None."""
    wanted = slug(name)
    for stage in stages:
        if wanted in (stage.key, slug(stage.name), slug(stage.pin)):
            return stage
    return None


def stage_pin_names(policy: Policy) -> tuple[str, ...] | None:
    """The stage pin names a release of this policy may carry besides the calendar's own;
    None when any ``rcN`` may (the implicit ladder's RC count varies)."""
    if not policy.explicit_ladder:
        return None
    at = _freeze_index(policy.stages)
    return tuple(pin_name(slug(r.name), i == at) for i, r in enumerate(policy.stages))


def is_stage_pin(name: str, policy: Policy) -> bool:
    """Whether ``name`` may stand under ``[releases.pins]`` for this policy's ladder."""
    names = stage_pin_names(policy)
    return bool(_RC.match(name)) if names is None else name in names


# -- what may land ---------------------------------------------------------------------------


# -- proposing a preset from tags -----------------------------------------------------------

_TAG_STYLES = {
    "cpython": re.compile(r"^v?\d+\.\d+\.\d+(?:a|b|rc)\d+$"),
    "openstack": re.compile(r"^\d+\.\d+\.\d+\.0(?:b|rc)\d+$"),
    "linux": re.compile(r"^v\d+\.\d+-rc\d+$"),
    "xen": re.compile(r"^(?:\d+\.\d+\.\d+-rc\d+|RELEASE-\d+\.\d+\.\d+)$"),
}


def propose_preset(tags: Iterable[str]) -> str | None:
    """The preset whose pre-release tags a repository uses most (``v3.14.0b1``: cpython,
    ``29.0.0.0rc1``: openstack, ``v6.8-rc1``: linux, ``4.19.0-rc1`` / ``RELEASE-4.19.0``:
    xen), or None when no tag looks like any. For ``relplan init --from-git``."""
    seen: Counter[str] = Counter()
    for tag in tags:
        for name, pattern in _TAG_STYLES.items():
            if pattern.match(tag):
                seen[name] += 1
                break
    return seen.most_common(1)[0][0] if seen else None
