"""What a platform is (`Platform`) and the data it works on. Platforms are pure: no I/O here.

A platform turns a `WebURL` into a `PostRef` (`recognise`), a `PostRef` into
the requests to make (`plan`), the responses into a `PostData` (`parse`),
and the responses into an outcome (`classify`). The fetcher does the I/O.

Adding a platform is one module that provides a `Platform` and one line in the
registry (`archiver.platforms`); nothing else in archiver names a platform.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote

from archiver.core.content import content_hash, without_surrogates
from archiver.core.status import Classification
from archiver.core.urls import WebURL, parse_url
from archiver.errors import ArchiverError

if TYPE_CHECKING:
    from archiver.core.pages import PageMeta


class Purpose(str, Enum):
    """Why a post is being fetched: a capture takes everything, a check only what tells state."""

    CAPTURE = "capture"
    CHECK = "check"


@dataclass(frozen=True)
class PostRef:
    """A recognised post: its identity (platform + key) and where to find it."""

    platform: str
    key: str
    url: str
    handle: str | None = None
    # Share links (fb.watch, /share/p/…) name no post until their redirect is followed, and a
    # handle names no account until it is resolved (an atproto handle): the post is known only once
    # ``resolve_url`` (default: ``url``) is fetched and the platform reads its answer (`resolve`).
    unresolved: bool = False
    resolve_url: str = ""

    @property
    def ref(self) -> str:
        return f"{self.platform}:{self.key}"


@dataclass(frozen=True)
class FetchRequest:
    """One request in a plan. ``role`` names it in evidence and in the database."""

    role: str
    url: str
    accept: str = "*/*"
    is_media: bool = False
    # Extra request headers that must never reach a WARC request record (tokens).
    secret_headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Response:
    """A finished exchange as a platform sees it: decoded body, no I/O handles."""

    role: str
    url: str
    status: int | None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    final_url: str = ""
    error: str = ""
    truncated: bool = False
    # The fetcher gave up on the host after rate limiting: no request was sent.
    backoff: bool = False

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def problem(self) -> str:
        """What went wrong with this exchange, in words ("" when nothing did): a redirect loop, too
        many redirects, a redirect to another scheme, a status HTTP does not define… (issue 12)."""
        if self.error:
            return self.error
        if self.status is not None and not 100 <= self.status <= 599:
            return f"HTTP {self.status}, a status HTTP does not define"
        if self.status is not None and 300 <= self.status < 400:
            return f"HTTP {self.status}, a redirect with nowhere to go"
        return ""

    def json(self) -> object | None:
        """The body as JSON, or None when it is not; lone surrogate escapes (``"\\udfff"``)
        become U+FFFD, since no text holding one can be stored or written anywhere."""
        try:
            value = json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return None
        return without_surrogates(value) if b"\\u" in self.body else value


def parse_time(value: object) -> datetime | None:
    """An ISO 8601 time as aware UTC; None for anything else, offsets out of range included."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        stamp = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def safe_url(value: object) -> str | None:
    """A URL found in a platform's answer, if it is a well-formed http(s) URL, normalised.

    It will be fetched, written as a WARC-Target-URI and linked from reports, so anything
    else — another scheme, control characters, white space, a user name — is dropped
    (issue 12): what came from the network is data, never a header or a path.
    """
    if not isinstance(value, str) or not value:
        return None
    try:
        return str(parse_url(value))
    except ArchiverError:
        return None


@dataclass(frozen=True)
class Media:
    url: str
    kind: str  # photo | video | poster | image
    # What stays the same when the platform's CDN hands out another URL for the same file,
    # when the URL's file name does not (some CDNs rotate signed tokens in the path): compared
    # instead of the URL to tell an edit from the same post served anew.
    key: str = ""


@dataclass(frozen=True)
class ContextLink:
    """Another post this one stands in relation to, captured as a post of its own (issue 16).

    ``relation`` is one of `RELATIONS`: the post it quotes, the one it replies to, or the newer
    version an edit made of it (X's ``edit_control``)."""

    relation: str
    url: str


RELATIONS = ("quotes", "replies_to", "newer_version")


@dataclass(frozen=True)
class Link:
    """A link inside a post, as the post holds it (X's ``t.co``), and what the platform says
    it expands to. Short links are followed at capture, each hop written to the WARC."""

    url: str
    expanded: str | None = None


# A role for a link a post holds, followed at capture (``link:1``, ``link:2`` …).
LINK_ROLE = "link"


@dataclass
class PostData:
    """What we know a post said. Every field may be unknown."""

    author: str | None = None
    author_name: str | None = None
    text: str | None = None
    created_at: datetime | None = None
    lang: str | None = None
    media: list[Media] = field(default_factory=list)
    quoted_id: str | None = None
    reply_to_id: str | None = None
    canonical_url: str | None = None
    sources: list[str] = field(default_factory=list)
    context: list[ContextLink] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)

    def content_hash(self) -> str:
        """A hash of what the post says (`archiver.core.content`): an edit from an unchanged post.

        WARC payload digests cannot do this: the same content re-compressed or
        re-rendered gets another digest; nor can media URLs, which CDNs re-sign.
        """
        return content_hash(self.text, self.media_pairs())

    def media_pairs(self) -> list[tuple[str, str]]:
        return [(m.key or m.url, m.kind) for m in self.media]

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat() if self.created_at else None
        return data

    def has_content(self) -> bool:
        return bool(self.text or self.media or self.author)


