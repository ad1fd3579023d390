"""Response bodies of the simulated platforms, shaped like the real ones.

The shapes follow real responses (syndication ``tweet-result`` JSON with
``__typename``/``mediaDetails``, oEmbed's blockquote, x.com's og: tags for
crawlers, Facebook's permalink page with og: tags and ``data-utime``, and
Facebook's "This content isn't available right now" and "Log into Facebook"
pages). Every post here is made up.
"""

from __future__ import annotations

import functools
import html
import json
import random
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# Tweet ids encode their creation time (see archiver.platforms.twitter).
TWITTER_EPOCH_MS = 1288834974657


def tweet_id_at(when: datetime, sequence: int = 0) -> str:
    ms = int(when.timestamp() * 1000) - TWITTER_EPOCH_MS
    return str((ms << 22) | (sequence & 0x3FFFFF))


@dataclass
class SimPost:
    """A simulated post and the state the simulator serves it in."""

    platform: str  # twitter | facebook | web
    key: str  # tweet id; facebook post key; web path
    handle: str
    name: str
    text: str
    created: datetime
    lang: str = "en"
    photos: list[str] = field(default_factory=list)  # media names served by the simulator
    video: str | None = None
    path: str = ""  # facebook: the page path, e.g. /SomePage/posts/123
    title: str = ""  # web pages
    body_html: str = ""  # web pages: the article body
    state: str = "live"
    edited_text: str | None = None
    quoted_id: str | None = None
    reply_to_id: str | None = None
    # Links in the text, served as t.co short links that redirect to these (issue 16).
    links: list[str] = field(default_factory=list)
    # Ids of the newer versions of an edited tweet, oldest first (X's edit_control).
    newer_ids: list[str] = field(default_factory=list)
    account_protected: bool = False
    # Facebook: the page's layout (facebook_pages.LAYOUTS), the group of a group post, and
    # how its "content isn't available" page looks once it is gone (locale and form).
    # X: an Article (title, preview, cover media name); the tweet's text is then only its link.
    article: dict[str, str] | None = None
    fb_layout: str = "www"
    group: str = ""
    locale: str = "en"
    gone_form: str = "body_json"

    @property
    def current_text(self) -> str:
        return self.edited_text if self.state == "edited" and self.edited_text else self.text


