"""One HTTP exchange as archiver keeps it: what was asked, what came back, the wire bytes.

Made by the fetcher (`archiver.net.fetcher`), written by the WARC writer (`archiver.warc`):
a plain record of facts, so that neither layer needs the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import IO


@dataclass
class Exchange:
    """One HTTP request and what came back (or why nothing did)."""

    role: str
    logical_url: str  # the URL archiver meant (before ARCHIVER_URL_REWRITE)
    fetched_url: str  # the URL actually requested; what the WARC records
    started_at: datetime
    request_line: str = ""
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    status: int | None = None
    reason: str = ""
    http_version: str = "HTTP/1.1"
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    raw: IO[bytes] | None = None  # wire bytes, chunked framing removed
    raw_length: int = 0
    truncated: str = ""  # WARC-Truncated reason: "length" or "time"
    decoded: bytes = b""
    decode_error: str = ""
    peer_ip: str | None = None
    error: str = ""
    blocked: bool = False
    backoff: bool = False
    attempt: int = 1
    payload_digest: str = ""  # set once by the WARC writer, reused for revisits
    decoded_grant: int = 0  # bytes of the in-flight decode budget this answer holds
    with_user_cookies: bool = False  # fetched with ARCHIVER_COOKIES_FILE: seen logged in

    def header(self, name: str) -> str:
        name = name.lower()
        for key, value in self.response_headers:
            if key.lower() == name:
                return value
        return ""

    @property
    def has_response(self) -> bool:
        return self.status is not None and self.raw is not None

    def close(self) -> None:
        if self.raw is not None:
            self.raw.close()
