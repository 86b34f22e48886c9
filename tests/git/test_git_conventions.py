"""Conventions as data: every preset's phrasings, lists, non-culprits, and the config table."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitrepos import Stable
from test_git_cli import relplan

from relplan.planner.domain.errors import PlanError
from relplan.planner.git.conventions import PRESETS, Conventions, PatternKind, compile_pattern
from relplan.planner.git.markers import parse_message, parse_stable
from relplan.planner.store.configfile import loads_config

A, B, C = "1a2b3c4d5e6f", "0f1e2d3c4b5a", "abc1234def56"


def culprits(message: str, conventions: Conventions | None = None) -> list[tuple[str, str]]:
    return [(f.culprit, f.phrase) for f in parse_message(message, conventions).fixes]


@pytest.mark.parametrize(
    ("message", "phrase"),
    [
        (f'x: y\n\nFixes: {A} ("x: add y")', "Fixes:"),
        (f"x: y\n\nFixes: commit {A}", "Fixes:"),
        (f"x: y\n\nFixes {A}", "Fixes <sha>"),
        (f"x: y\n\nFollow-up for {A}.", "Follow-up for"),
        (f"x: y\n\nFollow-up for: {A}", "Follow-up for"),
        (f"x: y\n\nFollow-up-for: {A}", "Follow-up for"),
        (f"x: y\n\nFollow-ups for {A}.", "Follow-up for"),
        (f"x: y\n\nThis is a follow-up for {A}", "Follow-up for"),
        (f"x: y\n\nFollow-up to {A}", "Follow-up for"),
        (f"x: y\n\nFollow up to {A}", "Follow-up for"),
        (f"x: y\n\nFollowup for {A}.", "Follow-up for"),
        (f"x: y\n\nThis is a followup to\n{A}\n> subject", "Follow-up for"),
        (f"x: y\n\nFixup for {A}, as requested", "Fixup for"),
        (f"x: y\n\nFixes a bug introduced by {A}.", "introduced by"),
        (f"x: y\n\nFixes a regression introduced by commit {A}.", "introduced by"),
        (f"x: y\n\nThis fixes a bug introduced in {A}.", "introduced by"),
        (f"x: y\n\nFixes an issue caused by {A} (v253).", "introduced by"),
        (f"x: y\n\nFixes a bug in {A}.", "Fixes a bug in"),
        (f"Fixed #35000 -- Fixed crash.\n\nRegression in {A}.", "Regression in"),
        (f"x: y\n\nThis partially reverts commit {A}.", "partially reverts"),
        (f'Revert "x: y"\n\nThis reverts commit {A}.', "This reverts commit"),
    ],
)
def test_each_phrasing_names_its_culprit(message: str, phrase: str) -> None:
    assert culprits(message) == [(A.lower(), phrase)]


@pytest.mark.parametrize(
    "message",
    [
        f"x: y\n\nFollow-up for {A} and {B}.",
        f"x: y\n\nFollow-up for {A}, {B}",
        f"x: y\n\nFollow-up for {A} and\n{B}.",
        f"x: y\n\nFollow-ups for\n  {A} (sd-dhcp.h),\n  {B} (sd-ndisc.h and sd-ndisc-router.h).",
        f'x: y\n\nFixes: {A} ("one"), {B} ("two")',
        f"x: y\n\nBugs introduced in {A} and {B}.",
    ],
)
def test_lists_name_several_culprits(message: str) -> None:
    assert [sha for sha, _ in culprits(message)] == [A, B]


def test_a_list_of_three_with_and_and_commits() -> None:
    message = f"Revert three\n\nThis reverts commits {A}, {B}, and {C}."
    m = parse_message(message)
    assert m.reverts == (A, B, C) and [f.culprit for f in m.fixes] == [A, B, C]


@pytest.mark.parametrize(
    "message",
    [
        "x: y\n\nFixes: #1234",
        "x: y\n\nFixes #1234",
        "x: y\n\nFixes: https://github.com/systemd/systemd/issues/1234",
        "x: y\n\nFollow-up for https://github.com/systemd/systemd/pull/30049#issuecomment-18440",
        "x: y\n\nFixes: Yet another hardware trainwreck",
        "x: y\n\nFollow-up for defaced tables",  # hex letters only: a word, not a commit
        "x: y\n\nThis fixes the bug seen in 1a2b3c4 runs.",  # not a culprit phrase
        "build(deps): bump pkg/debian from `7cc898c` to `824c52f`",
    ],
)
def test_issue_numbers_urls_and_words_are_not_culprits(message: str) -> None:
    assert culprits(message) == []


@pytest.mark.parametrize(
    ("message", "tag", "floor", "only"),
    [
        ("x\n\nCc: stable@vger.kernel.org # 5.10+", "Cc: stable # 5.10+", "5.10", False),
        ("x\n\nCc: <stable@vger.kernel.org> # 3.3.x: a1f84a3: subj", None, None, False),
        ("x\n\nCc: qemu-stable@nongnu.org", "Cc: qemu-stable", None, False),
        ("x\n\nCc: qemu-stable@nongnu.org # 8.2+", "Cc: qemu-stable # 8.2+", "8.2", False),
        ("x\n\nBackport: 4.9+", "Backport: 4.9+", "4.9", False),
        ("x\n\nBackport: 4.9", "Backport: 4.9", "4.9", True),
    ],
)
def test_request_tags(message: str, tag: str | None, floor: str | None, only: bool) -> None:
    req = parse_message(message).request
    assert req is not None
    if tag is None:  # a prerequisite comment is not a floor
        assert (req.tag.startswith("Cc: stable # 3.3.x"), req.floor) == (True, None)
    else:
        assert (req.tag, req.floor, req.only) == (tag, floor, only)


def test_opt_out_and_bad_request_lines() -> None:
    assert parse_message("x\n\nCc: <stable+noautosel@kernel.org> # no").opt_out
    m = parse_message("x\n\nBackport: when convenient")
    assert m.request is None and m.problems == (
        "'Backport:' needs a version such as 4.9+, got 'when convenient'",
    )


@pytest.mark.parametrize(
    ("subject", "message", "upstream", "marker", "preset"),
    [
        ("x", f"x\n\n(cherry picked from commit {A})", A, "cherry picked from commit", "git"),
        ("x", f"x\nmaster commit: {A}\nmaster date: 2010", A, "master commit", "xen"),
        ("x", f"x\n\ncommit {A} upstream.\n", A, "commit upstream", "linux"),
        ("x", f"x\n\n[ Upstream commit {A} ]\n", A, "Upstream commit", "linux"),
        ("[5.0.x] Fixed #1", f"[5.0.x] Fixed #1\n\nBackport of {A} from main", A, "Backport of",
         "django"),
    ],
)  # fmt: skip
def test_done_markers(subject: str, message: str, upstream: str, marker: str, preset: str) -> None:
    m = parse_stable(subject, message)
    assert [(p.upstream, p.marker) for p in m.picks] == [(upstream, marker)]
    assert preset in {p for p, _ in m.matched}


def test_chained_cherry_pick_lines_keep_their_order_and_subject_tags_count() -> None:
    message = f"[3.12] x (GH-1)\n\n(cherry picked from commit {A})\n(cherry picked from commit {B})"
    m = parse_stable("[3.12] x (GH-1)", message)
    assert [p.upstream for p in m.picks] == [A, B]
    assert ("cpython", "[X.Y] subject") in m.matched
    bad = parse_stable("x", "x\n\n(cherry picked from commit)")
    assert bad.problems == ("'cherry picked from commit' line without a commit id: "
                            "'(cherry picked from commit)'",)  # fmt: skip


def test_every_preset_pattern_that_names_a_commit_has_a_sha_group() -> None:
    for preset in PRESETS.values():
        for p in preset.patterns:
            if p.kind in (PatternKind.CULPRIT, PatternKind.REVERT, PatternKind.DONE):
                assert "sha" in p.regex.groupindex, (preset.name, p.name)
    assert set(PRESETS) == {"linux", "xen", "git", "cpython", "django", "systemd"}


CONFIG = """\
[git]
repo = "."

