"""The user's config file: default plan, default policy, key bindings, sources, cache, git.

::

    plan = "relplan.toml"        # default plan file, relative to this file
    [policy]                     # like a plan's [policy]; used for new plans
    [keymap]                     # binding id -> key, e.g. accept = "a"
    [[sources]]                  # tracker and file sources (checked by relplan.planner.trackers)
    [cache]                      # dir = "~/.cache/relplan"
    [git]                        # repo, upstream, branch_pattern
    [support]                    # endoflife = "PRODUCT", endoflife_data = "DIR"
    [git.conventions]            # presets = [...]; [git.conventions.culprit] name = 'regex', ...

Every problem is reported at once, with its line; unknown keys get a
did-you-mean hint. Paths are relative to the config file's folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relplan.planner.domain.policy import Policy

if TYPE_CHECKING:
    from relplan.planner.git.conventions import Conventions


@dataclass(frozen=True, slots=True)
class SourceTable:
    """One raw ``[[sources]]`` table, where it is, and the line of each of its keys."""

    table: Mapping[str, Any]
    index: int
    line: int | None = None
    key_lines: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GitConfig:
    """The ``[git]`` table: the repository to scan for backports, how branches are named,
    and the backport conventions to read (None: every built-in preset)."""

    repo: Path | None = None
    upstream: str | None = None
    branch_pattern: str | None = None
    conventions: Conventions | None = None


@dataclass(frozen=True, slots=True)
class SupportConfig:
    """The ``[support]`` table: where declared support comes from on ``sync`` (besides the
    ``SUPPORT.md`` of each branch of ``[git] repo``): an endoflife.date product, read from a
    local copy of its repository (``endoflife_data``) or else its API."""

    endoflife: str | None = None
    endoflife_data: Path | None = None


@dataclass(frozen=True, slots=True)
class Config:
    """A loaded config; every field has a default, so a missing file means ``Config()``.

    ``policy`` is None when the file has no ``[policy]`` table (use the plan's).
    """

    path: Path | None = None
    plan: Path | None = None
    policy: Policy | None = None
    keymap: Mapping[str, str] = field(default_factory=dict)
    sources: tuple[SourceTable, ...] = ()
    cache_dir: Path | None = None
    git: GitConfig = field(default_factory=GitConfig)
    support: SupportConfig = field(default_factory=SupportConfig)

    @property
    def source_tables(self) -> list[Mapping[str, Any]]:
        """The raw ``[[sources]]`` tables, in file order."""
        return [s.table for s in self.sources]

    @property
    def source_lines(self) -> list[int | None]:
        """The header line of each ``[[sources]]`` table, in file order."""
        return [s.line for s in self.sources]


CONFIG_NAME = "relplan.config.toml"
"""The config relplan finds without ``--config``: in the plan's folder (``init --from-git``
writes it there, linking the plan to its repository)."""


def find_config(
    given: str | Path | None, plan: str | Path | None, *, must_exist: bool = True
) -> Path | None:
    """The config to use: ``given`` (``--config``), else :data:`CONFIG_NAME` in the folder of
    ``plan`` (``--plan``; the current folder without one) when it exists (or always, with
    ``must_exist`` False); None when there is none."""
    if given:
        return Path(given)
    folder = Path(plan).parent if plan else Path(".")
    candidate = folder / CONFIG_NAME
    return candidate if candidate.exists() or not must_exist else None
