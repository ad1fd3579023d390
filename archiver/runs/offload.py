"""Where a write runs: on the event loop's thread when it is small, on a worker thread when not.

Measured on the recheck benchmark (issue 18): a hand-off to a worker thread and back is
two wake-ups and the GIL passed twice, more CPU than writing a few kilobytes of WARC.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

# Larger bodies (pages, media) go to a thread, so the other looks keep going meanwhile.
INLINE_BYTES = 64 * 1024
T = TypeVar("T")


async def off_loop(size: int, work: Callable[..., T], *args: object) -> T:
    """Run ``work(*args)``, on a worker thread if it has ``size`` bytes or more to write."""
    if size < INLINE_BYTES:
        return work(*args)
    return await asyncio.to_thread(work, *args)