def iso_ms(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def tweet_json(
    post: SimPost,
    media_base: str,
    video_base: str,
    lookup: Callable[[str], SimPost | None] | None = None,
) -> dict[str, Any]:
    media = []
    for i, name in enumerate(post.photos, start=1):
        media.append(
            {
                "display_url": "pic.twitter.com/sim",
                "expanded_url": f"https://twitter.com/{post.handle}/status/{post.key}/photo/{i}",
                "media_url_https": f"{media_base}/media/{name}",
                "type": "photo",
                "original_info": {"height": 240, "width": 320},
            }
        )
    if post.video:
        media.append(
            {
                "display_url": "pic.twitter.com/simv",
                "expanded_url": f"https://twitter.com/{post.handle}/status/{post.key}/video/1",
                "media_url_https": f"{media_base}/amplify_video_thumb/{post.key}/img/poster.png",
                "type": "video",
                "video_info": {
                    "aspect_ratio": [16, 9],
                    "duration_millis": 4000,
                    "variants": [
                        {
                            "bitrate": 288000,
                            "content_type": "video/mp4",
                            "url": f"{video_base}/amplify_video/{post.key}/vid/320x180/low.mp4",
                        },
                        {
                            "bitrate": 832000,
                            "content_type": "video/mp4",
                            "url": f"{video_base}/amplify_video/{post.key}/vid/640x360/"
                            f"{post.video}",
                        },
                        {
                            "content_type": "application/x-mpegURL",
                            "url": f"{video_base}/amplify_video/{post.key}/pl/list.m3u8",
                        },
                    ],
                },
            }
        )
    body: dict[str, Any] = {
        "__typename": "Tweet",
        "lang": post.lang,
        "favorite_count": 12,
        "possibly_sensitive": False,
        "created_at": iso_ms(post.created),
        "display_text_range": [0, len(post.current_text)],
        "entities": {"hashtags": [], "urls": [], "user_mentions": [], "symbols": []},
        "id_str": post.key,
        "text": post.current_text,
        "user": {
            "id_str": str(abs(hash(post.handle)) % 10**9),
            "name": post.name,
            "screen_name": post.handle,
            "profile_image_url_https": f"{media_base}/profile_images/{post.handle}_normal.png",
            "verified": False,
            "is_blue_verified": False,
        },
        "edit_control": {"edit_tweet_ids": [post.key], "is_edit_eligible": True},
        "mediaDetails": media,
        "photos": [
            {"url": m["media_url_https"], "width": 320, "height": 240}
            for m in media
            if m["type"] == "photo"
        ],
        "conversation_count": 0,
    }
    if post.article:
        link = f"https://t.co/{post.key[-10:]}"
        body["text"] = link
        body["entities"]["urls"] = [
            {
                "url": link,
                "expanded_url": f"http://x.com/i/article/{post.key}",
                "display_url": f"x.com/i/article/{post.key[:4]}…",
                "indices": [0, len(link)],
            }
        ]
        body["article"] = {
            "cover_media": {
                "id": "sim",
                "media_info": {
                    "__typename": "ApiImage",
                    "original_img_url": f"{media_base}/media/{post.article['cover']}",
                    "original_img_width": 1920,
                    "original_img_height": 768,
                },
            },
            "id": "sim-article",
            "rest_id": post.key,
            "title": post.article["title"],
            "preview_text": post.article["preview"],
        }
    for n, target in enumerate(post.links, 1):
        link = f"https://t.co/{short_code(post.key, n)}"
        start = len(body["text"]) + 1
        body["text"] = f"{body['text']} {link}"
        body["entities"]["urls"].append(
            {
                "url": link,
                "expanded_url": target,
                "display_url": target.split("://", 1)[-1][:24] + "…",
                "indices": [start, start + len(link)],
            }
        )
    if post.newer_ids:
        body["edit_control"] = {
            "edit_tweet_ids": [post.key, *post.newer_ids],
            "editable_until_msecs": str(int(post.created.timestamp() * 1000) + 3_600_000),
            "is_edit_eligible": True,
            "edits_remaining": str(5 - len(post.newer_ids)),
        }
        body["isEdited"] = True
    if post.quoted_id:
        # As X embeds a quoted tweet: its user and text, when it is there to show.
        quoted = lookup(post.quoted_id) if lookup else None
        body["quoted_tweet"] = {"id_str": post.quoted_id, "__typename": "Tweet"}
        if quoted is not None and quoted.state in ("live", "edited"):
            body["quoted_tweet"].update(
                {
                    "text": quoted.current_text,
                    "user": {"name": quoted.name, "screen_name": quoted.handle},
                    "created_at": iso_ms(quoted.created),
                }
            )
    if post.reply_to_id:
        body["in_reply_to_status_id_str"] = post.reply_to_id
        parent = lookup(post.reply_to_id) if lookup else None
        if parent is not None:
            body["in_reply_to_screen_name"] = parent.handle
    return body


def short_code(key: str, n: int) -> str:
    """The simulated t.co code of a post's ``n``-th link."""
    return f"{key}x{n}"


TOMBSTONES = {
    "deleted": "This Post was deleted by the Post author. Learn more",
    "protected": "You’re unable to view this Post because this account owner limits who can view "
    "their Posts. Learn more",
    "sensitive": "Age-restricted adult content. This content might not be appropriate for people "
    "under 18 years old. Learn more",
}


def tombstone_json(state: str) -> dict[str, Any]:
    text = TOMBSTONES[state]
    return {
        "__typename": "TweetTombstone",
        "tombstone": {"text": {"text": text, "entities": [], "rtl": False}},
    }


def oembed_json(post: SimPost) -> dict[str, Any]:
    url = f"https://twitter.com/{post.handle}/status/{post.key}"
    date = post.created.strftime("%B %-d, %Y")
    markup = (
        f'<blockquote class="twitter-tweet"><p lang="{post.lang}" dir="ltr">'
        f"{html.escape(post.current_text)}</p>&mdash; {html.escape(post.name)} (@{post.handle}) "
        f'<a href="{url}?ref_src=twsrc%5Etfw">{date}</a></blockquote>\n'
    )
    return {
        "url": url,
        "author_name": post.name,
        "author_url": f"https://twitter.com/{post.handle}",
        "html": markup,
        "width": 550,
        "height": None,
        "type": "rich",
        "cache_age": "3153600000",
        "provider_name": "Twitter",
        "provider_url": "https://twitter.com",
        "version": "1.0",
    }


def x_status_page(post: SimPost | None, media_base: str) -> str:
    """x.com as served to crawlers: a JS shell with og: tags when the post is visible."""
    head = ['<meta content="X (formerly Twitter)" property="og:site_name">']
    if post is not None:
        head += [
            '<meta content="article" property="og:type">',
            f'<meta content="https://twitter.com/{post.handle}/status/{post.key}" '
            'property="og:url">',
            f'<meta content="{html.escape(post.name)} (@{post.handle}) on X" property="og:title">',
            f'<meta content="{html.escape(post.current_text)}" property="og:description">',
        ]
        if post.photos:
            head.append(
                f'<meta content="{media_base}/media/{post.photos[0]}:large" property="og:image">'
            )
    title = post.key if post is not None else "X"
    return (
        '<!DOCTYPE html><html dir="ltr" lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title>{''.join(head)}</head>"
        '<body><noscript>JavaScript is not available.</noscript><div id="react-root"></div>'
        "<!-- simulated by archiver's local simulator --></body></html>"
    )


def profile_timeline(post: SimPost | None, handle: str, account_state: str) -> str:
    """syndication.twitter.com's embedded profile timeline: __NEXT_DATA__ has the account state."""
    page_props: dict[str, Any] = {"contextProvider": {"features": {}}, "timeline": {"entries": []}}
    if account_state == "suspended":
        page_props["errors"] = [{"code": 63, "message": "User has been suspended."}]
    elif account_state == "gone":
        page_props["errors"] = [{"code": 50, "message": "User not found."}]
    elif account_state == "protected":
        page_props["headerProps"] = {"screenName": handle, "protected": True}
    else:
        page_props["headerProps"] = {"screenName": handle, "protected": False}
        page_props["timeline"]["entries"] = [
            {
                "type": "tweet",
                "entry_id": "tweet-1",
                "content": {
                    "tweet": {
                        "id_str": "1",
                        "text": "(another post)",
                        "user": {
                            "screen_name": handle,
                            "name": post.name if post else handle,
                            "protected": False,
                        },
                    }
                },
            }
        ]
    data = {
        "props": {"pageProps": page_props, "__N_SSP": True},
        "page": "/timeline-profile/screen-name/[screenName]",
        "query": {"screenName": handle},
        "buildId": "sim",
        "isFallback": False,
        "gssp": True,
    }
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><div id="__next"></div>'
        '<script id="__NEXT_DATA__" '
        f'type="application/json">{json.dumps(data)}</script></body></html>'
    )


