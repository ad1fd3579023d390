"""Reading a Facebook post page: is this post on it, and what does it say?

Built from real logged-out pages of 2018-2022 (www and m., posts, photos,
videos, groups; see tests/fixtures/facebook/ for made-up pages of the same
shapes). What they taught:

* A page's first timestamp is often someone else's: a "recent posts" column or
  "more videos" come before the post itself. The post's own time is taken from
  what belongs to *this* post — its ld+json, the ``data-utime`` inside the link
  to its own permalink, ``publish_time`` in the ``post_context`` naming its own
  ``story_fbid`` (also HTML-escaped inside ``data-ft``) — or left empty.
* ``og:title`` is not an author on video, watch and group pages ("… en Facebook
  Watch", "Group : text"): the author comes from ld+json or the post's header.
* ``og:image`` is the Page's avatar when the post has no picture of its own
  (profile pictures live under ``/t…-1/`` paths on fbcdn).
* m.facebook.com pages may have no ``og:`` tags at all, and ship the post inside
  HTML comments for their scripts (BigPipe): the post is read from that markup.

Everything here is pure: text in, facts out.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborNode

from archiver.core.content import media_identity
from archiver.core.pages import PageMeta, block_text, node_text, read_page
from archiver.platforms.base import Media, PostData, PostRef, safe_url
from archiver.platforms.facebook.structured import (
    has_id,
    ld_author,
    ld_names,
    ld_text,
    ld_time,
    own_ld,
    payload_time,
    utime,
)

_MESSAGE = (
    '[data-testid="post_message"], .userContent, [data-ad-preview="message"], '
    '[data-ad-comet-preview="message"], ._5rgt'
)
# Containers that hold exactly one post on a single-post m. page.
_SINGLE_POST = "#m_story_permalink_view, #MPhotoContent, .story_body_container"
_HEADER = "h1, h2, h3, h4, h5, h6, strong"
# First path segments that are Facebook's own, never a Page or profile name.
_NOT_A_NAME = frozenset(
    {
        "groups",
        "watch",
        "permalink.php",
        "story.php",
        "photo.php",
        "profile.php",
        "pages",
        "reel",
        "share",
        "login",
        "login.php",
        "home.php",
        "events",
        "media",
        "l.php",
        "hashtag",
        "plugins",
        "video.php",
        "photo",
        "r.php",
        "help",
        "policies",
        "privacy",
        "settings",
        "search",
        "stories",
        "marketplace",
        "gaming",
        "ufi",
    }
)
# Generic texts of Facebook's own pages: never a post's text.
_BOILERPLATE = re.compile(
    r"^(log ?in|log into facebook|create an account or log ?in|see posts, photos and more on "
    r"facebook|"
    r"facebook helps you connect|connect with friends)",
    re.I,
)
# fbcdn keeps profile pictures under "t<n>.<n>-1" paths (t1.0-1, t39.30808-1, t1.6435-1…);
# a post's photos under "-6", "-8", "-9", "-0", "-10"… .
_AVATAR_PATH = re.compile(r"/t\d+\.\d+-1/")


@dataclass
class Reading:
    """What a post page says about one post."""

    identified: bool = False  # the page says it is this post
    data: PostData = field(default_factory=PostData)
    title: str = ""
    page: PageMeta | None = None
    payload: str = ""  # the page, entities and JSON escapes undone

    @property
    def shows_post(self) -> bool:
        """The page is this post's, and holds what it said."""
        return self.identified and bool(self.data.text or self.data.media)


def read_post_page(ref: PostRef, html: str) -> Reading:
    """Everything a post page says about ``ref``'s post; fields it cannot attribute stay empty."""
    page = read_page(html)
    payload = unescape_payload(html)
    reading = Reading(title=page.title, page=page, payload=payload)
    data = reading.data
    data.canonical_url = ref.url
    own = own_ids(ref, page)
    fragments = [page, *page.hidden_fragments()]
    anchor = _permalink_anchor(fragments, own)
    container = _container(fragments, anchor)
    ld = own_ld(page, own)

    reading.identified = bool(
        _names_post(page, own)
        or (ld is not None and ld_names(ld, own))
        or _payload_names(payload, own)
        or anchor is not None
    )

    data.author = _author_handle(page, container, ref)
    data.author_name = ld_author(ld) or _header_name(container, data.author)
    data.created_at = ld_time(ld) or utime(anchor, container) or payload_time(payload, own)
    data.text = ld_text(ld) or _message(container) or _og_text(page, reading.identified)
    data.lang = (page.get("og:locale") or "").split("_")[0] or None
    data.media = _media(page, ld)
    if data.text or data.media:
        data.sources.append("page")
    return reading


