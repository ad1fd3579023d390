"""Issue 12, item 5: text from the network is shown as text in the terminal.

Post fields reached the terminal raw: escape sequences set the window title, cleared the screen
or printed a fake "All posts verified OK"; rich markup inside a post was interpreted (hidden
links, colours, "[citation needed]" silently removed), and "[/x]" crashed `archiver list`.
"""

from __future__ import annotations

import pytest

from archiver.core.terminal import terminal_text
from archiver.testing.simulator import SimPost, tweet_id_at
from tests.conftest import T0

HOSTILE_NAME = "\x1b]0;pwned\x07[bold red]Eve[/bold red]\u202e"
HOSTILE_TEXT = (
    "\x1b[2J\x1b[H\rAll posts verified OK [citation needed] [/x] "
    "[link=http://evil.example]click[/link] \x9b31m"
)


@pytest.fixture
def hostile_post(cli_env, run_cli, sim):
    tid = tweet_id_at(T0, 555)
    sim.add(SimPost("twitter", tid, "sim_eve", HOSTILE_NAME, HOSTILE_TEXT, T0))
    code, _, err = run_cli("capture", f"https://x.com/sim_eve/status/{tid}")
    assert code == 0, err
    return tid


@pytest.mark.parametrize("args", [["list"], ["list", "--status", "alive"], ["show", "1"]])
def test_post_fields_are_shown_as_text(hostile_post, run_cli, args):
    code, out, err = run_cli(*args)
    assert code == 0, err
    for raw in ("\x1b", "\x07", "\r", "\u202e", "\x9b"):
        assert raw not in out
    if args[0] == "show":
        assert (
            "[citation needed]" in out
            and "[/x]" in out
            and "[link=http://evil.example]click[/link]" in out
        )
        assert "\\x1b]0;pwned\\x07[bold red]Eve[/bold red]\\u202e" in out
    else:
        assert "\\x1b[2J" in out


def test_terminal_text_makes_controls_visible_and_keeps_lines_when_asked():
    assert terminal_text("a\x1bb\tc\u200bd") == "a\\x1bb c\\u200bd"
    assert terminal_text("one\ntwo", keep_lines=True) == "one\ntwo"
    assert terminal_text("one\ntwo") == "one\\x0atwo"