def web_page(post: SimPost) -> str:
    published = post.created.astimezone(UTC).isoformat()
    return (
        f'<!DOCTYPE html><html lang="{post.lang}"><head><meta charset="utf-8">'
        f"<title>{html.escape(post.title)}</title>"
        f'<meta property="og:title" content="{html.escape(post.title)}">'
        f'<meta property="og:description" content="{html.escape(post.text)}">'
        f'<meta name="author" content="{html.escape(post.name)}">'
        f'<meta property="article:published_time" content="{published}">'
        + (f'<meta property="og:image" content="{post.photos[0]}">' if post.photos else "")
        + f"</head><body><article><h1>{html.escape(post.title)}</h1>{post.body_html}"
        + "</article></body></html>"
    )


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A small valid PNG with a diagonal stripe, so images look like images."""
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            stripe = (x + y) // 12 % 2 == 0
            r, g, b = rgb
            row += bytes(
                (r, g, b) if stripe else (min(r + 40, 255), min(g + 40, 255), min(b + 40, 255))
            )
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", raw)
        + chunk(b"IEND", b"")
    )


def color_for(name: str) -> tuple[int, int, int]:
    seed = zlib.crc32(name.encode())
    return (60 + seed % 150, 60 + (seed >> 8) % 150, 60 + (seed >> 16) % 150)


@functools.lru_cache(maxsize=8)
def fake_mp4(name: str, size: int) -> bytes:
    """An MP4 ``ftyp`` box, then pseudo-random bytes: like real video, it does not compress."""
    head = struct.pack(">I", 24) + b"ftypisom" + b"\x00\x00\x02\x00" + b"isomiso2"
    filler = random.Random(name).randbytes(max(size - len(head), 0))
    return head + filler
