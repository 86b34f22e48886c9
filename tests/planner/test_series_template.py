"""The ``{series}`` template (planner/domain/series.py): what it fills it reads back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relplan.planner.domain.series import check_template, fill, series_in

SERIES = st.lists(st.integers(0, 999).map(str), min_size=1, max_size=3).map(".".join)
TEMPLATES = ["stable-{series}", "xen-{series}-testing", "backport {series}", "{series}",
             "cf_status_firefox_esr{series}", "release/{series}.x"]  # fmt: skip


@given(st.sampled_from(TEMPLATES), SERIES, st.sampled_from([".", "_"]))
def test_what_is_filled_is_read_back(template: str, series: str, sep: str) -> None:
    assert series_in(template, fill(template, series, sep=sep), sep=sep) == series


@pytest.mark.parametrize(
    "template, name, expected",
    [
        ("stable-{series}", "stable-4.19", "4.19"),
        ("stable-{series}", "stable-4.19-rc", None),
        ("stable-{series}", "unstable-4.19", None),
        ("backport {series}", "BACKPORT 3.12", None),  # case counts unless asked
        ("no placeholder", "no placeholder", None),
    ],
)
def test_names_not_made_by_the_template_carry_no_series(
    template: str, name: str, expected: str | None
) -> None:
    assert series_in(template, name) == expected
    assert series_in("backport {series}", "BACKPORT 3.12", ignore_case=True) == "3.12"


def test_only_the_series_placeholder_is_allowed() -> None:
    assert check_template("stable-{series}") == "stable-{series}"
    with pytest.raises(ValueError, match="may only use the placeholder"):
        check_template("stable-{version}")
