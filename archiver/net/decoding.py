"""A decoded copy of each answer, for parsing, bounded against decompression bombs.

The WARC keeps the bytes as they came over the wire; platforms parse a decoded copy. One
answer decodes to at most ``ARCHIVER_MAX_DECODED_BYTES``, and all the answers being looked
at together to at most ``ARCHIVER_MAX_DECODED_IN_FLIGHT`` (issue 12: eight concurrent bombs
once took 1 GB).
"""

from __future__ import annotations

import zlib

from archiver.config import Settings
from archiver.core.exchange import Exchange

DECODE_CHUNK = 64 * 1024
DECODE_STEP = 1024 * 1024


class DecodeBudget:
    """Bytes of decoded answers held at once, across every fetch of a run (issue 12).

    Taken when an answer is decoded, given back when the look at its post is over
    (`observe.Observer`). Decoding runs on the event loop, so no lock is needed.
    """

    def __init__(self, limit: int):
        self.limit = limit
        self.held = 0

    def take(self, wanted: int) -> int:
        granted = max(0, min(wanted, self.limit - self.held))
        self.held += granted
        return granted

    def give_back(self, amount: int) -> None:
        self.held = max(0, self.held - max(amount, 0))


def decode_answer(exchange: Exchange, budget: DecodeBudget, settings: Settings) -> None:
    """A decoded copy for parsing, bounded against decompression bombs: at most
    ``max_decoded_bytes`` for one answer, and at most ``max_decoded_in_flight`` for all the
    answers being looked at (issue 12: eight concurrent bombs once took 1 GB). Read from the
    spooled wire bytes a chunk at a time, so the raw body is never all in memory either."""
    assert exchange.raw is not None
    encoding = exchange.header("content-encoding").strip().lower()
    if encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
        exchange.decode_error = f"cannot decode Content-Encoding {encoding!r}"
        return
    limit = budget.take(settings.max_decoded_bytes)
    if limit <= 0:
        exchange.decode_error = (
            f"not decoded: {settings.max_decoded_in_flight} bytes of decoded answers "
            "are already being read (ARCHIVER_MAX_DECODED_IN_FLIGHT)"
        )
        return
    try:
        if encoding in ("", "identity"):
            exchange.raw.seek(0)
            exchange.decoded = exchange.raw.read(limit)
        else:
            _inflate(exchange, encoding, limit)
    finally:
        exchange.raw.seek(0)
        exchange.decoded_grant = len(exchange.decoded)
        budget.give_back(limit - exchange.decoded_grant)
    if limit < settings.max_decoded_bytes and exchange.decoded_grant >= limit:
        exchange.decode_error = (
            f"decoded only the first {limit} bytes: the rest would exceed "
            "ARCHIVER_MAX_DECODED_IN_FLIGHT"
        )


def _inflate(exchange: Exchange, encoding: str, limit: int) -> None:
    assert exchange.raw is not None
    error = ""
    for wbits in (47, -15):  # 47: gzip or zlib header; -15: raw deflate
        exchange.raw.seek(0)
        decoder = zlib.decompressobj(wbits)
        parts: list[bytes] = []
        size = 0
        try:
            while size <= limit:
                chunk = decoder.unconsumed_tail or exchange.raw.read(DECODE_CHUNK)
                if not chunk:
                    break
                # A step at most 1 MB out: a bomb's megabyte of input never makes more at once.
                part = decoder.decompress(chunk, min(limit + 1 - size, DECODE_STEP))
                parts.append(part)
                size += len(part)
                if decoder.eof:
                    break
        except zlib.error as exc:
            error = f"invalid {encoding} body: {exc}"
            continue
        decoded = b"".join(parts)
        del parts
        if size > limit:
            decoded = decoded[:limit]
            exchange.decode_error = f"decoded body exceeds {limit} bytes (decompression bomb guard)"
        exchange.decoded = decoded
        return
    exchange.decode_error = error
