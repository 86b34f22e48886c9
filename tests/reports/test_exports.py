"""Every export path refuses to overwrite a file without --force; the SVG timeline is the same
bytes for the same plan and day; prognosis and area live in the plan file."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest

from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.errors import PlanError
from relplan.planner.domain.model import Prognosis
from relplan.planner.store.planfile import dumps_toml, loads_plan
from tests.reports.conftest import DEMO_DAY, run

EXPORTS = [
    ("export", "--format", "toml"),
    ("export", "--format", "json"),
    ("export", "--format", "ics"),
    ("report", "--kind", "schedule"),
    ("report", "--kind", "update"),
    ("report", "--kind", "status"),
    ("report", "--kind", "status", "--format", "html"),
    ("export", "--format", "endoflife"),
    ("export", "--format", "release-cycle"),
]


@pytest.mark.parametrize("argv", EXPORTS)
def test_an_existing_file_is_kept_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    target = tmp_path / "out"
    target.write_text("someone's notes\n")
    code, out, err = run(capsys, *argv, "-o", str(target))
    assert code == 2
    assert (
        err
        == f"relplan: {target}: the file exists; not overwriting it (pass --force to replace it)\n"
    )
    assert target.read_text() == "someone's notes\n" and out == ""
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temp file left behind
    code, _, _ = run(capsys, *argv, "-o", str(target), "--force")
    assert code == 0 and target.read_text() != "someone's notes\n"
    fresh = tmp_path / "fresh"
    code, stdout, _ = run(capsys, *argv, "-o", str(fresh))
    assert code == 0 and stdout == "" and fresh.read_bytes() == target.read_bytes()


def test_svg_timeline_is_deterministic(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    for target in (first, second):
        code, _, err = run(capsys, "export", "--format", "svg", "-o", str(target))
        assert code == 0, err
    data = first.read_bytes()
    assert data == second.read_bytes()
    assert data.startswith(b"<svg")
    text = html.unescape("".join(re.findall(r">([^<]*)</text>", data.decode())))
    for shown in ("as of 2009-08-31", "4.0.0", "frozen", "rc1 in 1d", "security-only"):
        assert shown in text.replace("\xa0", " ")
    code, _, _ = run(capsys, "--today", "2009-09-30", "export", "--format", "svg", "-o",
                     str(tmp_path / "c.svg"))  # fmt: skip
    assert code == 0 and (tmp_path / "c.svg").read_bytes() != data


def test_svg_size_is_checked(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(capsys, "export", "--format", "svg", "--size", "big")
    assert exit_.value.code == 2 and "COLSxROWS" in capsys.readouterr().err


def test_prognosis_and_area_round_trip_in_the_plan_file(capsys: pytest.CaptureFixture[str]) -> None:
    _, text, _ = run(capsys, "--today", DEMO_DAY, "export")
    assert 'prognosis = "fair"\narea = "Toolstack"\n' in text
    plan = loads_plan(text)
    remus = plan.item("demo#remus")
    assert remus is not None and remus.prognosis is Prognosis.FAIR and remus.area == "Toolstack"
    # A plan without them (every plan before them) loads and writes back byte for byte.
    old = re.sub(r'(prognosis|area) = "[^"]*"\n', "", text)
    assert "prognosis" not in old
    plan = loads_plan(old)
    assert dumps_toml(plan, build_train(plan, dt.date.fromisoformat(DEMO_DAY))) == old
    _, data, _ = run(capsys, "--today", DEMO_DAY, "export", "--format", "json")
    assert '"prognosis": "fair"' in data and '"area": "Toolstack"' in data


def test_a_bad_prognosis_names_its_line_and_the_choices() -> None:
    text = '[plan]\nname = "x"\n\n[[items]]\nid = "a#1"\ntitle = "t"\nprognosis = "great"\n'
    with pytest.raises(PlanError) as exc:
        loads_plan(text, "x.toml")
    message = str(exc.value.problems[0])
    assert "x.toml:7" in message and "items[0] (a#1).prognosis" in message
    assert "none, fair, ok, good, done" in message


def test_edit_sets_and_clears_prognosis_and_area(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "xen.toml"
    run(capsys, "--today", DEMO_DAY, "export", "-o", str(plan))
    common = ("--plan", str(plan), "--today", DEMO_DAY)
    code, _, err = run(capsys, *common, "edit", "demo#remus", "--prognosis", "good", "--area", "HA")
    assert code == 0, err
    remus = loads_plan(plan.read_text(encoding="utf-8")).item("demo#remus")
    assert remus is not None and remus.prognosis is Prognosis.GOOD and remus.area == "HA"
    run(capsys, *common, "edit", "demo#remus", "--prognosis", "", "--area", "")
    remus = loads_plan(plan.read_text(encoding="utf-8")).item("demo#remus")
    assert remus is not None and remus.prognosis is None and remus.area is None