# --- which post is this page about ----------------------------------------

_ID_IN_KEY = re.compile(r"([0-9]{1,25}|pfbid[0-9A-Za-z]{10,80})$")


def own_ids(ref: PostRef, page: PageMeta) -> set[str]:
    """The ids this post goes by: its key's, and, for a pfbid or share link, the numeric id
    the page's own ``og:url`` gives (Facebook maps both to one post)."""
    ids: set[str] = set()
    match = _ID_IN_KEY.search(ref.key)
    if match:
        ids.add(match.group(1))
    if not any(i.isdigit() for i in ids):
        for url in (page.get("og:url"), page.canonical):
            found = _post_id_in_url(url)
            if found:
                ids.add(found)
    return ids


_POST_ID_IN_URL = re.compile(
    r"/(?:posts|permalink|videos(?:/[^/?#]+)?|reel|photos/[^/?#]+)/(\d{5,25})|"
    r"[?&](?:story_fbid|fbid|v)=(\d{5,25})"
)


def _post_id_in_url(url: str) -> str | None:
    match = _POST_ID_IN_URL.search(url or "")
    return (match.group(1) or match.group(2)) if match else None


def _names_post(page: PageMeta, own: set[str]) -> bool:
    """The page's own address for itself names the post."""
    claims = (
        page.get("og:url"),
        page.canonical,
        page.get("al:android:url"),
        page.get("al:ios:url"),
    )
    return any(claim and has_id(unquote(claim), own) for claim in claims)


_PAYLOAD_ID = re.compile(
    r'"(?:top_level_post_id|story_fbid|object_id|post_id|mf_story_key|feedback_target|photo_id|video_id)"'
    r'\s*:\s*\[?\s*"?(\d{5,25})|(?:top_level_post_id|mf_story_key|tl_objid)\.(\d{5,25})'
)


def _payload_names(payload: str, own: set[str]) -> bool:
    """The page's data (``data-ft``, ``data-store``, inline JSON) is about the post."""
    return any((m.group(1) or m.group(2)) in own for m in _PAYLOAD_ID.finditer(payload))


def unescape_payload(html: str) -> str:
    """The page with entities decoded and one level of JSON string escapes undone, so that
    ``&quot;publish_time&quot;:1`` and ``\\"publish_time\\":1`` both read ``"publish_time":1``."""
    text = htmllib.unescape(html) if "&" in html else html
    if "\\" in text:
        text = _JSON_ESCAPE.sub(_unescape_one, text)
    return text


