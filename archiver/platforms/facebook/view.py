"""A Facebook post's readable view, from what `page` read of its archived post page: the
post's own author, time, text and media, without the page's other posts, menus and scripts.
"""

from __future__ import annotations

from archiver.platforms.base import Seen
from archiver.platforms.views import author_line, media_block, page, text_block, title_of


def view(seen: Seen) -> str | None:
    data = seen.data
    if not data.has_content():
        return None
    body = (
        "<article>"
        + author_line(data, handle_prefix="facebook.com/")
        + text_block(data.text)
        + media_block(data.media, seen)
        + "</article>"
    )
    return page(seen, "Facebook", title_of(data, "Facebook"), body)
