"""Workers: many processes, on one machine or many, sharing one recheck workload.

Each worker claims a batch of due posts by writing a lease on them (owner and
expiry) in one statement; on PostgreSQL the candidate rows are picked with
``SELECT … FOR UPDATE SKIP LOCKED``, so two workers never claim the same post and
neither waits for the other. A worker that dies simply stops renewing: its leases
expire and the posts are claimed again. A visit is stored only while its lease is
still the worker's (`record_visit` checks), so a post is never checked twice for
one due time. Each worker writes its own WARC files, its id in their names.
On SQLite the claim runs in an IMMEDIATE transaction, which serialises claims.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from archiver.config import Settings
from archiver.errors import InputError
from archiver.net.fetcher import Transport, utcnow
from archiver.runs.custody import log, repair_and_log
from archiver.runs.health import degraded_platforms, merge_health
from archiver.runs.recheck import (
    CheckResult,
    Rechecker,
    RecheckReport,
    custody_summary,
    notify,
    run_summary,
)
from archiver.runs.session import new_writer, open_run
from archiver.store import Store
from archiver.store.runs import claim, due_count, finish_run, start_run
from archiver.store.visits import Transition

_WORKER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


def default_worker_id() -> str:
    host = re.sub(r"[^A-Za-z0-9_.-]", "-", socket.gethostname())[:24] or "host"
    return f"{host}-{os.getpid()}"


def check_worker_id(worker_id: str) -> str:
    # The id goes into WARC file names: letters, digits, '.', '_' and '-' only.
    if not _WORKER_ID.match(worker_id):
        raise InputError(f"worker id {worker_id!r} must be 1-40 letters, digits, '.', '_' or '-'")
    return worker_id


@dataclass
class WorkerReport:
    worker_id: str
    results: list[CheckResult] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)
    claimed: int = 0
    # Each platform's health over the worker's batches: degraded if any batch found it so.
    platform_health: dict[str, dict[str, object]] = field(default_factory=dict)
    webhook_errors: list[str] = field(default_factory=list)

    @property
    def checked(self) -> int:
        return sum(1 for r in self.results if r.outcome != "skipped")

    def as_json(self) -> dict[str, object]:
        return {
            "worker": self.worker_id,
            "claimed": self.claimed,
            "checked": self.checked,
            "transitions": [t.as_json() for t in self.transitions],
            "platform_health": self.platform_health,
        }

    @property
    def degraded(self) -> dict[str, str]:
        """The platforms degraded in this run, with the reason."""
        return degraded_platforms(self.platform_health)

    def add_batch(self, batch: RecheckReport) -> None:
        self.results.extend(batch.results)
        self.transitions.extend(batch.transitions)
        merge_health(self.platform_health, batch.platform_health)


async def run_worker(
    settings: Settings,
    store: Store,
    worker_id: str,
    once: bool = False,
    transport: Transport | None = None,
    clock: Callable[[], datetime] = utcnow,
    stop: asyncio.Event | None = None,
    progress: Callable[[CheckResult], None] | None = None,
) -> WorkerReport:
    """Claim and check due posts until stopped (or, with ``once``, until none is due)."""
    check_worker_id(worker_id)
    report = WorkerReport(worker_id)
    await asyncio.to_thread(repair_and_log, store, clock)
    writer = new_writer(settings, store, clock, tag=worker_id)
    async with open_run(
        settings, store, transport=transport, clock=clock, writer=writer
    ) as observer:
        while stop is None or not stop.is_set():
            now = clock()
            ids = await asyncio.to_thread(
                claim, store, worker_id, now, settings.worker_batch, settings.lease_seconds
            )
            if ids:
                report.claimed += len(ids)
                # Each batch is a run of its own: its platforms' controls are checked first, and
                # its guards count its answers (issue 11).
                run_id = await asyncio.to_thread(start_run, store, "worker", now)
                checker = Rechecker(
                    settings, store, observer, run_id, progress, worker_id=worker_id, clock=clock
                )
                await checker.check_all(ids)
                await asyncio.to_thread(
                    finish_run,
                    store,
                    run_id,
                    clock(),
                    len(checker.report.results),
                    run_summary(checker.report),
                )
                await asyncio.to_thread(
                    log,
                    store,
                    "recheck",
                    {"run": run_id},
                    custody_summary(checker.report),
                    clock(),
                    worker_id,
                )
                report.add_batch(checker.report)
                if settings.webhook_url:
                    report.webhook_errors += await notify(settings.webhook_url, checker.report)
                continue
            if once and await asyncio.to_thread(due_count, store, now) == 0:
                break
            await _pause(settings.worker_poll if not once else min(settings.worker_poll, 1.0), stop)
    return report


async def _pause(seconds: float, stop: asyncio.Event | None) -> None:
    if stop is None:
        await asyncio.sleep(seconds)
        return
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        pass