_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\([\\\"/])")


def _unescape_one(match: re.Match[str]) -> str:
    if match.group(1):
        code = int(match.group(1), 16)
        # A lone surrogate half (a pair split by the escape) would poison every later encode.
        return "\ufffd" if 0xD800 <= code <= 0xDFFF else chr(code)
    return match.group(2)


# --- the post's container -------------------------------------------------


def _permalink_anchor(fragments: list[PageMeta], own: set[str]) -> LexborNode | None:
    """The link to the post's own permalink that carries its timestamp (``<a href=…/ID><abbr>``)."""
    for fragment in fragments:
        for abbr in fragment.document.css("a[href] abbr"):
            anchor = abbr.parent
            while anchor is not None and anchor.tag != "a":
                anchor = anchor.parent
            href = (anchor.attributes.get("href") or "") if anchor is not None else ""
            if any(i in href for i in own) and has_id(unquote(href), own):
                return anchor
    return None


def _container(fragments: list[PageMeta], anchor: LexborNode | None) -> LexborNode | None:
    """The element holding this post and nothing else: the nearest ancestor of its own
    permalink link that has a header; or, on a single-post m. page, its story container."""
    if anchor is not None:
        node: LexborNode | None = anchor
        for _ in range(14):
            node = node.parent if node is not None else None
            if node is None:
                break
            if node.css_first(_HEADER) is not None and node.css_first(_MESSAGE) is not None:
                return node
        node = anchor
        for _ in range(14):
            node = node.parent if node is not None else None
            if node is None:
                break
            if node.css_first(_HEADER) is not None:
                return node
    for fragment in fragments:
        found = fragment.document.css_first(_SINGLE_POST)
        if found is not None:
            return found
    for fragment in fragments[1:]:
        message = fragment.document.css_first(".msg")  # m. photo page text, BigPipe-shipped
        if message is not None:
            return message.parent or message  # with its timestamp beside the text
    return None


# --- fields ---------------------------------------------------------------


def _author_handle(page: PageMeta, container: LexborNode | None, ref: PostRef) -> str | None:
    for url in (page.get("og:url"), page.canonical):
        name = _page_name(url)
        if name:
            return name
    header = _header_link(container)
    if header is not None:
        name = _page_name(header.attributes.get("href") or "")
        if name:
            return name
    return ref.handle


def _page_name(url: str) -> str | None:
    """The Page or profile a facebook.com URL belongs to, if its path starts with one."""
    if not url:
        return None
    parts = urlsplit(url if "//" in url or url.startswith("/") else "/" + url)
    if parts.netloc and not parts.netloc.lower().endswith("facebook.com"):
        return None
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        return None
    first = unquote(segments[0])
    if first.lower() in _NOT_A_NAME:
        if first.lower() == "profile.php":
            match = re.search(r"(?:^|&)id=(\d{1,25})", parts.query)
            return match.group(1) if match else None
        return None
    return first if re.fullmatch(r"[A-Za-z0-9.\-_]{1,80}", first) else None


def _header_link(container: LexborNode | None) -> LexborNode | None:
    """The link naming the post's author in its header (``<h5><a>``, ``<strong><a>``…)."""
    if container is None:
        return None
    for header in container.css(_HEADER):
        links = [header] if header.tag == "a" else header.css("a[href]")
        parent = header.parent
        if not links and parent is not None and parent.tag == "a":
            links = [parent]
        for link in links:
            href = link.attributes.get("href") or ""
            if _page_name(href) and node_text(link):
                return link
    for link in container.css("a.actor-link, a.profileLink"):
        if node_text(link):
            return link
    return None


def _header_name(container: LexborNode | None, handle: str | None) -> str | None:
    link = _header_link(container)
    if link is None:
        return None
    name = node_text(link)
    return name[:512] or None


def _message(container: LexborNode | None) -> str | None:
    if container is None:
        return None
    node = container.css_first(_MESSAGE)
    if node is None:
        node = container.css_first(".msg")
        if node is None:
            return None
        for actor in node.css("a.actor-link"):
            actor.decompose()  # the author's name opens the message on m. pages
    for hidden in node.css(".text_exposed_hide, .see_more_link, .see_more_link_inner"):
        hidden.decompose()
    text = block_text(node)
    return text or None


def _og_text(page: PageMeta, identified: bool) -> str | None:
    """og:description, or the meta description of an identified page, unless it is boilerplate."""
    for value in (page.get("og:description"), page.get("description") if identified else ""):
        text = (value or "").strip()
        if text and not _BOILERPLATE.match(text):
            return text
    return None


def _media(page: PageMeta, ld: dict[str, Any] | None) -> list[Media]:
    found: list[Media] = []
    seen: set[str] = set()

    def add(value: object, kind: str) -> None:
        url = safe_url(value)
        if url is None:
            return
        if _is_avatar(url):
            return  # the Page's or profile's picture is not the post's media
        key = media_identity(url)
        if key in seen:
            return
        seen.add(key)
        found.append(Media(url, kind))

    for video in (
        page.meta_all("og:video:secure_url")
        or page.meta_all("og:video:url")
        or page.meta_all("og:video")
    ):
        add(video, "video")
    is_video = bool(found)
    for image in page.meta_all("og:image"):
        add(image, "poster" if is_video else "image")
    if ld is not None:
        add(ld.get("contentUrl"), "video")
        thumb = ld.get("thumbnailUrl")
        add(thumb[0] if isinstance(thumb, list) and thumb else thumb, "poster")
        picture = ld.get("image")
        if isinstance(picture, dict):
            picture = picture.get("url") or picture.get("contentUrl")
        add(picture[0] if isinstance(picture, list) and picture else picture, "image")
    return found


def _is_avatar(url: str) -> bool:
    parts = urlsplit(url)
    return bool(_AVATAR_PATH.search(parts.path)) or "/rsrc.php/" in parts.path
