"""The values of WARC header fields archiver writes: record ids, dates, digests, and URIs made
safe for a header line.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from datetime import UTC, datetime
from typing import IO

from warcio.timeutils import datetime_to_iso_date

from archiver.core.exchange import Exchange

CHUNK = 256 * 1024


def header_safe_uri(uri: str) -> str:
    """A URI fit for a WARC header line: control characters, spaces and DEL percent-encoded.

    Every URI archiver writes has been checked before (`urls.parse_url`, `platforms.base.safe_url`);
    this is the last guard, so that nothing from the network can ever end a header line and
    start another (issue 12; WARC 1.1 §4: a header field value is a single line).
    """
    if all(" " < ch != "\x7f" for ch in uri):
        return uri
    return "".join(f"%{ord(ch):02X}" if ch <= " " or ch == "\x7f" else ch for ch in uri)


def warc_date(when: datetime) -> str:
    """A WARC-Date in UTC, to the microsecond: WARC/1.1 (section 5.4) allows the fraction,
    and two looks at a post within one second stay apart in indexes and replay."""
    return datetime_to_iso_date(when.astimezone(UTC).replace(tzinfo=None), use_micros=True)


def make_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def payload_digest(exchange: Exchange) -> str:
    """The WARC-Payload-Digest of an exchange's wire bytes, computed once."""
    if not exchange.payload_digest and exchange.raw is not None:
        exchange.payload_digest = sha1_digest(exchange.raw)
    return exchange.payload_digest


def sha1_digest(stream: IO[bytes]) -> str:
    """``sha1:BASE32`` of a stream's bytes, the form WARC-Payload-Digest uses."""
    digest = hashlib.sha1()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(CHUNK), b""):
        digest.update(chunk)
    stream.seek(0)
    return "sha1:" + base64.b32encode(digest.digest()).decode("ascii")
