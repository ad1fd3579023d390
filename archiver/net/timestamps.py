"""Asking an RFC 3161 authority for a timestamp: one POST of a ``TimeStampReq`` (RFC 3161,
section 3.4, "Time-Stamp Protocol via HTTP"), through the same guarded transport as every
other request (address policy, ``ARCHIVER_RESOLVE``, ``ARCHIVER_CA_BUNDLE``).
"""

from __future__ import annotations

import httpx

from archiver.config import Settings
from archiver.net.fetcher import Transport, address_policy, guarded_transport

# A reply is a few kilobytes (a signature and a certificate chain); more is not a reply.
MAX_REPLY_BYTES = 1024 * 1024


class StampUnavailable(Exception):
    """The authority could not be asked or did not answer with a reply: try again later."""


async def ask(
    settings: Settings, url: str, query: bytes, transport: Transport | None = None
) -> bytes:
    """The authority's answer to ``query`` (DER), as it came."""
    if not url.startswith(("http://", "https://")):
        raise StampUnavailable(f"{url} is not an http(s) URL")
    transport = transport or guarded_transport(settings, address_policy(settings))
    timeout = httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout)
    headers = {
        "Content-Type": "application/timestamp-query",
        "Accept": "application/timestamp-reply",
        "User-Agent": settings.user_agent,
    }
    body = bytearray()
    try:
        async with (
            httpx.AsyncClient(transport=transport, timeout=timeout) as client,
            client.stream("POST", url, content=query, headers=headers) as response,
        ):
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_REPLY_BYTES:
                    raise StampUnavailable(f"{url} answered more than {MAX_REPLY_BYTES} bytes")
    except httpx.HTTPError as exc:
        raise StampUnavailable(f"{url}: {type(exc).__name__}: {exc}"[:300]) from None
    if response.status_code != 200:
        raise StampUnavailable(f"{url} answered HTTP {response.status_code}")
    return bytes(body)
