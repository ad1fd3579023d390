"""Capture: recognise each input, take everything a logged-out client gets, store it.

Each post goes plan → fetch → WARC → parse → database. The WARC is fsynced
before the database row naming its records is committed, so a crash never
leaves the database pointing at bytes that are not on disk. A bad input is
reported and skipped; the rest of the batch still runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain, islice

from archiver import platforms
from archiver.config import Settings
from archiver.core.status import Outcome, OutcomeKind, PostState
from archiver.errors import ArchiverError, InputError, StoreError, WarcError
from archiver.net.fetcher import Transport, utcnow
from archiver.net.politeness import rewrite_url
from archiver.platforms.base import PostRef, Purpose
from archiver.runs.children import most_processes, processes_for
from archiver.runs.context import ContextCapture, ContextFollower
from archiver.runs.custody import log, repair_and_log
from archiver.runs.observe import Observer, Visit
from archiver.runs.seeds import post_links
from archiver.runs.session import open_run
from archiver.runs.stamping import stamp_pending
from archiver.runs.window import run_windowed
from archiver.store import Store
from archiver.store.db import store_errors
from archiver.store.models import row_id
from archiver.store.runs import finish_run, start_run
from archiver.store.visits import Transition, record_visit
from archiver.warc.repair import Repair

Progress = Callable[["CaptureItem"], None]
MAX_ITEMS = 10_000


@dataclass
class CaptureItem:
    """What became of one input."""

    input: str
    ok: bool
    message: str
    post_id: int | None = None
    ref: str | None = None
    outcome: str | None = None
    url: str | None = None
    # Captured as the context of another post of the run (issue 16): its id and the relation.
    context_of: dict[str, object] | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "input": self.input,
            "ok": self.ok,
            "message": self.message,
            "id": self.post_id,
            "ref": self.ref,
            "outcome": self.outcome,
            "url": self.url,
            "context_of": self.context_of,
        }


@dataclass
class CaptureReport:
    """What a capture run did. Counts are exact; ``items`` keeps the first `MAX_ITEMS`
    (a seed list of millions of lines must not hold millions of results in memory)."""

    items: list[CaptureItem] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    captured_count: int = 0
    failed_count: int = 0
    custody_note: str = ""  # why the custody log was not written, if it was not
    processes: int = 1  # how many processes captured the posts (issue 18)
    notes: list[str] = field(default_factory=list)  # said once: no browser for pictures…

    def add(self, item: CaptureItem) -> None:
        if item.ok:
            self.captured_count += 1
        else:
            self.failed_count += 1
        if len(self.items) < MAX_ITEMS:
            self.items.append(item)

    @property
    def omitted(self) -> int:
        return self.captured_count + self.failed_count - len(self.items)

    @property
    def failed(self) -> list[CaptureItem]:
        return [i for i in self.items if not i.ok]

    @property
    def captured(self) -> list[CaptureItem]:
        return [i for i in self.items if i.ok]


def unique_posts(
    inputs: Iterable[str], rejected: Callable[[CaptureItem], None]
) -> Iterator[tuple[str, PostRef]]:
    """Each input that names a post, with the post, the first time the post is named (the same
    post named twice is captured once); ``rejected`` is told of each input that names none."""
    seen: set[str] = set()
    for text in inputs:
        try:
            ref = platforms.recognise(text)
        except InputError as exc:
            rejected(CaptureItem(text, False, str(exc)))
            continue
        if ref.ref not in seen:
            seen.add(ref.ref)
            yield text, ref


class Capturer:
    """Captures posts with one observer and stores each as soon as it is done."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        observer: Observer,
        progress: Progress | None = None,
        run_id: int | None = None,
        clock: Callable[[], datetime] = utcnow,
    ):
        self.settings = settings
        self.store = store
        self.observer = observer
        self.progress = progress
        self.run_id = run_id
        self.report = CaptureReport()
        self._limit = asyncio.Semaphore(max(settings.concurrency, 1))
        self.context = ContextFollower(
            settings, store, observer, clock, run_id, done=self._context_done
        )

    def _context_done(self, item: ContextCapture) -> None:
        ok = item.post_id is not None and Outcome(item.outcome).kind is OutcomeKind.ALIVE
        self._done(
            CaptureItem(
                item.url,
                ok,
                item.message if ok else f"{item.url}: {item.outcome} ({item.message})",
                item.post_id,
                outcome=item.outcome,
                url=item.url,
                context_of={"id": item.of_post, "relation": item.relation},
            )
        )

    def _done(self, item: CaptureItem) -> None:
        self.report.add(item)
        if self.progress:
            self.progress(item)

    async def capture_inputs(self, inputs: Iterable[str]) -> None:
        """Capture each input once; read lazily, with a bounded window of posts in flight."""
        await run_windowed(self._jobs(inputs), self.settings.concurrency * 4)

    def _jobs(self, inputs: Iterable[str]) -> Iterator[Awaitable[Visit | None]]:
        for text, ref in unique_posts(inputs, self._done):
            problem = self.observer.fetcher.check_target(
                rewrite_url(ref.url, self.settings.url_rewrite)
            )
            if problem:
                self._done(CaptureItem(text, False, f"refused {ref.url}: {problem}", ref=ref.ref))
                continue
            yield self._capture_one(text, ref)

    async def capture_page(self, page_url: str) -> list[str]:
        """Capture a page, then every post it links to or embeds. Returns those URLs."""
        try:
            ref = platforms.recognise(page_url)
        except InputError as exc:
            self._done(CaptureItem(page_url, False, str(exc)))
            return []
        problem = self.observer.fetcher.check_target(
            rewrite_url(ref.url, self.settings.url_rewrite)
        )
        if problem:
            self._done(CaptureItem(page_url, False, f"refused {ref.url}: {problem}", ref=ref.ref))
            return []
        visit = await self._capture_one(page_url, ref, keep_responses=True)
        if visit is None:
            return []
        page = visit.responses.get("page")
        if page is None or page.status != 200:
            return []
        from archiver.core.pages import decode_html

        links = post_links(decode_html(page.body, page.content_type), page.final_url or page_url)
        limit = max(self.settings.max_page_posts, 0)
        if len(links) > limit:
            # A page can name any number of posts; a hostile one must not make us fetch them all.
            self._done(
                CaptureItem(
                    page_url,
                    False,
                    f"{page_url} links to {len(links)} posts, more than "
                    f"ARCHIVER_MAX_PAGE_POSTS={limit}: only the first {limit} are captured",
                )
            )
            links = links[:limit]
        await self.capture_inputs(links)
        return links

    async def _capture_one(
        self, text: str, ref: PostRef, keep_responses: bool = False
    ) -> Visit | None:
        async with self._limit:
            try:
                visit = await self.observer.visit(
                    ref, Purpose.CAPTURE, keep_responses=keep_responses
                )
                await self.observer.sync()
                if visit.ref.unresolved:
                    # A share link that named no post: its answers are in the WARC, but it is
                    # not kept as a post to recheck for ever (issue 17).
                    self._done(CaptureItem(text, False, visit.classification.note, ref=ref.ref))
                    return None
                with store_errors(), self.store.writing() as connection:
                    post, outcome, transition = record_visit(
                        connection,
                        visit,
                        "capture",
                        self.settings,
                        source_url=text,
                        run_id=self.run_id,
                    )
            except (WarcError, StoreError):
                raise  # the disk or the database failed: stop the run, say why
            except ArchiverError as exc:
                self._done(CaptureItem(text, False, f"{ref.url}: {exc}", ref=ref.ref))
                return None
        if transition:
            self.report.transitions.append(transition)
        ok = outcome.kind is OutcomeKind.ALIVE
        note = visit.classification.note
        message = (
            f"captured {post.url}"
            if ok
            else f"{post.url}: {outcome.value}" + (f" ({note})" if note else "")
        )
        if post.status is PostState.NEVER_SEEN:
            # Issue 10: kept and rechecked, but never reported as vanished until seen alive.
            message = f"never seen alive: {message}"
        self._done(CaptureItem(text, ok, message, post.id, visit.ref.ref, outcome.value, post.url))
        await self.context.follow(row_id(post), visit)
        return visit


