"""Many visits, one fsync: the WARC is made durable for every look that asks at once.

A look must not be stored before its records are on disk (`WarcWriter.sync`; the
database never points at bytes a crash could lose). With eight looks in flight,
syncing after each one was eight fsyncs and eight thread hand-offs where one does:
whoever asks while a sync is running waits for the *next* one (the running one may
have started before its records were written), and all who asked meanwhile share it.
The same idea as a database's group commit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class GroupSync:
    """``await group()`` returns once everything written before the call is on disk."""

    def __init__(self, sync: Callable[[], None]):
        self._sync = sync
        self._next: asyncio.Future[None] | None = None
        self._running = False
        self._task: asyncio.Task[None] | None = None  # held: a task nobody holds may be collected
        self.syncs = 0  # how many fsyncs were made (for tests and benchmarks)

    async def __call__(self) -> None:
        if self._next is None:
            self._next = asyncio.get_running_loop().create_future()
            if not self._running:
                self._running = True
                self._task = asyncio.get_running_loop().create_task(self._drain())
        # Shielded: one caller cancelled must not cancel the sync the others wait for.
        await asyncio.shield(self._next)

    async def _drain(self) -> None:
        try:
            while self._next is not None:
                waiting, self._next = self._next, None
                try:
                    await asyncio.to_thread(self._sync)
                except BaseException as exc:  # the disk failed: every waiter hears why
                    waiting.set_exception(exc)
                    # Nobody may be left awaiting it: mark it retrieved so asyncio is quiet.
                    waiting.exception()
                    if not isinstance(exc, Exception):
                        raise
                else:
                    waiting.set_result(None)
                self.syncs += 1
        finally:
            self._running = False