# Views (issue 14) live under a host that can never be a real one: ".invalid" is reserved
# (RFC 6761, section 6.4), so a view can never be taken for, or collide with, a capture.
VIEW_HOST = "view.archiver.invalid"


def view_url(ref: PostRef) -> str:
    """Where the readable view of a post is archived (a WARC ``resource`` record)."""
    return f"https://{VIEW_HOST}/{ref.platform}/{quote(ref.key, safe=':')}"


@dataclass(frozen=True)
class Source:
    """An archived record a view was made from."""

    role: str
    uri: str
    record_id: str
    payload_digest: str | None
    date: datetime


@dataclass(frozen=True)
class Seen:
    """What a platform renders a post's view from: one look at it, its answers as archived."""

    ref: PostRef
    data: PostData
    responses: Mapping[str, Response]
    sources: tuple[Source, ...]
    observed_at: datetime
    # A URL as the archive holds it (the same URL, unless ARCHIVER_URL_REWRITE changed it),
    # so that a view's media resolve to the archived records on replay.
    archived: Callable[[str], str] = str


@dataclass(frozen=True)
class PlatformSetting:
    """A setting only one platform reads: its ``ARCHIVER_*`` variable, default and meaning."""

    env: str
    default: str
    help: str


class Platform(Protocol):
    """What archiver needs of a platform. Every method is pure: text and bytes in, data out."""

    # Read-only properties, so that a class attribute or a frozen dataclass field serves.
    @property
    def name(self) -> str: ...

    @property
    def main_roles(self) -> tuple[str, ...]:
        """Roles of the responses that stand for the post, best first (its archived
        versions, the report's evidence, the WACZ page)."""

    @property
    def controls(self) -> tuple[str, ...]:
        """Posts known to be alive, checked before a run trusts a "gone" (issue 11)."""

    @property
    def settings(self) -> tuple[PlatformSetting, ...]:
        """Options of this platform (read from ``ARCHIVER_*`` by its ``env`` name)."""

    @property
    def limits(self) -> tuple[str, ...]:
        """What archiver can and cannot tell on this platform, in plain words (exhibits)."""

    def recognise(self, url: WebURL) -> PostRef | None:
        """The post ``url`` names on this platform, None when it is another platform's, or
        `UnsupportedURL` when it is this platform's but names no post."""

    def plan(
        self, ref: PostRef, purpose: Purpose, options: Mapping[str, str]
    ) -> list[FetchRequest]:
        """The requests to make; ``options`` holds the values of this platform's `settings`."""

    def followups(
        self,
        ref: PostRef,
        responses: Mapping[str, Response],
        data: PostData | None,
        purpose: Purpose,
    ) -> list[FetchRequest]:
        """More requests, once the first answers are in (media; an account probe)."""

    def parse(self, ref: PostRef, responses: Mapping[str, Response]) -> PostData:
        """What the answers say the post said; every field may stay empty."""

    def classify(self, ref: PostRef, responses: Mapping[str, Response]) -> Classification:
        """The outcome of the look, with its evidence. Total: an unknown shape is an error."""

    def identity(self, key: str, url: str) -> tuple[str, str]:
        """The platform's own id of a post, and its kind (post, photo, video, reel, page…)."""

    def embedded(self, page: PageMeta) -> list[str]:
        """Posts of this platform a page embeds in the platform's own markup."""

    def unwrap(self, url: str) -> str | None:
        """The post an embed frame of this platform shows (its plugin URL), or None."""

    def view(self, seen: Seen) -> str | None:
        """A readable HTML page of the post, made from its archived answers; None when the
        archived page reads well as it is (a web page)."""

    @property
    def resolve(self) -> Callable[[PostRef, Response], PostRef | str] | None:
        """How the answer to an unresolved ref's ``resolve_url`` names its post (a `PostRef`,
        or a sentence saying why it names none); None: the post is where its redirects end."""


def _embeds_nothing(page: PageMeta) -> list[str]:
    return []


def _unwraps_nothing(url: str) -> str | None:
    return None


def _no_view(seen: Seen) -> str | None:
    return None


@dataclass(frozen=True)
class PlatformModule:
    """A `Platform` made of a platform's module functions, so that a platform module states
    once what it provides instead of wrapping each function in a method."""

    name: str
    main_roles: tuple[str, ...]
    controls: tuple[str, ...]
    recognise: Callable[[WebURL], PostRef | None]
    plan: Callable[[PostRef, Purpose, Mapping[str, str]], list[FetchRequest]]
    followups: Callable[
        [PostRef, Mapping[str, Response], PostData | None, Purpose], list[FetchRequest]
    ]
    parse: Callable[[PostRef, Mapping[str, Response]], PostData]
    classify: Callable[[PostRef, Mapping[str, Response]], Classification]
    identity: Callable[[str, str], tuple[str, str]]
    embedded: Callable[[PageMeta], list[str]] = _embeds_nothing
    unwrap: Callable[[str], str | None] = _unwraps_nothing
    view: Callable[[Seen], str | None] = _no_view
    resolve: Callable[[PostRef, Response], PostRef | str] | None = None
    aliases: tuple[str, ...] = ()
    settings: tuple[PlatformSetting, ...] = ()
    limits: tuple[str, ...] = ()
