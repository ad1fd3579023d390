"""Twitter / X: recognise status URLs, plan logged-out fetches, parse, classify.

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

import json
import math
import re
from datetime import datetime, timezone
from typing import Mapping
from urllib.parse import parse_qs, quote, urlsplit

from archiver.errors import UnsupportedURL
from archiver.core.pages import PageMeta, read_page, text_of
from archiver.core.status import Certainty, Classification, Outcome, Signal
from archiver.core.urls import WebURL
from archiver.platforms.base import (
    FetchRequest,
    Media,
    PlatformSetting,
    PostData,
    PostRef,
    Purpose,
    Response,
    parse_time,
    safe_url,
)
from archiver.platforms.jsnumber import to_radix_string

NAME = "twitter"

HOSTS = frozenset(
    {
        "twitter.com", "www.twitter.com", "mobile.twitter.com", "m.twitter.com",
        "x.com", "www.x.com", "mobile.x.com",
        "fxtwitter.com", "www.fxtwitter.com", "vxtwitter.com", "www.vxtwitter.com",
        "fixupx.com", "www.fixupx.com",
    }
)

SYNDICATION = "https://cdn.syndication.twimg.com/tweet-result"
OEMBED = "https://publish.twitter.com/oembed"
PROFILE_TIMELINE = "https://syndication.twitter.com/srv/timeline-profile/screen-name/"

TWITTER_EPOCH_MS = 1288834974657
_HANDLE = re.compile(r"\A[A-Za-z0-9_]{1,15}\Z")
_ID = re.compile(r"\A[0-9]{1,19}\Z")
# First path segments that are Twitter's own pages, never a user's handle.
_RESERVED = frozenset(
    {"i", "home", "search", "explore", "settings", "hashtag", "intent", "share",
     "notifications", "messages", "compose", "login", "logout", "signup", "tos", "privacy"}
)


# --- identity -------------------------------------------------------------

# Posts known to be alive, checked before verdicts are trusted (issue 11): the first tweet
# (jack, March 2006) and two of the most shared tweets ever ("Four more years.", November
# 2012; the Oscars selfie, March 2014). Famous, old, and never deleted in all that time.
CONTROLS = (
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
    elif len(seg) >= 3 and seg[1] in ("status", "statuses") and seg[0].lower() not in _RESERVED:
        handle, tweet_id = seg[0], seg[2]
        if not _HANDLE.match(handle):
            raise UnsupportedURL(f"not a tweet: {handle!r} is not a Twitter handle in {url}")
    if tweet_id is None:
        if len(seg) <= 2 and seg and seg[0].lower() not in _RESERVED:
            raise UnsupportedURL(f"not a tweet: {url} is a profile page, not a post")
        raise UnsupportedURL(f"not a tweet: {url} is not a status URL")
    if not _ID.match(tweet_id) or int(tweet_id) == 0 or int(tweet_id) >= 2**63:
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
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


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


def followups(
    ref: PostRef, responses: Mapping[str, Response], data: PostData | None, purpose: Purpose
) -> list[FetchRequest]:
    """Media of a live post; the account's timeline when the post looks gone."""
    extra: list[FetchRequest] = []
    if data is not None and data.has_content():
        if purpose is Purpose.CAPTURE:
            extra.extend(FetchRequest(f"media:{m.kind}", m.url, is_media=True) for m in data.media)
        return extra
    handle = ref.handle or (data.author if data else None)
    if handle and "account" not in responses and _post_looks_gone(responses):
        extra.append(FetchRequest("account", PROFILE_TIMELINE + handle, accept="text/html"))
    return extra


def _post_looks_gone(responses: Mapping[str, Response]) -> bool:
    return any(
        r.status in (403, 404) or _tombstone_text(r) is not None for r in responses.values()
    )


# --- parsing --------------------------------------------------------------

def parse(ref: PostRef, responses: Mapping[str, Response]) -> PostData:
    """Syndication first, then oEmbed, then the page's og: tags; the id gives the time."""
    data = PostData(created_at=created_at_from_id(ref.key), canonical_url=ref.url)
    syn = _tweet_json(responses.get("syndication"), ref.key)
    if syn is not None:
        _from_syndication(data, syn)
        data.sources.append("syndication")
    oembed = responses.get("oembed")
    if oembed is not None and oembed.status == 200:
        _from_oembed(data, oembed)
    page = responses.get("page")
    if page is not None and page.status == 200:
        _from_page(data, page)
    if data.author:
        data.canonical_url = canonical_url(ref.key, data.author)
    return data


def _tweet_json(resp: Response | None, tweet_id: str) -> dict | None:
    if resp is None or resp.status != 200:
        return None
    body = resp.json()
    if isinstance(body, dict) and body.get("__typename") == "Tweet":
        if str(body.get("id_str", tweet_id)) == tweet_id:
            return body
    return None


