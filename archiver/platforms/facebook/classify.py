"""One look at a Facebook post: the page read once (`examine`) for both `parse` and
`classify`.

Logged out, Facebook never proves a deletion, and this module says so instead of guessing
(see the package's docstring for the rules).
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from archiver.core.pages import MAX_PARSE_CHARS, decode_html
from archiver.core.status import Classification, Outcome, Signal
from archiver.core.urls import parse_url
from archiver.errors import UnsupportedURL
from archiver.platforms.base import (
    PostData,
    PostRef,
    Response,
)
from archiver.platforms.facebook.endpoints import NAME, recognise
from archiver.platforms.facebook.page import Reading, read_post_page
from archiver.platforms.facebook.phrases import (
    BLOCKED_NORMALISED,
    GONE_NORMALISED,
    normalise_phrase,
    phrase_hits,
)


def parse(ref: PostRef, responses: Mapping[str, Response]) -> PostData:
    """What the post page says about the post; empty when the page does not show it."""
    page = responses.get("page")
    if page is None or page.status != 200:
        return PostData(canonical_url=ref.url)
    seen = examine(ref.key, page)
    if not seen.shows_post or seen.login_page:
        return PostData(canonical_url=ref.url)
    return copy.deepcopy(seen.data)


@dataclass(frozen=True)
class Examination:
    """Everything `parse` and `classify` need from one post page, read once."""

    data: PostData
    shows_post: bool
    login_page: bool
    login_form: bool
    blocked: bool
    gone: tuple[str, ...]
    title_gone: bool


def examine(key: str, page: Response) -> Examination:
    """Read a post page once for both `parse` and `classify` (a 1 MB page costs tens of ms)."""
    return _examine(key, page.url, page.body, page.content_type, page.final_url)


@functools.lru_cache(maxsize=4)
def _examine(key: str, url: str, body: bytes, content_type: str, final_url: str) -> Examination:
    # The payload is read no further than the markup.
    html = decode_html(body, content_type)[:MAX_PARSE_CHARS]
    reading = read_post_page(PostRef(NAME, key, url), html)
    meta = reading.page
    assert meta is not None
    payload = reading.payload
    gone = tuple(phrase_hits(meta, payload, GONE_NORMALISED))
    title = normalise_phrase(reading.title)
    return Examination(
        data=reading.data,
        shows_post=reading.shows_post,
        login_page=_is_login_page(final_url, reading),
        login_form=_has_login_form(reading),
        blocked=bool(phrase_hits(meta, payload, BLOCKED_NORMALISED)),
        gone=gone,
        title_gone=any(title.startswith(p) for p in gone),
    )


_LOGIN_TITLES = re.compile(
    r"^(log ?in(to| to)? facebook|facebook\s*[-–|]\s*log ?in|log ?in or sign "
    r"up|facebook\s*[-–|]\s*log in or sign up)",
    re.I,
)


def _is_login_page(final_url: str, reading: Reading) -> bool:
    """Facebook's login page, reached by a redirect or served in the post's place."""
    path = urlsplit(final_url or "").path
    if path.startswith(("/login", "/checkpoint")) or path.endswith("/login.php"):
        return True
    meta = reading.page
    canonical = urlsplit(meta.canonical).path if meta is not None else ""
    return bool(_LOGIN_TITLES.search(reading.title)) or canonical.startswith("/login")


def _has_login_form(reading: Reading) -> bool:
    document = reading.page.document if reading.page is not None else None
    return (
        document is not None
        and document.css_first('form#login_form, input[name="pass"], form[action*="/login"]')
        is not None
    )


def classify(responses: Mapping[str, Response]) -> Classification:
    """One look at a post. Logged out, Facebook never proves a deletion: its "content isn't
    available" page is the same for a deleted post and a narrowed audience (`UNAVAILABLE`)."""
    oembed = responses.get("oembed")
    if oembed is not None and oembed.status == 200:
        body = oembed.json()
        if isinstance(body, dict) and body.get("html"):
            # Facebook's oEmbed (configured with an app token) still embeds the post:
            # it is there, whatever the logged-out page shows.
            return Classification(
                Outcome.ALIVE, (Signal("oembed", 200, "post"),), "oEmbed returned the post"
            )
    page = responses.get("page")
    if page is None:
        return Classification(Outcome.ERROR, (), "the post page was not fetched")
    if page.status is None:
        why = page.error or "no response"
        signal = (Signal("page", None, why),)
        if page.backoff:
            return Classification(Outcome.RATE_LIMITED, signal, why)
        return Classification(Outcome.ERROR, signal, f"the post page could not be fetched: {why}")
    status = page.status
    if not 100 <= status <= 599:
        return Classification(
            Outcome.ERROR,
            (Signal("page", status, page.problem),),
            f"the post page could not be read: {page.problem}",
        )
    if status == 429:
        return Classification(Outcome.RATE_LIMITED, (Signal("page", status, "rate_limited"),))
    if status >= 500:
        return Classification(Outcome.ERROR, (Signal("page", status, "server error"),))
    if status in (401, 403):
        return _login_wall(status)
    if status not in (200, 404, 410):
        why = page.problem or f"HTTP {status}"
        return Classification(
            Outcome.ERROR, (Signal("page", status, why),), f"the post page could not be read: {why}"
        )
    seen = examine(_key_hint(page), page)
    if seen.login_page:
        return _login_wall(status)
    if seen.blocked:
        return Classification(
            Outcome.RATE_LIMITED,
            (Signal("page", status, "temporarily blocked"),),
            "Facebook says we are temporarily blocked; nothing learned about the post",
        )
    if status == 200 and seen.shows_post:
        if seen.title_gone:
            return Classification(
                Outcome.ERROR,
                (Signal("page", status, "contradictory page"),),
                "the page shows the post but is titled as unavailable: ambiguous",
                anomaly="a page both showing the post and titled as unavailable",
            )
        # A live post may share one that is gone ("This content isn't available" in its
        # attachment): the post itself is on the page, so it is alive.
        return Classification(
            Outcome.ALIVE, (Signal("page", status, "post"),), "the post page shows the post"
        )
    if seen.gone:
        return Classification(
            Outcome.UNAVAILABLE,
            (Signal("page", status, f"says: {seen.gone[0]}"),),
            "Facebook no longer shows the post; logged out, a deletion and a narrowed audience "
            "look the same",
        )
    if status in (404, 410):
        return Classification(
            Outcome.UNAVAILABLE,
            (Signal("page", status, f"HTTP {status}"),),
            f"Facebook answered HTTP {status}; logged out, a deletion and a narrowed audience look "
            "the same",
        )
    if seen.login_form:
        return _login_wall(status)
    return Classification(
        Outcome.ERROR,
        (Signal("page", status, "unrecognised page"),),
        "the page holds no post and no known error: ambiguous",
        anomaly="a page of no known shape",
    )


def _login_wall(status: int) -> Classification:
    return Classification(
        Outcome.LOGIN_WALL,
        (Signal("page", status, "login_wall"),),
        "Facebook asked to log in; nothing learned about the post",
    )


def _key_hint(page: Response) -> str:
    """The post key of the URL the page was asked for (classify gets responses, not the post)."""
    try:
        ref = recognise(parse_url(page.url))
    except (UnsupportedURL, ValueError):
        ref = None
    return ref.key if ref is not None else ""
