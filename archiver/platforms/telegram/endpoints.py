"""Telegram's hosts and URLs: which are posts of public channels, a post's key, and the
requests that look at one.

A public channel's post is ``https://t.me/{channel}/{id}``; the same post is named by
``t.me/s/{channel}/{id}`` (the channel's web preview), ``telegram.me``, and with ``?single``
(one item of an album) or ``?embed=1``. Channel names are case-insensitive, so the key
lowercases them: ``{channel}/{id}``.

Logged out, Telegram shows a post in three places (SHAPES-bluesky-telegram.md):
* the embed widget, ``t.me/{channel}/{id}?embed=1&mode=tme``: that one message, its author,
  time, text and media — or ``Post not found``. It is what tells state;
* the landing page, ``t.me/{channel}/{id}``: ``og:`` tags with the channel's title and the
  post's text, no date, and 200 whatever happened to the post;
* the channel's preview, ``t.me/s/{channel}``: its recent posts, or a 302 to the landing page
  when the preview is withheld. Used as the account probe.
"""

from __future__ import annotations

import re

from archiver.core.urls import WebURL
from archiver.errors import UnsupportedURL
from archiver.platforms.base import FetchRequest, PostRef, Purpose

NAME = "telegram"
HOSTS = frozenset({"t.me", "www.t.me", "telegram.me", "www.telegram.me", "telegram.dog"})
BASE = "https://t.me"

# Usernames are 5-32 characters of letters, digits and underscores, starting with a letter
# (a few old ones are shorter); anything else in that place is one of Telegram's own paths.
CHANNEL = re.compile(r"\A[A-Za-z][A-Za-z0-9_]{2,31}\Z")
POST_ID = re.compile(r"\A[0-9]{1,12}\Z")
RESERVED = frozenset(
    {
        "joinchat",
        "addstickers",
        "addemoji",
        "addtheme",
        "setlanguage",
        "share",
        "proxy",
        "socks",
        "login",
        "iv",
        "contact",
        "boost",
        "invoice",
        "addlist",
        "bg",
        "confirmphone",
    }
)

# A post known to be alive (issue 11): an announcement of Telegram's own channel (December
# 2025), seen in a raw capture of t.me/s/telegram; the channel has never deleted its news.
CONTROLS: tuple[str, ...] = ("https://t.me/telegram/420",)


def recognise(url: WebURL) -> PostRef | None:
    if url.host not in HOSTS:
        return None
    segments = [s for s in url.path.split("/") if s]
    if segments and segments[0] == "s":
        segments = segments[1:]
    if not segments:
        raise UnsupportedURL(f"not a Telegram post: {url} names no channel")
    first = segments[0]
    if first == "c":
        raise UnsupportedURL(
            f"not archived: {url} is a link into a private channel, which a logged-out "
            "visitor cannot read"
        )
    if first.startswith("+") or first.lower() in RESERVED or not CHANNEL.match(first):
        raise UnsupportedURL(f"not a Telegram post: {url} is not a public channel's post")
    if len(segments) < 2:
        raise UnsupportedURL(
            f"not a Telegram post: {url} is the channel @{first}, not one of its posts"
        )
    if not POST_ID.match(segments[1]) or int(segments[1]) == 0:
        raise UnsupportedURL(f"not a Telegram post: {segments[1]!r} in {url} is no post number")
    channel, post_id = first.lower(), str(int(segments[1]))
    return PostRef(NAME, f"{channel}/{post_id}", post_url(channel, post_id), handle=channel)


def split_key(key: str) -> tuple[str, str]:
    channel, _, post_id = key.partition("/")
    return channel, post_id


def post_url(channel: str, post_id: str) -> str:
    return f"{BASE}/{channel}/{post_id}"


def embed_url(channel: str, post_id: str) -> str:
    return f"{BASE}/{channel}/{post_id}?embed=1&mode=tme"


def preview_url(channel: str) -> str:
    return f"{BASE}/s/{channel}"


def post_identity(key: str, url: str) -> tuple[str, str]:
    return key, "post"


def plan(ref: PostRef, purpose: Purpose) -> list[FetchRequest]:
    channel, post_id = split_key(ref.key)
    requests = [FetchRequest("embed", embed_url(channel, post_id), accept="text/html")]
    if purpose is Purpose.CAPTURE:
        requests.append(FetchRequest("page", post_url(channel, post_id), accept="text/html"))
    return requests
