"""Turning user input into a checked, normalised URL.

Every platform's `recognise` starts from a `WebURL`, so the checks that keep
hostile input out (control characters, credentials, odd schemes, absurd
lengths) are made once, here.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from archiver.core.content import TRACKING_PARAMS, TRACKING_PREFIXES
from archiver.errors import UnsupportedURL

MAX_URL_LENGTH = 4096


@dataclass(frozen=True)
class WebURL:
    """An http(s) URL, normalised only as RFC 3986 §6.2.2 allows.

    Scheme and host are lower-cased (the host IDNA-encoded), a default port is
    dropped, an empty path becomes ``/``, dot segments are removed, percent
    escapes get upper-case hex and unreserved characters are decoded; nothing
    else changes. A trailing slash, empty segments, the query's order and
    spelling are kept: ``/a/`` and ``/a`` can be different pages, and the URL a
    user cited is the one fetched and recorded.
    """

    scheme: str
    host: str
    port: int | None
    path: str
    query: str = ""

    @property
    def segments(self) -> list[str]:
        """The path's non-empty segments, percent-decoded (an encoded slash stays in one)."""
        return [unquote(s) for s in self.path.split("/") if s]

    @property
    def params(self) -> list[tuple[str, str]]:
        return parse_qsl(self.query, keep_blank_values=True)

    def param(self, name: str) -> str | None:
        for key, value in self.params:
            if key == name:
                return value
        return None

    def without_tracking(self) -> WebURL:
        """The same URL without parameters that identify the click, not the content."""
        kept = [
            (k, v)
            for k, v in self.params
            if k not in TRACKING_PARAMS and not k.startswith(TRACKING_PREFIXES)
        ]
        query = self.query if len(kept) == len(self.params) else urlencode(kept)
        return WebURL(self.scheme, self.host, self.port, self.path, query)

    def __str__(self) -> str:
        netloc = self.host if ":" not in self.host else f"[{self.host}]"
        if self.port is not None:
            netloc = f"{netloc}:{self.port}"
        return f"{self.scheme}://{netloc}{self.path or '/'}" + (
            f"?{self.query}" if self.query else ""
        )

    @property
    def ip(self) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
        """The host as an address when it is an IP literal."""
        try:
            return ipaddress.ip_address(self.host)
        except ValueError:
            return None


def parse_url(text: str) -> WebURL:
    """Check and split user input; raise `UnsupportedURL` naming what is wrong."""
    if not isinstance(text, str):
        raise UnsupportedURL("not a URL: input is not text")
    shown = _shown(text)
    if len(text) > MAX_URL_LENGTH:
        raise UnsupportedURL(f"not a URL: {len(text)} characters is longer than {MAX_URL_LENGTH}")
    stripped = text.strip()
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in stripped):
        raise UnsupportedURL(f"not a URL: {shown} contains control characters")
    if not stripped:
        raise UnsupportedURL("not a URL: empty input")
    if any(ch.isspace() for ch in stripped):
        raise UnsupportedURL(f"not a URL: {shown} contains white space")
    if "://" not in stripped:
        scheme = stripped.split(":", 1)[0].lower() if ":" in stripped else ""
        if scheme and scheme.isalpha() and scheme not in ("http", "https"):
            raise UnsupportedURL(f"unsupported scheme {scheme!r} in {shown}: only http and https")
        raise UnsupportedURL(f"not a URL: {shown} (expected http:// or https://)")
    try:
        parts = urlsplit(stripped)
        port = parts.port
    except ValueError as exc:
        raise UnsupportedURL(f"not a URL: {shown} ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UnsupportedURL(f"unsupported scheme {scheme!r} in {shown}: only http and https")
    if parts.username is not None or parts.password is not None:
        raise UnsupportedURL(
            f"refused {shown}: URLs carrying user names or passwords are not archived"
        )
    host = parts.hostname or ""
    if not host:
        raise UnsupportedURL(f"not a URL: {shown} has no host")
    host = _normalise_host(host, shown)
    if port == DEFAULT_PORTS[scheme]:
        port = None  # RFC 3986 §6.2.3: the scheme's default port is the same URL
    path = remove_dot_segments(normalise_escapes(parts.path, PATH_SAFE)) or "/"
    query = normalise_escapes(parts.query, QUERY_SAFE)
    return WebURL(scheme, host, port, path, query)


DEFAULT_PORTS = {"http": 80, "https": 443}
# RFC 3986 §2.3 unreserved characters: their escapes are decoded (§6.2.2.2).
UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Characters kept as they are in a path (pchar and "/", §3.3) and in a query (§3.4).
# Anything else (spaces, non-ASCII, quotes, "<") is percent-encoded as UTF-8, as a
# browser does before sending a request.
PATH_SAFE = frozenset(UNRESERVED | set("!$&'()*+,;=:@/"))
QUERY_SAFE = frozenset(PATH_SAFE | set("?"))
_HEX = frozenset("0123456789abcdefABCDEF")


def normalise_escapes(text: str, safe: frozenset[str]) -> str:
    """Percent-encoding normalised (RFC 3986 §6.2.2.1-2): upper-case hex, unreserved
    characters decoded, characters that may not appear raw encoded as UTF-8.
    Reserved characters keep their form, encoded or not: ``%2F`` and ``/`` differ."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "%" and i + 2 < n and text[i + 1] in _HEX and text[i + 2] in _HEX:
            decoded = chr(int(text[i + 1 : i + 3], 16))
            out.append(decoded if decoded in UNRESERVED else "%" + text[i + 1 : i + 3].upper())
            i += 3
            continue
        out.append(ch if ch in safe else quote(ch, safe=""))
        i += 1
    return "".join(out)


def remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4, as written: only ``.`` and ``..`` segments go; empty ones stay."""
    if "." not in path:
        return path
    out: list[str] = []
    segments = path.split("/")
    absolute = path.startswith("/")
    if absolute:
        segments = segments[1:]
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                out.append("")
            continue
        if segment == "..":
            if out:
                out.pop()
            if last:
                out.append("")
            continue
        out.append(segment)
    return ("/" if absolute else "") + "/".join(out)


def _normalise_host(host: str, shown: str) -> str:
    host = host.rstrip(".").lower()
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    try:
        encoded = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise UnsupportedURL(f"not a URL: {shown} has an invalid host name") from None
    labels = encoded.split(".")
    if any(not label or len(label) > 63 for label in labels) or len(encoded) > 253:
        raise UnsupportedURL(f"not a URL: {shown} has an invalid host name")
    allowed = set("abcdefghijklmnopqrstuvwxyz0123456789-_")
    if any(set(label) - allowed for label in labels):
        raise UnsupportedURL(f"not a URL: {shown} has an invalid host name")
    return encoded


def _shown(text: str, limit: int = 120) -> str:
    """The input as it can be safely printed on one line."""
    printable = text.encode("unicode_escape").decode("ascii")
    if len(printable) > limit:
        printable = printable[: limit - 1] + "…"
    return repr(printable)[1:-1] if printable else "''"