[git.conventions]
presets = ["linux", "git"]

[git.conventions.culprit]
"Broken-by" = '^Broken-by:\\s*(?P<sha>[0-9a-f]{7,40})'
"Fixes:" = ''

[git.conventions.done]
"Picked-from" = '^Picked-from: (?P<sha>[0-9a-f]{40})$'
"""


def test_config_adds_replaces_and_turns_off_patterns() -> None:
    conv = loads_config(CONFIG).git.conventions
    assert conv is not None
    assert culprits(f"x\n\nBroken-by: {A}\nFixes: {B}\nFollow-up for {C}", conv) == [
        (A, "Broken-by")  # Fixes: is off, Follow-up for (systemd) is not a chosen preset
    ]
    assert conv.grep() is not None and "broken-by:" in conv.grep()  # type: ignore[operator]
    picks = parse_stable("x", f"x\n\nPicked-from: {A * 3}{A[:4]}", conv).picks
    assert [(p.upstream, p.marker) for p in picks] == [(A * 3 + A[:4], "Picked-from")]
    assert loads_config('[git]\nrepo = "."\n').git.conventions is None  # every preset


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("[git.conventions.culprit]\n\"Broken-by\" = 'Broken-by: (?P<sha>[0-9a-f]+'",
         r'config.toml:4: git.conventions.culprit.Broken-by: not a valid regular expression'),
        ("[git.conventions.culprit]\n\"Broken-by\" = 'Broken-by: ([0-9a-f]+)'",
         r'config.toml:4: git.conventions.culprit.Broken-by: a culprit pattern needs a named '
         r"group for the commit id"),
        ("[git.conventions.done]\npicked = 'Picked: (?P<commit>[0-9a-f]+)'",
         "config.toml:4: git.conventions.done.picked: a done pattern needs a named group"),
        ("[git.conventions]\npresets = [\"xenn\"]",
         "config.toml:4: git.conventions.presets: unknown preset 'xenn' (did you mean 'xen'?)"),
        ("[git.conventions.culprit]\n\"Fixes\" = ''",
         "config.toml:4: git.conventions.culprit.Fixes: no built-in culprit pattern 'Fixes' "
         "(did you mean 'Fixes:'?)"),
        ("[git.conventions.culprits]\nx = 'y'",
         "config.toml:3: git.conventions.culprits: unknown key (did you mean 'culprit'?)"),
    ],
)  # fmt: skip
def test_bad_conventions_name_the_key_and_its_line(table: str, expected: str) -> None:
    with pytest.raises(PlanError) as err:
        loads_config(f'[git]\nrepo = "."\n{table}\n')
    assert str(err.value).startswith(expected), str(err.value)


def test_cli_reads_the_config_conventions_and_rejects_bad_ones(
    stable: Stable, tmp_path: Path
) -> None:
    fix = stable.repo.commit(f"x86: fix A\n\nBroken-by: {stable.culprit1[:12]}")
    good = tmp_path / "good.toml"
    good.write_text(CONFIG.replace('repo = "."', f'repo = "{stable.repo.path}"'))
    proc = relplan(tmp_path, "--config", str(good), "backports", "--branch", "stable-4.1")
    assert proc.returncode == 0, proc.stderr
    assert f"  required  {fix[:12]}" in proc.stdout
    assert f"Broken-by {stable.culprit1[:12]}, which ships in stable-4.1" in proc.stdout
    assert "config (Broken-by 1)" in proc.stdout.splitlines()[1]
    bad = tmp_path / "bad.toml"
    bad.write_text(CONFIG.replace("(?P<sha>[0-9a-f]{7,40})", "([0-9a-f]{7,40})"))
    proc = relplan(tmp_path, "--config", str(bad), "backports", "--branch", "stable-4.1")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"{bad}:8: git.conventions.culprit.Broken-by: a culprit pattern needs a named group" in (
        proc.stderr
    )


def test_config_patterns_get_a_needle_for_git_log_when_they_have_plain_words() -> None:
    culprit = PatternKind.CULPRIT
    worded = compile_pattern(culprit, "broken", r"(?P<sha>[0-9a-f]{7,40})\s+is Broken\b")
    assert worded.needles == ("is broken",)
    bare = compile_pattern(culprit, "any", r"\b(?:x|y)=(?P<sha>[0-9a-f]{7,40})")
    assert bare.needles == ()
    assert Conventions(["git"], [worded]).grep() == ("reverts", "is broken")
    assert Conventions(["git"], [bare]).grep() is None  # every upstream commit is read
    m = parse_message(f"y\n\nx={A}", Conventions(["git"], [bare]))
    assert [(f.culprit, f.phrase) for f in m.fixes] == [(A, "any")]
