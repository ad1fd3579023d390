"""What a Facebook page's structured data says about a post: its ld+json objects, and the
epoch times in its attributes (``data-utime``, ``data-store``) and JSON payload.

Only what names this post counts: a page carries other posts' objects and times too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from selectolax.lexbor import LexborNode

from archiver.core.pages import PageMeta
from archiver.platforms.base import parse_time

# --- ld+json --------------------------------------------------------------

_LD_POST_TYPES = frozenset(
    {
        "SocialMediaPosting",
        "VideoObject",
        "ImageObject",
        "Article",
        "NewsArticle",
        "BlogPosting",
        "DiscussionForumPosting",
        "Photograph",
    }
)


def has_id(text: str, ids: Iterable[str]) -> bool:
    """One of ``ids`` appears in ``text`` as a whole token (not inside a longer id)."""
    return any(re.search(rf"(?<![0-9A-Za-z]){re.escape(i)}(?![0-9A-Za-z])", text) for i in ids if i)


def own_ld(page: PageMeta, own: set[str]) -> dict[str, Any] | None:
    """The ld+json object describing this post: one naming it, else the page's only post object."""
    candidates = [item for item in _ld_items(page.ld_json) if _ld_type(item) & _LD_POST_TYPES]
    named = [item for item in candidates if ld_names(item, own)]
    if named:
        return named[0]
    return candidates[0] if len(candidates) == 1 else None


def _ld_items(values: list[Any]) -> Iterator[dict[str, Any]]:
    for value in values:
        if isinstance(value, list):
            yield from (v for v in value if isinstance(v, dict))
        elif isinstance(value, dict):
            graph = value.get("@graph")
            if isinstance(graph, list):
                yield from (v for v in graph if isinstance(v, dict))
            yield value


def _ld_type(item: dict[str, Any]) -> set[str]:
    kind = item.get("@type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return {k for k in kind if isinstance(k, str)}
    return set()


def ld_names(item: dict[str, Any], own: set[str]) -> bool:
    for key in ("url", "@id", "mainEntityOfPage", "identifier", "sharedContent"):
        value = item.get(key)
        if isinstance(value, dict):
            value = value.get("@id") or value.get("url")
        if isinstance(value, str) and has_id(unquote(value), own):
            return True
    return False


def ld_author(ld: dict[str, Any] | None) -> str | None:
    if ld is None:
        return None
    author = ld.get("author")
    if isinstance(author, list) and author:
        author = author[0]
    if isinstance(author, dict):
        author = author.get("name")
    return author.strip()[:512] if isinstance(author, str) and author.strip() else None


def ld_time(ld: dict[str, Any] | None) -> datetime | None:
    if ld is None:
        return None
    for key in ("dateCreated", "uploadDate", "datePublished"):
        stamp = parse_time(ld.get(key))
        if stamp is not None:
            return stamp
    return None


def ld_text(ld: dict[str, Any] | None) -> str | None:
    if ld is None:
        return None
    for key in ("articleBody", "text", "description", "caption"):
        value = ld.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def from_epoch(value: str | int) -> datetime | None:
    try:
        stamp = int(value)
        if not 1_000_000_000 <= stamp <= 4_000_000_000:  # 2001 to 2096: a time, not an id
            return None
        return datetime.fromtimestamp(stamp, tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


# --- the post's own time --------------------------------------------------


def utime(anchor: LexborNode | None, container: LexborNode | None) -> datetime | None:
    """``data-utime`` (www) or the ``time`` in an ``abbr``'s ``data-store`` (m.) of the post's
    own timestamp: inside the link to its permalink, else inside its container."""
    scopes = [anchor] if anchor is not None else []
    if container is not None:
        scopes.append(container)
    for scope in scopes:
        for abbr in scope.css("abbr"):
            stamp = _abbr_time(abbr)
            if stamp is not None:
                return stamp
    return None


def _abbr_time(abbr: LexborNode) -> datetime | None:
    attrs = abbr.attributes
    if attrs.get("data-utime"):
        return from_epoch(attrs["data-utime"] or "")
    store = attrs.get("data-store")
    if store:
        try:
            value = json.loads(store)
        except (ValueError, RecursionError):
            return None
        if isinstance(value, dict) and isinstance(value.get("time"), int):
            return from_epoch(value["time"])
    return None


_TIME_THEN_ID = re.compile(
    r'"(?:publish_time|creation_time)"\s*:\s*(\d{9,11})[^{}]{0,600}?'
    r'"(?:story_fbid|top_level_post_id|post_id|id)"\s*:\s*\[?\s*"?(\d{5,25})'
)
_ID_THEN_TIME = re.compile(
    r'"(?:story_fbid|top_level_post_id|post_id|id)"\s*:\s*\[?\s*"?(\d{5,25})"?\]?[^{}]{0,600}?'
    r'"(?:publish_time|creation_time)"\s*:\s*(\d{9,11})'
)


def payload_time(payload: str, own: set[str]) -> datetime | None:
    """``publish_time``/``creation_time`` in the same JSON object as the post's own id."""
    if "_time" not in payload:
        return None
    for match in _TIME_THEN_ID.finditer(payload):
        if match.group(2) in own:
            return from_epoch(match.group(1))
    for match in _ID_THEN_TIME.finditer(payload):
        if match.group(1) in own:
            return from_epoch(match.group(2))
    return None
