"""A tweet's readable view, from its archived syndication JSON (or oEmbed) as parsed: author,
time, text, media, the tweet it quotes and the one it replies to.

The x.com page archived beside it is a JavaScript shell that shows nothing when replayed,
and the JSON is unreadable to the people the archive is for: this is what they open.
"""

from __future__ import annotations

from archiver.platforms.base import Seen
from archiver.platforms.twitter.answers import as_dict, as_str
from archiver.platforms.views import author_line, e, media_block, page, text_block, title_of


def view(seen: Seen) -> str | None:
    data = seen.data
    if not data.has_content():
        return None
    parts = ["<article>", author_line(data)]
    if data.reply_to_id:
        parts.append(
            f'<p class="meta">Replying to <a href="https://x.com/i/web/status/'
            f'{e(data.reply_to_id)}">tweet {e(data.reply_to_id)}</a></p>'
        )
    parts += [text_block(data.text), media_block(data.media, seen), _quoted(seen), "</article>"]
    return page(seen, "X", title_of(data, "X"), "".join(parts))


def _quoted(seen: Seen) -> str:
    """The quoted tweet as the syndication JSON embeds it (its author and text)."""
    response = seen.responses.get("syndication")
    body = as_dict(response.json() if response is not None else None)
    quoted = as_dict(body.get("quoted_tweet"))
    if not quoted:
        return ""
    user = as_dict(quoted.get("user"))
    name, handle = as_str(user.get("name")), as_str(user.get("screen_name"))
    tweet_id = as_str(quoted.get("id_str")) or seen.data.quoted_id or ""
    return (
        "<blockquote>"
        f'<div class="who"><span class="name">{e(name)}</span>'
        f'<span class="handle">@{e(handle)}</span></div>'
        f'<div class="text">{e(as_str(quoted.get("text")))}</div>'
        f'<p class="meta">Quoted tweet <a href="https://x.com/i/web/status/{e(tweet_id)}">'
        f"{e(tweet_id)}</a></p></blockquote>"
    )
