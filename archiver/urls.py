"""Turning user input into a checked, normalised URL.

Every platform's `recognise` starts from a `WebURL`, so the checks that keep
hostile input out (control characters, credentials, odd schemes, absurd
lengths) are made once, here.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from .errors import UnsupportedURL

MAX_URL_LENGTH = 4096

# Parameters that identify the click, not the content (Facebook's and the
# usual campaign tags). Dropping them makes two shares of one post one post.
TRACKING_PARAMS = frozenset(
    {"fbclid", "__tn__", "mibextid", "rdid", "share_url", "gclid", "igshid", "ref_src", "ref_url"}
)
TRACKING_PREFIXES = ("utm_", "__cft__", "__xts__")


@dataclass(frozen=True)
class WebURL:
    """An http(s) URL split into parts, host lower-cased and IDNA-encoded."""

    scheme: str
    host: str
    port: int | None
    path: str
    query: tuple[tuple[str, str], ...]

    @property
    def segments(self) -> list[str]:
        """The path's non-empty segments, each percent-decoded (an encoded slash stays inside its segment)."""
        return [unquote(s) for s in self.path.split("/") if s]

    def param(self, name: str) -> str | None:
        for key, value in self.query:
            if key == name:
                return value
        return None

    def without_tracking(self) -> "WebURL":
        kept = tuple(
            (k, v)
            for k, v in self.query
            if k not in TRACKING_PARAMS and not k.startswith(TRACKING_PREFIXES)
        )
        return WebURL(self.scheme, self.host, self.port, self.path, kept)

    def __str__(self) -> str:
        netloc = self.host if ":" not in self.host else f"[{self.host}]"
        if self.port is not None:
            netloc = f"{netloc}:{self.port}"
        return urlunsplit((self.scheme, netloc, self.path or "/", urlencode(self.query), ""))

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
        raise UnsupportedURL(f"refused {shown}: URLs carrying user names or passwords are not archived")
    host = parts.hostname or ""
    if not host:
        raise UnsupportedURL(f"not a URL: {shown} has no host")
    host = _normalise_host(host, shown)
    path = _normalise_path(parts.path)
    query = tuple(parse_qsl(parts.query, keep_blank_values=True))
    return WebURL(scheme, host, port, path or "/", query)


def _normalise_path(path: str) -> str:
    """Dot segments removed (RFC 3986 §5.2.4), each segment percent-encoded the same way.

    Encoded slashes stay encoded: ``a%2Fb`` is one segment, as it is to the server.
    """
    out: list[str] = []
    for segment in path.split("/")[1:] if path.startswith("/") else path.split("/"):
        decoded = unquote(segment)
        if decoded == ".":
            continue
        if decoded == "..":
            if out:
                out.pop()
            continue
        out.append(quote(decoded, safe=":@!$&'()*+,;=-._~"))
    trailing = "/" if path.endswith(("/", "/.", "/..")) and out else ""
    return "/" + "/".join(out) + trailing


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
