"""Recheck runs: observe every due post again and derive its state.

A run takes the archive's run lock, selects the posts that are due (an
indexed query on ``next_check_at``), looks at each through its
status-bearing endpoints, and stores each observation as soon as it is made
(WARC fsynced first). A post whose content changed is captured again in full,
so both versions stay in the archive. Transitions to ``vanished`` and
``restored`` are collected for the summary, ``--json`` and the webhook.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from archiver.config import Settings
from archiver.core.status import OutcomeKind
from archiver.errors import ArchiverError, LeaseLost, StoreError, WarcError
from archiver.net.fetcher import Transport, utcnow
from archiver.net.webhook import post_events
from archiver.platforms.base import Purpose
from archiver.runs.children import processes_for
from archiver.runs.context import ContextCapture, ContextFollower
from archiver.runs.custody import log, repair_and_log
from archiver.runs.health import HealthMonitor, degraded_platforms
from archiver.runs.observe import Observer, Visit, main_record
from archiver.runs.runlock import RunLock
from archiver.runs.session import open_run
from archiver.runs.stamping import stamp_pending
from archiver.runs.window import run_windowed
from archiver.store import Connection, Store
from archiver.store.db import store_errors
from archiver.store.leases import lease_to_run, release_run, run_tag
from archiver.store.posts import iso
from archiver.store.runs import all_post_ids, due_post_ids, finish_run, post_statuses, start_run
from archiver.store.states import hold_run
from archiver.store.visits import KnownContent, Transition, post_to_check, record_visit
from archiver.warc.repair import Repair

Progress = Callable[["CheckResult"], None]


@dataclass
class CheckResult:
    post_id: int
    url: str
    outcome: str
    status: str
    error: str = ""


@dataclass
class RecheckReport:
    run_id: int | None = None
    results: list[CheckResult] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)
    webhook_errors: list[str] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    # {platform: {status, reason, controls, …}} (issue 11); see `health.PlatformHealth.as_json`.
    platform_health: dict[str, dict[str, object]] = field(default_factory=dict)
    # Posts first seen around a checked post (the newer version of an edited one, say: issue 16).
    context: list[ContextCapture] = field(default_factory=list)
    # Processes of the run that failed (issue 18): their posts were checked by the others.
    failures: list[str] = field(default_factory=list)
    processes: int = 1  # how many processes checked the run's posts

    @property
    def outcomes(self) -> dict[str, int]:
        return dict(Counter(r.outcome for r in self.results))

    @property
    def degraded(self) -> dict[str, str]:
        """The platforms degraded in this run, with the reason."""
        return degraded_platforms(self.platform_health)

    def as_json(self) -> dict[str, object]:
        return {
            "run": self.run_id,
            "checked": len(self.results),
            "outcomes": self.outcomes,
            "transitions": [t.as_json() for t in self.transitions],
            "posts": [r.__dict__ for r in self.results],
            "platform_health": self.platform_health,
            "context_captured": [c.__dict__ for c in self.context],
            "processes": self.processes,
            "process_failures": self.failures,
        }


class Rechecker:
    """Checks posts with one observer, for one run: each platform's health first (issue 11)."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        observer: Observer,
        run_id: int | None,
        progress: Progress | None = None,
        worker_id: str | None = None,
        monitor: HealthMonitor | None = None,
        clock: Callable[[], datetime] = utcnow,
    ):
        self.worker_id = worker_id
        self.settings = settings
        self.store = store
        self.observer = observer
        self.run_id = run_id
        self.progress = progress
        self.clock = clock
        self.monitor = monitor or HealthMonitor(settings, observer, clock)
        self.report = RecheckReport(run_id=run_id)
        self._limit = asyncio.Semaphore(max(settings.concurrency, 1))
        self._held_posts: set[int] = set()
        self._holds: list[tuple[str, str, list[int]]] = []  # (platform, reason, observation ids)
        self.context = ContextFollower(
            settings, store, observer, clock, run_id, done=self.report.context.append
        )

    async def check_all(self, post_ids: Iterable[int]) -> None:
        # Bounded fan-out: a window of tasks, not one task per post of a million.
        await run_windowed(
            (self._check(post_id) for post_id in post_ids), self.settings.concurrency * 4
        )
        if self._held_posts:
            await asyncio.to_thread(self._refresh_statuses)
        for platform, reason, observations in self._holds:
            # The WARC says so too: this record holds the observations written before the guard
            # tripped.
            await asyncio.to_thread(
                self.observer.writer.write_metadata,
                f"urn:archiver:run:{self.run_id}:held:{platform}",
                {
                    "run": self.run_id,
                    "platform": platform,
                    "platform_degraded": reason,
                    "held_observations": observations,
                },
                self.clock(),
            )
        self.report.platform_health = self.monitor.as_json()

    def _refresh_statuses(self) -> None:
        refresh_statuses(self.store, self.report.results, self._held_posts)

    async def _check(self, post_id: int) -> None:
        async with self._limit:
            with self.store.reading() as connection:
                target = post_to_check(connection, post_id)
            if target is None:
                return
            ref, known = target
            try:
                held = await self.monitor.before_check(ref.platform)
                visit = await self.observer.visit(ref, Purpose.CHECK, held=held)
                if _changed(visit, known):
                    # Edited: take everything again so the new version is archived in full.
                    visit = _merge(
                        visit, await self.observer.visit(ref, Purpose.CAPTURE, held=held)
                    )
                await self.observer.sync()
                with store_errors(), self.store.writing() as connection:
                    # Whether the platform is degraded is asked again now, not only before the
                    # visit: a guard may have tripped while this post was being fetched.
                    held = self.monitor.held_reason(ref.platform) or held
                    stored, outcome, transition = record_visit(
                        connection,
                        visit,
                        "recheck",
                        self.settings,
                        run_id=self.run_id,
                        lease_owner=self.worker_id,
                        held=held,
                    )
                    transition = self._count(connection, ref.platform, visit, held, transition)
            except (WarcError, StoreError):
                raise  # the disk or the database failed: stop the run, say why
            except LeaseLost as exc:
                result = CheckResult(post_id, ref.url, "skipped", "", str(exc))
            except ArchiverError as exc:
                result = CheckResult(post_id, ref.url, "error", "", str(exc))
            else:
                if transition is not None:
                    self.report.transitions.append(transition)
                result = CheckResult(post_id, stored.url, outcome.value, stored.status.value)
                await self.context.follow(post_id, visit)
        self.report.results.append(result)
        if self.progress:
            self.progress(result)

    def _count(
        self,
        connection: Connection,
        platform: str,
        visit: Visit,
        held: str,
        transition: Transition | None,
    ) -> Transition | None:
        """Count an answer for the platform's guards; when one trips, hold this run's gone-type
        answers of that platform (this one included) and drop the transitions they made."""
        health = self.monitor.of(platform)
        if held and visit.outcome.kind is OutcomeKind.GONE:
            health.held += 1
        main = visit.main_record.record_id if visit.main_record else None
        tripped = self.monitor.after_check(
            platform, visit.outcome, visit.classification.anomaly, main
        )
        if not tripped or self.run_id is None:
            return transition
        observations, posts = hold_run(connection, self.run_id, platform, tripped, self.settings)
        health.held += len(observations)
        self._held_posts.update(posts)
        self.report.transitions = [t for t in self.report.transitions if t.post_id not in posts]
        self._holds.append((platform, tripped, observations))
        return None if transition is not None and transition.post_id in posts else transition