def _from_syndication(data: PostData, tweet: dict) -> None:
    user = _dict(tweet.get("user"))
    data.author = _handle(user.get("screen_name")) or data.author
    data.author_name = _str(user.get("name")) or data.author_name
    data.text = _str(tweet.get("text")) or data.text
    data.lang = _str(tweet.get("lang")) or data.lang
    created = parse_time(tweet.get("created_at"))
    data.created_at = created or data.created_at
    data.quoted_id = _tweet_id(_dict(tweet.get("quoted_tweet")).get("id_str"))
    data.reply_to_id = _tweet_id(tweet.get("in_reply_to_status_id_str"))
    _from_article(data, tweet.get("article"))
    for item in _list(tweet.get("mediaDetails")):
        if not isinstance(item, dict):
            continue
        kind = item.get("type")
        image = safe_url(item.get("media_url_https"))
        if kind == "photo" and image:
            data.media.append(Media(image, "photo"))
        elif kind in ("video", "animated_gif"):
            if image:
                data.media.append(Media(image, "poster"))
            best = _best_mp4(_list(_dict(item.get("video_info")).get("variants")))
            if best:
                data.media.append(Media(best, "video"))


def _from_article(data: PostData, article: object) -> None:
    """An X Article: the tweet's own text is only a t.co link to it; what it says is its
    title and preview, and its cover image is its picture (seen in syndication JSON, 2026)."""
    if not isinstance(article, dict):
        return
    title, preview = _str(article.get("title")), _str(article.get("preview_text"))
    text = "\n\n".join(part for part in (title, preview) if part)
    if text:
        data.text = text
    image = safe_url(_dict(_dict(article.get("cover_media")).get("media_info")).get("original_img_url"))
    if image:
        data.media.append(Media(image, "image"))


def _best_mp4(variants: list) -> str | None:
    """The MP4 of the highest bitrate (a bitrate that is not a number counts as none)."""
    mp4 = [(_number(v.get("bitrate")), url) for v in variants if isinstance(v, dict)
           and v.get("content_type") == "video/mp4" and (url := safe_url(v.get("url")))]
    if not mp4:
        return None
    return max(mp4, key=lambda pair: pair[0])[1]


def _from_oembed(data: PostData, resp: Response) -> None:
    body = resp.json()
    if not isinstance(body, dict) or not body.get("html"):
        return
    data.sources.append("oembed")
    author_url = _str(body.get("author_url")) or ""
    handle = _handle(author_url.rstrip("/").rsplit("/", 1)[-1]) if author_url else None
    if not data.author and handle:
        data.author = handle
    data.author_name = data.author_name or _str(body.get("author_name"))
    if not data.text and isinstance(body.get("html"), str):
        data.text = text_of(body["html"]) or None
    if not data.lang:
        match = re.search(r'<p lang="([A-Za-z-]+)"', str(body["html"]))
        data.lang = match.group(1) if match else None


_OG_TITLE = re.compile(r"^(?P<name>.*) \(@(?P<handle>[A-Za-z0-9_]{1,15})\) on (X|Twitter)")


def _from_page(data: PostData, resp: Response) -> None:
    meta = read_page(resp.body.decode("utf-8", "replace"))
    title = meta.get("og:title")
    match = _OG_TITLE.match(title)
    if not match:
        return  # the JS shell or the migrate interstitial: nothing to read
    data.sources.append("page")
    data.author = data.author or match.group("handle")
    data.author_name = data.author_name or match.group("name")
    data.text = data.text or meta.get("og:description") or None
    image = safe_url(meta.get("og:image").split(":large")[0])
    if image and not data.media and "/media/" in image:
        data.media.append(Media(image, "photo"))


# --- classification -------------------------------------------------------

# Tombstone texts, as X words them. Only "deleted by the Post author" is a
# positive deletion; the others are states of the account or of visibility.
_TOMBSTONES: tuple[tuple[re.Pattern[str], Outcome], ...] = (
    (re.compile(r"deleted by the (post|tweet) author", re.I), Outcome.DELETED),
    (re.compile(r"suspended", re.I), Outcome.ACCOUNT_SUSPENDED),
    (re.compile(r"account (that )?(no longer exists|doesn.t exist)", re.I), Outcome.ACCOUNT_GONE),
    (re.compile(r"protected|limits who can view|limited who can view", re.I), Outcome.PROTECTED),
    (re.compile(r"age.restricted|sensitive|withheld|violated|adult content", re.I), Outcome.RESTRICTED),
)

_ACCOUNT_CODES = {63: Outcome.ACCOUNT_SUSPENDED, 50: Outcome.ACCOUNT_GONE}


