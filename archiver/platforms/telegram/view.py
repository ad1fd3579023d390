"""A Telegram post's readable view, from its archived widget page as parsed: the channel,
time, text and media. The widget page itself needs Telegram's scripts and styles to look
like anything; this needs nothing."""

from __future__ import annotations

from archiver.platforms.base import Seen
from archiver.platforms.views import author_line, media_block, page, text_block, title_of


def view(seen: Seen) -> str | None:
    data = seen.data
    if not data.has_content():
        return None
    body = (
        "<article>"
        + author_line(data, handle_prefix="t.me/")
        + text_block(data.text)
        + media_block(data.media, seen)
        + "</article>"
    )
    return page(seen, "Telegram", title_of(data, "Telegram"), body)
