"""`relplan push` errors that need no server: exit 2 with one clear line, nothing written."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from trackerfakes import synced_cache

from relplan.planner.domain.model import Item, Plan
from relplan.planner.domain.policy import Policy
from relplan.planner.store.planfile import load_plan, save_plan
from relplan.planner.trackers.base import SourceConfig
from relplan.tui.cli import main

SOURCE = '[[sources]]\nname = "xen"\nkind = "redmine"\nurl = "https://r.example"\nproject = "xen"\n'


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_no_sources_in_the_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "c.toml"
    config.write_text("")
    plan = tmp_path / "p.toml"
    save_plan(Plan("p", Policy()), [], plan, None)
    code, _, err = run(capsys, "--config", str(config), "--plan", str(plan), "push")
    assert code == 2 and "no [[sources]]" in err


def test_a_file_source_is_not_pushed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "c.toml"
    config.write_text(SOURCE + '\n[[sources]]\nname = "docs"\nkind = "file"\npath = "x.md"\n')
    plan = tmp_path / "p.toml"
    save_plan(Plan("p", Policy()), [], plan, None)
    code, _, err = run(capsys, "--config", str(config), "--plan", str(plan), "push", "docs")
    assert code == 2 and "sources.docs.kind: is a file source: nothing to push" in err


def test_the_demo_is_never_pushed_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "push")
    assert code == 2 and "demo is never written" in err


def test_pending_writes_without_a_token_variable_say_push_needs_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f'[cache]\ndir = "{tmp_path / "cache"}"\n\n' + SOURCE)
    base = Item("xen#1", "a bug", target="4.0")
    synced_cache(
        tmp_path / "cache",
        SourceConfig.from_table(
            {"name": "xen", "kind": "redmine", "url": "https://r.example", "project": "xen"}
        ),
        [base],
    )
    plan = tmp_path / "p.toml"
    save_plan(Plan("p", Policy(), (), (dataclasses.replace(base, target="4.1"),)), [], plan, None)
    before = plan.read_bytes()
    code, out, err = run(capsys, "--config", str(config), "--plan", str(plan), "push")
    assert code == 2
    assert "sources.xen.token_env: pushing needs a token with write access" in err
    assert "xen#1: target 4.0 -> 4.1 (not written: the push stopped before it)" in out
    assert "stopped; nothing was written" in err
    assert plan.read_bytes() == before and load_plan(plan).plan.item("xen#1").target == "4.1"


def test_tracker_text_is_printed_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a tracker said (a conflicting value, a refusal, a note) reaches the terminal
    with its control sequences shown, never obeyed, as every other command prints."""
    from relplan.planner.domain.errors import Problem
    from relplan.planner.trackers.push import Outcome, PushResult, Write
    from relplan.planner.usecases.session import Session

    evil = "4.0\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J"
    plan = tmp_path / "p.toml"
    save_plan(Plan("p", Policy()), [], plan, None)
    config = tmp_path / "c.toml"
    config.write_text(SOURCE)

    async def push(self: Session, **kwargs: object) -> PushResult:
        write = Write("xen", "xen#1", "target", "4.0", "4.1", Outcome.CONFLICT, tracker=evil)
        problem = Problem(f"the tracker said {evil}")
        return PushResult((write,), (problem,), (problem,), self.plan, False, 1)

    monkeypatch.setattr(Session, "push", push)
    code, out, err = run(capsys, "--config", str(config), "--plan", str(plan), "push")
    assert code == 2
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "\\x1b[2J" in out and "\\x1b[2J" in err
