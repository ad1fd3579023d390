"""The platforms archiver knows: one registry, and `recognise`, which picks one for a URL.

Each platform is a module (or a package of them) providing a `Platform` (see
`archiver.platforms.base`), listed here once; every other part of archiver asks the
registry, never a platform by name. Hosts are matched exactly by each platform
(``"x.com" in host`` would also match ``dropbox.com``). Any URL no platform claims is a
web page (`web`, the fallback).

May import: ``archiver.core`` and ``archiver.errors`` only. Platforms are pure — URL in,
plan out; bytes in, data out; responses in, a classification out — with no HTTP, no SQL,
no files and no settings (a platform's own options reach it as arguments).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from archiver.core.status import Classification
from archiver.core.urls import WebURL, parse_url
from archiver.errors import UnsupportedURL
from archiver.platforms import bluesky, facebook, telegram, twitter, web
from archiver.platforms.base import (
    FetchRequest,
    Media,
    Platform,
    PlatformSetting,
    PostData,
    PostRef,
    Purpose,
    Response,
    Seen,
)

_PLATFORMS: list[Platform] = [
    twitter.PLATFORM,
    facebook.PLATFORM,
    telegram.PLATFORM,
    bluesky.PLATFORM,
]
FALLBACK: Platform = web.PLATFORM


def register(platform: Platform) -> None:
    """Add a platform (before the fallback); a platform of the same name is replaced."""
    unregister(platform.name)
    _PLATFORMS.append(platform)


def unregister(name: str) -> None:
    _PLATFORMS[:] = [p for p in _PLATFORMS if p.name != name]


def all_platforms() -> list[Platform]:
    return [*_PLATFORMS, FALLBACK]


def get(name: str) -> Platform:
    for platform in all_platforms():
        if platform.name == name:
            return platform
    raise UnsupportedURL(f"unknown platform {name!r}")


def recognise(text: str) -> PostRef:
    """The post a URL names, or `UnsupportedURL` saying why it names none. A post named by
    another scheme than http(s) (Bluesky's ``at://``) is named by its platform's web URL."""
    if isinstance(text, str) and not text.strip().lower().startswith(("http://", "https://")):
        text = unwrap_embed(text.strip())
    url = parse_url(text)
    for platform in _PLATFORMS:
        ref = platform.recognise(url)
        if ref is not None:
            return ref
    ref = FALLBACK.recognise(url)
    assert ref is not None
    return ref


def is_page(ref: PostRef) -> bool:
    """Whether ``ref`` is a plain web page (the fallback), not a post of a platform."""
    return ref.platform == FALLBACK.name


def default_controls() -> tuple[str, ...]:
    """Every platform's own control posts, expected alive (issue 11)."""
    return tuple(url for platform in all_platforms() for url in platform.controls)


def settings() -> list[PlatformSetting]:
    """The settings platforms read on their own (their ``ARCHIVER_*`` variables)."""
    return [setting for platform in all_platforms() for setting in platform.settings]


def identity(platform: str, key: str, url: str) -> tuple[str, str]:
    """The platform's own id of a post and its kind (post, photo, video, reel, group_post…)."""
    try:
        return get(platform).identity(key, url)
    except UnsupportedURL:
        return key, "post"


def named(text: str) -> str | None:
    """The platform a user means by ``text``: its name or an alias (``x``, ``fb``…), in any
    case; None when none is meant."""
    wanted = text.strip().lower()
    for platform in all_platforms():
        if wanted == platform.name or wanted in getattr(platform, "aliases", ()):
            return platform.name
    return None


def names_and_aliases() -> str:
    """Every platform's name, with its aliases, for messages: ``twitter (x), facebook (fb)…``."""
    return ", ".join(
        platform.name
        + (
            f" ({', '.join(getattr(platform, 'aliases', ()))})"
            if getattr(platform, "aliases", ())
            else ""
        )
        for platform in all_platforms()
    )


def limits(platform: str) -> tuple[str, ...]:
    """What archiver can and cannot tell on a platform, in plain words."""
    try:
        return tuple(getattr(get(platform), "limits", ()))  # optional for platforms made elsewhere
    except UnsupportedURL:
        return ()


def main_roles(platform: str) -> tuple[str, ...]:
    try:
        return get(platform).main_roles
    except UnsupportedURL:
        return ("page",)


def plan(ref: PostRef, purpose: Purpose, options: Mapping[str, str]) -> list[FetchRequest]:
    return get(ref.platform).plan(ref, purpose, options)


def parse(ref: PostRef, responses: Mapping[str, Response]) -> PostData:
    return get(ref.platform).parse(ref, responses)


def classify(ref: PostRef, responses: Mapping[str, Response]) -> Classification:
    return get(ref.platform).classify(ref, responses)


def followups(
    ref: PostRef, responses: Mapping[str, Response], data: PostData | None, purpose: Purpose
) -> list[FetchRequest]:
    return get(ref.platform).followups(ref, responses, data, purpose)


def resolve(ref: PostRef, answer: Response) -> PostRef | str:
    """The post an unresolved ``ref`` names, from the answer to its ``resolve_url``: the
    platform reads it, or else the post is wherever the redirects ended; a sentence saying
    why when it names no post of the same platform."""
    platform = get(ref.platform)
    reader = getattr(platform, "resolve", None)  # optional for platforms made elsewhere
    if reader is not None:
        return reader(ref, answer)
    where = answer.final_url or answer.url
    if where == ref.url:
        return (
            f"the share link {ref.url} did not lead to a post: it answered HTTP {answer.status} "
            "without redirecting"
        )
    try:
        found = recognise(where)
    except UnsupportedURL:
        found = None
    if found is None or found.platform != ref.platform or found.unresolved:
        return (
            f"the share link {ref.url} redirected to {where} (HTTP {answer.status}), which is "
            f"not a {ref.platform} post"
        )
    return found


def view(seen: Seen) -> str | None:
    """The post's readable view (HTML), rendered by its platform; None if it has none."""
    return get(seen.ref.platform).view(seen)


def embedded_posts(page: object) -> Iterable[str]:
    """Every platform's embedded posts in a page (`archiver.core.pages.PageMeta`)."""
    for platform in _PLATFORMS:
        yield from platform.embedded(page)  # type: ignore[arg-type]


def unwrap_embed(url: str) -> str:
    """The post an embed frame shows, for whichever platform's frame it is; else ``url``."""
    for platform in _PLATFORMS:
        found = platform.unwrap(url)
        if found:
            return found
    return url


__all__ = [
    "FALLBACK",
    "FetchRequest",
    "Media",
    "Platform",
    "PlatformSetting",
    "PostData",
    "PostRef",
    "Purpose",
    "Response",
    "WebURL",
    "all_platforms",
    "classify",
    "default_controls",
    "embedded_posts",
    "followups",
    "get",
    "identity",
    "is_page",
    "limits",
    "named",
    "names_and_aliases",
    "main_roles",
    "parse",
    "parse_url",
    "plan",
    "recognise",
    "register",
    "resolve",
    "settings",
    "unregister",
    "unwrap_embed",
]
