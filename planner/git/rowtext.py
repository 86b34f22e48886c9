"""How a done row says why it is done; warning rows for markers naming no main-line commit."""

from __future__ import annotations

from relplan.planner.domain.model import BackportState
from relplan.planner.git.markers import Pick
from relplan.planner.git.picks import Branch
from relplan.planner.git.rows import BackportRow


def picked_text(sha: str, pick: Pick) -> str:
    """``picked as abc ('cherry picked from commit')``, ``patch-id matches abc (no marker)``,
    ``picked as abc (pull request #84094: '[stable-X.Y] title (#orig)')``, ..."""
    if pick.signal == "patch-id":
        return f"patch-id matches {sha[:12]} (no marker)"
    if pick.signal == "title":
        return f"title matches {sha[:12]} (no marker; a path in common)"
    if pick.signal == "pr-number":
        number, _, name = pick.marker.partition(": ")
        return f"picked as {sha[:12]} (pull request {number}: '{name}')"
    return f"picked as {sha[:12]} ('{pick.marker}')"


def offline_rows(
    br: Branch, upstream: str, owner: dict[str, str], known: set[str]
) -> list[BackportRow]:
    """A warning row (state unknown) per marker naming a commit that is not on the main
    line, unless the same branch commit was matched to a main-line commit otherwise.
    ``owner`` maps the scanned branches' own commits to their branch; ``known`` holds
    the commits the repository has."""
    claimed = {sha for sha, _ in br.picks.values()}
    subjects = {c.sha: c.subject for c in br.own}
    t = br.target
    rows = []
    for root, (sha, pick) in br.offline.items():
        if sha in claimed:
            continue
        if root in owner:
            what = f"a commit of {owner[root]}, not on {upstream}"
        elif root in known:
            what = f"not on {upstream} (a pull request's head or another branch's commit)"
        else:
            what = "not in this repository"
        why = f"'{pick.marker}' on {sha[:12]} names {root[:12]}, {what}: not counted as done"
        rows.append(
            BackportRow(
                root, subjects[sha], t.name, t.series, BackportState.UNKNOWN, why,
                sha, pick.marker, signal="marker",
            )
        )  # fmt: skip
    return rows
