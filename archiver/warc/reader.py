"""Reading records back from archiver's WARC files, one at a time by offset (each record is
one gzip member, so the offset the database holds is enough).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from pathlib import Path

from archiver.errors import WarcError


def read_record(path: Path, offset: int) -> tuple[dict[str, str], dict[str, str] | None, bytes]:
    """The WARC headers, HTTP headers and decoded payload of the record at ``offset``."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            for record in ArchiveIterator(fh):
                warc = dict(record.rec_headers.headers)
                http = dict(record.http_headers.headers) if record.http_headers else None
                body = record.content_stream().read()
                return warc, http, body
    except (OSError, ValueError, EOFError, zlib.error, ArchiveLoadFailed) as exc:
        raise WarcError(f"cannot read a record at {path.name}:{offset}: {exc}") from exc
    raise WarcError(f"no record at {path.name}:{offset}")


def iter_files(directory: Path) -> Iterable[Path]:
    return sorted(Path(directory).glob("*.warc.gz"))
