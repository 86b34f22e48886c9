"""Reading the config file (see :mod:`relplan.planner.store.config` for its keys): checks and
problems.

Kept apart from :mod:`relplan.planner.store.config` so that running without a config file never
imports
the TOML reader, the checker or the policy parser.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from relplan.planner.domain.support import ENDOFLIFE_PRODUCT
from relplan.planner.store.checking import (
    Checker,
    Invalid,
    Locator,
    as_path,
    as_table,
    as_text,
    did_you_mean,
    key_label,
)
from relplan.planner.store.config import Config, GitConfig, SourceTable, SupportConfig
from relplan.planner.store.planfile import decode, read_bytes, read_toml
from relplan.planner.store.policyfile import policy_from_table

if TYPE_CHECKING:
    from relplan.planner.git.conventions import Conventions, Pattern, PatternKind

TOP_KEYS = ("plan", "policy", "keymap", "sources", "cache", "git", "support")
SUPPORT_KEYS = ("endoflife", "endoflife_data")
GIT_KEYS = ("repo", "upstream", "branch_pattern", "conventions")


def parse_config(text: str, filename: str = "config.toml", base: Path | None = None) -> Config:
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
    conventions = _conventions(git, check)
    cache_dir = _path(cache, ("cache", "dir"), check, folder)
    git_config = GitConfig(
        repo=_path(git, ("git", "repo"), check, folder),
        upstream=_text(git, ("git", "upstream"), check),
        branch_pattern=_text(git, ("git", "branch_pattern"), check),
        conventions=conventions,
    )
    support = _section(data, "support", SUPPORT_KEYS, check)
    support_config = SupportConfig(
        endoflife=_product(support, check),
        endoflife_data=_path(support, ("support", "endoflife_data"), check, folder),
    )
    check.raise_if_any()  # after every check: [cache] and [git] problems were lost before
    return Config(
        plan=plan,
        policy=policy,
        keymap=keymap,
        sources=sources,
        cache_dir=cache_dir,
        git=git_config,
        support=support_config,
    )


def _product(table: Mapping[str, Any], check: Checker) -> str | None:
    name = _text(table, ("support", "endoflife"), check)
    if name is not None and not ENDOFLIFE_PRODUCT.match(name):
        check.add(
            f"{name!r} is not an endoflife.date product name (e.g. ansible-core, python)",
            ("support", "endoflife"),
            "support.endoflife",
        )
        return None
    return name


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
    data: Mapping[str, Any],
    name: str,
    keys: tuple[str, ...],
    check: Checker,
    parent: tuple[str, ...] = (),
) -> dict[str, Any]:
    if name not in data:
        return {}
    path, label = (*parent, name), ".".join((*parent, name))
    try:
        table = as_table(data[name])
    except Invalid as exc:
        check.add(str(exc), path, label)
        return {}
    check.unknown_keys(table, keys, path, label)
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


def _conventions(git: Mapping[str, Any], check: Checker) -> Conventions | None:
    """``[git.conventions]``: ``presets`` to apply, and per kind, patterns by name that add
    to, replace or (an empty regex) turn off the presets' patterns."""
    if "conventions" not in git:
        return None
    # Every start reads the config; the presets' compiled patterns only for a config that
    # names some (start-up: ~4 ms)
    from relplan.planner.git.conventions import PRESETS, Conventions, PatternKind, compile_pattern

    keys = ("presets", *(k.value for k in PatternKind))
    table = _section(git, "conventions", keys, check, ("git",))
    presets = _preset_names(table, check)
    overrides: list[Pattern | tuple[PatternKind, str]] = []
    for kind in PatternKind:
        if kind.value not in table:
            continue
        path = ("git", "conventions", kind.value)
        try:
            patterns = as_table(table[kind.value])
        except Invalid as exc:
            check.add(str(exc), path, ".".join(path))
            continue
        built_in = {
            p.name for preset in PRESETS.values() for p in preset.patterns if p.kind is kind
        }
        for name, raw in patterns.items():
            label = f"git.conventions.{kind.value}.{key_label(name)}"
            if not isinstance(raw, str):
                check.add(f"{raw!r:.40} is not a regex string", (*path, name), label)
            elif not raw:
                if name not in built_in:
                    hint = did_you_mean(name, built_in) or "an empty regex turns a built-in one off"
                    check.add(
                        f"no built-in {kind.value} pattern {name!r}", (*path, name), label, hint
                    )
                overrides.append((kind, name))
            else:
                try:
                    overrides.append(compile_pattern(kind, name, raw))
                except ValueError as exc:
                    check.add(str(exc), (*path, name), label)
    return Conventions(presets, overrides)


def _preset_names(table: Mapping[str, Any], check: Checker) -> list[str] | None:
    from relplan.planner.git.conventions import PRESETS  # start-up: as in _conventions

    if "presets" not in table:
        return None
    raw, path = table["presets"], ("git", "conventions", "presets")
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        check.add("expected a list of preset names", path, "git.conventions.presets")
        return []
    for name in raw:
        if name not in PRESETS:
            hint = did_you_mean(name, PRESETS) or f"expected one of {', '.join(PRESETS)}"
            check.add(f"unknown preset {name!r}", path, "git.conventions.presets", hint)
    return [name for name in raw if name in PRESETS]


def load_config(path: Path | None) -> Config:
    """Read and check a config file; None gives the defaults. Raises PlanError."""
    if path is None:
        return Config()
    config = parse_config(decode(read_bytes(path), str(path)), str(path), path.parent)
    return replace(config, path=path)


def loads_config(text: str, filename: str = "config.toml", base: Path | None = None) -> Config:
    """Parse and check config text; relative paths are resolved against ``base``."""
    return parse_config(text, filename, base)
