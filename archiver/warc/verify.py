"""Verify the archive: every record the database names, and every WARC file, against what
was recorded when they were written.

A record is checked at its offset: it must be the record the database names
(same WARC-Record-ID), carry the payload digest recorded for it, and its
block and payload digests must match its bytes (warcio's digest checker). A
closed file's SHA-256 must match the one recorded when it was closed. Any
mismatch — tampering, a truncated or missing file — is listed.

Then the timestamps (issue 15): each token must stamp its file's recorded SHA-256, and its
signature and certificate chain must hold up to a root of ``ARCHIVER_TSA_CA`` at the stamp's
own time. And the custody log's hash chain must be whole.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import certifi
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from archiver.core import timestamps
from archiver.errors import InputError
from archiver.store import Store, WarcRecord
from archiver.store.custody import check_chain
from archiver.store.files import files_and_records
from archiver.store.stamps import stamps_of
from archiver.warc.files import file_sha256, token_paths, warc_path


@dataclass(frozen=True)
class Problem:
    # missing_file | file_changed | unreadable | wrong_record | digest_mismatch |
    # timestamp_failed | custody_chain
    kind: str
    warc_file: str
    offset: int | None
    detail: str

    def __str__(self) -> str:
        where = f"warcs/{self.warc_file}" + (f" @{self.offset}" if self.offset is not None else "")
        return f"{self.kind}: {where}: {self.detail}"


@dataclass
class VerifyReport:
    files: int = 0
    records: int = 0
    problems: list[Problem] = field(default_factory=list)
    untracked: list[str] = field(default_factory=list)
    stamps_verified: int = 0
    stamps_pending: int = 0
    stamps_failed: int = 0
    custody_entries: int = 0
    custody_note: str = ""  # why this verification is not in the custody log, if it is not

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "files": self.files,
            "records": self.records,
            "problems": [p.__dict__ for p in self.problems],
            "untracked_files": self.untracked,
            "timestamps": {
                "verified": self.stamps_verified,
                "pending": self.stamps_pending,
                "failed": self.stamps_failed,
            },
            "custody": {"entries": self.custody_entries},
        }


def verify(store: Store) -> VerifyReport:
    report = VerifyReport()
    files, records = files_and_records(store)
    for name in sorted(set(files) | set(records)):
        path = warc_path(store, name, fresh=True)
        report.files += 1
        if path is None:
            report.problems.append(Problem("missing_file", name, None, "the file is gone"))
            report.records += len(records.get(name, []))
            continue
        known = files.get(name)
        if known is not None and known.sha256:
            actual = file_sha256(path)
            if actual != known.sha256:
                report.problems.append(
                    Problem(
                        "file_changed", name, None, f"SHA-256 is {actual}, recorded {known.sha256}"
                    )
                )
        for rec in records.get(name, []):
            report.records += 1
            problem = check_record(path, rec)
            if problem:
                report.problems.append(problem)
    on_disk = {p.name for p in store.warc_dir.glob("*.warc.gz")}
    report.untracked = sorted(on_disk - set(files) - set(records))
    check_stamps(store, {n: f.sha256 for n, f in files.items()}, report)
    report.custody_entries, chain = check_chain(store)
    report.problems += [Problem("custody_chain", "", None, why) for why in chain]
    return report


def trusted_roots(store: Store) -> list:
    """The roots timestamp tokens are checked against: ``ARCHIVER_TSA_CA``, or the usual bundle."""
    path = store.settings.tsa_ca or certifi.where()
    try:
        return timestamps.load_roots(Path(path).read_bytes())
    except OSError as exc:
        raise InputError(
            f"ARCHIVER_TSA_CA={path}: cannot read it ({exc.strerror or exc})"
        ) from None


def check_stamps(store: Store, sealed: dict[str, str | None], report: VerifyReport) -> None:
    roots = None
    for stamp in stamps_of(store):
        if stamp.status != "stamped" or stamp.token is None:
            report.stamps_pending += 1
            continue
        roots = roots if roots is not None else trusted_roots(store)
        why = ""
        if sealed.get(stamp.warc_file) != stamp.sha256:
            why = "it stamps another SHA-256 than the one the file was sealed with"
        else:
            try:
                timestamps.verify(stamp.token, stamp.sha256, roots)
            except timestamps.TokenError as exc:
                why = str(exc)
        tsr, _ = token_paths(store, stamp.warc_file, stamp.authority)
        if not why and tsr.exists() and tsr.read_bytes() != stamp.token:
            why = f"the token kept beside the file ({tsr.name}) is not the one on record"
        if why:
            report.stamps_failed += 1
            report.problems.append(
                Problem("timestamp_failed", stamp.warc_file, None, f"{stamp.authority}: {why}")
            )
        else:
            report.stamps_verified += 1


def check_record(path: Path, rec: WarcRecord) -> Problem | None:
    """Check one record: a whole gzip member where the database says, right record and digests."""

    def problem(kind: str, detail: str) -> Problem:
        return Problem(kind, rec.warc_file, rec.offset, detail)

    try:
        with open(path, "rb") as fh:
            fh.seek(rec.offset)
            member = fh.read(rec.length)
    except OSError as exc:
        return problem("unreadable", f"{exc.strerror or exc}")
    if len(member) < rec.length:
        return problem(
            "unreadable", f"the file ends inside this record ({len(member)} of {rec.length} bytes)"
        )
    # Each record is one gzip member (see warc.py): it must end exactly where it should.
    decoder = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        decoder.decompress(member)
    except zlib.error as exc:
        return problem("unreadable", f"the record's gzip data is damaged: {exc}")
    if not decoder.eof or decoder.unused_data:
        return problem(
            "unreadable", "the record's gzip member is incomplete or overruns its length"
        )
    try:
        record = next(ArchiveIterator(io.BytesIO(member), check_digests=True), None)
        if record is None:
            return problem("unreadable", "no record at this offset")
        stream = record.content_stream()
        while stream.read(1024 * 1024):
            pass
    except (ArchiveLoadFailed, EOFError, ValueError, zlib.error) as exc:
        return problem("unreadable", f"{type(exc).__name__}: {exc}")
    headers = record.rec_headers
    record_id = headers.get_header("WARC-Record-ID")
    if record_id != rec.record_id:
        return problem("wrong_record", f"found {record_id}, the database names {rec.record_id}")
    if not headers.get_header("WARC-Block-Digest"):
        return problem("digest_mismatch", "the record has no WARC-Block-Digest")
    payload = headers.get_header("WARC-Payload-Digest")
    if rec.payload_digest and payload != rec.payload_digest:
        return problem(
            "digest_mismatch", f"WARC-Payload-Digest is {payload}, recorded {rec.payload_digest}"
        )
    if record.digest_checker.passed is False:
        return problem("digest_mismatch", "; ".join(str(p) for p in record.digest_checker.problems))
    return None
