"""The platforms archiver knows, and `recognise`, which picks one for a URL.

Hosts are matched exactly (``"x.com" in host`` would also match
``dropbox.com``): each module lists its own hosts.
"""

from __future__ import annotations

from types import ModuleType
from typing import Mapping

from archiver.errors import UnsupportedURL
from archiver.core.urls import WebURL, parse_url
from archiver.platforms import facebook, twitter, web
from archiver.platforms.base import FetchRequest, Media, PostData, PostRef, Purpose, Response

PLATFORMS: dict[str, ModuleType] = {m.NAME: m for m in (twitter, facebook, web)}


def recognise(text: str) -> PostRef:
    """The post a URL names, or `UnsupportedURL` saying why it names none."""
    url = parse_url(text)
    for module in (twitter, facebook):
        ref = module.recognise(url)
        if ref is not None:
            return ref
    return web.recognise(url)


def default_controls() -> tuple[str, ...]:
    """Every platform's own control posts, expected alive (issue 11)."""
    return tuple(url for module in PLATFORMS.values() for url in getattr(module, "CONTROLS", ()))


def platform_of(ref: PostRef) -> ModuleType:
    try:
        return PLATFORMS[ref.platform]
    except KeyError:
        raise UnsupportedURL(f"unknown platform {ref.platform!r}") from None


def post_identity(platform: str, key: str, url: str) -> tuple[str, str]:
    """The platform's own id of a post and its kind (post, photo, video, reel, group_post, page…)."""
    module = PLATFORMS.get(platform)
    if module is None:
        return key, "post"
    return module.post_identity(key, url)


def plan(ref: PostRef, purpose: Purpose, facebook_oembed_token: str = "") -> list[FetchRequest]:
    if ref.platform == facebook.NAME:
        return facebook.plan(ref, purpose, facebook_oembed_token)
    return platform_of(ref).plan(ref, purpose)


def parse(ref: PostRef, responses: Mapping[str, Response]) -> PostData:
    return platform_of(ref).parse(ref, responses)


def classify(ref: PostRef, responses: Mapping[str, Response]):
    return platform_of(ref).classify(responses)


def followups(ref: PostRef, responses: Mapping[str, Response], data: PostData | None,
              purpose: Purpose) -> list[FetchRequest]:
    return platform_of(ref).followups(ref, responses, data, purpose)


__all__ = [
    "FetchRequest", "Media", "PostData", "PostRef", "Purpose", "Response", "PLATFORMS",
    "recognise", "plan", "parse", "classify", "followups", "parse_url", "WebURL", "post_identity", "default_controls",
]
