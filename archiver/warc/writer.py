"""The only place archiver writes WARC records.

Files are WARC/1.1 (ISO 28500:2017), one gzip member per record so that any
record can be read from its offset alone, named
``archiver-{UTC timestamp}-{worker id or process id}-{serial}.warc.gz`` and
rotated at a size. Each file
opens with a ``warcinfo`` record.

Records are built with warcio but compressed here, at level 6: warcio's own
writer hard-codes level 9. Measured on 60 KB HTML pages, level 9 wrote about 560
records/s and level 6 about 720/s at almost the same size. Most records are small
(a status answer, a request, a metadata record: 1-5 KB), and for those setting up
zlib's default 32 KB window and 128 KB hash table cost more than compressing:
the window is sized to the record (`_deflate_sizes`), 76 µs to 26 µs for 3 KB,
with the same output (a window larger than the data finds no more matches).

Durability: `WarcWriter.sync` flushes and fsyncs. Callers sync *before* they
commit a database row naming a record, so the database never points at bytes
that are not on disk.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import tempfile
import threading
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archiver.core.exchange import Exchange
from archiver.core.records import RecordRef, RevisitOf
from archiver.errors import WarcError
from archiver.version import __version__
from archiver.warc.fields import CHUNK, header_safe_uri, make_record_id, payload_digest, warc_date

GZIP_LEVEL = 6
HOP_BY_HOP = frozenset({"transfer-encoding", "connection", "keep-alive"})


def _deflate_sizes(size: int) -> tuple[int, int]:
    """zlib's window bits and memory level for ``size`` bytes: no larger than they need be.

    A window must cover the data plus deflate's 262-byte lookahead to find every match
    (zlib's deflate.h, MIN_LOOKAHEAD); 9 to 15 bits are allowed, and the memory level
    (hash table of 2**(level + 7) entries) follows the window, 1 to 8 (the default).
    """
    window = min(zlib.MAX_WBITS, max(9, (size + 262).bit_length()))
    return window, min(8, max(1, window - 6))


class WarcWriter:
    """Appends records to rotating WARC files in ``directory``.

    ``clock`` and ``make_id`` can be fixed by tests to compare exact bytes.
    Thread-safe: writes are serialised by a lock.
    """

    def __init__(
        self,
        directory: Path,
        *,
        max_bytes: int = 1024**3,
        prefix: str = "archiver",
        tag: str | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        make_id: Callable[[], str] = make_record_id,
        operator_info: dict[str, str] | None = None,
    ):
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self.prefix = prefix
        # Names stay unique across processes and machines: the worker id, or this process's id.
        self.tag = tag or str(os.getpid())
        self._clock = clock
        self._make_id = make_id
        self._info = operator_info or {}
        self._fh: IO[bytes] | None = None
        self._name = ""
        self._serial = 0
        self._records = 0  # records in the current file besides its warcinfo
        self._lock = threading.Lock()
        self.closed_files: list[str] = []

    # --- files ------------------------------------------------------------

    @property
    def current_file(self) -> str:
        return self._name

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = self._clock().astimezone(UTC).strftime("%Y%m%d%H%M%S%f")
        while True:
            self._serial += 1
            name = f"{self.prefix}-{stamp}-{self.tag}-{self._serial:04d}.warc.gz"
            try:
                fd = os.open(self.directory / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            break
        # Held while the file is written: repair (archiver.warc.repair) leaves a locked file alone.
        fcntl.flock(fd, fcntl.LOCK_EX)
        self._fh = os.fdopen(fd, "wb")
        self._name = name
        self._records = 0
        try:
            self._write(self._warcinfo(name))
        except WarcError:
            self._discard()  # a full disk must not leave a file that holds nothing (issue 12)
            raise

    def _ensure_open(self) -> None:
        try:
            if self._fh is None:
                self._open()
            elif self._fh.tell() >= self.max_bytes:
                self._close_file()
                self._open()
        except OSError as exc:
            raise WarcError(
                f"cannot start a WARC file in {self.directory}: {exc.strerror or exc}"
            ) from exc

    def _close_file(self) -> None:
        if self._fh is not None:
            if self._records == 0:
                self._discard()  # only its warcinfo was written: nothing to keep
                return
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
            self.closed_files.append(self._name)
            self._fh = None

    def _discard(self) -> None:
        """Close and remove the current file, which holds no record."""
        assert self._fh is not None
        try:
            self._fh.close()
        except OSError:
            pass
        try:
            os.unlink(self.directory / self._name)
        except OSError:
            pass
        self._fh = None

    def sync(self) -> None:
        """Flush and fsync: everything written so far survives a crash."""
        with self._lock:
            if self._fh is not None:
                try:
                    self._fh.flush()
                    os.fsync(self._fh.fileno())
                except OSError as exc:
                    raise WarcError(f"cannot write to {self._name}: {exc.strerror or exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._close_file()

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- records ----------------------------------------------------------

    def _builder(self) -> WARCWriter:
        return WARCWriter(io.BytesIO(), gzip=False, warc_version="1.1")

    def _headers(self, date: datetime, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {
            "WARC-Record-ID": self._make_id(),
            "WARC-Date": warc_date(date),
        }
        headers.update(extra or {})
        return headers

    def _warcinfo(self, filename: str):
        info = {
            "software": f"archiver/{__version__}",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        }
        info.update(self._info)
        builder = self._builder()
        record = builder.create_warcinfo_record(filename, info)
        record.rec_headers.replace_header("WARC-Record-ID", self._make_id())
        record.rec_headers.replace_header("WARC-Date", warc_date(self._clock()))
        return record

    def _write(self, record) -> RecordRef:
        """Serialise ``record`` and append it as one gzip member."""
        assert self._fh is not None
        with tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024) as buffer:
            WARCWriter(buffer, gzip=False, warc_version="1.1").write_record(record)
            size = buffer.tell()
            buffer.seek(0)
            window, memory = _deflate_sizes(size)
            compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, window + 16, memory)
            offset = self._fh.tell()
            try:
                for chunk in iter(lambda: buffer.read(CHUNK), b""):
                    self._fh.write(compressor.compress(chunk))
                self._fh.write(compressor.flush())
                self._fh.flush()
            except OSError as exc:
                # Leave no partial member behind: cut the file back to where it was.
                self._truncate_to(offset)
                raise WarcError(f"cannot write to {self._name}: {exc.strerror or exc}") from exc
            length = self._fh.tell() - offset
        headers = record.rec_headers
        date_text = headers.get_header("WARC-Date")
        return RecordRef(
            warc_file=self._name,
            offset=offset,
            length=length,
            record_id=headers.get_header("WARC-Record-ID"),
            warc_type=headers.get_header("WARC-Type"),
            target_uri=headers.get_header("WARC-Target-URI") or "",
            payload_digest=headers.get_header("WARC-Payload-Digest"),
            block_digest=headers.get_header("WARC-Block-Digest"),
            date=datetime.fromisoformat(date_text.replace("Z", "+00:00")),
        )

    def _truncate_to(self, offset: int) -> None:
        try:
            assert self._fh is not None
            self._fh.truncate(offset)
            self._fh.seek(offset)
        except (OSError, ValueError):
            pass

    def write_exchange(
        self, exchange: Exchange, revisit_of: RevisitOf | None = None
    ) -> tuple[RecordRef, RecordRef] | None:
        """Write a request and its response (or a revisit); None when nothing came back."""
        if not exchange.has_response:
            return None
        with self._lock:
            self._ensure_open()
            response = self._response_record(exchange, revisit_of)
            request = self._request_record(
                exchange, response.rec_headers.get_header("WARC-Record-ID")
            )
            assert self._fh is not None
            start = self._fh.tell()
            try:
                request_ref = self._write(request)
                response_ref = self._write(response)
            except WarcError:
                self._truncate_to(start)  # the pair goes in whole or not at all
                raise
            self._records += 2
        return request_ref, response_ref

    def write_metadata(
        self, target_uri: str, payload: dict, date: datetime, concurrent_to: str | None = None
    ) -> RecordRef:
        """A ``metadata`` record holding what was extracted, as JSON."""
        # "replace": a lone surrogate that slipped through must not lose the record (issue 12).
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str).encode(
            "utf-8", "replace"
        )
        extra = {"WARC-Concurrent-To": concurrent_to} if concurrent_to else {}
        with self._lock:
            self._ensure_open()
            record = self._builder().create_warc_record(
                header_safe_uri(target_uri),
                "metadata",
                payload=io.BytesIO(body),
                length=len(body),
                warc_content_type="application/json",
                warc_headers_dict=self._headers(date, extra),
            )
            written = self._write(record)
            self._records += 1
            return written

    def write_resource(
        self,
        target_uri: str,
        body: bytes,
        content_type: str,
        date: datetime,
        derived_from: list[tuple[str, str | None]],
    ) -> RecordRef:
        """A ``resource`` record archiver generated itself (a post's view), naming in its
        headers every record it was made from: ``Archiver-Derived-From: <record-id> <digest>``
        (an extension field, WARC/1.1 section 4: readers ignore what they do not know)."""
        with self._lock:
            self._ensure_open()
            record = self._builder().create_warc_record(
                header_safe_uri(target_uri),
                "resource",
                payload=io.BytesIO(body),
                length=len(body),
                warc_content_type=content_type,
                warc_headers_dict=self._headers(
                    date, {"Archiver-Generated-By": f"archiver/{__version__}"}
                ),
            )
            for record_id, digest in derived_from:
                record.rec_headers.add_header(
                    "Archiver-Derived-From", f"{record_id} {digest}" if digest else record_id
                )
            written = self._write(record)
            self._records += 1
            return written

    def copy_member(self, source: IO[bytes], offset: int, length: int) -> None:
        """Append one record of another WARC file as it is: its gzip member, byte for byte
        (a selective export; the record's digests and ids are unchanged)."""
        with self._lock:
            self._ensure_open()
            assert self._fh is not None
            start = self._fh.tell()
            source.seek(offset)
            left = length
            try:
                while left > 0:
                    chunk = source.read(min(CHUNK, left))
                    if not chunk:
                        raise WarcError(f"the record at offset {offset} ends early")
                    self._fh.write(chunk)
                    left -= len(chunk)
                self._fh.flush()
            except OSError as exc:
                self._truncate_to(start)
                raise WarcError(f"cannot write to {self._name}: {exc.strerror or exc}") from exc
            except WarcError:
                self._truncate_to(start)
                raise
            self._records += 1

    def _http_headers(self, exchange: Exchange) -> StatusAndHeaders:
        headers: list[tuple[str, str]] = []
        length_seen = False
        for name, value in exchange.response_headers:
            lower = name.lower()
            if lower in HOP_BY_HOP:
                # h11 already removed the chunked framing: the stored body is
                # the de-chunked bytes, so the header would break replay.
                headers.append((f"X-Archive-Orig-{name}", value))
                continue
            if lower == "content-length":
                length_seen = True
                if value.strip() != str(exchange.raw_length):
                    headers.append((f"X-Archive-Orig-{name}", value))
                    value = str(exchange.raw_length)
            headers.append((name, value))
        if not length_seen:
            headers.append(("Content-Length", str(exchange.raw_length)))
        status_line = f"{exchange.status} {exchange.reason}".strip()
        return StatusAndHeaders(status_line, headers, protocol=exchange.http_version)

    def _response_record(self, exchange: Exchange, revisit_of: RevisitOf | None):
        assert exchange.raw is not None
        digest = payload_digest(exchange)
        extra: dict[str, str] = {}
        if exchange.peer_ip:
            extra["WARC-IP-Address"] = exchange.peer_ip
        if exchange.truncated:
            extra["WARC-Truncated"] = exchange.truncated
        builder = self._builder()
        http_headers = self._http_headers(exchange)
        if revisit_of is not None:
            extra["WARC-Refers-To"] = revisit_of.record_id
            record = builder.create_revisit_record(
                header_safe_uri(exchange.fetched_url),
                digest,
                header_safe_uri(revisit_of.target_uri),
                warc_date(revisit_of.date),
                http_headers=http_headers,
                warc_headers_dict=self._headers(exchange.started_at, extra),
            )
            return record
        extra["WARC-Payload-Digest"] = digest
        exchange.raw.seek(0)
        return builder.create_warc_record(
            header_safe_uri(exchange.fetched_url),
            "response",
            payload=exchange.raw,
            length=exchange.raw_length,
            http_headers=http_headers,
            warc_headers_dict=self._headers(exchange.started_at, extra),
        )

    def _request_record(self, exchange: Exchange, response_id: str):
        headers = StatusAndHeaders(
            exchange.request_line or f"GET {header_safe_uri(exchange.fetched_url)} HTTP/1.1",
            list(exchange.request_headers),
            is_http_request=True,
        )
        return self._builder().create_warc_record(
            header_safe_uri(exchange.fetched_url),
            "request",
            http_headers=headers,
            warc_headers_dict=self._headers(
                exchange.started_at, {"WARC-Concurrent-To": response_id}
            ),
        )
