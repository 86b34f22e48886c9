"""A numbered Markdown list of any length is one item per number (issue 23: items 1000+
were joined into item 999's title, "added 999")."""

from __future__ import annotations

from pathlib import Path

from runner import relplan

from relplan.planner.store.planfile import load_plan


def test_a_numbered_list_of_1200_items_imports_1200_items(tmp_path: Path) -> None:
    lines = [f"{n}. Feature number {n}" for n in range(1, 1201)]
    lines += ["1234567. Numbered as CommonMark allows (up to 9 digits)"]
    (tmp_path / "roadmap.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = relplan("--plan", "p.toml", "import", "roadmap.md", cwd=tmp_path,
                   env={"XDG_CACHE_HOME": str(tmp_path / "cache")})  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "added 1201," in done.stdout
    titles = {it.title for it in load_plan(tmp_path / "p.toml").plan.items}
    assert "Feature number 999" in titles and "Feature number 1000" in titles
    assert "Numbered as CommonMark allows (up to 9 digits)" in titles
