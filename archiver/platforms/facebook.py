"""Facebook: recognise post URLs, plan logged-out fetches, parse, classify.

Logged out, Facebook gives the post page to some clients and a login wall to
others. Its signals are weak, and this module says so instead of guessing:

* a deleted post and a post whose audience was narrowed both answer 200 with
  a page titled "This content isn't available right now" — `UNAVAILABLE`,
  never `DELETED`;
* a login wall is a redirect to ``/login`` or a page titled "Log into
  Facebook" (canonical ``/login/``) — `LOGIN_WALL`, which says nothing;
* "You're temporarily blocked" is a rate limit.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Mapping
from urllib.parse import quote

from ..errors import UnsupportedURL
from ..htmlmeta import decode_html, read_page
from ..status import Classification, Outcome, Signal
from ..urls import WebURL
from .base import FetchRequest, Media, PostData, PostRef, Purpose, Response

NAME = "facebook"

HOSTS = frozenset(
    {"facebook.com", "www.facebook.com", "m.facebook.com", "mbasic.facebook.com",
     "web.facebook.com", "business.facebook.com"}
)
SHARE_HOSTS = frozenset({"fb.watch", "www.fb.watch"})
OEMBED = "https://graph.facebook.com/v19.0/oembed_post"

_ID = re.compile(r"^[0-9]{1,25}$")
_PFBID = re.compile(r"^pfbid[0-9A-Za-z]{10,80}$")
_NAME = re.compile(r"^[A-Za-z0-9.\-_]{1,80}$")
_SHARE_CODE = re.compile(r"^[A-Za-z0-9_\-]{1,40}$")
_RESERVED = frozenset(
    {"login", "login.php", "home.php", "profile.php", "pages", "watch", "reel", "groups",
     "share", "photo", "photo.php", "permalink.php", "story.php", "events", "marketplace",
     "gaming", "help", "policies", "privacy", "settings", "search", "hashtag", "stories"}
)


def recognise(url: WebURL) -> PostRef | None:
    if url.host in SHARE_HOSTS:
        code = url.segments[0] if url.segments else ""
        if not _SHARE_CODE.match(code):
            raise UnsupportedURL(f"not a Facebook post: {url} is not a fb.watch link")
        return PostRef(NAME, f"share:watch:{code}", f"https://fb.watch/{code}/", unresolved=True)
    if url.host not in HOSTS:
        return None
    url = url.without_tracking()
    seg = url.segments
    first = seg[0].lower() if seg else ""

    def bad(why: str) -> UnsupportedURL:
        return UnsupportedURL(f"not a Facebook post: {url} {why}")

    if first in ("permalink.php", "story.php"):
        story, owner = url.param("story_fbid"), url.param("id")
        if not story or not (_ID.match(story) or _PFBID.match(story)):
            raise bad("has no story_fbid")
        canonical = f"https://www.facebook.com/permalink.php?story_fbid={story}"
        if owner and _ID.match(owner):
            canonical += f"&id={owner}"
        return PostRef(NAME, f"post:{story}", canonical)
    if first == "photo.php" or (first == "photo" and len(seg) == 1):
        fbid = url.param("fbid")
        if not fbid or not _ID.match(fbid):
            raise bad("has no photo fbid")
        return PostRef(NAME, f"photo:{fbid}", f"https://www.facebook.com/photo.php?fbid={fbid}")
    if first == "watch":
        vid = url.param("v")
        if not vid or not _ID.match(vid):
            raise bad("has no video id")
        return PostRef(NAME, f"video:{vid}", f"https://www.facebook.com/watch/?v={vid}")
    if first == "reel":
        if len(seg) < 2 or not _ID.match(seg[1]):
            raise bad("has no reel id")
        return PostRef(NAME, f"video:{seg[1]}", f"https://www.facebook.com/reel/{seg[1]}")
    if first == "groups":
        if len(seg) >= 4 and seg[2] in ("posts", "permalink") and _NAME.match(seg[1]):
            post = seg[3]
            if _ID.match(post) or _PFBID.match(post):
                return PostRef(
                    NAME, f"group:{seg[1]}:{post}",
                    f"https://www.facebook.com/groups/{seg[1]}/posts/{post}",
                )
        raise bad("is a group page, not a post")
    if first == "share":
        if len(seg) >= 3 and seg[1] in ("p", "v", "r") and _SHARE_CODE.match(seg[2]):
            return PostRef(
                NAME, f"share:{seg[1]}:{seg[2]}",
                f"https://www.facebook.com/share/{seg[1]}/{seg[2]}/", unresolved=True,
            )
        raise bad("is not a share link")
    if len(seg) >= 3 and first not in _RESERVED and _NAME.match(seg[0]):
        page, kind = seg[0], seg[1]
        last = seg[-1]
        if kind == "posts" and (_ID.match(last) or _PFBID.match(last)):
            return PostRef(
                NAME, f"post:{last}", f"https://www.facebook.com/{page}/posts/{last}", handle=page
            )
        if kind == "videos" and _ID.match(last):
            return PostRef(
                NAME, f"video:{last}", f"https://www.facebook.com/{page}/videos/{last}", handle=page
            )
        if kind == "photos":
            fbid = url.param("fbid") or last
            if _ID.match(fbid):
                return PostRef(
                    NAME, f"photo:{fbid}", f"https://www.facebook.com/photo.php?fbid={fbid}", handle=page
                )
    if not seg or first in ("home.php", "profile.php") or len(seg) <= 2:
        raise bad("is a profile or home page, not a post")
    raise bad("is not a post URL")


def plan(ref: PostRef, purpose: Purpose, oembed_token: str = "") -> list[FetchRequest]:
    requests = [FetchRequest("page", ref.url, accept="text/html")]
    if oembed_token:
        # The token travels in a header so that it never lands in a WARC record's URL.
        requests.append(
            FetchRequest(
                "oembed",
                f"{OEMBED}?url={quote(ref.url, safe='')}&omitscript=true",
                accept="application/json",
                secret_headers=(("Authorization", f"Bearer {oembed_token}"),),
            )
        )
    return requests


def followups(
    ref: PostRef, responses: Mapping[str, Response], data: PostData | None, purpose: Purpose
) -> list[FetchRequest]:
    if purpose is not Purpose.CAPTURE or data is None or not data.has_content():
        return []
    return [FetchRequest(f"media:{m.kind}", m.url, is_media=True) for m in data.media]


_UTIME = re.compile(r'data-utime="(\d{9,11})"|"publish_time":(\d{9,11})')


def parse(ref: PostRef, responses: Mapping[str, Response]) -> PostData:
    data = PostData(canonical_url=ref.url)
    page = responses.get("page")
    if page is None or page.status != 200 or _wall_or_gone(page):
        return data
    html = decode_html(page.body, page.content_type)
    meta = read_page(html)
    og_url = meta.get("og:url")
    if not og_url and not meta.get("og:description"):
        return data
    data.sources.append("page")
    data.author_name = meta.get("og:title") or None
    author = _page_name(og_url) or ref.handle
    data.author = author
    data.text = meta.get("og:description") or meta.get("description") or None
    data.lang = (meta.get("og:locale") or "").split("_")[0] or None
    match = _UTIME.search(html)
    if match:
        stamp = int(match.group(1) or match.group(2))
        data.created_at = datetime.fromtimestamp(stamp, tz=timezone.utc)
    image = meta.get("og:image")
    if image:
        data.media.append(Media(image, "image"))
    return data


def _page_name(og_url: str) -> str | None:
    match = re.match(r"https?://[^/]+/([^/?#]+)/(posts|videos|photos)/", og_url)
    return match.group(1) if match else None


_LOGIN_TITLES = re.compile(r"^(log ?in(to| to)? facebook|facebook\s*[-–|]\s*log ?in)", re.I)
_GONE_TITLES = re.compile(
    r"this content isn.t available|content not found|this page isn.t available|"
    r"the link you followed may be broken",
    re.I,
)
_BLOCK = re.compile(r"you.re temporarily blocked|you.ve been temporarily blocked", re.I)


def _wall_or_gone(page: Response) -> str | None:
    if "/login" in page.final_url or "/checkpoint" in page.final_url:
        return "login_wall"
    html = decode_html(page.body[:200_000], page.content_type)
    meta = read_page(html)
    if _LOGIN_TITLES.search(meta.title) or "/login" in meta.canonical:
        return "login_wall"
    if _BLOCK.search(meta.title) or _BLOCK.search(html[:50_000]):
        return "blocked"
    if _GONE_TITLES.search(meta.title) or _GONE_TITLES.search(meta.get("og:title")):
        return "unavailable"
    return None


def classify(responses: Mapping[str, Response]) -> Classification:
    oembed = responses.get("oembed")
    if oembed is not None and oembed.status == 200:
        body = oembed.json()
        if isinstance(body, dict) and body.get("html"):
            # Facebook's oEmbed (configured with an app token) still embeds the post:
            # it is there, whatever the logged-out page shows.
            return Classification(Outcome.ALIVE, (Signal("oembed", 200, "post"),), "oEmbed returned the post")
    page = responses.get("page")
    signals: list[Signal] = []
    if page is None:
        return Classification(Outcome.ERROR, (), "the post page was not fetched")
    if page.status is None:
        why = page.error or "no response"
        signals.append(Signal("page", None, why))
        if page.backoff:
            return Classification(Outcome.RATE_LIMITED, tuple(signals), why)
        return Classification(Outcome.ERROR, tuple(signals), f"the post page could not be fetched: {why}")
    status = page.status
    if status == 429:
        return Classification(Outcome.RATE_LIMITED, (Signal("page", status, "rate_limited"),))
    if status >= 500:
        return Classification(Outcome.ERROR, (Signal("page", status, "server error"),))
    wall = _wall_or_gone(page) if status in (200, 404) else None
    if wall == "login_wall" or status in (401, 403):
        return Classification(
            Outcome.LOGIN_WALL, (Signal("page", status, "login_wall"),),
            "Facebook asked to log in; nothing learned about the post",
        )
    if wall == "blocked":
        return Classification(Outcome.RATE_LIMITED, (Signal("page", status, "temporarily blocked"),))
    if wall == "unavailable" or status in (404, 410):
        return Classification(
            Outcome.UNAVAILABLE, (Signal("page", status, "content isn't available"),),
            "Facebook no longer shows the post; logged out, a deletion and a narrowed audience look the same",
        )
    if status == 200:
        data = parse(PostRef(NAME, "", page.url), {"page": page})
        if data.has_content():
            return Classification(Outcome.ALIVE, (Signal("page", status, "post"),), "the post page shows the post")
        return Classification(
            Outcome.ERROR, (Signal("page", status, "unrecognised page"),),
            "the page holds no post and no known error: ambiguous",
        )
    return Classification(Outcome.ERROR, (Signal("page", status, f"HTTP {status}"),))
