"""What a post says, compared across captures: an edit, or the same post served differently?

Two captures of an unchanged post differ in many ways that are not edits: CDNs re-sign
and re-size image URLs (fbcdn's ``p200x200``/``p206x206`` paths, rotating ``oh=``/``oe=``;
twimg's ``:large``), entities are encoded differently, white space moves, links gain
tracking parameters, and one page gives the full text where another gives it cut
short with "…". An edit is a change of the post's own text, so normalised, or of its
media's identity (issue 10).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameters that identify the click, not the content (social networks' click ids and the
# usual campaign tags): dropped from a post's links when texts are compared, and from a post's
# URL by platforms whose post identity ignores them.
TRACKING_PARAMS = frozenset(
    {"fbclid", "__tn__", "mibextid", "rdid", "share_url", "gclid", "igshid", "ref_src", "ref_url"}
)
TRACKING_PREFIXES = ("utm_", "__cft__", "__xts__")
_URL = re.compile(r"https?://[^\s<>\"']+")
_ELLIPSIS = ("…", "...")


def media_identity(url: str) -> str:
    """What stays the same when a CDN re-signs or re-sizes a media URL: its file name.

    fbcdn URLs carry size parts (``p200x200``) in the path and rotating signatures
    (``oh=``, ``oe=``) in the query; twimg adds ``:large``. The file name is the
    media's own id in both.
    """
    path = urlsplit(url).path
    name = path.rsplit("/", 1)[-1].split(":", 1)[0]
    return name or path


def normalise_text(text: str | None) -> str:
    """Entities decoded, Unicode composed, white space collapsed, tracking parameters dropped."""
    if not text:
        return ""
    value = unicodedata.normalize("NFC", html.unescape(text))
    value = _URL.sub(lambda m: _without_tracking(m.group(0)), value)
    return " ".join(value.split())


def _without_tracking(url: str) -> str:
    try:
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return url
    kept = [
        (k, v) for k, v in query if k not in TRACKING_PARAMS and not k.startswith(TRACKING_PREFIXES)
    ]
    if len(kept) == len(query):
        return url
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), parts.fragment))


def media_identities(media: Iterable[tuple[str, str]]) -> list[str]:
    """Identities of a post's media as ``(url, kind)`` pairs; videos are known by their poster,
    since the best video variant a platform lists can change without an edit."""
    return sorted({media_identity(url) for url, kind in media if kind != "video"})


def content_hash(text: str | None, media: Iterable[tuple[str, str]]) -> str:
    basis = {"text": normalise_text(text), "media": media_identities(media)}
    return hashlib.sha256(
        json.dumps(basis, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


def same_text(one: str | None, other: str | None) -> bool:
    """Equal once normalised, or one is the other cut short ("…" where a tag truncated it)."""
    a, b = normalise_text(one), normalise_text(other)
    if a == b:
        return True
    for short, full in ((a, b), (b, a)):
        for mark in _ELLIPSIS:
            if short.endswith(mark):
                stem = short[: -len(mark)].rstrip()
                if len(stem) >= 20 and full.startswith(stem):
                    return True
    return False


def is_edit(
    old_text: str | None,
    old_media: Iterable[tuple[str, str]],
    new_text: str | None,
    new_media: Iterable[tuple[str, str]],
) -> bool:
    """Whether a new capture is an edit of the old one (see the module's docstring)."""
    return not same_text(old_text, new_text) or media_identities(old_media) != media_identities(
        new_media
    )


_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(value: object) -> object:
    """``value`` (decoded JSON) with every lone surrogate in its strings replaced by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if isinstance(value, list):
        return [without_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {without_surrogates(k): without_surrogates(v) for k, v in value.items()}
    return value
