"""The release manager's rules, each in exactly one place.

Status, ``check``, the git join, the dashboard's presets and backport matrix
and every CLI command ask these functions; none of them re-derives a rule.

- :func:`is_open_blocker`: which items hold a release back;
- :func:`branch_support` / :func:`maintained_branches`: which branches take
  fixes on a day (and which only security fixes);
- :func:`current_window`: the releases that matter on a day (what ``status`` and
  the timeline open on);
- :func:`backport_conflict`: when the tracker and git disagree about a backport;
- :data:`PRESETS` / :func:`in_preset`: the named item lists of the dashboard;
- :func:`backport_presets` / :func:`in_backport_preset`: the named lists of the
  backport matrix (missing, conflicts, security, missing on one branch);
- :func:`report_release`: the release a report is about unless told otherwise;
- :func:`stage_refuses` / :func:`breaches`: what a stage of the freeze ladder no longer lets in;
- :func:`ship_refusals`: why recording a shipment would be wrong (blockers, order, twice).
- :func:`release_day_refusal`: why a day a release slips to is off the policy's days.
- :func:`target_refusal` / :func:`backport_refusal`: which targets and backport marks a
  person makes only on purpose (the dashboard confirms, the CLI wants ``--force``);
- :func:`backport_mark_problem`: which backport marks cannot be made at all (a series
  with no release, items that are not fixes).

Which release can take an item lives in :func:`relplan.planner.domain.laying.open_releases_for`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from relplan.planner.domain.calendar import abandoned, phase_on
from relplan.planner.domain.ends import support_on
from relplan.planner.domain.model import (
    BackportState,
    Item,
    Kind,
    Phase,
    Plan,
    Release,
    ReleaseKind,
    State,
)
from relplan.planner.domain.policy import WEEKDAYS, Accepts, Capacity, Policy
from relplan.planner.domain.series import fill
from relplan.planner.domain.stages import ACCEPTS_TEXT, first_stage, ladder, stage_on
from relplan.planner.domain.version import version_key


def is_open_blocker(item: Item) -> bool:
    """A blocker not yet done or rejected: it holds its target release back, whatever its
    triage state (a proposed or deferred blocker that still targets a release counts)."""
    return item.blocker and not item.state.is_closed


def counts_for_release(item: Item, version: str) -> bool:
    """Whether an item is part of release ``version``'s work: it targets it and was not
    rejected (status counts, reports and updates list exactly these)."""
    return item.target == version and item.state is not State.REJECTED


def open_blockers(items: Iterable[Item], version: str) -> list[str]:
    """Ids of the open blockers that target ``version``."""
    return [it.id for it in items if it.target == version and is_open_blocker(it)]


# -- stages ----------------------------------------------------------------------------------

APPROVAL_LABELS = ("release-acked", "release-ack", "approved")
"""Labels that say the release manager approved a fix (Xen's ``Release-Acked-by:``)."""
DOCS_WORDS = ("docs", "documentation", "release-prep")
"""Labels or areas of documentation and release preparation work."""


def is_docs(item: Item) -> bool:
    """Documentation or release preparation: labelled or filed under an area so."""
    words = {w.lower() for w in item.labels} | {(item.area or "").lower()}
    return any(w in words for w in DOCS_WORDS)


def stage_refuses(accepts: Accepts, item: Item) -> str | None:
    """Why an open item may not land in a stage that accepts ``accepts``; None if it may.

    Looser to tighter: features (anything), fixes (no features), approved-fixes
    (fixes that are blockers or labelled approved), blockers (blocker fixes),
    docs (documentation and release preparation), nothing. Docs work lands in
    every stage but the last; a feature lands only in a features stage.
    """
    if accepts is Accepts.FEATURES:
        return None
    if accepts is Accepts.NOTHING:
        return "the release is cut"
    if is_docs(item):
        return None
    if accepts is Accepts.DOCS:
        return "not documentation or release preparation"
    if item.kind is Kind.FEATURE:
        return "a new feature; move it to the next release"
    if accepts is Accepts.APPROVED_FIXES and not (
        item.blocker or any(label.lower() in APPROVAL_LABELS for label in item.labels)
    ):
        return "not approved by the release manager (a blocker, or labelled release-acked)"
    if accepts is Accepts.BLOCKERS and not item.blocker:
        return "not a release blocker"
    return None


# -- guard rails: what triage does only on purpose ---------------------------------------

SHIPPED_RULE = "targets already shipped"
FROZEN_RULE = "features after the freeze"
EOL_RULE = "backports to end-of-life series"


def target_refusal(item: Item, release: Release, today: dt.date) -> str | None:
    """Why targeting ``item`` at ``release`` on ``today`` needs the user's say-so, as
    ``"<rule>: <why>"``; None when the release can take it.

    Two rules: a shipped release takes nothing more (:data:`SHIPPED_RULE`); a feature
    goes only to a point release not yet frozen (:data:`FROZEN_RULE`). A release past
    its day but not shipped (late) still takes fixes: it has not shipped yet.
    """
    if release.shipped:
        return f"{SHIPPED_RULE}: {release.version} shipped on {release.actual}"
    if item.kind is not Kind.FEATURE:
        return None
    if release.kind is not ReleaseKind.POINT:
        return f"{FROZEN_RULE}: {release.version} is a maintenance release (fixes only)"
    if release.freeze is not None and today >= release.freeze:
        return f"{FROZEN_RULE}: {release.version} froze on {release.freeze}"
    return None


def backport_refusal(
    series: str, state: BackportState, train: Sequence[Release], today: dt.date
) -> str | None:
    """Why marking a fix ``state`` on branch ``series`` needs the user's say-so, or None.

    A branch whose support ended (end of life on ``today``, :func:`branch_support`)
    takes no backports: required, in-progress or done there is refused
    (:data:`EOL_RULE`); dontneed, wontfix and unknown are always fine. A series not on
    the train, or not released yet, is not refused here.
    """
    if state not in (BackportState.REQUIRED, BackportState.IN_PROGRESS, BackportState.DONE):
        return None
    points = [r for r in train if r.series == series and r.kind is ReleaseKind.POINT]
    if not points or today < points[0].day or points[0].maintained_until is None:
        return None
    if branch_support(points[0], today) is not None:
        return None
    ended = points[0].security_until or points[0].maintained_until
    return f"{EOL_RULE}: {series} reached its end of life on {ended}"


def backport_mark_problem(
    series: str, items: Sequence[Item], train: Sequence[Release]
) -> str | None:
    """Why marking the backport state of ``items`` on branch ``series`` cannot be done at
    all, not even on purpose; None when it can.

    Two reasons: ``check`` rejects a backport state for a series with no release on the
    train, and only fixes are backported (:attr:`Kind.is_fix`: a feature lands in the
    next point release, never on a branch). A mixed selection is fine: its fixes are
    marked, the rest left alone.
    """
    known = {r.series for r in train}
    if series not in known:
        newest = sorted(known, key=version_key, reverse=True)[:4]
        have = f" (newest: {', '.join(newest)})" if newest else ""
        return f"series {series} has no release on the calendar{have}"
    if items and not any(it.kind.is_fix for it in items):
        which = ", ".join(f"{it.id} is a {it.kind}" for it in items[:3])
        more = f" +{len(items) - 3}" if len(items) > 3 else ""
        return f"only bugs and security fixes are backported: {which}{more}"
    return None


# -- owners and capacity ------------------------------------------------------------------


def owners(item: Item) -> list[str]:
    """The people who carry an item (``owner`` may name several, separated by ``;``)."""
    return [o.strip() for o in (item.owner or "").split(";") if o.strip()]


def owner_load(items: Iterable[Item]) -> dict[str, int]:
    """Open work per person among ``items`` (one release's), most loaded first."""
    load: dict[str, int] = {}
    for it in items:
        if not it.state.is_closed:
            for name in owners(it):
                load[name] = load.get(name, 0) + 1
    return dict(sorted(load.items(), key=lambda kv: (-kv[1], kv[0])))


def over_capacity(items: Sequence[Item], capacity: Capacity) -> list[str]:
    """What one release's open ``items`` hold beyond the policy's capacity, as sentences
    (empty within capacity or without limits)."""
    still_open = [it for it in items if not it.state.is_closed]
    out = []
    features = sum(1 for it in still_open if it.kind is Kind.FEATURE)
    fixes = sum(1 for it in still_open if it.kind.is_fix)
    if capacity.features is not None and features > capacity.features:
        out.append(f"{features} open features, capacity {capacity.features}")
    if capacity.fixes is not None and fixes > capacity.fixes:
        out.append(f"{fixes} open fixes, capacity {capacity.fixes}")
    if capacity.per_owner is not None:
        for name, count in owner_load(still_open).items():
            if count > capacity.per_owner:
                out.append(f"{name} carries {count} open items, capacity {capacity.per_owner}")
    return out


# -- branches -----------------------------------------------------------------------------


def branch_support(release: Release, today: dt.date) -> Phase | None:
    """How a point release's branch is supported on ``today``.

    :attr:`Phase.MAINTAINED` from the day it actually shipped (the day itself included)
    until ``maintained_until`` (and on while the release that ends it is late), then
    :attr:`Phase.SECURITY_ONLY` until ``security_until``; None for a release not
    shipped, before it shipped, after support ends, for maintenance releases, and
    for a point release whose support end is unknown. The rule itself is
    :func:`relplan.planner.domain.ends.support_on` (the calendar's phases use it too).
    """
    return support_on(release, today)


@dataclass(frozen=True, slots=True)
class Branch:
    """A maintained branch on a day: its series, its git branch name, security fixes only?"""

    series: str
    name: str
    security_only: bool = False


def maintained_branches(
    policy: Policy, train: Sequence[Release], today: dt.date, pattern: str | None = None
) -> list[Branch]:
    """Branches taking fixes on ``today``, newest series first.

    Named by ``pattern`` (``"stable-{series}"``) when given, else by the
    release's own branch, else by ``policy.branch_pattern``.
    """
    out: dict[str, Branch] = {}
    for r in train:
        support = branch_support(r, today)
        if support is None or r.series in out:
            continue
        name = fill(pattern, r.series) if pattern else r.branch
        name = name or policy.branch_for(r.series)
        out[r.series] = Branch(r.series, name, support is Phase.SECURITY_ONLY)
    return sorted(out.values(), key=lambda b: version_key(b.series), reverse=True)


def current_window(train: Sequence[Release], today: dt.date) -> list[Release]:
    """The releases that matter on ``today``, in calendar order: the present, not history.

    - the point release of every supported branch (maintained or security-only);
    - every release stabilizing (frozen or in its RCs), and any not shipped although
      its day has passed (but an abandoned one: its series ended, it is history);
    - the next point release, and any other already in development;
    - the next maintenance release of each supported branch.
    """
    supported = {r.series for r in train if branch_support(r, today) is not None}
    out: list[Release] = []
    next_point = True
    next_maintenance: set[str] = set()
    for r in train:
        if r.shipped or r.day < today:
            keep = branch_support(r, today) is not None or (
                not r.shipped and not abandoned(r, today)
            )
        else:
            phase = phase_on(r, today)
            if r.kind is ReleaseKind.POINT:
                keep = next_point or phase is not Phase.PLANNING
                next_point = False
            else:
                keep = phase.is_stabilizing or (
                    r.series in supported and r.series not in next_maintenance
                )
                next_maintenance.add(r.series)
        if keep:
            out.append(r)
    return out


def maintained_series(policy: Policy, train: Sequence[Release], today: dt.date) -> list[str]:
    """The series of :func:`maintained_branches`, newest first."""
    return [b.series for b in maintained_branches(policy, train, today)]


def takes_fix(branch: Branch, item: Item) -> bool:
    """Whether a fix belongs on the branch: security-only branches take security fixes."""
    return item.kind.is_fix and (not branch.security_only or item.kind is Kind.SECURITY)


def report_release(train: Sequence[Release], today: dt.date) -> Release | None:
    """The release a schedule mail or development update is about by default.

    The first point release being stabilized (frozen or in RCs) on ``today``, else
    the next point release not yet shipped: those are what schedule mails and
    development updates announce (maintenance releases have no last posting date or
    freeze); a late release is still ahead (it has not shipped). A train with no point
    release ahead falls back to the same rule over releases of any kind; None when nothing
    is ahead.
    """
    # a late release is still ahead; an abandoned one never comes
    ahead = [r for r in train if not r.shipped and not abandoned(r, today)]
    for pool in ([r for r in ahead if r.kind is ReleaseKind.POINT], ahead):
        stabilizing = [r for r in pool if phase_on(r, today).is_stabilizing]
        if stabilizing or pool:
            return (stabilizing or pool)[0]
    return None


# -- shipping ----------------------------------------------------------------------------------


def ship_refusals(
    items: Iterable[Item], train: Sequence[Release], release: Release, on: dt.date
) -> list[str]:
    """Why recording that ``release`` shipped on ``on`` would be wrong (empty: nothing).

    It already shipped (a second ``ship`` would replace the recorded day); it has open
    blockers (:func:`is_open_blocker`); or it is out of order: an earlier version of its
    line (every earlier point release for a point release, the earlier bug-fix releases
    of its series and its point release for a bug-fix release, by version order) has
    not shipped, or shipped after ``on``. ``ship --force`` and the dashboard's
    confirmation record it anyway.
    """
    out = []
    if release.actual is not None:
        out.append(
            f"{release.version} already shipped on {release.actual}; "
            "recording it again would replace that day"
        )
    blockers = open_blockers(items, release.version)
    if blockers:
        out.append(f"{release.version} has {len(blockers)} open blocker(s): {', '.join(blockers)}")
    mine = version_key(release.version)
    for r in train:
        if version_key(r.version) >= mine or not _same_line(r, release):
            continue
        if r.actual is None:
            out.append(f"{r.version} has not shipped yet; {release.version} comes after it")
        elif r.actual > on:
            out.append(
                f"{r.version} shipped on {r.actual}, after {on}; {release.version} comes after it"
            )
    return out


def release_day_refusal(policy: Policy, day: dt.date) -> str | None:
    """Why a release moved by hand to ``day`` lands where the calendar never puts one, or
    None: in the policy's blackouts or holidays, or off the cadence's ``weekday`` (the
    calendar lays point and maintenance releases on that weekday, and counts the freeze
    back in whole weeks, so the freeze would leave it too). Names the policy's days
    either side. ``slip --force`` and the dashboard's confirmation move it anyway.
    """
    weekday = policy.cadence.weekday
    if policy.blocked(day):
        return f"{day} is in the policy's blackouts or holidays"
    if weekday is None or day.weekday() == weekday:
        return None
    name = WEEKDAYS[weekday]
    before = day - dt.timedelta(days=(day.weekday() - weekday) % 7)
    after = before + dt.timedelta(days=7)
    return (
        f"{day} is a {WEEKDAYS[day.weekday()].capitalize()}; the policy releases on "
        f'{name.capitalize()}s (weekday = "{name}"): {before} or {after}'
    )


def _same_line(earlier: Release, release: Release) -> bool:
    """Whether ``earlier`` must ship before ``release``: point releases ship in order, a
    bug-fix release after its series' earlier releases."""
    if release.kind is ReleaseKind.POINT:
        return earlier.kind is ReleaseKind.POINT
    return earlier.series == release.series


# -- tracker vs git -------------------------------------------------------------------------


def backport_conflict(tracker: BackportState | None, git: BackportState | None) -> str | None:
    """How the tracker and git disagree about one fix on one branch, or None.

    Two disagreements matter: the tracker says done and git finds no pick
    (``"not-in-git"``), or git finds the pick while the tracker still says it is
    to do or unknown (``"done-in-git"``). Git knowing more than the tracker
    (tracker silent, git says required) or a decision git cannot see
    (dontneed, wontfix) is not a conflict.
    """
    if tracker is BackportState.DONE and git is not BackportState.DONE:
        return "not-in-git"
    if git is BackportState.DONE and tracker in (
        BackportState.REQUIRED,
        BackportState.IN_PROGRESS,
        BackportState.UNKNOWN,
    ):
        return "done-in-git"
    return None


@dataclass(frozen=True, slots=True)
class BackportCell:
    """One fix on one branch: the tracker's state, git's state and why, any conflict."""

    tracker: BackportState | None
    git: BackportState | None = None
    evidence: str = ""
    conflict: str | None = None
    missing: bool = False
    apply: str = ""  # will it apply: clean, conflict: paths, needs N: ids, applied (git)

    @property
    def mark(self) -> str:
        """``!`` a conflict (:func:`backport_conflict`), ``✓`` git says the same as the
        tracker, ``g`` git knows something the tracker does not say, blank: no evidence."""
        if self.conflict:
            return "!"
        if self.git is None:
            return ""
        return "✓" if self.git is self.tracker else "g"

    @property
    def state(self) -> BackportState | None:
        """The state statuses count: git's where git has evidence, else the tracker's (as
        :meth:`relplan.planner.git.join.Evidence.apply` writes it into the status plan)."""
        return self.git if self.git is not None else self.tracker

    @property
    def is_missing(self) -> bool:
        """The fix still has to reach the branch: :func:`needs_backport` on the counted
        :attr:`state`, decided by whoever made the cell (it knows the item and branch)."""
        return self.missing

    def for_fix(self, item: Item, branch: Branch) -> BackportCell:
        """This cell with :attr:`missing` decided by :func:`needs_backport`."""
        return replace(self, missing=needs_backport(item, branch, self.state))

    def reasons(self) -> list[str]:
        """Git's evidence one reason a line (pick and its marker, patch-id, culprit,
        request, revert), in the order the scan gave them."""
        return [part for part in self.evidence.split("; ") if part]

    def describe(self) -> str:
        """One line for the evidence bar: a conflict first, then both sides."""
        tracker = self.tracker.value if self.tracker else "nothing"
        if self.git is None:
            return f"tracker: {tracker}; git: no evidence"
        text = f"tracker: {tracker}; git: {self.git.value} ({self.evidence})"
        return f"CONFLICT {self.conflict}; {text}" if self.conflict else text


def needs_backport(item: Item, branch: Branch, state: BackportState | None) -> bool:
    """The one rule behind "missing", "needs backport" and "still to backport": ``item`` is a
    fix ``branch`` takes (:func:`takes_fix`: a security-only branch takes security fixes
    only) and ``state``, the state counted on that branch, is pending (required or in
    progress). The counted state is git's where git has evidence, else the tracker's
    (:attr:`BackportCell.state`; the status plan carries it in ``item.backports``)."""
    return state is not None and state.is_pending and takes_fix(branch, item)


def missing_backports(items: Iterable[Item], branch: Branch) -> list[Item]:
    """Fixes that still have to reach ``branch`` (:func:`needs_backport` on each item's
    recorded state: pass the status plan's items to count git's evidence)."""
    return [it for it in items if needs_backport(it, branch, it.backports.get(branch.series))]


def needing_backport(items: Iterable[Item], branches: Iterable[Branch]) -> set[str]:
    """Ids of the items :func:`needs_backport` holds for on at least one of ``branches``."""
    branches = list(branches)
    return {
        it.id
        for it in items
        if any(needs_backport(it, b, it.backports.get(b.series)) for b in branches)
    }


def fixes_for(items: Iterable[Item], series: Collection[str]) -> list[Item]:
    """Fixes that concern these branches: a backport state recorded for one, or still open."""
    wanted = set(series)
    return [
        it for it in items if it.kind.is_fix and (wanted & set(it.backports) or it.state.is_open)
    ]


# -- presets ----------------------------------------------------------------------------------

PRESETS: dict[str, str] = {
    "all": "every item",
    "untriaged": "proposed, not yet accepted, deferred or rejected",
    "unscheduled": "accepted work without a target release",
    "at-risk": "open items their release can no longer take",
    "blockers": "open release blockers (not done or rejected)",
    "needs-backport": "fixes a maintained branch still needs (git's word where it has one)",
}


BACKPORT_PRESETS: dict[str, str] = {
    "all": "every fix on the maintained branches",
    "missing": "fixes still required or in progress on a shown branch",
    "conflicts": "fixes the tracker and git disagree about on a shown branch",
    "security": "security fixes",
}
MISSING_ON = "missing on "


def backport_presets(series: Iterable[str]) -> list[str]:
    """The backport matrix's preset lists: :data:`BACKPORT_PRESETS`, then one
    ``missing on <series>`` per branch shown."""
    return [*BACKPORT_PRESETS, *(MISSING_ON + s for s in series)]


def in_backport_preset(
    preset: str, item: Item, cells: Sequence[BackportCell], series: Sequence[str]
) -> bool:
    """True when a fix belongs to a backport preset list; ``cells`` are its cells on the
    branches ``series`` shown (same order). Missing means the state statuses count is
    a backport (:attr:`BackportCell.is_missing`, :func:`needs_backport`), so the lists agree
    with ``status``, the development update and the Items preset."""
    if preset == "all":
        return True
    if preset == "missing":
        return any(c.is_missing for c in cells)
    if preset == "conflicts":
        return any(c.conflict for c in cells)
    if preset == "security":
        return item.kind is Kind.SECURITY
    if preset.startswith(MISSING_ON) and preset[len(MISSING_ON) :] in series:
        return cells[series.index(preset[len(MISSING_ON) :])].is_missing
    known = ", ".join(backport_presets(series))
    raise ValueError(f"unknown backport preset {preset!r}; expected one of {known}")


def in_preset(
    preset: str, item: Item, at_risk: Collection[str], needing: Collection[str] = ()
) -> bool:
    """True when the item belongs to the preset list (``at_risk``: ids of at-risk items;
    ``needing``: ids of the items that need a backport, :func:`needing_backport` over the
    status plan, so git's evidence counts)."""
    if preset == "untriaged":
        return item.state is State.PROPOSED
    if preset == "unscheduled":
        return item.state.is_open and item.target is None
    if preset == "at-risk":
        return item.id in at_risk
    if preset == "blockers":
        return is_open_blocker(item)
    if preset == "needs-backport":
        return item.id in needing
    if preset == "all":
        return True
    raise ValueError(f"unknown preset {preset!r}; expected one of {', '.join(PRESETS)}")


def breaches(plan: Plan, train: Sequence[Release], today: dt.date) -> Iterator[str]:
    """Open items that the current stage of their release does not accept, one sentence each
    naming the item, the stage (and its day) and the rule. Only releases not yet out."""
    specs = {s.version: s for s in plan.releases}
    by_version = {r.version: r for r in train}
    for it in plan.items:
        release = by_version.get(it.target or "")
        if release is None or release.shipped or today >= release.day or not it.state.is_open:
            continue
        rungs = ladder(plan.policy, release, specs.get(release.version))
        stage = stage_on(rungs, today, first_stage(release))
        why = stage_refuses(stage.accepts, it)
        if why:
            yield (
                f"{it.id}: open {it.kind.value} in {release.version} during {stage.name} "
                f"(since {stage.day}), which accepts {ACCEPTS_TEXT[stage.accepts]}: {why}"
            )