def classify(responses: Mapping[str, Response]) -> Classification:
    """The outcome of one look at a tweet, from every endpoint's answer together."""
    signals: list[Signal] = []
    syn = responses.get("syndication")
    oem = responses.get("oembed")
    acct = responses.get("account")
    syn_says = _syndication_says(syn)
    oem_says = _oembed_says(oem)
    acct_says = _account_says(acct)
    for resp, says in ((syn, syn_says), (oem, oem_says), (acct, acct_says)):
        if resp is not None:
            signals.append(Signal(resp.role, resp.status, says))
    sig = tuple(signals)

    if syn_says == "tweet" or oem_says == "tweet":
        return Classification(Outcome.ALIVE, sig, "an endpoint returned the tweet",
                              anomaly=_contradiction(syn_says, oem_says))
    if syn_says.startswith("tombstone:"):
        text = syn_says.split(":", 1)[1]
        for pattern, outcome in _TOMBSTONES:
            if pattern.search(text):
                return Classification(outcome, sig, f"syndication tombstone: {text}")
        return Classification(Outcome.UNAVAILABLE, sig, f"unrecognised tombstone: {text}")
    if acct_says in ("suspended", "gone", "protected"):
        outcome = {"suspended": Outcome.ACCOUNT_SUSPENDED, "gone": Outcome.ACCOUNT_GONE,
                   "protected": Outcome.PROTECTED}[acct_says]
        if syn_says in ("not_found", "empty") or oem_says in ("not_found", "forbidden"):
            return Classification(outcome, sig, f"the account is {acct_says}")
    both_gone = syn_says == "not_found" and oem_says in ("not_found", "forbidden")
    if both_gone and acct_says == "active":
        return Classification(
            Outcome.DELETED, sig, "syndication and oEmbed no longer have the tweet; the account is public",
            certainty=Certainty.MEDIUM,
        )
    if both_gone:
        return Classification(
            Outcome.UNAVAILABLE, sig,
            "syndication and oEmbed no longer have the tweet; the account's state is unknown",
        )
    says = {syn_says, oem_says, acct_says}
    if "rate_limited" in says:
        return Classification(Outcome.RATE_LIMITED, sig, "rate limited; nothing learned about the post")
    if "login_wall" in says:
        return Classification(Outcome.LOGIN_WALL, sig, "login required; nothing learned about the post")
    shapeless = [r.role for r, said in ((syn, syn_says), (oem, oem_says))
                 if r is not None and r.status == 200 and said == "error"]
    problems = "; ".join(f"{r.role}: {r.problem}" for r in (syn, oem, acct) if r is not None and r.problem)
    return Classification(Outcome.ERROR, sig, "no endpoint gave a usable answer" + (f" ({problems})" if problems else ""),
                          anomaly=f"{' and '.join(shapeless)} answered 200 in no known shape" if shapeless else "")


# What an endpoint says that, beside another endpoint showing the tweet, means the
# endpoint changed rather than the tweet: X moved syndication in November 2022, and
# every tweet looked "not found" to the tools that relied on it (issue 11).
_CONTRADICTS_ALIVE = frozenset({"not_found", "forbidden", "empty", "error"})


def _contradiction(syn_says: str, oem_says: str) -> str:
    for role, said in (("syndication", syn_says), ("oembed", oem_says)):
        if said in _CONTRADICTS_ALIVE or said.startswith("tombstone:"):
            return f"{role} answered '{said}' for a tweet the other endpoint shows"
    return ""


def _neutral(resp: Response) -> str:
    if resp.backoff or resp.status == 429:
        return "rate_limited"
    if resp.status == 401 or _login(resp):
        return "login_wall"
    return "error"


def _login(resp: Response) -> bool:
    """Redirected to X's login flow: the answer is about us, not the post."""
    return "/i/flow/login" in resp.final_url or "/login" in resp.final_url.split("?")[0]


def _tombstone_text(resp: Response) -> str | None:
    if resp.role != "syndication" or resp.status != 200:
        return None
    body = resp.json()
    if isinstance(body, dict) and body.get("__typename") == "TweetTombstone":
        # {"tombstone": {"text": {"text": "…"}}}, as seen; any other shape is no known tombstone.
        text = _dict(_dict(body.get("tombstone")).get("text")).get("text")
        return text if isinstance(text, str) else None
    return None


def _unusable(resp: Response | None) -> str | None:
    """What a response that says nothing about the post says instead (absent, a wall, an error)."""
    if resp is None:
        return "absent"
    if resp.error or resp.status is None or _login(resp):
        return _neutral(resp)
    return None


