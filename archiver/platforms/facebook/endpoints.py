"""Facebook's hosts: which URLs are posts (and of which kind), and the requests that look at
one — the post page, and oEmbed when the user has an app token.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote

from archiver.core.urls import WebURL
from archiver.errors import UnsupportedURL
from archiver.platforms.base import (
    FetchRequest,
    PlatformSetting,
    PostData,
    PostRef,
    Purpose,
    Response,
)

NAME = "facebook"

HOSTS = frozenset(
    {
        "facebook.com",
        "www.facebook.com",
        "m.facebook.com",
        "mbasic.facebook.com",
        "web.facebook.com",
        "business.facebook.com",
    }
)
SHARE_HOSTS = frozenset({"fb.watch", "www.fb.watch"})
OEMBED = "https://graph.facebook.com/v19.0/oembed_post"

_ID = re.compile(r"\A[0-9]{1,25}\Z")
_PFBID = re.compile(r"\Apfbid[0-9A-Za-z]{10,80}\Z")
_NAME = re.compile(r"\A[A-Za-z0-9.\-_]{1,80}\Z")
_SHARE_CODE = re.compile(r"\A[A-Za-z0-9_\-]{1,40}\Z")
_RESERVED = frozenset(
    {
        "login",
        "login.php",
        "home.php",
        "profile.php",
        "pages",
        "watch",
        "reel",
        "groups",
        "share",
        "photo",
        "photo.php",
        "permalink.php",
        "story.php",
        "events",
        "marketplace",
        "gaming",
        "help",
        "policies",
        "privacy",
        "settings",
        "search",
        "hashtag",
        "stories",
    }
)


# Posts known to be alive, checked before verdicts are trusted (issue 11): two public posts
# of organisations' Pages that other projects recorded logged out (2014, seen in 2020; 2021),
# old enough that their survival says they are kept.
CONTROLS: tuple[str, ...] = (
    "https://www.facebook.com/asociaciondag/posts/827163017327807",
    "https://www.facebook.com/Nintendo/posts/4188053201279101",
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
                    NAME,
                    f"group:{seg[1]}:{post}",
                    f"https://www.facebook.com/groups/{seg[1]}/posts/{post}",
                )
        raise bad("is a group page, not a post")
    if first == "share":
        if len(seg) >= 3 and seg[1] in ("p", "v", "r") and _SHARE_CODE.match(seg[2]):
            return PostRef(
                NAME,
                f"share:{seg[1]}:{seg[2]}",
                f"https://www.facebook.com/share/{seg[1]}/{seg[2]}/",
                unresolved=True,
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
                    NAME,
                    f"photo:{fbid}",
                    f"https://www.facebook.com/photo.php?fbid={fbid}",
                    handle=page,
                )
    if not seg or first in ("home.php", "profile.php") or len(seg) <= 2:
        raise bad("is a profile or home page, not a post")
    raise bad("is not a post URL")


_KINDS = {
    "post": "post",
    "photo": "photo",
    "video": "video",
    "group": "group_post",
    "share": "share_link",
}


def post_identity(key: str, url: str) -> tuple[str, str]:
    """Facebook's own id of the post (the last part of our key), and its kind."""
    prefix, _, rest = key.partition(":")
    kind = _KINDS.get(prefix, prefix or "post")
    if kind == "video" and "/reel/" in url:
        kind = "reel"
    return rest.rsplit(":", 1)[-1] if rest else key, kind


OEMBED_TOKEN = PlatformSetting(
    "ARCHIVER_FACEBOOK_OEMBED_TOKEN",
    "",
    "an app token for Facebook's oEmbed endpoint; sent as an `Authorization` header, never written "
    "to a WARC",
)


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
