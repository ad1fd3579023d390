"""Where a WARC record is and what it holds, as the database keeps it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RecordRef:
    """Where a record is, and what it holds, as the database keeps it."""

    warc_file: str  # file name, relative to the WARC directory
    offset: int
    length: int  # of the gzip member
    record_id: str
    warc_type: str
    target_uri: str
    payload_digest: str | None
    block_digest: str | None
    date: datetime


@dataclass(frozen=True)
class RevisitOf:
    """The earlier response whose payload a new one repeats."""

    record_id: str
    target_uri: str
    date: datetime