def refresh_statuses(store: Store, results: list[CheckResult], held: set[int]) -> None:
    """Posts whose answers were held after the fact: their results give their state as it is."""
    statuses = post_statuses(store, sorted(held))
    for result in results:
        if result.post_id in statuses:
            result.status = statuses[result.post_id]


def _changed(visit: Visit, known: KnownContent | None) -> bool:
    data = visit.data
    return (
        visit.outcome.kind is OutcomeKind.ALIVE
        and data is not None
        and data.has_content()
        and known is not None
        and known.edited_by(data)
    )


def _merge(check: Visit, capture: Visit) -> Visit:
    capture.records = check.records + capture.records
    capture.attempts = check.attempts + capture.attempts
    capture.started_at = check.started_at
    # The check already wrote the new payload in full; the capture's copy is a revisit.
    capture.main_record = main_record(capture.ref, capture.records)
    if capture.outcome.kind is not OutcomeKind.ALIVE:
        # The post vanished between the two looks: keep what the check saw, and all records.
        check.records = capture.records
        return check
    return capture


async def recheck_async(
    settings: Settings,
    store: Store,
    post_ids: Sequence[int] | None = None,
    check_all: bool = False,
    transport: Transport | None = None,
    clock: Callable[[], datetime] = utcnow,
    progress: Progress | None = None,
    wait: bool = False,
    on_start: Callable[[int], None] | None = None,
    notice: Callable[[str], None] | None = None,
) -> RecheckReport:
    """Check the due posts (or ``post_ids``, or every post with ``check_all``) once.

    ``on_start`` is called with the number of posts to check once the run lock
    is held, ``progress`` after each check.
    """
    lock = RunLock(settings.home)
    lock.acquire(wait=wait)
    try:
        repairs = await asyncio.to_thread(repair_and_log, store, clock)
        now = clock()
        if post_ids is None:
            post_ids = all_post_ids(store) if check_all else due_post_ids(store, now)
        run_id = start_run(store, "recheck", now)
        processes = processes_for(
            settings, len(post_ids), own_network=transport is None and clock is utcnow
        )
        if processes > 1:
            report = await _recheck_in_processes(
                settings, store, post_ids, run_id, processes, now, progress, on_start
            )
        else:
            if on_start:
                on_start(len(post_ids))
            async with open_run(
                settings, store, transport=transport, clock=clock, notice=notice
            ) as observer:
                checker = Rechecker(settings, store, observer, run_id, progress, clock=clock)
                await checker.check_all(post_ids)
            report = checker.report
        report.repairs = repairs
        finish_run(store, run_id, clock(), len(report.results), run_summary(report))
        log(store, "recheck", {"run": run_id}, custody_summary(report), clock())
    finally:
        lock.release()
    if settings.webhook_url:
        report.webhook_errors = await notify(settings.webhook_url, report)
    return report


