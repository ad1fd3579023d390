"""The machinery one run needs: a fetcher, a WARC writer, an observer, the store.

`open_run` sets them up and, when the run ends, closes the WARC file and
records its size and SHA-256 — the figure `archiver verify` checks later.
"""

from __future__ import annotations

import asyncio
import hashlib
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import AsyncIterator, Callable

import httpx

from archiver.config import Settings
from archiver.net.fetcher import Fetcher, utcnow
from archiver.runs.observe import Observer
from archiver.store import Store, WarcFile
from archiver.store.visits import last_responses
from archiver.warc.writer import WarcWriter


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


@asynccontextmanager
async def open_run(
    settings: Settings,
    store: Store,
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Callable[[], datetime] = utcnow,
    writer: WarcWriter | None = None,
) -> AsyncIterator[Observer]:
    store.object_store  # a bad ARCHIVER_WARC_STORE is refused before anything is fetched
    writer = writer or WarcWriter(store.warc_dir, max_bytes=settings.warc_max_bytes, clock=clock)
    def lookup(uris: list[str]):
        # Called from worker threads: a connection of its own each time (not thread-safe).
        with store.engine.connect() as connection:
            return last_responses(connection, uris)

    try:
        async with Fetcher(settings, transport=transport, clock=clock) as fetcher:
            yield Observer(settings, fetcher, writer, lookup, clock)
    finally:
        current = writer.current_file
        await asyncio.to_thread(writer.close)
        finalise_files(store, writer.closed_files if current else [])


def finalise_files(store: Store, names: list[str]) -> None:
    """Seal WARC files that will not be written again: record size and SHA-256 (the figure
    `archiver verify` checks later), then, with an object store configured, upload each
    whole and remove the local copy once the upload is confirmed."""
    if not names:
        return
    objects = store.object_store
    with store.session(write=True) as session:
        for name in names:
            path = store.warc_dir / name
            if not path.exists():
                continue
            row = session.get(WarcFile, name) or WarcFile(name=name, created_at=datetime.now(timezone.utc))
            size = path.stat().st_size
            if row.sha256 and row.size != size:
                continue  # changed after it was sealed: that is for verify to report, not to re-seal
            if not row.sha256:
                row.size, row.sha256, row.closed_at = size, file_sha256(path), datetime.now(timezone.utc)
                session.add(row)
                session.commit()  # the hash is on record before the file leaves
            if objects is not None:
                objects.upload(path, row.sha256)
                row.location = objects.url(name)
                session.add(row)
                session.commit()
                path.unlink()
