"""The simulated Bluesky AppView (``public.api.bsky.app/xrpc``): getPostThread, getProfile and
resolveHandle, and the image CDN, in the shapes of recorded answers — compact UTF-8 JSON, and
errors as HTTP 400 ``{"error", "message"}``, never 404.

States (`server.STATES`) as Bluesky plays them: deleted and deleted_quiet, ``NotFound`` with
an active profile; suspended, ``NotFound`` and ``AccountTakedown``; protected, ``NotFound``
and ``AccountDeactivated``; account_gone, ``NotFound`` and ``Profile not found``; sensitive,
a ``#blockedPost`` thread; login_wall, 401 ``AuthRequired``; rate_limited, 429
``RateLimitExceeded``; unknown_shape, a thread of a type no parser knows; empty, ``{}``.
"""

from __future__ import annotations

import hashlib
import json
from urllib.parse import unquote

from archiver.testing.simulator import content
from archiver.testing.simulator.content import SimPost, iso_ms
from archiver.testing.simulator.handler import Plumbing

BSKY_CDN = "https://cdn.bsky.app"
_COLLECTION = "app.bsky.feed.post"
_HEADERS = {"Cache-Control": "public, max-age=30", "X-Powered-By": "Express"}


def did_of(post: SimPost) -> str:
    return post.key[len("at://") :].split("/", 1)[0]


def _cid(text: str) -> str:
    return "bafyrei" + hashlib.sha256(text.encode()).hexdigest()[:52]