async def capture_async(
    settings: Settings,
    store: Store,
    urls: Iterable[str] = (),
    pages: Iterable[str] = (),
    transport: Transport | None = None,
    clock: Callable[[], datetime] = utcnow,
    progress: Progress | None = None,
) -> CaptureReport:
    repairs = await asyncio.to_thread(repair_and_log, store, clock)
    run_id = await asyncio.to_thread(start_run, store, "capture", clock())
    pages = list(pages)
    urls = iter(urls)
    # The posts of a page are known only once it is read: a run with pages stays here.
    own_network = transport is None and clock is utcnow and not pages
    # Enough posts to be worth more processes (issue 18)? Read that many ahead to know.
    ahead = list(islice(urls, most_processes(settings) * settings.posts_per_process))
    processes = processes_for(settings, len(ahead), own_network)
    urls = chain(ahead, urls)
    if processes > 1:
        report = await _capture_in_processes(settings, store, urls, run_id, processes, progress)
    else:
        async with open_run(
            settings, store, transport=transport, clock=clock, pictures=True
        ) as observer:
            capturer = Capturer(settings, store, observer, progress, run_id, clock)
            if observer.picture_note:
                capturer.report.notes.append(observer.picture_note)
            for page in pages:
                await capturer.capture_page(page)
            await capturer.capture_inputs(urls)
        report = capturer.report
    report.repairs = repairs
    summary: dict[str, object] = {"captured": report.captured_count, "failed": report.failed_count}
    await asyncio.to_thread(finish_run, store, run_id, clock(), len(report.items), summary)
    report.custody_note = await asyncio.to_thread(
        log, store, "capture", {"run": run_id}, summary, clock()
    )
    return report


async def _capture_in_processes(
    settings: Settings,
    store: Store,
    urls: Iterator[str],
    run_id: int,
    processes: int,
    progress: Progress | None,
) -> CaptureReport:
    from archiver.runs import capture_spread as spread  # built on this module

    report = CaptureReport()
    unique = spread.recognised(urls, report, progress)
    left = await spread.capture_in_processes(
        settings, store, unique, run_id, processes, report, progress
    )
    if left:  # every child died: what they had not done, done here
        async with open_run(settings, store, pictures=True, stamp=False) as observer:
            capturer = Capturer(settings, store, observer, progress, run_id)
            capturer.report = report
            await capturer.capture_inputs(left)
    report.processes = processes
    await stamp_pending(settings, store)  # the children left their files to be stamped here
    return report


def capture(
    settings: Settings, store: Store, urls: Iterable[str] = (), pages: Iterable[str] = (), **kwargs
) -> CaptureReport:
    """Capture ``urls`` and the posts cited by ``pages``; see `capture_async`."""
    return asyncio.run(capture_async(settings, store, urls, pages, **kwargs))
