"""The machinery one run needs: a fetcher, a WARC writer, an observer, the store.

`open_run` sets them up and, when the run ends, closes the WARC file and
records its size and SHA-256 — the figure `archiver verify` checks later.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from archiver.config import Settings
from archiver.net.fetcher import Fetcher, Transport, utcnow
from archiver.runs.observe import Observer
from archiver.store import Store
from archiver.store.visits import last_responses
from archiver.warc.files import object_store, seal_files
from archiver.warc.writer import WarcWriter


def check_settings(settings: Settings) -> None:
    """Refuse, before anything starts, what a run would trip on later: a cookies file others can
    read, an object store that is not ``s3://bucket/prefix``, a control that names no post."""
    from archiver.net.cookies import UserCookies
    from archiver.runs.health import controls_for
    from archiver.warc.objectstore import ObjectStore

    controls_for(settings)
    if settings.cookies_file:
        UserCookies(Path(settings.cookies_file))
    if settings.warc_store:
        ObjectStore.parse(settings.warc_store)


@asynccontextmanager
async def open_run(
    settings: Settings,
    store: Store,
    transport: Transport | None = None,
    clock: Callable[[], datetime] = utcnow,
    writer: WarcWriter | None = None,
) -> AsyncIterator[Observer]:
    object_store(store)  # a bad ARCHIVER_WARC_STORE is refused before anything is fetched
    writer = writer or WarcWriter(store.warc_dir, max_bytes=settings.warc_max_bytes, clock=clock)

    def lookup(uris: list[str]):
        # Called from worker threads: a connection of its own each time (not thread-safe).
        with store.reading() as connection:
            return last_responses(connection, uris)

    try:
        async with Fetcher(settings, transport=transport, clock=clock) as fetcher:
            yield Observer(settings, fetcher, writer, lookup, clock)
    finally:
        current = writer.current_file
        await asyncio.to_thread(writer.close)
        seal_files(store, writer.closed_files if current else [])
