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
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Iterable, Sequence

import httpx
from sqlmodel import col, select

from .config import Settings
from .errors import ArchiverError, LeaseLost, StoreError, WarcError
from .fetcher import utcnow
from .observe import Observer, Visit, main_record
from .platforms.base import Purpose
from .repair import Repair, repair_torn_files
from .runlock import RunLock
from .session import open_run
from .status import OutcomeKind
from .store import Post, Run, Store
from .store.db import store_errors
from .store.queries import KnownContent, Transition, post_to_check, record_visit
from .window import run_windowed

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

    @property
    def outcomes(self) -> dict[str, int]:
        return dict(Counter(r.outcome for r in self.results))

    def as_json(self) -> dict[str, object]:
        return {
            "run": self.run_id,
            "checked": len(self.results),
            "outcomes": self.outcomes,
            "transitions": [t.as_json() for t in self.transitions],
            "posts": [r.__dict__ for r in self.results],
        }


def due_post_ids(store: Store, now: datetime, limit: int | None = None) -> list[int]:
    """Ids of posts whose next check is due, oldest due first (uses ix_post_due)."""
    with store.session() as session:
        query = (select(Post.id).where(col(Post.next_check_at) <= now)
                 .order_by(col(Post.next_check_at)))
        if limit:
            query = query.limit(limit)
        return list(session.exec(query))


class Rechecker:
    def __init__(self, settings: Settings, store: Store, observer: Observer, run_id: int | None,
                 progress: Progress | None = None, worker_id: str | None = None):
        self.worker_id = worker_id
        self.settings = settings
        self.store = store
        self.observer = observer
        self.run_id = run_id
        self.progress = progress
        self.report = RecheckReport(run_id=run_id)
        self._limit = asyncio.Semaphore(max(settings.concurrency, 1))

    async def check_all(self, post_ids: Iterable[int]) -> None:
        # Bounded fan-out: a window of tasks, not one task per post of a million.
        await run_windowed((self._check(post_id) for post_id in post_ids), self.settings.concurrency * 4)

    async def _check(self, post_id: int) -> None:
        async with self._limit:
            with self.store.engine.connect() as connection:
                target = post_to_check(connection, post_id)
            if target is None:
                return
            ref, known = target
            try:
                visit = await self.observer.visit(ref, Purpose.CHECK)
                if _changed(visit, known):
                    # Edited: take everything again so the new version is archived in full.
                    visit = _merge(visit, await self.observer.visit(ref, Purpose.CAPTURE))
                await asyncio.to_thread(self.observer.writer.sync)
                with store_errors(), self.store.writing() as connection:
                    stored, outcome, transition = record_visit(
                        connection, visit, "recheck", self.settings, run_id=self.run_id,
                        lease_owner=self.worker_id)
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
        self.report.results.append(result)
        if self.progress:
            self.progress(result)


def _changed(visit: Visit, known: KnownContent | None) -> bool:
    data = visit.data
    return (visit.outcome.kind is OutcomeKind.ALIVE and data is not None and data.has_content()
            and known is not None and known.edited_by(data))


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
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Callable[[], datetime] = utcnow,
    progress: Progress | None = None,
    wait: bool = False,
    on_start: Callable[[int], None] | None = None,
) -> RecheckReport:
    """Check the due posts (or ``post_ids``, or every post with ``check_all``) once.

    ``on_start`` is called with the number of posts to check once the run lock
    is held, ``progress`` after each check.
    """
    lock = RunLock(settings.home)
    lock.acquire(wait=wait)
    try:
        repairs = await asyncio.to_thread(repair_torn_files, store)
        now = clock()
        if post_ids is None:
            if check_all:
                with store.session() as session:
                    post_ids = list(session.exec(select(Post.id).order_by(col(Post.id))))
            else:
                post_ids = due_post_ids(store, now)
        with store.session(write=True) as session:
            run = Run(kind="recheck", started_at=now)
            session.add(run)
            session.commit()
            run_id = run.id
        if on_start:
            on_start(len(post_ids))
        async with open_run(settings, store, transport=transport, clock=clock) as observer:
            checker = Rechecker(settings, store, observer, run_id, progress)
            await checker.check_all(post_ids)
        report = checker.report
        report.repairs = repairs
        with store.session(write=True) as session:
            run = session.get(Run, run_id)
            run.finished_at = clock()
            run.checked = len(report.results)
            run.summary_json = json.dumps({"outcomes": report.outcomes,
                                           "transitions": [t.as_json() for t in report.transitions]})
            session.add(run)
            session.commit()
    finally:
        lock.release()
    if settings.webhook_url and report.transitions:
        report.webhook_errors = await notify(settings.webhook_url, report.transitions)
    return report


async def notify(url: str, transitions: Sequence[Transition]) -> list[str]:
    """POST each transition as JSON to the user's webhook. Failures are reported, not fatal."""
    errors = []
    async with httpx.AsyncClient(timeout=10) as client:
        for transition in transitions:
            body = {"event": f"post.{transition.after.value}", **transition.as_json()}
            try:
                response = await client.post(url, json=body)
                if response.status_code >= 400:
                    errors.append(f"webhook answered HTTP {response.status_code}")
            except httpx.HTTPError as exc:
                errors.append(f"webhook failed: {type(exc).__name__}: {exc}")
    return errors


def recheck(settings: Settings, store: Store, **kwargs) -> RecheckReport:
    return asyncio.run(recheck_async(settings, store, **kwargs))
