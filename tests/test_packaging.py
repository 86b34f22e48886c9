"""One import name: the built wheel holds `relplan/` and its dist-info, nothing else at the
top level (`planner` and `tui` are other projects' names on PyPI), and what it installs
imports as ``relplan.planner`` and ``relplan.tui``.

The wheel is built from this checkout (pip, build isolation from the package index) and
installed into a temporary folder with ``--no-deps``; the check imports from that folder in
an interpreter started with ``-S``, so the editable install's finder of this venv (a ``.pth``
hook) cannot answer in its place: the dependencies come from this venv's site-packages on
``PYTHONPATH``, which reads no ``.pth`` file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # Built from a copy: setuptools writes build/ and an egg-info into the tree it builds,
    # and two workers building this checkout at once would race there.
    tree = tmp_path_factory.mktemp("tree") / "relplan"
    keep = ("planner", "tui", "pyproject.toml", "README.md", "config.example.toml")
    shutil.copytree(
        ROOT, tree, symlinks=True,
        ignore=lambda folder, names: [n for n in names if Path(folder) == ROOT and n not in keep]
        + [n for n in names if n == "__pycache__"],
    )  # fmt: skip
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(tree)],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("relplan-*.whl")
    return found


def test_the_wheel_puts_only_relplan_at_the_top_level(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert tops == {"relplan", next(t for t in tops if t.endswith(".dist-info"))}
    assert "relplan/planner/domain/model.py" in names
    assert "relplan/tui/app.py" in names
    assert "relplan/tui/app.tcss" in names
    assert "relplan/__init__.py" not in names  # a namespace: nothing of its own


def test_the_installed_wheel_imports_as_relplan(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target)]
        + [str(wheel)],
        check=True,
        capture_output=True,
    )
    installed = {p.name for p in target.iterdir() if not p.name.endswith(".dist-info")}
    assert installed - {"bin"} == {"relplan"}  # bin/: the `relplan` script
    code = (
        "import relplan.planner, relplan.tui, relplan.tui.cli, relplan.tui.app;"
        "print(relplan.planner.__file__); print(relplan.tui.app.__file__)"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(target), sysconfig.get_path("purelib")]),
    }
    done = subprocess.run(
        [sys.executable, "-S", "-c", code], env=env, capture_output=True, text=True, check=True
    )
    for line in done.stdout.split():
        assert Path(line).is_relative_to(target), line
