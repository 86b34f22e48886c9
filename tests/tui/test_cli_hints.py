"""The command line helps a mistyped word: a did-you-mean for commands, options and option
values (exit 2, as every usage error); repeated warnings print once, with a count."""

from __future__ import annotations

import pytest

from relplan.planner.domain.text import grouped_warnings
from relplan.tui.cli import main


@pytest.mark.parametrize(
    ("argv", "hint"),
    [
        (["stauts"], "did you mean 'status'?"),
        (["status", "--formt", "json"], "did you mean '--format'?"),
        (["calendar", "--cuont", "3"], "did you mean '--count'?"),
        (["export", "--format", "ic"], "did you mean 'ics'?"),
        (["status", "--tody", "2009-08-31"], "did you mean '--today'?"),
    ],
)
def test_did_you_mean(argv: list[str], hint: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert hint in capsys.readouterr().err


def test_nothing_close_gets_no_guess(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["zzzzzz"])
    assert "did you mean" not in capsys.readouterr().err


def test_warnings_print_once_with_a_count() -> None:
    culprit = "commit {}: Fixes: {} names no commit in the repository"
    five = [culprit.format(f"{n}bc1234def56", f"{n}23456789abc") for n in range(1, 6)]
    got = grouped_warnings([*five, "branch stable-4.9 is gone", "branch stable-4.9 is gone"])
    assert got == [
        "commit … names no commit in the repository (5 times): 1bc1234def56: Fixes: "
        "123456789abc; 2bc1234def56: Fixes: 223456789abc; 3bc1234def56: Fixes: 323456789abc; "
        "and 2 more",
        "branch stable-4.9 is gone (2 times)",
    ]
    assert grouped_warnings(five[:1]) == five[:1]
