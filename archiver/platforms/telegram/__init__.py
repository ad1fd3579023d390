"""Telegram public channels: recognise post URLs, plan logged-out fetches, parse, classify.

`endpoints` names the requests, `widget` reads the pages, `classify` weighs them, `view`
renders a post; this module is the `Platform` the registry lists.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from archiver.core.pages import PageMeta
from archiver.platforms.base import PlatformModule
from archiver.platforms.telegram.classify import classify
from archiver.platforms.telegram.endpoints import (
    CONTROLS,
    HOSTS,
    NAME,
    plan,
    post_identity,
    post_url,
    recognise,
)
from archiver.platforms.telegram.view import view
from archiver.platforms.telegram.widget import followups, parse

__all__ = ["NAME", "PLATFORM", "classify", "parse", "plan", "recognise"]


def embedded(page: PageMeta) -> list[str]:
    """Posts a page embeds with Telegram's widget script (``data-telegram-post``)."""
    found = []
    for node in page.document.css("script[data-telegram-post]"):
        channel, _, post_id = (node.attributes.get("data-telegram-post") or "").partition("/")
        if channel and post_id:
            found.append(post_url(channel.strip(), post_id.strip()))
    return found


def unwrap(url: str) -> str | None:
    """The widget frame (``t.me/{channel}/{id}?embed=1``) shows that post."""
    parts = urlsplit(url)
    if (parts.hostname or "").lower() in HOSTS and "embed=1" in parts.query:
        return f"https://t.me{parts.path}"
    return None


PLATFORM = PlatformModule(
    name=NAME,
    aliases=("tg",),
    main_roles=("embed", "page"),
    controls=CONTROLS,
    limits=(
        "Telegram answers 200 whatever happened; archiver reads the post's embed widget, which "
        'says "Post not found" for a deleted post and for one never posted alike, and asks the '
        "channel's public preview whether the channel is still there.",
        "A channel that went private and one that was deleted look the same logged out: both "
        "are reported as the channel gone, never as the post deleted by its author.",
    ),
    recognise=recognise,
    plan=lambda ref, purpose, options: plan(ref, purpose),
    followups=followups,
    parse=parse,
    classify=lambda ref, responses: classify(ref.key, responses),
    identity=post_identity,
    embedded=embedded,
    unwrap=unwrap,
    view=view,
)
