"""Running many jobs concurrently with a bounded number in flight.

Capture and recheck runs read their inputs lazily (a seed list or the due posts of
a million-post archive) and keep only a window of tasks alive, so memory does not
grow with the batch. A job that fails with an exception — the disk or the database
failed; per-post problems are results, not exceptions — stops the run: the jobs in
flight are cancelled and awaited, so none is left running or with an exception
nobody read, and the first error is raised.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable


async def run_windowed(jobs: Iterable[Awaitable[object]], window: int) -> None:
    """Await every job of ``jobs`` (read lazily), at most ``window`` at a time."""
    window = max(window, 1)
    pending: set[asyncio.Future] = set()
    try:
        for job in jobs:
            pending.add(asyncio.ensure_future(job))
            if len(pending) >= window:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                _raise_first(done)
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_EXCEPTION)
            _raise_first(done)
    except BaseException:
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        raise


def _raise_first(done: set[asyncio.Future]) -> None:
    # Read every finished job's exception (asyncio warns about unread ones), raise the first.
    errors = [task.exception() for task in done if not task.cancelled()]
    first = next((error for error in errors if error is not None), None)
    if first is not None:
        raise first
