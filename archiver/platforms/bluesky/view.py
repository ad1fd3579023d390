"""A Bluesky post's readable view, from its archived getPostThread answer as parsed: author,
time, text, media, and the post it quotes as the AppView embedded it. The bsky.app page is a
JavaScript application that shows nothing when replayed; the JSON is unreadable to most."""

from __future__ import annotations

from archiver.platforms.base import Seen
from archiver.platforms.bluesky.answers import as_dict, as_str, post_view
from archiver.platforms.bluesky.endpoints import at_to_web
from archiver.platforms.views import author_line, e, media_block, page, text_block, title_of


def view(seen: Seen) -> str | None:
    data = seen.data
    if not data.has_content():
        return None
    parts = ["<article>", author_line(data)]
    if data.reply_to_id:
        parent = at_to_web(data.reply_to_id) or ""
        parts.append(f'<p class="meta">Replying to <a href="{e(parent)}">{e(parent)}</a></p>')
    parts += [text_block(data.text), media_block(data.media, seen), _quoted(seen), "</article>"]
    return page(seen, "Bluesky", title_of(data, "Bluesky"), "".join(parts))


def _quoted(seen: Seen) -> str:
    post = post_view(seen.ref, seen.responses.get("thread")) or {}
    embed = as_dict(post.get("embed"))
    if as_str(embed.get("$type")) == "app.bsky.embed.recordWithMedia#view":
        embed = as_dict(embed.get("record"))
    record = as_dict(embed.get("record"))
    uri = as_str(record.get("uri"))
    if not uri:
        return ""
    author = as_dict(record.get("author"))
    text = as_str(as_dict(record.get("value")).get("text"))
    where = at_to_web(uri) or ""
    gone = {
        "app.bsky.embed.record#viewNotFound": "the quoted post was not found",
        "app.bsky.embed.record#viewBlocked": "the quoted post is hidden from this viewer",
        "app.bsky.embed.record#viewDetached": "the quoted post's author detached it",
    }.get(as_str(record.get("$type")), "")
    return (
        "<blockquote>"
        f'<p class="meta">Quoting {e(as_str(author.get("displayName")))} '
        f'@{e(as_str(author.get("handle")))} · <a href="{e(where)}">{e(where)}</a></p>'
        f'<div class="text">{e(gone or text)}</div></blockquote>'
    )
