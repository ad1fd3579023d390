"""Stamping sealed WARC files with RFC 3161 timestamps (issue 15).

A file is stamped once it is sealed (its SHA-256 on record), by every authority in
``ARCHIVER_TSA_URLS``: each token says, under the authority's signature, that the file
existed by then — so "last seen alive" and "first seen gone" rest on an independent clock as
well as on this machine's. An authority that cannot be reached never stops a run: the stamp
stays pending, and the next run (or ``archiver stamp``) asks again. In one pass an authority
that fails is not asked again for the other files: one dead authority costs one timeout.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from archiver.config import Settings
from archiver.core import timestamps
from archiver.net.fetcher import Transport, utcnow
from archiver.net.timestamps import StampUnavailable, ask
from archiver.runs.custody import log
from archiver.store import Store
from archiver.store.models import Stamp
from archiver.store.stamps import due_stamps, record_failure, record_stamp
from archiver.warc.files import write_token


@dataclass
class StampResult:
    warc_file: str
    authority: str
    ok: bool
    gen_time: datetime | None = None
    serial: str = ""
    error: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "warc_file": self.warc_file,
            "authority": self.authority,
            "status": "stamped" if self.ok else "pending",
            "gen_time": self.gen_time.isoformat().replace("+00:00", "Z") if self.gen_time else None,
            "serial": self.serial or None,
            "error": self.error or None,
        }


@dataclass
class StampReport:
    results: list[StampResult] = field(default_factory=list)
    # Pending stamps not tried in this pass because their authority had just failed.
    deferred: int = 0

    @property
    def stamped(self) -> list[StampResult]:
        return [r for r in self.results if r.ok]

    @property
    def pending(self) -> int:
        return sum(not r.ok for r in self.results) + self.deferred


async def stamp_pending(
    settings: Settings,
    store: Store,
    clock: Callable[[], datetime] = utcnow,
    transport: Transport | None = None,
) -> StampReport:
    """Ask each authority for the stamps it still owes; record what comes back."""
    report = StampReport()
    if not settings.tsa_urls:
        return report
    due = await asyncio.to_thread(due_stamps, store, settings.tsa_urls, clock())
    by_authority: dict[str, list[Stamp]] = {}
    for stamp in due:
        by_authority.setdefault(stamp.authority, []).append(stamp)
    # Authorities in parallel, each one's files in turn.
    done = await asyncio.gather(
        *(
            _stamp_with(settings, store, authority, stamps, clock, transport)
            for authority, stamps in by_authority.items()
        )
    )
    for results, deferred in done:
        report.results += results
        report.deferred += deferred
    return report


async def _stamp_with(
    settings: Settings,
    store: Store,
    authority: str,
    stamps: list[Stamp],
    clock: Callable[[], datetime],
    transport: Transport | None,
) -> tuple[list[StampResult], int]:
    results = []
    for n, stamp in enumerate(stamps):
        result = await _stamp_one(settings, store, stamp, clock, transport)
        results.append(result)
        if not result.ok:
            return results, len(stamps) - n - 1
    return results, 0


async def _stamp_one(
    settings: Settings,
    store: Store,
    stamp: Stamp,
    clock: Callable[[], datetime],
    transport: Transport | None,
) -> StampResult:
    nonce = secrets.randbits(63)
    result = StampResult(stamp.warc_file, stamp.authority, ok=False)
    try:
        reply = await ask(
            settings, stamp.authority, timestamps.request_for(stamp.sha256, nonce), transport
        )
        token = timestamps.read_reply(reply, stamp.sha256, nonce)
    except (StampUnavailable, timestamps.TokenError) as exc:
        result.error = str(exc)
        await asyncio.to_thread(record_failure, store, row_id_of(stamp), result.error)
    else:
        await asyncio.to_thread(
            write_token,
            store,
            stamp.warc_file,
            stamp.authority,
            reply,
            timestamps.certificates_pem(token),
        )
        await asyncio.to_thread(
            record_stamp, store, row_id_of(stamp), reply, token.gen_time, token.serial, clock()
        )
        result.ok, result.gen_time, result.serial = True, token.gen_time, token.serial
    await asyncio.to_thread(
        log, store, "stamp", {"files": [stamp.warc_file]}, result.as_json(), clock()
    )
    return result


def row_id_of(stamp: Stamp) -> int:
    if stamp.id is None:
        raise ValueError("a stamp not stored")
    return stamp.id
