"""Reading the AppView's answers: a post's thread, its author's profile, a handle's DID. Every
reader is total: an answer of another shape reads as nothing, never as an exception."""

from __future__ import annotations

from collections.abc import Mapping

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
from archiver.platforms.bluesky.endpoints import (
    DID,
    HANDLE,
    at_to_web,
    profile_url,
    ref_for,
    split_at_uri,
    web_url,
)

THREAD_VIEW = "app.bsky.feed.defs#threadViewPost"
NOT_FOUND_VIEW = "app.bsky.feed.defs#notFoundPost"
BLOCKED_VIEW = "app.bsky.feed.defs#blockedPost"


def as_dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list:
    return value if isinstance(value, list) else []


def as_str(value: object) -> str:
    return value if isinstance(value, str) else ""


def xrpc_error(resp: Response | None) -> tuple[str, str] | None:
    """An XRPC error answer (HTTP 4xx/5xx with ``{"error", "message"}``): its name and message."""
    if resp is None or resp.status is None or resp.status < 400:
        return None
    body = as_dict(resp.json())
    name = as_str(body.get("error"))
    return (name, as_str(body.get("message"))) if name else None


def thread_node(resp: Response | None) -> dict | None:
    """The ``thread`` of a 200 getPostThread answer; None for any other answer."""
    if resp is None or resp.status != 200:
        return None
    thread = as_dict(resp.json()).get("thread")
    return thread if isinstance(thread, dict) else None


def post_view(ref: PostRef, resp: Response | None) -> dict | None:
    """The post of interest (``thread.post``, never an ancestor's), if it is ``ref``'s post."""
    thread = thread_node(resp)
    if thread is None or thread.get("$type") != THREAD_VIEW:
        return None
    post = as_dict(thread.get("post"))
    return post if as_str(post.get("uri")) == ref.key else None


def parse(ref: PostRef, responses: Mapping[str, Response]) -> PostData:
    found = split_at_uri(ref.key)
    data = PostData(canonical_url=web_url(*found) if found else ref.url)
    post = post_view(ref, responses.get("thread"))
    if post is None:
        return data
    data.sources.append("thread")
    author = as_dict(post.get("author"))
    handle = as_str(author.get("handle"))
    data.author = handle if HANDLE.match(handle) and handle != "handle.invalid" else None
    data.author_name = as_str(author.get("displayName")) or None
    record = as_dict(post.get("record"))
    data.text = as_str(record.get("text")) or None
    data.created_at = parse_time(record.get("createdAt")) or parse_time(post.get("indexedAt"))
    langs = [lang for lang in as_list(record.get("langs")) if isinstance(lang, str)]
    data.lang = langs[0][:32] if langs else None
    parent = at_to_web(as_str(as_dict(as_dict(record.get("reply")).get("parent")).get("uri")))
    if parent:
        data.reply_to_id = as_str(as_dict(as_dict(record.get("reply")).get("parent")).get("uri"))
        data.context.append(ContextLink("replies_to", parent))
    _embed(data, as_dict(post.get("embed")))
    return data


def _embed(data: PostData, embed: dict) -> None:
    """Media and the quoted post, from the embed's *view* form (what the AppView hydrated)."""
    kind = as_str(embed.get("$type"))
    if kind == "app.bsky.embed.recordWithMedia#view":
        _embed(data, as_dict(embed.get("media")))
        _quote(data, as_dict(embed.get("record")))  # {"record": viewRecord}, no $type
    elif kind == "app.bsky.embed.images#view":
        for image in as_list(embed.get("images")):
            url = safe_url(as_dict(image).get("fullsize")) or safe_url(as_dict(image).get("thumb"))
            if url:
                data.media.append(Media(url, "photo"))
    elif kind == "app.bsky.embed.video#view":
        poster, playlist = safe_url(embed.get("thumbnail")), safe_url(embed.get("playlist"))
        if poster:
            data.media.append(Media(poster, "poster"))
        if playlist:
            data.media.append(Media(playlist, "video"))
    elif kind == "app.bsky.embed.external#view":
        thumb = safe_url(as_dict(embed.get("external")).get("thumb"))
        if thumb:
            data.media.append(Media(thumb, "image"))
    elif kind == "app.bsky.embed.record#view":
        _quote(data, embed)


def _quote(data: PostData, embed: dict) -> None:
    """The quoted post of a record embed (its view: viewRecord, viewNotFound, viewBlocked…)."""
    uri = as_str(as_dict(embed.get("record")).get("uri"))
    quoted = at_to_web(uri)
    if quoted:
        data.quoted_id = uri
        data.context.append(ContextLink("quotes", quoted))


def followups(
    ref: PostRef, responses: Mapping[str, Response], data: PostData | None, purpose: Purpose
) -> list[FetchRequest]:
    """Media of a post seen; its author's profile when the post looks gone, since a deleted
    post, a deactivated author and a taken-down one all get "Post not found"."""
    if data is not None and "thread" in data.sources:
        if purpose is Purpose.CAPTURE:
            return [FetchRequest(f"media:{m.kind}", m.url, is_media=True) for m in data.media]
        return []
    if "profile" in responses or not post_looks_gone(ref, responses.get("thread")):
        return []
    found = split_at_uri(ref.key)
    if found is None or not DID.match(found[0]):
        return []
    return [FetchRequest("profile", profile_url(found[0]), accept="application/json")]


def post_looks_gone(ref: PostRef, resp: Response | None) -> bool:
    error = xrpc_error(resp)
    if error is not None:
        return error[0] == "NotFound"
    thread = thread_node(resp)
    return thread is not None and thread.get("$type") == NOT_FOUND_VIEW


def profile_state(did: str, resp: Response | None) -> str:
    """``active``, ``taken_down``, ``deactivated``, ``not_found`` (also said of live accounts
    the AppView has not indexed), ``ambiguous`` (a profile whose handle no longer resolves),
    or what else the answer was (rate limited, error)."""
    if resp is None:
        return "absent"
    if resp.backoff or resp.status == 429:
        return "rate_limited"
    error = xrpc_error(resp)
    if error is not None:
        name, message = error
        if name == "AccountTakedown":
            return "taken_down"
        if name == "AccountDeactivated":
            return "deactivated"
        if name == "InvalidRequest" and "profile not found" in message.lower():
            return "not_found"
        return f"error: {name}"
    body = as_dict(resp.json()) if resp.status == 200 else {}
    if body.get("did") == did:
        return "ambiguous" if body.get("handle") == "handle.invalid" else "active"
    return "error"


def resolve(ref: PostRef, answer: Response) -> PostRef | str:
    """The post a handle URL names, once the handle's DID is known."""
    found = split_at_uri(ref.key)
    if found is None:
        return f"{ref.url} names no Bluesky post"
    if answer.status == 200:
        did = as_str(as_dict(answer.json()).get("did"))
        if DID.match(did):
            return ref_for(did, found[1])
        return f"Bluesky answered the handle {found[0]} with no DID"
    error = xrpc_error(answer)
    if error is not None:
        return (
            f"Bluesky could not resolve the handle {found[0]} ({error[0]}: {error[1][:200]}); "
            "it may have changed — a URL with the account's DID never does"
        )
    return f"could not resolve the handle {found[0]}: {answer.problem or f'HTTP {answer.status}'}"
