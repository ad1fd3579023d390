"""Torn WARC tails: a run killed while writing a record leaves half a gzip member at the end
of its file. Nothing in the database points at it (a row is committed only after its
record is on disk), but the file no longer ends on a record boundary, so standard tools
stop there with an error.

`repair_torn_files` finds each such file, moves the torn bytes to
``{home}/quarantine/`` (kept, not destroyed: they are what the service sent, even if
incomplete) and cuts the file back to its last complete record. A file that a live
writer holds (it keeps an exclusive ``flock`` while writing) is left alone. Each file
no writer will touch again is sealed as a closed file is: size and SHA-256 recorded
(and, with an object store, uploaded).
"""

from __future__ import annotations

import fcntl
import os
import zlib
from dataclasses import dataclass
from pathlib import Path

from .session import finalise_files
from .store import Store

CHUNK = 256 * 1024


@dataclass(frozen=True)
class Repair:
    warc_file: str
    kept_bytes: int
    cut_bytes: int
    quarantined_as: str

    def __str__(self) -> str:
        return (f"repaired warcs/{self.warc_file}: cut a torn tail of {self.cut_bytes} bytes (an unfinished "
                f"record of an interrupted run) back to its last complete record at {self.kept_bytes}; "
                f"the cut bytes are kept in {self.quarantined_as}")


def complete_length(path: Path) -> int:
    """Bytes from the start of ``path`` that form whole gzip members (whole records)."""
    good = consumed = 0
    decoder = zlib.decompressobj(zlib.MAX_WBITS | 16)
    with open(path, "rb") as fh:
        data = b""
        while True:
            if not data:
                data = fh.read(CHUNK)
                if not data:
                    break
            try:
                decoder.decompress(data, 1 << 20)
            except zlib.error:
                break
            if decoder.eof:
                consumed += len(data) - len(decoder.unused_data)
                good = consumed
                data = decoder.unused_data
                decoder = zlib.decompressobj(zlib.MAX_WBITS | 16)
            else:
                tail = decoder.unconsumed_tail
                consumed += len(data) - len(tail)
                data = tail
    return good


def repair_torn_files(store: Store) -> list[Repair]:
    """Cut torn tails and finalise the WARC files no live writer holds."""
    repairs: list[Repair] = []
    finished: list[str] = []
    directory = store.warc_dir
    if not directory.exists():
        return repairs
    for path in sorted(directory.glob("*.warc.gz")):
        try:
            fd = os.open(path, os.O_RDWR)
        except OSError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a live run is writing it
            size = os.fstat(fd).st_size
            if size == 0:
                continue  # just created; its writer is about to lock it
            good = complete_length(path)
            if good < size:
                repairs.append(_cut(store, path, fd, good, size))
            finished.append(path.name)
        finally:
            os.close(fd)
    finalise_files(store, finished)
    return repairs


def _cut(store: Store, path: Path, fd: int, good: int, size: int) -> Repair:
    quarantine = store.settings.home / "quarantine"
    quarantine.mkdir(mode=0o700, exist_ok=True)
    target = quarantine / f"{path.name}.torn-at-{good}"
    with open(path, "rb") as src, open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as dst:
        src.seek(good)
        while chunk := src.read(CHUNK):
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    os.ftruncate(fd, good)
    os.fsync(fd)
    return Repair(path.name, good, size - good, str(target.relative_to(store.settings.home)))