def _syndication_says(resp: Response | None) -> str:
    if (says := _unusable(resp)) is not None:
        return says
    assert resp is not None
    if resp.status == 404:
        return "not_found"
    if resp.status != 200:
        return _neutral(resp)
    body = resp.json()
    if not isinstance(body, dict):
        return "error"  # truncated or not JSON: says nothing
    if body.get("__typename") == "Tweet" and body.get("id_str") and body.get("user"):
        return "tweet"
    tomb = _tombstone_text(resp)
    if tomb is not None:
        return f"tombstone:{tomb}"
    if not body:
        # `{}` is what a bad token or a throttled edge returns too: retry, don't conclude.
        return "empty"
    return "error"


def _oembed_says(resp: Response | None) -> str:
    if (says := _unusable(resp)) is not None:
        return says
    assert resp is not None
    if resp.status == 404:
        return "not_found"
    if resp.status == 403:
        return "forbidden"
    if resp.status != 200:
        return _neutral(resp)
    body = resp.json()
    if isinstance(body, dict) and body.get("html") and body.get("author_url"):
        return "tweet"
    return "error"


def _account_says(resp: Response | None) -> str:
    if (says := _unusable(resp)) is not None:
        return says
    assert resp is not None
    if resp.status != 200:
        return _neutral(resp) if resp.status in (429, 401) or resp.status >= 500 else "unknown"
    props = _dict(_dict(_next_data(resp.body).get("props")).get("pageProps"))
    if not props:
        return "unknown"
    for error in _list(props.get("errors")):
        code = _dict(error).get("code")
        if type(code) is int and code in _ACCOUNT_CODES:
            return {63: "suspended", 50: "gone"}[code]
    if _dict(props.get("headerProps")).get("protected") is True:
        return "protected"
    for entry in _list(_dict(props.get("timeline")).get("entries")):
        user = _dict(_dict(_dict(_dict(entry).get("content")).get("tweet")).get("user"))
        if user:
            return "protected" if user.get("protected") is True else "active"
    return "unknown"


def _next_data(body: bytes) -> dict:
    text = body.decode("utf-8", "replace")
    match = re.search(r'<script id="__NEXT_DATA__" type="application/json">(.*?)</script>', text, re.S)
    if not match:
        return {}
    try:
        value = json.loads(match.group(1))
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _dict(value: object) -> dict:
    """``value`` if it is an object, else an empty one: an answer of another shape reads as empty."""
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _number(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def _handle(value: object) -> str | None:
    """An X handle as X allows them (1-15 letters, digits, underscores); anything else is no
    handle: it becomes the post's URL, a WARC header and a report link (issue 12)."""
    return value if isinstance(value, str) and _HANDLE.match(value) else None


def _tweet_id(value: object) -> str | None:
    return value if isinstance(value, str) and _ID.match(value) else None


# --- the platform --------------------------------------------------------

_EMBED_LINKS = "blockquote.twitter-tweet a[href], blockquote.twitter-video a[href]"


class Twitter:
    """X (Twitter), as `archiver.platforms.base.Platform`."""

    name = NAME
    main_roles = ("syndication", "oembed", "page")
    controls = CONTROLS
    settings: tuple[PlatformSetting, ...] = ()

    def recognise(self, url: WebURL) -> PostRef | None:
        return recognise(url)

    def plan(self, ref: PostRef, purpose: Purpose, options: Mapping[str, str]) -> list[FetchRequest]:
        return plan(ref, purpose)

    def followups(self, ref: PostRef, responses: Mapping[str, Response], data: PostData | None,
                  purpose: Purpose) -> list[FetchRequest]:
        return followups(ref, responses, data, purpose)

    def parse(self, ref: PostRef, responses: Mapping[str, Response]) -> PostData:
        return parse(ref, responses)

    def classify(self, ref: PostRef, responses: Mapping[str, Response]) -> Classification:
        return classify(responses)

    def identity(self, key: str, url: str) -> tuple[str, str]:
        return post_identity(key, url)

    def embedded(self, page: PageMeta) -> list[str]:
        """The links inside embedded-tweet blockquotes (``blockquote.twitter-tweet``)."""
        return [(node.attributes.get("href") or "").strip() for node in page.document.css(_EMBED_LINKS)]

    def unwrap(self, url: str) -> str | None:
        """X's embed frame (``platform.twitter.com/embed/Tweet.html?id=…``) shows the tweet ``id``."""
        parts = urlsplit(url)
        tweet_id = parse_qs(parts.query).get("id", [""])[0]
        if (parts.hostname or "").lower() == "platform.twitter.com" and parts.path.startswith("/embed/") \
                and _ID.match(tweet_id):
            return f"https://x.com/i/web/status/{tweet_id}"
        return None


PLATFORM = Twitter()
