"""Configs that ``relplan init`` writes: the commented example installed with relplan, and the
small config that links a plan from ``init --from-git`` to its repository.

The link is what makes the Backports view, ``status`` with git and ``sync`` of declared
support work without writing a config by hand: ``[git] repo`` and ``branch_pattern``, and
``[support] endoflife`` when a product was named. It is written as
:data:`relplan.planner.store.config.CONFIG_NAME` beside the plan, where relplan finds it.
"""

from __future__ import annotations

import json
import os
import re
from importlib import resources
from pathlib import Path

from relplan.planner.store.config import Config

EXAMPLE = "config.example.toml"


def example_config() -> str:
    """The commented example config installed with relplan (every key, none live)."""
    return resources.files("relplan.planner.store").joinpath(EXAMPLE).read_text("utf-8")


def _toml_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a TOML basic string


def _relative(path: Path, folder: Path) -> str:
    """``path`` relative to ``folder`` when it is below it or its parent, else absolute."""
    absolute = path.resolve()
    try:
        relative = os.path.relpath(absolute, folder.resolve())
    except ValueError:  # another drive
        return str(absolute)
    return str(absolute) if relative.startswith(f"..{os.sep}..") else relative


def link_config(
    folder: Path,
    plan: Path,
    repo: Path,
    branch_pattern: str | None,
    endoflife: str | None,
    endoflife_data: Path | None,
) -> str:
    """The text of a config in ``folder`` naming the plan, the repository it came from and
    where its declared support comes from (paths relative to ``folder``)."""
    lines = [
        "# Written by `relplan init --from-git`. Every key is optional; paths are relative to",
        "# this file's folder. `relplan init --config example.toml` writes every key, commented.",
        f"plan = {_toml_string(_relative(plan, folder))}",
        "",
        "# The repository the plan came from: backports, status with git, SUPPORT.md on sync.",
        "[git]",
        f"repo = {_toml_string(_relative(repo, folder))}",
    ]
    if branch_pattern:
        lines.append(f"branch_pattern = {_toml_string(branch_pattern)}")
    if endoflife:
        lines += ["", "# Support ends published by endoflife.date, refreshed by `relplan sync`.",
                  "[support]", f"endoflife = {_toml_string(endoflife)}"]  # fmt: skip
        if endoflife_data is not None:
            lines.append(f"endoflife_data = {_toml_string(_relative(endoflife_data, folder))}")
    return "\n".join(lines) + "\n"


def missing_links(
    config: Config, repo: Path, branch_pattern: str | None, endoflife: str | None
) -> list[str]:
    """What an existing config lacks to find what ``init`` just read (as TOML lines)."""
    missing = []
    if config.git.repo is None or config.git.repo.resolve() != repo.resolve():
        missing.append(f"[git] repo = {_toml_string(str(repo.resolve()))}")
    if branch_pattern and (config.git.branch_pattern or branch_pattern) != branch_pattern:
        missing.append(f"[git] branch_pattern = {_toml_string(branch_pattern)}")
    if endoflife and config.support.endoflife != endoflife:
        missing.append(f"[support] endoflife = {_toml_string(endoflife)}")
    return missing


_EXAMPLE_LINE = re.compile(r"^#(?=[^\s#])", re.MULTILINE)


def uncommented(text: str) -> str:
    """The example config with every example line (``#key = ...``, ``#[table]``: a ``#``
    and no space) made live; explanations (``# ...``) stay comments."""
    return _EXAMPLE_LINE.sub("", text)
