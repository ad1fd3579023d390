"""Twitter / X: recognise status URLs, plan logged-out fetches, parse, classify.

`endpoints` names the requests, `answers` reads them, `classify` weighs them; this module
is the `Platform` the registry lists.

What a logged-out client can get today (see tests/fixtures/ for the shapes):

* the syndication JSON behind embedded tweets,
  ``cdn.syndication.twimg.com/tweet-result?id=…&token=…`` — the richest source;
  ``__typename: Tweet`` when live, ``TweetTombstone`` with a text saying why
  when not, 404 or ``{}`` for deleted/unknown ids *and* for a bad token;
* the oEmbed JSON, ``publish.twitter.com/oembed`` — 404 for a deleted tweet,
  403 for a protected account but also seen for deleted accounts;
* the x.com status page — a JavaScript shell with og: tags for crawlers, or a
  "migrate" interstitial that says nothing about the post;
* the embedded profile timeline, ``syndication.twitter.com/srv/timeline-profile``,
  whose ``__NEXT_DATA__`` says whether the *account* is there (error code 63
  suspended, 50 not found, ``protected`` on the user), which is what tells a
  deleted post apart from a vanished account.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from archiver.core.pages import PageMeta
from archiver.platforms.base import PlatformModule
from archiver.platforms.twitter.answers import followups, parse
from archiver.platforms.twitter.classify import classify
from archiver.platforms.twitter.endpoints import (
    CONTROLS,
    HOSTS,
    ID_PATTERN,
    NAME,
    plan,
    post_identity,
    recognise,
    syndication_token,
)
from archiver.platforms.twitter.view import view

__all__ = [
    "CONTROLS",
    "HOSTS",
    "NAME",
    "PLATFORM",
    "classify",
    "followups",
    "parse",
    "plan",
    "post_identity",
    "recognise",
    "syndication_token",
]

_EMBED_LINKS = "blockquote.twitter-tweet a[href], blockquote.twitter-video a[href]"


def embedded(page: PageMeta) -> list[str]:
    """The links inside embedded-tweet blockquotes (``blockquote.twitter-tweet``)."""
    return [(node.attributes.get("href") or "").strip() for node in page.document.css(_EMBED_LINKS)]


def unwrap(url: str) -> str | None:
    """X's embed frame (``platform.twitter.com/embed/Tweet.html?id=…``) shows tweet ``id``."""
    parts = urlsplit(url)
    tweet_id = parse_qs(parts.query).get("id", [""])[0]
    if (
        (parts.hostname or "").lower() == "platform.twitter.com"
        and parts.path.startswith("/embed/")
        and ID_PATTERN.match(tweet_id)
    ):
        return f"https://x.com/i/web/status/{tweet_id}"
    return None


PLATFORM = PlatformModule(
    name=NAME,
    aliases=("x",),
    main_roles=("syndication", "oembed", "page"),
    controls=CONTROLS,
    limits=(
        "Logged out, X answers through the endpoints its embeds use (syndication and oEmbed); "
        "a tombstone's text says whether the post was deleted or its account changed.",
        "When the account's state cannot be read, a tweet missing from both endpoints is "
        "unavailable, not deleted.",
    ),
    recognise=recognise,
    plan=lambda ref, purpose, options: plan(ref, purpose),
    followups=followups,
    parse=parse,
    classify=lambda ref, responses: classify(responses),
    identity=post_identity,
    embedded=embedded,
    unwrap=unwrap,
    view=view,
)