async def _recheck_in_processes(
    settings: Settings,
    store: Store,
    post_ids: Sequence[int],
    run_id: int,
    processes: int,
    now: datetime,
    progress: Progress | None,
    on_start: Callable[[int], None] | None,
) -> RecheckReport:
    """The run's posts leased to it and shared by ``processes`` child processes (issue 18)."""
    from archiver.runs import processes as spread  # built on this module

    tag = run_tag(run_id)
    try:
        leased = lease_to_run(store, tag, post_ids, now, settings.lease_seconds)
        if on_start:
            on_start(len(leased))
        report = await spread.check_in_processes(settings, store, run_id, tag, processes, progress)
        report.processes = processes
        await spread.finish_leftovers(settings, store, report, run_id, tag, progress)
        spread.hold_degraded(settings, store, report, run_id)
    finally:
        release_run(store, tag)
    # The children left their sealed files to be stamped here, once.
    await stamp_pending(settings, store)
    return report


def custody_summary(report: RecheckReport) -> dict[str, object]:
    """What the custody log says of a recheck run: counts, and the posts that changed state."""
    return {
        "checked": len(report.results),
        "outcomes": report.outcomes,
        "transitions": [t.as_json() for t in report.transitions],
    }


def run_summary(report: RecheckReport) -> dict[str, object]:
    """What a run did, as the run's row keeps it (the report's header reads its health)."""
    return {
        "outcomes": report.outcomes,
        "transitions": [t.as_json() for t in report.transitions],
        "platform_health": report.platform_health,
    }


def webhook_events(report: RecheckReport, at: datetime) -> list[dict[str, object]]:
    """What the webhook is told: each degraded platform, then each vanished or restored post."""
    events: list[dict[str, object]] = [
        {
            "event": "platform_degraded",
            "platform": platform,
            "reason": reason,
            "run": report.run_id,
            "at": iso(at),
        }
        for platform, reason in sorted(report.degraded.items())
    ]
    events += [{"event": f"post.{t.after.value}", **t.as_json()} for t in report.transitions]
    return events


async def notify(url: str, report: RecheckReport) -> list[str]:
    """Tell the user's webhook what the run found; failures are reported, not fatal."""
    return await post_events(url, webhook_events(report, utcnow()))


def recheck(settings: Settings, store: Store, **kwargs) -> RecheckReport:
    return asyncio.run(recheck_async(settings, store, **kwargs))
