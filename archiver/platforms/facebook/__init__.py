"""Facebook: recognise post URLs, plan logged-out fetches, parse, classify.

`endpoints` names the requests; `page` and `structured` read a post page; `phrases` knows
what Facebook's own pages say; `classify` weighs it all. This module is the `Platform`
the registry lists.

Logged out, Facebook gives the post page to some clients and a login wall to
others. Its signals are weak, and this module says so instead of guessing:

* a page that shows the post (`page.read_post_page`) is `ALIVE`;
* a deleted post and a post whose audience was narrowed both answer 200 with
  "This content isn't available right now" (or "…at the moment"; on mbasic "The
  page you requested cannot be displayed right now"), in the visitor's language,
  in the title or only in the body and the page's JSON payload — `UNAVAILABLE`,
  never `DELETED`;
* a login wall is a redirect to ``/login``, a page titled "Log into Facebook" or
  "Log In or Sign Up", or a login form with no post — `LOGIN_WALL`, which says nothing;
* "You're temporarily blocked" is a rate limit;
* anything else is `ERROR`: an unknown page is never read as gone.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from archiver.core.pages import PageMeta
from archiver.platforms.base import PlatformModule
from archiver.platforms.facebook.classify import classify, examine, parse
from archiver.platforms.facebook.endpoints import (
    CONTROLS,
    HOSTS,
    NAME,
    OEMBED_TOKEN,
    followups,
    plan,
    post_identity,
    recognise,
)
from archiver.platforms.facebook.view import view

__all__ = [
    "CONTROLS",
    "HOSTS",
    "NAME",
    "OEMBED_TOKEN",
    "PLATFORM",
    "classify",
    "examine",
    "followups",
    "parse",
    "plan",
    "post_identity",
    "recognise",
]

_EMBEDS = "div.fb-post[data-href], div.fb-video[data-href]"
_PLUGINS = ("/plugins/post.php", "/plugins/video.php")


def embedded(page: PageMeta) -> list[str]:
    """Posts in Facebook's embed markup (``<div class="fb-post" data-href=…>``)."""
    return [(node.attributes.get("data-href") or "").strip() for node in page.document.css(_EMBEDS)]


def unwrap(url: str) -> str | None:
    """Facebook's plugin frames (``/plugins/post.php?href=…``) show the post ``href``."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host in ("www.facebook.com", "facebook.com") and parts.path in _PLUGINS:
        return parse_qs(parts.query).get("href", [None])[0]
    return None


PLATFORM = PlatformModule(
    name=NAME,
    aliases=("fb",),
    main_roles=("page",),
    controls=CONTROLS,
    settings=(OEMBED_TOKEN,),
    limits=(
        'Logged out, Facebook shows the same "This content isn\'t available" page for a deleted '
        "post and for one whose audience was narrowed: archiver reports such a post as "
        "unavailable, never as deleted.",
        "Facebook shows logged-out visitors little and often a login wall; such looks are "
        "recorded and never counted as a disappearance.",
    ),
    recognise=recognise,
    plan=lambda ref, purpose, options: plan(ref, purpose, options.get(OEMBED_TOKEN.env, "")),
    followups=followups,
    parse=parse,
    classify=lambda ref, responses: classify(responses),
    identity=post_identity,
    embedded=embedded,
    unwrap=unwrap,
    view=view,
)
