"""Where URLs to capture come from: seed lists (`archiver.core.seedlist`) and the pages that
cite posts (`post_links`)."""

from __future__ import annotations

from urllib.parse import urljoin

from archiver import platforms
from archiver.core.pages import read_page
from archiver.core.seedlist import SeedLine, read_seed_file  # noqa: F401 - where callers find them
from archiver.errors import UnsupportedURL


def post_links(html: str, base_url: str) -> list[str]:
    """The posts a page embeds (each platform's embed markup and frames) or links to, first
    mention first, once each. Plain web pages it links to are not taken."""
    page = read_page(html)
    found: list[str] = []
    seen: set[str] = set()
    mentions = [
        *platforms.embedded_posts(page),
        *map(platforms.unwrap_embed, page.frames),
        *page.links,
    ]
    for href in mentions:
        try:
            absolute = platforms.unwrap_embed(urljoin(base_url, href))
            ref = platforms.recognise(absolute)
        except (UnsupportedURL, ValueError):
            continue
        if platforms.is_page(ref) or ref.ref in seen:
            continue
        seen.add(ref.ref)
        found.append(absolute)
    return found
