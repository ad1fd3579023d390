"""Any other web page: captured whole and tracked by its HTTP outcome."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urljoin

from archiver.core.pages import decode_html, read_page
from archiver.core.status import Classification, Outcome, Signal
from archiver.core.urls import WebURL
from archiver.errors import UnsupportedURL
from archiver.platforms.base import (
    FetchRequest,
    Media,
    PlatformModule,
    PostData,
    PostRef,
    Purpose,
    Response,
    parse_time,
    safe_url,
)

NAME = "web"


# Pages known to be there (issue 11): IANA's reserved example domains (RFC 2606), answered
# the same way for decades. When they fail, the network is what changed, not the pages.
CONTROLS: tuple[str, ...] = (
    "https://example.com/",
    "https://example.org/",
)


def recognise(url: WebURL) -> PostRef:
    # A page is fetched and recorded exactly as cited, normalised only as RFC 3986
    # allows (`parse_url`): its query may matter to the server, so nothing is dropped.
    exact = str(url)
    if len(exact) > MAX_KEY:
        raise UnsupportedURL(
            f"not archived: the page address is {len(exact)} characters long, more than {MAX_KEY}"
        )
    return PostRef(NAME, exact, exact)


MAX_KEY = 2048  # the widest post key the database keeps (a page is known by its URL)


def post_identity(key: str, url: str) -> tuple[str, str]:
    return key, "page"


def plan(ref: PostRef, purpose: Purpose) -> list[FetchRequest]:
    return [FetchRequest("page", ref.url, accept="text/html,*/*;q=0.8")]


def followups(
    ref: PostRef, responses: Mapping[str, Response], data: PostData | None, purpose: Purpose
) -> list[FetchRequest]:
    if purpose is not Purpose.CAPTURE or data is None:
        return []
    return [FetchRequest(f"media:{m.kind}", m.url, is_media=True) for m in data.media]


def parse(ref: PostRef, responses: Mapping[str, Response]) -> PostData:
    data = PostData(canonical_url=ref.url)
    page = responses.get("page")
    if page is None or page.status != 200 or "html" not in (page.content_type or "text/html"):
        return data
    meta = read_page(decode_html(page.body, page.content_type))
    data.sources.append("page")
    data.author_name = meta.get("author", "article:author", "og:site_name") or None
    data.text = meta.get("og:title") or meta.title or None
    description = meta.get("og:description", "description")
    if description:
        data.text = f"{data.text}\n\n{description}" if data.text else description
    data.lang = meta.get("og:locale").split("_")[0] if meta.get("og:locale") else None
    data.created_at = parse_time(meta.get("article:published_time"))
    image = (
        safe_url(urljoin(page.final_url or page.url, meta.get("og:image")))
        if meta.get("og:image")
        else None
    )
    if image:
        data.media.append(Media(image, "image"))
    return data


def classify(responses: Mapping[str, Response]) -> Classification:
    page = responses.get("page")
    if page is None or page.status is None:
        why = (page.error if page is not None else "") or "not fetched"
        if page is not None and page.backoff:
            return Classification(Outcome.RATE_LIMITED, (Signal("page", None, why),), why)
        return Classification(
            Outcome.ERROR, (Signal("page", None, why),), f"the page could not be fetched: {why}"
        )
    status = page.status
    sig = (Signal("page", status, f"HTTP {status}"),)
    if 200 <= status < 300:
        return Classification(Outcome.ALIVE, sig, "the page answered")
    if status in (404, 410):
        return Classification(
            Outcome.DELETED, sig, f"the server says the page is gone (HTTP {status})"
        )
    if status == 451:
        return Classification(Outcome.RESTRICTED, sig, "unavailable for legal reasons (HTTP 451)")
    if status == 429:
        return Classification(Outcome.RATE_LIMITED, sig)
    if status in (401, 403, 407):
        return Classification(
            Outcome.LOGIN_WALL, sig, "access refused; nothing learned about the page"
        )
    why = page.problem or f"HTTP {status}"
    return Classification(Outcome.ERROR, sig, f"the page could not be read: {why}")


# The registry's fallback: any page no other platform claims.
PLATFORM = PlatformModule(
    name=NAME,
    main_roles=("page",),
    controls=CONTROLS,
    limits=(
        "A web page is judged by its HTTP status alone: 404 and 410 mean gone; a page that "
        "answers is there, whatever it now says.",
    ),
    recognise=recognise,
    plan=lambda ref, purpose, options: plan(ref, purpose),
    followups=followups,
    parse=parse,
    classify=lambda ref, responses: classify(responses),
    identity=post_identity,
)
