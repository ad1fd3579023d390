"""Torn WARC tails: a run killed while writing a record leaves half a gzip member at the end
of its file. Nothing in the database points at it (a row is committed only after its
record is on disk), but the file no longer ends on a record boundary, so standard tools
stop there with an error.

`repair_torn_files` cuts such a tail — and nothing else (issue 12):

* only in a file no run holds (a live writer keeps an exclusive ``flock``) and that was
  never sealed (sealing records its SHA-256; a sealed file is finished evidence);
* only a *torn tail*: bytes after the last whole record that are the beginning of a
  gzip member, cut short. A file damaged anywhere — a flipped byte, garbage, a record
  that does not decompress — is not an interrupted write: it is left exactly as it is,
  for `archiver verify` to report.

The cut bytes are moved to ``{home}/quarantine/`` (kept: they are what the service sent,
even if incomplete). A file whose writer died before it wrote anything (0 bytes, or only
its ``warcinfo`` header, and no record the database names) holds no evidence and is
removed. Each remaining file no writer will touch again is sealed as a closed file is:
size and SHA-256 recorded (and, with an object store, uploaded).
"""

from __future__ import annotations

import fcntl
import os
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

from archiver.store import Store
from archiver.store.files import sealed_and_named
from archiver.warc.files import seal_files

CHUNK = 256 * 1024


@dataclass(frozen=True)
class Repair:
    warc_file: str
    kept_bytes: int
    cut_bytes: int
    quarantined_as: str

    def __str__(self) -> str:
        return (
            f"repaired warcs/{self.warc_file}: cut a torn tail of {self.cut_bytes} bytes (an "
            f"unfinished record of an interrupted run) back to its last complete record at "
            f"{self.kept_bytes}; the cut bytes are kept in {self.quarantined_as}"
        )


def scan_members(path: Path) -> tuple[int, str]:
    """Walk the gzip members (the records) of ``path``: the length of the whole ones, and what
    follows them: ``"end"`` (nothing), ``"torn"`` (a member cut short) or ``"damaged"``."""
    good = 0
    with open(path, "rb") as fh:
        data = fh.read(CHUNK)
        while data:
            decoder = zlib.decompressobj(zlib.MAX_WBITS | 16)
            consumed = 0
            while True:
                try:
                    decoder.decompress(data, 1 << 20)
                except zlib.error:
                    return good, "damaged"
                if decoder.eof:
                    consumed += len(data) - len(decoder.unused_data)
                    data = decoder.unused_data
                    break
                consumed += len(data) - len(decoder.unconsumed_tail)
                data = decoder.unconsumed_tail
                if not data:
                    data = fh.read(CHUNK)
                    if not data:
                        return good, "torn"
            good += consumed
            if not data:
                data = fh.read(CHUNK)
    return good, "end"


def complete_length(path: Path) -> int:
    """Bytes from the start of ``path`` that form whole gzip members (whole records)."""
    return scan_members(path)[0]


def repair_torn_files(store: Store) -> list[Repair]:
    """Cut torn tails of unsealed files, remove files nothing was written to, seal the rest."""
    repairs: list[Repair] = []
    finished: list[str] = []
    directory = store.warc_dir
    if not directory.exists():
        return repairs
    sealed, named = sealed_and_named(store)
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
            if path.name in sealed:
                continue  # finished evidence: damage in it is for verify to report, never to cut
            stat = os.fstat(fd)
            if stat.st_size == 0:
                if time.time() - stat.st_mtime > 60:  # not one a writer is just opening
                    path.unlink()
                continue
            good, after = scan_members(path)
            if after == "torn":
                repairs.append(_cut(store, path, fd, good, stat.st_size))
            if path.name not in named and _only_warcinfo(
                path, good if after == "torn" else stat.st_size
            ):
                path.unlink()  # its writer died before writing a record: nothing to keep
                continue
            finished.append(path.name)
        finally:
            os.close(fd)
    seal_files(store, finished)
    return repairs


def _only_warcinfo(path: Path, length: int) -> bool:
    """Whether the file's whole records are one ``warcinfo`` and nothing else."""
    from warcio.archiveiterator import ArchiveIterator

    try:
        with open(path, "rb") as fh:
            kinds = []
            for record in ArchiveIterator(fh):
                kinds.append(record.rec_type)
                if len(kinds) > 1:
                    return False
    except Exception:
        return False
    return kinds == ["warcinfo"] and length > 0


def _cut(store: Store, path: Path, fd: int, good: int, size: int) -> Repair:
    quarantine = store.settings.home / "quarantine"
    quarantine.mkdir(mode=0o700, exist_ok=True)
    target = quarantine / f"{path.name}.torn-at-{good}"
    with (
        open(path, "rb") as src,
        open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as dst,
    ):
        src.seek(good)
        while chunk := src.read(CHUNK):
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    os.ftruncate(fd, good)
    os.fsync(fd)
    return Repair(path.name, good, size - good, str(target.relative_to(store.settings.home)))
