"""Copying some records out of the archive into new WARC files, byte for byte (issue 14).

A selective export must hold the chosen posts and nothing else: whole WARC files would carry
every other post captured in the same run. Each record is one gzip member, so it is copied
as it is — its ids and digests unchanged, verifiable against the archive's database — into
files that open with a warcinfo record of their own. A revisit brings the response it repeats.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from archiver.errors import ArchiverError
from archiver.store import Store, WarcRecord
from archiver.store.files import originals_of
from archiver.warc.files import warc_path
from archiver.warc.writer import WarcWriter


def extract_records(store: Store, records: list[WarcRecord], directory: Path) -> list[Path]:
    """Write ``records`` (and the responses their revisits repeat) into new WARC files in
    ``directory``, in the order they were written; the new files' paths."""
    chosen = {r.id: r for r in records}
    for original in originals_of(store, [r for r in records if r.warc_type == "revisit"]):
        chosen.setdefault(original.id, original)
    by_file: dict[str, list[WarcRecord]] = defaultdict(list)
    for record in chosen.values():
        by_file[record.warc_file].append(record)
    writer = WarcWriter(
        directory,
        prefix="archiver-export",
        tag="selection",
        operator_info={
            "description": "Records copied byte for byte from an archiver archive: "
            f"{len(chosen)} records of the chosen posts, from {len(by_file)} WARC files "
            f"({', '.join(sorted(by_file))})."
        },
    )
    with writer:
        for name in sorted(by_file):
            path = warc_path(store, name)
            if path is None:
                raise ArchiverError(f"cannot export: WARC file {name} is missing (run verify)")
            with open(path, "rb") as source:
                for record in sorted(by_file[name], key=lambda r: r.offset):
                    writer.copy_member(source, record.offset, record.length)
    return [directory / name for name in writer.closed_files]
