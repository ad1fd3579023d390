"""Reading X's answers: the syndication JSON, oEmbed, the status page and the profile
timeline, each read totally (an answer of another shape reads as empty, never as an
exception), and the follow-up requests they call for.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from archiver.core.pages import read_page, text_of
from archiver.platforms.base import (
    LINK_ROLE,
    ContextLink,
    FetchRequest,
    Link,
    Media,
    PostData,
    PostRef,
    Purpose,
    Response,
    parse_time,
    safe_url,
)
from archiver.platforms.twitter.endpoints import (
    HANDLE_PATTERN,
    ID_PATTERN,
    PROFILE_TIMELINE,
    canonical_url,
    created_at_from_id,
)


def followups(
    ref: PostRef, responses: Mapping[str, Response], data: PostData | None, purpose: Purpose
) -> list[FetchRequest]:
    """Media of a live post; the account's timeline when the post looks gone."""
    extra: list[FetchRequest] = []
    if data is not None and data.has_content():
        if purpose is Purpose.CAPTURE:
            extra.extend(FetchRequest(f"media:{m.kind}", m.url, is_media=True) for m in data.media)
            # Where each t.co link leads now, every hop recorded (issue 16).
            extra.extend(
                FetchRequest(f"{LINK_ROLE}:{n}", link.url, accept="text/html,*/*;q=0.8")
                for n, link in enumerate(data.links, 1)
                if (urlsplit(link.url).hostname or "") in SHORTENERS
            )
        return extra
    handle = ref.handle or (data.author if data else None)
    if handle and "account" not in responses and _post_looks_gone(responses):
        extra.append(FetchRequest("account", PROFILE_TIMELINE + handle, accept="text/html"))
    return extra


# X's own shortener: every link in a tweet is wrapped in it.
SHORTENERS = frozenset({"t.co"})


def _post_looks_gone(responses: Mapping[str, Response]) -> bool:
    return any(r.status in (403, 404) or tombstone_text(r) is not None for r in responses.values())


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
    if (
        isinstance(body, dict)
        and body.get("__typename") == "Tweet"
        and str(body.get("id_str", tweet_id)) == tweet_id
    ):
        return body
    return None


def _from_syndication(data: PostData, tweet: dict) -> None:
    user = as_dict(tweet.get("user"))
    data.author = as_handle(user.get("screen_name")) or data.author
    data.author_name = as_str(user.get("name")) or data.author_name
    data.text = as_str(tweet.get("text")) or data.text
    data.lang = as_str(tweet.get("lang")) or data.lang
    created = parse_time(tweet.get("created_at"))
    data.created_at = created or data.created_at
    data.quoted_id = as_tweet_id(as_dict(tweet.get("quoted_tweet")).get("id_str"))
    data.reply_to_id = as_tweet_id(tweet.get("in_reply_to_status_id_str"))
    _context(data, tweet)
    _from_article(data, tweet.get("article"))
    for item in as_list(tweet.get("mediaDetails")):
        if not isinstance(item, dict):
            continue
        kind = item.get("type")
        image = safe_url(item.get("media_url_https"))
        if kind == "photo" and image:
            data.media.append(Media(image, "photo"))
        elif kind in ("video", "animated_gif"):
            if image:
                data.media.append(Media(image, "poster"))
            best = _best_mp4(as_list(as_dict(item.get("video_info")).get("variants")))
            if best:
                data.media.append(Media(best, "video"))


def _context(data: PostData, tweet: dict) -> None:
    """The tweets around this one (issue 16): the one it quotes, the one it replies to, and the
    newer version when it was edited; and the ``t.co`` links in its text."""
    quoted = as_dict(tweet.get("quoted_tweet"))
    if data.quoted_id:
        handle = as_handle(as_dict(quoted.get("user")).get("screen_name"))
        data.context.append(ContextLink("quotes", canonical_url(data.quoted_id, handle)))
    if data.reply_to_id:
        handle = as_handle(tweet.get("in_reply_to_screen_name"))
        data.context.append(ContextLink("replies_to", canonical_url(data.reply_to_id, handle)))
    newer = newer_version(tweet)
    if newer:
        data.context.append(ContextLink("newer_version", canonical_url(newer, data.author)))
    for item in as_list(as_dict(tweet.get("entities")).get("urls"))[:MAX_LINKS]:
        short = safe_url(as_dict(item).get("url"))
        if short:
            data.links.append(Link(short, safe_url(as_dict(item).get("expanded_url"))))


