"""Bluesky's URLs and the public AppView's endpoints: which URLs are posts, a post's identity,
and the requests that look at one.

A post is ``https://bsky.app/profile/{handle or DID}/post/{rkey}`` or
``at://{handle or DID}/app.bsky.feed.post/{rkey}``. Handles change (they are domain names);
the DID does not, so a post is known by its ``at://`` URI with the DID — the key, and
``post_id`` in the JSON contract. A URL naming a handle is resolved first
(``com.atproto.identity.resolveHandle``), its answer written to the WARC like any other.

Logged out, the public AppView (``public.api.bsky.app``) answers XRPC queries in JSON
(SHAPES-bluesky-telegram.md): ``app.bsky.feed.getPostThread`` for the post,
``app.bsky.actor.getProfile`` for its author. Errors are HTTP 400 with
``{"error", "message"}``, never 404.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode, urlsplit

from archiver.core.urls import WebURL
from archiver.errors import UnsupportedURL
from archiver.platforms.base import FetchRequest, PostRef, Purpose

NAME = "bluesky"
HOSTS = frozenset({"bsky.app", "www.bsky.app", "staging.bsky.app", "main.bsky.dev"})
APPVIEW = "https://public.api.bsky.app/xrpc"
COLLECTION = "app.bsky.feed.post"

DID = re.compile(r"\Adid:(plc:[a-z2-7]{24}|web:[A-Za-z0-9.:%-]{1,253})\Z")
# A handle is a domain name (atproto handle syntax): labels of letters, digits and hyphens.
HANDLE = re.compile(
    r"\A(?=.{1,253}\Z)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\Z"
)
# Record keys (atproto record-key syntax); posts have TIDs, 13 characters of base32-sortable.
RKEY = re.compile(r"\A[A-Za-z0-9._:~-]{1,512}\Z")

# Posts known to be alive (issue 11), both recorded logged out in January 2025 (bellingcat's
# auto-archiver test cassettes): a Bellingcat thread post and a journalist's photo post, from
# accounts of organisations and people who publish for the record.
CONTROLS: tuple[str, ...] = (
    "https://bsky.app/profile/did:plc:sb54dpdfefflykmf5bcfvr7t/post/3lcxcpgt6j42l",
    "https://bsky.app/profile/did:plc:pr46lkz3rkp2yvxnvwe47ib2/post/3lec2bqjc5s2y",
)


def at_uri(actor: str, rkey: str) -> str:
    return f"at://{actor}/{COLLECTION}/{rkey}"


def split_at_uri(uri: str) -> tuple[str, str] | None:
    """The actor and record key of a post's ``at://`` URI; None for anything else."""
    if not isinstance(uri, str) or not uri.startswith("at://"):
        return None
    parts = uri[5:].split("/")
    if len(parts) != 3 or parts[1] != COLLECTION:
        return None
    actor, rkey = parts[0], parts[2]
    if not (DID.match(actor) or HANDLE.match(actor)) or not RKEY.match(rkey):
        return None
    return actor, rkey


def web_url(actor: str, rkey: str) -> str:
    return f"https://bsky.app/profile/{actor}/post/{rkey}"


def at_to_web(uri: str) -> str | None:
    found = split_at_uri(uri)
    return web_url(*found) if found else None


def recognise(url: WebURL) -> PostRef | None:
    if url.host not in HOSTS:
        return None
    segments = [s for s in url.path.split("/") if s]
    if len(segments) < 2 or segments[0] != "profile":
        raise UnsupportedURL(f"not a Bluesky post: {url} names no post")
    actor = segments[1]
    if not (DID.match(actor) or HANDLE.match(actor)):
        raise UnsupportedURL(f"not a Bluesky post: {actor!r} in {url} is no handle or DID")
    if len(segments) < 4 or segments[2] != "post":
        raise UnsupportedURL(f"not a Bluesky post: {url} is the account {actor}, not a post")
    rkey = segments[3]
    if not RKEY.match(rkey):
        raise UnsupportedURL(f"not a Bluesky post: {rkey!r} in {url} is no record key")
    return ref_for(actor, rkey)


def ref_for(actor: str, rkey: str) -> PostRef:
    if DID.match(actor):
        return PostRef(NAME, at_uri(actor, rkey), web_url(actor, rkey))
    handle = actor.lower()
    return PostRef(
        NAME,
        at_uri(handle, rkey),
        web_url(handle, rkey),
        handle=handle,
        unresolved=True,
        resolve_url=f"{APPVIEW}/com.atproto.identity.resolveHandle?{urlencode({'handle': handle})}",
    )


def unwrap(url: str) -> str | None:
    """An ``at://`` URI, or Bluesky's embed frame (``embed.bsky.app/embed/{did}/…/{rkey}``),
    names the post at its bsky.app URL."""
    if url.startswith("at://"):
        return at_to_web(url)
    parts = urlsplit(url)
    if (parts.hostname or "").lower() == "embed.bsky.app" and parts.path.startswith("/embed/"):
        return at_to_web("at://" + parts.path[len("/embed/") :].strip("/"))
    return None


def post_identity(key: str, url: str) -> tuple[str, str]:
    return key, "post"


def thread_url(uri: str) -> str:
    # depth=0 and parentHeight=0: only the post itself (camelCase: snake_case is ignored).
    return f"{APPVIEW}/app.bsky.feed.getPostThread?uri={quote(uri, safe='')}&depth=0&parentHeight=0"


def profile_url(actor: str) -> str:
    return f"{APPVIEW}/app.bsky.actor.getProfile?actor={quote(actor, safe='')}"


def plan(ref: PostRef, purpose: Purpose) -> list[FetchRequest]:
    return [FetchRequest("thread", thread_url(ref.key), accept="application/json")]
