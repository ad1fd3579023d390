"""Reading Telegram's pages: the embed widget of one post, the post's landing page, and the
channel's preview. Every reader is total: a page of another shape reads as nothing.

The widget's markup (``tgme_widget_message…`` classes) is the one the channel preview uses
for each of its posts; no byte-exact recording of the widget page exists (SHAPES note), so
this follows the preview's recorded markup and the widget's documented error block.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin

from archiver.core.pages import PageMeta, block_text, decode_html, node_text, read_page
from archiver.platforms.base import (
    ContextLink,
    FetchRequest,
    Media,
    PostData,
    PostRef,
    Purpose,
    Response,
    parse_time,
    safe_url,
)
from archiver.platforms.telegram.endpoints import (
    HOSTS,
    post_url,
    preview_url,
    split_key,
)

_BACKGROUND = re.compile(r"background-image\s*:\s*url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", re.I)


@dataclass
class Widget:
    """What a widget page showed: the message, an error, or neither (no known shape)."""

    post: str = ""  # its data-post, "channel/id"
    error: str = ""  # the text of tgme_widget_message_error
    author_name: str = ""
    signed_by: str = ""
    text: str = ""
    time: str = ""
    media: list[Media] = field(default_factory=list)
    reply_to: str = ""

    @property
    def shows_post(self) -> bool:
        return bool(self.post) and not self.error


def page_of(resp: Response | None) -> PageMeta | None:
    if resp is None or resp.status != 200 or not resp.body:
        return None
    return read_page(decode_html(resp.body, resp.content_type))


def read_widget(resp: Response | None) -> Widget | None:
    """The widget page's message or error; None when the page is not a widget page at all."""
    page = page_of(resp)
    if page is None:
        return None
    doc = page.document
    error = doc.css_first(".tgme_widget_message_error")
    message = doc.css_first(".tgme_widget_message")
    if error is not None:
        return Widget(error=node_text(error) or "(empty error)")
    if message is None:
        return None
    found = Widget(post=(message.attributes.get("data-post") or "").strip())
    if not found.post:
        return None
    found.author_name = node_text(message.css_first(".tgme_widget_message_owner_name"))
    found.signed_by = node_text(message.css_first(".tgme_widget_message_from_author"))
    text = message.css_first(".tgme_widget_message_text")
    found.text = block_text(text) if text is not None else ""
    stamp = message.css_first(".tgme_widget_message_date time")
    found.time = (stamp.attributes.get("datetime") or "") if stamp is not None else ""
    base = (resp.final_url or resp.url) if resp is not None else ""
    for n, wrap in enumerate(message.css(".tgme_widget_message_photo_wrap"), 1):
        url = _background(wrap.attributes.get("style"), base)
        if url:
            found.media.append(Media(url, "photo", key=f"photo{n}"))
    for n, player in enumerate(message.css(".tgme_widget_message_video_player"), 1):
        thumb = player.css_first(".tgme_widget_message_video_thumb")
        poster = _background(thumb.attributes.get("style") if thumb else None, base)
        if poster:
            found.media.append(Media(poster, "poster", key=f"poster{n}"))
        video = player.css_first("video")
        src = safe_url(urljoin(base, video.attributes.get("src") or "")) if video else None
        if src:
            found.media.append(Media(src, "video", key=f"video{n}"))
    reply = message.css_first("a.tgme_widget_message_reply")
    found.reply_to = (reply.attributes.get("href") or "") if reply is not None else ""
    return found


def _background(style: str | None, base: str) -> str | None:
    match = _BACKGROUND.search(style or "")
    return safe_url(urljoin(base, match.group(1).strip())) if match else None


def parse(ref: PostRef, responses: Mapping[str, Response]) -> PostData:
    """The widget first (text, author, time, media); the landing page's og: tags fill gaps —
    its og:title is the channel's title, never a per-post author, and it has no date."""
    channel, post_id = split_key(ref.key)
    data = PostData(author=channel, canonical_url=post_url(channel, post_id))
    widget = read_widget(responses.get("embed"))
    if widget is not None and widget.shows_post:
        data.sources.append("embed")
        data.author_name = widget.author_name or None
        if widget.signed_by:
            data.author_name = f"{widget.author_name} (signed: {widget.signed_by})"
        data.text = widget.text or None
        data.created_at = parse_time(widget.time)
        data.media = widget.media
        reply = safe_url(widget.reply_to)
        if reply and _is_post_link(reply):
            data.context.append(ContextLink("replies_to", reply.split("?")[0]))
    landing = page_of(responses.get("page"))
    if landing is not None and _landing_is_post(landing, channel, post_id):
        data.sources.append("page")
        data.author_name = data.author_name or landing.get("og:title") or None
        data.text = data.text or landing.get("og:description", "twitter:description") or None
    return data


def _is_post_link(url: str) -> bool:
    host = url.split("://", 1)[-1].split("/", 1)[0].lower()
    return host in HOSTS


def _landing_is_post(page: PageMeta, channel: str, post_id: str) -> bool:
    """A post's landing page names the post in its widget script (or, once a browser ran it,
    in the widget's frame) — otherwise it is some other page, and says nothing of the post."""
    wanted = f"{channel}/{post_id}"
    for script in page.document.css("script[data-telegram-post]"):
        if (script.attributes.get("data-telegram-post") or "").strip().lower() == wanted:
            return True
    return any(f"/{wanted}?embed" in frame.lower() for frame in page.frames)


def followups(
    ref: PostRef, responses: Mapping[str, Response], data: PostData | None, purpose: Purpose
) -> list[FetchRequest]:
    """The media of a post seen; the channel's preview when the widget says the post is gone."""
    if data is not None and "embed" in data.sources:
        if purpose is Purpose.CAPTURE:
            return [FetchRequest(f"media:{m.kind}", m.url, is_media=True) for m in data.media]
        return []
    widget = read_widget(responses.get("embed"))
    if widget is not None and widget.error and "channel" not in responses:
        channel, _ = split_key(ref.key)
        return [FetchRequest("channel", preview_url(channel), accept="text/html")]
    return []


def channel_state(resp: Response | None) -> str:
    """What the channel probe found: ``public`` (its preview lists posts), ``exists`` (the
    preview is withheld and the channel's landing page has its title), ``gone`` (Telegram's
    page for a name no public channel has), or ``unknown``."""
    page = page_of(resp)
    if page is None:
        return "unknown"
    doc = page.document
    if doc.css_first(".tgme_channel_info") is not None or doc.css_first(".tgme_widget_message"):
        return "public"
    if doc.css_first(".tgme_page_title") is not None or doc.css_first(".tgme_page_extra"):
        return "exists"
    # No title, no counts: "If you have Telegram, you can contact @name right away."
    if doc.css_first(".tgme_page") is not None and "you can contact @" in page.visible_text():
        return "gone"
    return "unknown"
