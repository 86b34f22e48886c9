"""Help fits 80x24 in its border and wraps; the footer keeps the important keys at 80
columns; a messages log shows long status messages whole (issue 20)."""

from __future__ import annotations

from relplan.tui.app import RelplanApp
from relplan.tui.screens.dialogs import MessagesScreen
from relplan.tui.screens.help import HelpScreen
from relplan.tui.widgets.key_hints import KeyHints
from tests.tui.conftest import text_of


async def test_help_fits_80x24_in_a_border_and_wraps(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "question_mark")
        assert isinstance(demo_app.screen, HelpScreen)
        lines = text_of(demo_app).splitlines()
        assert lines[0].startswith("╭") and "Keys of the items view" in lines[0]
        assert lines[23].startswith("╰") and all(len(line) <= 80 for line in lines)
        text = "\n".join(lines)
        assert "quit" in text and "help" in text  # ids whole, never "hel"
        # a long description wraps onto the next line instead of being cut
        assert "Quit: Quit (asks when there are unsaved" in text and "  changes)" in text


async def test_help_at_160_columns_is_not_cut_at_a_fixed_width(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=(160, 50)) as pilot:
        await pilot.press("3", "question_mark")
        text = text_of(demo_app)
        assert "Next preset: all, missing, conflicts, security, missing on a" in text
        assert "branch" in text.split("missing on a", 1)[1].split("\n", 2)[1]


async def test_the_footer_at_80_columns_keeps_the_important_keys(demo_app: RelplanApp) -> None:
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        footer = str(demo_app.screen.query_one(KeyHints).render())
        assert footer.startswith("? all keys  q Quit  u Undo  ^s Save")
        assert "…" not in footer  # whole hints only
    wide = _demo()
    # every Items key whole with four view keys (Branches is the fourth): 172 columns
    async with wide.run_test(size=(180, 50)) as pilot:
        await pilot.press("2")
        footer = str(wide.screen.query_one(KeyHints).render())
        assert footer.startswith("? Help") and "^p palette" in footer


async def test_m_shows_every_status_message_whole(demo_app: RelplanApp) -> None:
    long = "sync: " + "a very long message about trackers " * 6 + "END"
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        demo_app.set_status(long)
        await pilot.press("a")  # an action's words are kept too
        await pilot.press("m")
        assert isinstance(demo_app.screen, MessagesScreen)
        text = text_of(demo_app)
        assert "END" in text and "accepted" in text
        assert any(long in message for message in demo_app.screen.messages)
        await pilot.press("escape")
        assert not isinstance(demo_app.screen, MessagesScreen)


def _demo() -> RelplanApp:
    from relplan.planner.store.demo import DEMO_TODAY, demo_plan
    from relplan.planner.usecases.session import Session

    return RelplanApp(Session(demo_plan(), today=DEMO_TODAY))
