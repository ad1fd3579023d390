"""A Telegram post's readable view, from its archived widget page as parsed: the channel,
time, text and media. The widget page itself needs Telegram's scripts and styles to look
like anything; this needs nothing."""

from __future__ import annotations

from archiver.platforms.base import Seen
from archiver.platforms.views import plain_view


def view(seen: Seen) -> str | None:
    return plain_view(seen, "Telegram", handle_prefix="t.me/")
