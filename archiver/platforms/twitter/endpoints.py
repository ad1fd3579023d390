"""X's hosts and endpoints: which URLs are posts, a post's id and time, the syndication
token, and the requests that look at a post.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from urllib.parse import quote

from archiver.core.urls import WebURL
from archiver.errors import UnsupportedURL
from archiver.platforms.base import (
    FetchRequest,
    PostRef,
    Purpose,
)
from archiver.platforms.twitter.jsnumber import to_radix_string

NAME = "twitter"

HOSTS = frozenset(
    {
        "twitter.com",
        "www.twitter.com",
        "mobile.twitter.com",
        "m.twitter.com",
        "x.com",
        "www.x.com",
        "mobile.x.com",
        "fxtwitter.com",
        "www.fxtwitter.com",
        "vxtwitter.com",
        "www.vxtwitter.com",
        "fixupx.com",
        "www.fixupx.com",
    }
)

SYNDICATION = "https://cdn.syndication.twimg.com/tweet-result"
OEMBED = "https://publish.twitter.com/oembed"
PROFILE_TIMELINE = "https://syndication.twitter.com/srv/timeline-profile/screen-name/"

TWITTER_EPOCH_MS = 1288834974657
HANDLE_PATTERN = re.compile(r"\A[A-Za-z0-9_]{1,15}\Z")
ID_PATTERN = re.compile(r"\A[0-9]{1,19}\Z")
# First path segments that are Twitter's own pages, never a user's handle.
RESERVED_PATHS = frozenset(
    {
        "i",
        "home",
        "search",
        "explore",
        "settings",
        "hashtag",
        "intent",
        "share",
        "notifications",
        "messages",
        "compose",
        "login",
        "logout",
        "signup",
        "tos",
        "privacy",
    }
)


# --- identity -------------------------------------------------------------

# Posts known to be alive, checked before verdicts are trusted (issue 11): the first tweet
# (jack, March 2006) and two of the most shared tweets ever ("Four more years.", November
# 2012; the Oscars selfie, March 2014). Famous, old, and never deleted in all that time.
CONTROLS: tuple[str, ...] = (
    "https://x.com/jack/status/20",
    "https://x.com/BarackObama/status/266031293945503744",
    "https://x.com/TheEllenShow/status/440322224407314432",
)


def recognise(url: WebURL) -> PostRef | None:
    """A `PostRef` for a status URL on a Twitter host; None for other hosts."""
    if url.host not in HOSTS:
        return None
    seg = url.segments
    handle: str | None = None
    tweet_id: str | None = None
    if len(seg) >= 4 and seg[0] == "i" and seg[1] == "web" and seg[2] == "status":
        tweet_id = seg[3]
    elif len(seg) >= 3 and seg[0] == "i" and seg[1] == "status":
        tweet_id = seg[2]
    elif (
        len(seg) >= 3 and seg[1] in ("status", "statuses") and seg[0].lower() not in RESERVED_PATHS
    ):
        handle, tweet_id = seg[0], seg[2]
        if not HANDLE_PATTERN.match(handle):
            raise UnsupportedURL(f"not a tweet: {handle!r} is not a Twitter handle in {url}")
    if tweet_id is None:
        if len(seg) <= 2 and seg and seg[0].lower() not in RESERVED_PATHS:
            raise UnsupportedURL(f"not a tweet: {url} is a profile page, not a post")
        raise UnsupportedURL(f"not a tweet: {url} is not a status URL")
    if not ID_PATTERN.match(tweet_id) or int(tweet_id) == 0 or int(tweet_id) >= 2**63:
        raise UnsupportedURL(f"not a tweet: {tweet_id!r} is not a tweet id in {url}")
    tweet_id = str(int(tweet_id))
    return PostRef(NAME, tweet_id, canonical_url(tweet_id, handle), handle=handle)


def post_identity(key: str, url: str) -> tuple[str, str]:
    """The id X gives the post, and what kind of post it is."""
    return key, "post"


def canonical_url(tweet_id: str, handle: str | None) -> str:
    if handle:
        return f"https://x.com/{handle}/status/{tweet_id}"
    return f"https://x.com/i/web/status/{tweet_id}"


def created_at_from_id(tweet_id: str | int) -> datetime | None:
    """Creation time encoded in a snowflake id; None for pre-2010 sequential ids."""
    value = int(tweet_id)
    if value < 2**22 * 1000:  # ids before snowflakes (late 2010) carry no time
        return None
    ms = (value >> 22) + TWITTER_EPOCH_MS
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def syndication_token(tweet_id: str | int) -> str:
    """The token the syndication endpoint checks (see `jsnumber`)."""
    digits = to_radix_string((float(int(tweet_id)) / 1e15) * math.pi, 36)
    return re.sub(r"(0+|\.)", "", digits)


# --- plans ----------------------------------------------------------------


def plan(ref: PostRef, purpose: Purpose) -> list[FetchRequest]:
    """Status-bearing endpoints always; the post page too when capturing."""
    tid = ref.key
    requests = [
        FetchRequest(
            "syndication",
            f"{SYNDICATION}?id={tid}&token={syndication_token(tid)}&lang=en",
            accept="application/json",
        ),
        FetchRequest(
            "oembed",
            f"{OEMBED}?url={quote(oembed_target(ref), safe='')}&dnt=true&omit_script=true",
            accept="application/json",
        ),
    ]
    if purpose is Purpose.CAPTURE:
        requests.append(FetchRequest("page", ref.url, accept="text/html"))
    return requests


def oembed_target(ref: PostRef) -> str:
    handle = ref.handle or "i"
    return f"https://twitter.com/{handle}/status/{ref.key}"
