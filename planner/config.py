"""The user's config file: default plan, default policy, key bindings, sources, cache, git.

::

    plan = "relplan.toml"        # default plan file, relative to this file
    [policy]                     # like a plan's [policy]; used for new plans
    [keymap]                     # binding id -> key, e.g. accept = "a"
    [[sources]]                  # tracker and file sources (checked by planner.sources)
    [cache]                      # dir = "~/.cache/relplan"
    [git]                        # repo, upstream, branch_pattern

Every problem is reported at once, with its line; unknown keys get a
did-you-mean hint. Paths are relative to the config file's folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from planner.checking import Checker, Invalid, Locator, as_path, as_table, as_text
from planner.planfile import decode, read_bytes, read_toml
from planner.policy import Policy
from planner.policyfile import policy_from_table

TOP_KEYS = ("plan", "policy", "keymap", "sources", "cache", "git")
GIT_KEYS = ("repo", "upstream", "branch_pattern")


@dataclass(frozen=True, slots=True)
class SourceTable:
    """One raw ``[[sources]]`` table, where it is, and the line of each of its keys."""

    table: Mapping[str, Any]
    index: int
    line: int | None = None
    key_lines: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GitConfig:
    """The ``[git]`` table: the repository to scan for backports and how branches are named."""

    repo: Path | None = None
    upstream: str | None = None
    branch_pattern: str | None = None


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

    @property
    def source_tables(self) -> list[Mapping[str, Any]]:
        """The raw ``[[sources]]`` tables, in file order."""
        return [s.table for s in self.sources]

    @property
    def source_lines(self) -> list[int | None]:
        """The header line of each ``[[sources]]`` table, in file order."""
        return [s.line for s in self.sources]


def load_config(path: Path | None) -> Config:
    """Read and check a config file; None gives the defaults. Raises PlanError."""
    if path is None:
        return Config()
    config = loads_config(decode(read_bytes(path), str(path)), str(path), path.parent)
    return replace(config, path=path)


def loads_config(text: str, filename: str = "config.toml", base: Path | None = None) -> Config:
    """Parse and check config text; relative paths are resolved against ``base``."""
    data = read_toml(text, filename)
    locator = Locator(text)
    check = Checker(filename, locator)
    check.unknown_keys(data, TOP_KEYS, (), "")
    folder = base if base is not None else Path.cwd()
    plan = _path(data, ("plan",), check, folder)
    policy = policy_from_table(data["policy"], check) if "policy" in data else None
    keymap = _keymap(data.get("keymap", {}), check)
    sources = _sources(data.get("sources", []), check, locator)
    cache = _section(data, "cache", ("dir",), check)
    git = _section(data, "git", GIT_KEYS, check)
    cache_dir = _path(cache, ("cache", "dir"), check, folder)
    git_config = GitConfig(
        repo=_path(git, ("git", "repo"), check, folder),
        upstream=_text(git, ("git", "upstream"), check),
        branch_pattern=_text(git, ("git", "branch_pattern"), check),
    )
    check.raise_if_any()  # after every check: [cache] and [git] problems were lost before
    return Config(
        plan=plan,
        policy=policy,
        keymap=keymap,
        sources=sources,
        cache_dir=cache_dir,
        git=git_config,
    )


def _text(table: Mapping[str, Any], path: tuple[str, ...], check: Checker) -> str | None:
    key = path[-1]
    if key not in table:
        return None
    try:
        return as_text(table[key])
    except Invalid as exc:
        check.add(str(exc), path, ".".join(path))
        return None


def _path(
    table: Mapping[str, Any], path: tuple[str, ...], check: Checker, base: Path
) -> Path | None:
    key = path[-1]
    if key not in table:
        return None
    try:
        return base / as_path(table[key])
    except Invalid as exc:
        check.add(str(exc), path, ".".join(path))
        return None


def _section(
    data: Mapping[str, Any], name: str, keys: tuple[str, ...], check: Checker
) -> dict[str, Any]:
    if name not in data:
        return {}
    try:
        table = as_table(data[name])
    except Invalid as exc:
        check.add(str(exc), (name,), name)
        return {}
    check.unknown_keys(table, keys, (name,), name)
    return table


def _keymap(raw: object, check: Checker) -> dict[str, str]:
    try:
        table = as_table(raw)
    except Invalid as exc:
        check.add(str(exc), ("keymap",), "keymap")
        return {}
    out = {}
    for binding, key in table.items():
        try:
            out[binding] = as_text(key)
        except Invalid as exc:
            check.add(
                f'{exc} (expected a key such as "ctrl+s")', ("keymap", binding), f"keymap.{binding}"
            )
    return out


def _sources(raw: object, check: Checker, locator: Locator) -> tuple[SourceTable, ...]:
    if not isinstance(raw, list):
        check.add("expected [[sources]] tables", ("sources",), "sources")
        return ()
    out = []
    for i, table in enumerate(raw):
        if not isinstance(table, dict):
            check.add(f"expected a table, found {table!r:.40}", ("sources",), f"sources[{i}]")
            continue
        key_lines = {k: line for k in table if (line := locator.locate(("sources", i, k)))}
        _check_no_credentials(table, i, check)
        out.append(SourceTable(table, i, locator.locate(("sources", i)), key_lines))
    return tuple(out)


def _check_no_credentials(table: Mapping[str, Any], index: int, check: Checker) -> None:
    """A user or password inside a source URL is refused: it would travel in every request
    (over plain http too) and be copied wherever the URL is kept. Tokens come from
    ``token_env`` only."""
    url = table.get("url")
    if not isinstance(url, str):
        return
    try:
        parts = urlsplit(url.strip())
        userinfo = parts.username is not None or parts.password is not None
    except ValueError:
        return  # not a URL at all: the source checks say so when it is used
    if userinfo:
        name = table.get("name")
        where = f"sources.{name}" if isinstance(name, str) and name else f"sources[{index}]"
        check.add(
            "the URL carries a user name or password; credentials never go into the config",
            ("sources", index, "url"),
            f"{where}.url",
            "remove 'user:password@' and put the token in an environment variable named by "
            'token_env (e.g. token_env = "REDMINE_API_KEY"; Jira: user = "you@example.org")',
        )
