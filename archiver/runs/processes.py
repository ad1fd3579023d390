"""A recheck run spread over the machine's cores (issue 18, ``ARCHIVER_PROCESSES``).

One Python process keeps one core busy, and a check is mostly CPU (parsing, hashing,
compressing, storing). A run with enough posts therefore leases them all to itself
(`archiver.store.leases`), starts child processes that take them a batch at a time,
each with its own fetcher and its own WARC files, and gathers what they found into
one `RecheckReport`: one run, one row, one custody entry, one webhook call.

* A child checks its platforms' control posts before their posts, as any run does,
  and its guards count the answers it got. When any child found a platform degraded,
  the parent holds *every* gone-type answer the run got from that platform, whichever
  process got it (`hold_run` works on the run's observations in the database).
* The pace of each host is shared by the processes through files (`net.pacing`), so a
  platform sees no more than the configured rate however many processes there are.
* A child that dies hands its posts back to the run, and whatever is left when all are
  done is checked by the parent: every post of the run is checked once.

Children are fresh interpreters speaking to the parent over pipes (`runs.children`).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any

from archiver.config import Settings
from archiver.net.fetcher import utcnow
from archiver.runs.children import Child, Parent, serve
from archiver.runs.health import merge_health
from archiver.runs.recheck import CheckResult, Rechecker, RecheckReport, refresh_statuses
from archiver.runs.session import new_writer, open_run
from archiver.store import Store
from archiver.store.db import store_errors
from archiver.store.leases import claim_from_run, left_in_run, return_to_run
from archiver.store.states import hold_run

Progress = Callable[[CheckResult], None]


def child_main(parent: Parent) -> None:
    """A child of a recheck run: checks the run's posts, telling the parent each check, then
    sends its report."""
    serve(parent, functools.partial(_check_share, put=parent.send))


async def _check_share(
    settings: Settings,
    store: Store,
    worker_id: str,
    run_id: int,
    tag: str,
    *,
    put: Callable[[Any], None],
) -> RecheckReport:
    writer = new_writer(settings, store, utcnow, tag=worker_id)
    async with open_run(settings, store, writer=writer, stamp=False) as observer:
        checker = Rechecker(
            settings,
            store,
            observer,
            run_id,
            lambda result: put(("check", worker_id, result)),
            worker_id=worker_id,
        )

        def claimed():
            while True:
                ids = claim_from_run(
                    store, tag, worker_id, utcnow(), settings.worker_batch, settings.lease_seconds
                )
                if not ids:
                    return
                yield from ids

        await checker.check_all(claimed())
    report = checker.report
    report.results = []  # already sent one by one
    return report


async def check_in_processes(
    settings: Settings,
    store: Store,
    run_id: int,
    tag: str,
    count: int,
    progress: Progress | None = None,
) -> RecheckReport:
    """Check the posts leased to the run ``tag`` with ``count`` child processes."""
    report = RecheckReport(run_id=run_id)
    failures: list[str] = []
    children: list[Child] = []
    try:
        for n in range(1, count + 1):
            child = await Child.start("recheck", f"{tag}.{n}")
            child.send((settings, child.name, (run_id, tag)))
            child.close_input()
            children.append(child)
        await asyncio.gather(
            *(_listen(store, tag, child, report, failures, progress) for child in children)
        )
    finally:
        for child in children:
            await child.stop()
    report.failures = failures
    return report


async def _listen(
    store: Store,
    tag: str,
    child: Child,
    report: RecheckReport,
    failures: list[str],
    progress: Progress | None,
) -> None:
    """Gather one child's checks and report; if it ended without its report, its posts go
    back to the run."""
    async for kind, body in child.messages():
        if kind == "check":
            report.results.append(body)
            if progress:
                progress(body)
        elif kind == "done":
            _merge(report, body)
    if child.failure:
        failures.append(child.failure)
        await asyncio.to_thread(return_to_run, store, tag, child.name)


def _merge(report: RecheckReport, part: RecheckReport) -> None:
    report.transitions += part.transitions
    report.context += part.context
    merge_health(report.platform_health, part.platform_health)


async def finish_leftovers(
    settings: Settings,
    store: Store,
    report: RecheckReport,
    run_id: int,
    tag: str,
    progress: Progress | None = None,
) -> None:
    """Check, in this process, what the children left (one died mid-batch, say)."""
    return_to_run(store, tag)  # every child has exited: what they held is the run's again
    left = left_in_run(store, tag)
    if not left:
        return
    async with open_run(settings, store, stamp=False) as observer:
        checker = Rechecker(settings, store, observer, run_id, progress, worker_id=tag)
        await checker.check_all(left)
    report.results += checker.report.results
    _merge(report, checker.report)


def hold_degraded(settings: Settings, store: Store, report: RecheckReport, run_id: int) -> None:
    """Hold the run's gone-type answers of each platform any process found degraded.

    A child's guards count only its own answers; a platform one of them found degraded is
    degraded for the whole run, so what the others stored from it is held too."""
    held: set[int] = set()
    for platform, reason in sorted(report.degraded.items()):
        with store_errors(), store.writing() as connection:
            _, posts = hold_run(connection, run_id, platform, reason, settings)
        held |= posts
    if not held:
        return
    report.transitions = [t for t in report.transitions if t.post_id not in held]
    refresh_statuses(store, report.results, held)
