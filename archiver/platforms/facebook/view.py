"""A Facebook post's readable view, from what `page` read of its archived post page: the
post's own author, time, text and media, without the page's other posts, menus and scripts.
"""

from __future__ import annotations

from archiver.platforms.base import Seen
from archiver.platforms.views import plain_view


def view(seen: Seen) -> str | None:
    return plain_view(seen, "Facebook", handle_prefix="facebook.com/")