class BlueskyRoutes(Plumbing):
    def _xrpc(self, status: int, value: object) -> None:
        body = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
        self._send(status, body, "application/json; charset=utf-8", dict(_HEADERS))

    def _xrpc_error(self, status: int, name: str, message: str) -> None:
        self._xrpc(status, {"error": name, "message": message})

    def _bsky_posts(self, actor: str) -> list[SimPost]:
        actor = actor.lower()
        return [
            p
            for p in self.sim.posts.values()
            if p.platform == "bluesky" and actor in (did_of(p), p.handle.lower())
        ]

    def _bsky(self, rest: str, query: dict[str, str]) -> None:
        method = rest.removeprefix("/xrpc/")
        if method == "com.atproto.identity.resolveHandle":
            posts = self._bsky_posts(query.get("handle", ""))
            if posts:
                self._xrpc(200, {"did": did_of(posts[0])})
            else:
                self._xrpc_error(400, "InvalidRequest", "Unable to resolve handle")
        elif method == "app.bsky.actor.getProfile":
            self._bsky_profile(query.get("actor", ""))
        elif method == "app.bsky.feed.getPostThread":
            self._bsky_thread(unquote(query.get("uri", "")))
        else:
            self._xrpc_error(501, "MethodNotImplemented", "Method Not Implemented")

    def _bsky_profile(self, actor: str) -> None:
        posts = self._bsky_posts(actor)
        states = {p.state for p in posts}
        if posts and states == {"rate_limited"}:
            self._xrpc_error(429, "RateLimitExceeded", "Rate Limit Exceeded")
        elif not posts or "account_gone" in states:
            self._xrpc_error(400, "InvalidRequest", "Profile not found")
        elif "suspended" in states:
            self._xrpc_error(400, "AccountTakedown", "Account has been suspended")
        elif "protected" in states:
            self._xrpc_error(400, "AccountDeactivated", "Account is deactivated")
        else:
            first = posts[0]
            self._xrpc(
                200,
                {
                    "did": did_of(first),
                    "handle": first.handle,
                    "displayName": first.name,
                    "labels": [],
                    "createdAt": "2023-09-21T16:05:03.068Z",
                    "indexedAt": "2023-09-21T16:05:03.068Z",
                    "followersCount": 1224,
                    "followsCount": 879,
                    "postsCount": len(posts),
                },
            )

    def _bsky_find(self, uri: str) -> SimPost | None:
        actor, _, rest = uri.removeprefix("at://").partition("/")
        for post in self._bsky_posts(actor):
            if post.key.endswith("/" + rest):
                return post
        return None

    def _bsky_thread(self, uri: str) -> None:
        post = self._bsky_find(uri)
        if post is None:
            self._xrpc_error(400, "NotFound", f"Post not found: {uri}")
            return
        state = post.state
        if state == "rate_limited":
            self._xrpc_error(429, "RateLimitExceeded", "Rate Limit Exceeded")
            return
        if self._limited(post):
            return
        if state in ("deleted", "deleted_quiet", "suspended", "protected", "account_gone"):
            self._xrpc_error(400, "NotFound", f"Post not found: {post.key}")
        elif state == "sensitive":
            blocked = {
                "$type": "app.bsky.feed.defs#blockedPost",
                "uri": post.key,
                "blocked": True,
                "author": {"did": did_of(post), "viewer": {"blockedBy": True}},
            }
            self._xrpc(200, {"thread": blocked})
        elif state == "login_wall":
            self._xrpc_error(401, "AuthRequired", "Authentication Required")
        elif state == "unknown_shape":
            self._xrpc(200, {"thread": {"$type": "app.bsky.feed.defs#threadViewPostV2"}})
        elif state == "empty":
            self._xrpc(200, {})
        else:
            node = {"$type": "app.bsky.feed.defs#threadViewPost", "post": self._view(post)}
            self._xrpc(200, {"thread": {**node, "replies": []}})

    def _author(self, post: SimPost) -> dict[str, object]:
        return {
            "did": did_of(post),
            "handle": post.handle,
            "displayName": post.name,
            "avatar": f"{BSKY_CDN}/img/avatar/plain/{did_of(post)}/{_cid(post.handle)}@jpeg",
            "labels": [],
            "createdAt": "2023-09-21T16:05:03.068Z",
        }

    def _view(self, post: SimPost) -> dict[str, object]:
        """A PostView, with its record (as written) and its embed (as the AppView hydrated it)."""
        record: dict[str, object] = {
            "$type": _COLLECTION,
            "text": post.current_text,
            "createdAt": iso_ms(post.created),
            "langs": [post.lang],
        }
        if post.reply_to_id:
            parent = {"uri": post.reply_to_id, "cid": _cid(post.reply_to_id)}
            record["reply"] = {"root": parent, "parent": parent}
        view: dict[str, object] = {
            "uri": post.key,
            "cid": _cid(post.key + post.current_text),
            "author": self._author(post),
            "record": record,
            "replyCount": 0,
            "repostCount": 2,
            "likeCount": 7,
            "quoteCount": 0,
            "indexedAt": iso_ms(post.created),
            "labels": [],
        }
        images = {
            "$type": "app.bsky.embed.images#view",
            "images": [
                {
                    "thumb": f"{BSKY_CDN}/img/feed_thumbnail/plain/{did_of(post)}/{_cid(n)}@jpeg",
                    "fullsize": f"{BSKY_CDN}/img/feed_fullsize/plain/{did_of(post)}/{_cid(n)}@jpeg",
                    "alt": "",
                    "aspectRatio": {"height": 64, "width": 96},
                }
                for n in post.photos
            ],
        }
        quote = self._quote(post.quoted_id) if post.quoted_id else None
        if quote and post.photos:
            view["embed"] = {
                "$type": "app.bsky.embed.recordWithMedia#view",
                "media": images,
                "record": {"record": quote},
            }
        elif quote:
            view["embed"] = {"$type": "app.bsky.embed.record#view", "record": quote}
        elif post.photos:
            view["embed"] = images
        return view

    def _quote(self, uri: str) -> dict[str, object]:
        quoted = self._bsky_find(uri)
        if quoted is None or quoted.state not in ("live", "edited", "slow"):
            return {"$type": "app.bsky.embed.record#viewNotFound", "uri": uri, "notFound": True}
        return {
            "$type": "app.bsky.embed.record#viewRecord",
            "uri": quoted.key,
            "cid": _cid(quoted.key),
            "author": self._author(quoted),
            "value": {
                "$type": _COLLECTION,
                "text": quoted.current_text,
                "createdAt": iso_ms(quoted.created),
            },
            "labels": [],
            "indexedAt": iso_ms(quoted.created),
        }

    def _bsky_media(self, rest: str, query: dict[str, str]) -> None:
        name = rest.rsplit("/", 1)[-1]
        self._send(200, content.png(96, 64, content.color_for(name)), "image/png", compress=False)
