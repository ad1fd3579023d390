"""One fsync for the looks that ask at once, never one that started before a look's records."""

from __future__ import annotations

import asyncio
import threading

import pytest

from archiver.runs.groupsync import GroupSync


def test_callers_at_once_share_one_sync_and_a_later_caller_gets_a_later_one():
    written: list[int] = []  # what was "on disk" at each sync
    pending = [0]
    started, release = threading.Event(), threading.Event()

    def sync():
        on_disk = pending[0]  # what a real fsync would cover: what was written when it began
        started.set()
        release.wait(5)
        written.append(on_disk)

    async def main():
        group = GroupSync(sync)
        pending[0] = 8
        first = [asyncio.create_task(group()) for _ in range(8)]
        await asyncio.to_thread(started.wait, 5)
        # A look whose records were written after that sync began must wait for the next.
        pending[0] = 9
        late = asyncio.create_task(group())
        release.set()
        await asyncio.gather(*first)
        assert not late.done() or written[-1] == 9
        await late
        return group.syncs

    assert asyncio.run(main()) == 2
    assert written == [8, 9]


def test_a_failed_sync_is_every_waiters_error():
    def sync():
        raise OSError(28, "No space left on device")

    async def main():
        group = GroupSync(sync)
        return await asyncio.gather(*(group() for _ in range(3)), return_exceptions=True)

    results = asyncio.run(main())
    assert len(results) == 3 and all(isinstance(r, OSError) for r in results)


def test_a_cancelled_caller_does_not_cancel_the_others_sync():
    calls = []

    def sync():
        calls.append(1)

    async def main():
        group = GroupSync(sync)
        one, two = asyncio.create_task(group()), asyncio.create_task(group())
        await asyncio.sleep(0)
        one.cancel()
        await two
        with pytest.raises(asyncio.CancelledError):
            await one

    asyncio.run(main())
    assert calls == [1]