MAX_LINKS = 10


def newer_version(tweet: dict) -> str | None:
    """The id of the latest version of an edited tweet, when it is not this one.

    X keeps every version of an edited tweet under its own id; ``edit_control.edit_tweet_ids``
    lists them oldest first (one id: never edited). Looking at an old id shows the old text,
    alive: the post was edited, not deleted."""
    ids = [
        i
        for i in as_list(as_dict(tweet.get("edit_control")).get("edit_tweet_ids"))
        if as_tweet_id(i)
    ]
    own = as_tweet_id(tweet.get("id_str"))
    if len(ids) > 1 and own in ids and ids[-1] != own:
        return str(ids[-1])
    return None


def _from_article(data: PostData, article: object) -> None:
    """An X Article: the tweet's own text is only a t.co link to it; what it says is its
    title and preview, and its cover image is its picture (seen in syndication JSON, 2026)."""
    if not isinstance(article, dict):
        return
    title, preview = as_str(article.get("title")), as_str(article.get("preview_text"))
    text = "\n\n".join(part for part in (title, preview) if part)
    if text:
        data.text = text
    image = safe_url(
        as_dict(as_dict(article.get("cover_media")).get("media_info")).get("original_img_url")
    )
    if image:
        data.media.append(Media(image, "image"))


def _best_mp4(variants: list) -> str | None:
    """The MP4 of the highest bitrate (a bitrate that is not a number counts as none)."""
    mp4 = [
        (as_number(v.get("bitrate")), url)
        for v in variants
        if isinstance(v, dict)
        and v.get("content_type") == "video/mp4"
        and (url := safe_url(v.get("url")))
    ]
    if not mp4:
        return None
    return max(mp4, key=lambda pair: pair[0])[1]


def _from_oembed(data: PostData, resp: Response) -> None:
    body = resp.json()
    if not isinstance(body, dict) or not body.get("html"):
        return
    data.sources.append("oembed")
    author_url = as_str(body.get("author_url")) or ""
    handle = as_handle(author_url.rstrip("/").rsplit("/", 1)[-1]) if author_url else None
    if not data.author and handle:
        data.author = handle
    data.author_name = data.author_name or as_str(body.get("author_name"))
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


def tombstone_text(resp: Response) -> str | None:
    if resp.role != "syndication" or resp.status != 200:
        return None
    body = resp.json()
    if isinstance(body, dict) and body.get("__typename") == "TweetTombstone":
        # {"tombstone": {"text": {"text": "…"}}}, as seen; any other shape is no known tombstone.
        text = as_dict(as_dict(body.get("tombstone")).get("text")).get("text")
        return text if isinstance(text, str) else None
    return None


def next_data(body: bytes) -> dict:
    text = body.decode("utf-8", "replace")
    match = re.search(
        r'<script id="__NEXT_DATA__" type="application/json">(.*?)</script>', text, re.S
    )
    if not match:
        return {}
    try:
        value = json.loads(match.group(1))
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def as_str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def as_dict(value: object) -> dict:
    """``value`` if it is an object, else an empty one: an answer of another shape is empty."""
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list:
    return value if isinstance(value, list) else []


def as_number(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def as_handle(value: object) -> str | None:
    """An X handle as X allows them (1-15 letters, digits, underscores); anything else is no
    handle: it becomes the post's URL, a WARC header and a report link (issue 12)."""
    return value if isinstance(value, str) and HANDLE_PATTERN.match(value) else None


def as_tweet_id(value: object) -> str | None:
    return value if isinstance(value, str) and ID_PATTERN.match(value) else None
