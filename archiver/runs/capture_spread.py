"""A capture run spread over the machine's cores (issue 18, ``ARCHIVER_PROCESSES``).

Posts to capture are not in the database yet, so there is nothing to lease: the parent
reads the inputs (lazily: a seed list may have millions of lines), recognises each and
drops the ones naming a post already given, and hands them to its child processes a
batch at a time as each keeps up (a child has at most two batches waiting). It keeps
which inputs each child has not answered for: if a child dies, those go to the others,
and what no child is left to take, the parent captures itself. Each child captures with
its own fetcher, WARC files and browser, and stores each post as soon as it has it.
Each host's pace is shared by all of them (`net.pacing`).
"""

from __future__ import annotations

import asyncio
import functools
from collections import Counter, deque
from collections.abc import Iterable, Iterator

from archiver.config import Settings
from archiver.net.fetcher import utcnow
from archiver.runs.capture import (
    CaptureItem,
    Capturer,
    CaptureReport,
    Progress,
    unique_posts,
)
from archiver.runs.children import Child, Parent, serve
from archiver.runs.session import new_writer, open_run
from archiver.store import Store


def child_main(parent: Parent) -> None:
    """A child of a capture run: captures the batches it is sent until the pipe closes."""
    serve(parent, functools.partial(_capture_batches, parent=parent))


async def _capture_batches(
    settings: Settings, store: Store, name: str, run_id: int, *, parent: Parent
) -> CaptureReport:
    batches: asyncio.Queue[list[str] | None] = asyncio.Queue()
    workers = 2  # two batches at once: no waiting for a batch's slowest post to start the next

    async def read() -> None:
        while (message := await parent.receive()) is not None:
            await batches.put(message)
        for _ in range(workers):
            await batches.put(None)

    writer = new_writer(settings, store, utcnow, tag=name)
    async with open_run(settings, store, writer=writer, pictures=True, stamp=False) as observer:
        capturer = Capturer(
            settings, store, observer, lambda item: parent.send(("item", name, item)), run_id
        )
        if observer.picture_note:
            capturer.report.notes.append(observer.picture_note)

        async def work() -> None:
            while (batch := await batches.get()) is not None:
                await capturer.capture_inputs(batch)

        await asyncio.gather(read(), *(work() for _ in range(workers)))
    report = capturer.report
    report.items = []  # already sent one by one
    return report


def recognised(
    inputs: Iterable[str], report: CaptureReport, progress: Progress | None
) -> Iterator[str]:
    """The inputs worth sending to a child: each post once; what names none is reported here."""

    def rejected(item: CaptureItem) -> None:
        report.add(item)
        if progress:
            progress(item)

    return (text for text, _ in unique_posts(inputs, rejected))


async def capture_in_processes(
    settings: Settings,
    store: Store,
    inputs: Iterator[str],
    run_id: int,
    count: int,
    report: CaptureReport,
    progress: Progress | None = None,
) -> list[str]:
    """Capture ``inputs`` (already recognised and unique) with ``count`` children into
    ``report``; the inputs no child answered for (all of them died)."""
    batch = max(settings.concurrency * 2, 1)
    queue: deque[str] = deque()
    owed: dict[str, Counter[str]] = {}  # per child: inputs sent, not yet answered
    failures: list[str] = []
    children: list[Child] = []
    exhausted = False

    def next_batch() -> list[str]:
        nonlocal exhausted
        taken = [queue.popleft() for _ in range(min(batch, len(queue)))]
        while len(taken) < batch and not exhausted:
            text = next(inputs, None)
            if text is None:
                exhausted = True
            else:
                taken.append(text)
        return taken

    def feed(child: Child) -> None:
        # At most two batches waiting in a child: the rest stays here, for whoever is free.
        while sum(owed[child.name].values()) < 2 * batch:
            taken = next_batch()
            if not taken:
                break
            owed[child.name].update(taken)
            child.send(taken)
        if exhausted and not queue and not any(sum(o.values()) for o in owed.values()):
            for other in children:
                other.close_input()

    async def listen(child: Child) -> None:
        feed(child)
        async for kind, body in child.messages():
            if kind == "item":
                if body.context_of is None and owed[child.name][body.input] > 0:
                    owed[child.name][body.input] -= 1
                report.add(body)
                if progress:
                    progress(body)
                feed(child)
            elif kind == "done":
                report.transitions += body.transitions
                report.notes += [n for n in body.notes if n not in report.notes]
        if child.failure:
            failures.append(child.failure)
        # What it had not answered for goes to the others (or, if none is left, to the parent).
        queue.extendleft(reversed(list(owed.pop(child.name, Counter()).elements())))
        children.remove(child)
        for other in children:
            feed(other)

    try:
        for n in range(1, count + 1):
            child = await Child.start("capture", f"run-{run_id}.{n}")
            child.send((settings, child.name, (run_id,)))
            owed[child.name] = Counter()
            children.append(child)
        await asyncio.gather(*(listen(child) for child in list(children)))
    finally:
        for child in list(children):
            await child.stop()
    report.notes += [f"process {f}; its posts were captured by the others" for f in failures]
    return list(queue) + list(inputs)
