"""Bluesky: recognise post URLs and ``at://`` URIs, plan logged-out AppView requests, parse,
classify.

`endpoints` names the requests, `answers` reads them, `classify` weighs them, `view` renders
a post; this module is the `Platform` the registry lists.
"""

from __future__ import annotations

from archiver.core.pages import PageMeta
from archiver.platforms.base import PlatformModule
from archiver.platforms.bluesky.answers import followups, parse, resolve
from archiver.platforms.bluesky.classify import classify
from archiver.platforms.bluesky.endpoints import (
    CONTROLS,
    NAME,
    at_to_web,
    plan,
    post_identity,
    recognise,
    unwrap,
)
from archiver.platforms.bluesky.view import view

__all__ = ["NAME", "PLATFORM", "classify", "parse", "plan", "recognise"]


def embedded(page: PageMeta) -> list[str]:
    """Posts a page embeds with Bluesky's markup
    (``<blockquote class="bluesky-embed" data-bluesky-uri="at://…">``)."""
    found = []
    for node in page.document.css("blockquote.bluesky-embed[data-bluesky-uri]"):
        url = at_to_web((node.attributes.get("data-bluesky-uri") or "").strip())
        if url:
            found.append(url)
    return found


PLATFORM = PlatformModule(
    name=NAME,
    aliases=("bsky",),
    main_roles=("thread",),
    controls=CONTROLS,
    limits=(
        'Bluesky\'s AppView says "Post not found" for a deleted post and for the post of a '
        "deactivated or taken-down author alike; archiver asks for the author's profile before "
        "it says a post was deleted.",
        '"Profile not found" is also said of live accounts the AppView has not indexed: it is '
        "reported as unavailable, never as a deletion.",
        "A post hidden from logged-out viewers (#blockedPost) is restricted, not gone.",
    ),
    recognise=recognise,
    plan=lambda ref, purpose, options: plan(ref, purpose),
    followups=followups,
    parse=parse,
    classify=classify,
    identity=post_identity,
    embedded=embedded,
    unwrap=unwrap,
    view=view,
    resolve=resolve,
)
