"""The bounded window of jobs behind capture and recheck runs."""

from __future__ import annotations

import asyncio
import gc

import pytest

from archiver.runs.window import run_windowed


def test_at_most_window_jobs_run_at_once_and_all_finish():
    running, peak, finished = 0, 0, []

    async def job(n: int) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.001 * (n % 3))
        running -= 1
        finished.append(n)

    asyncio.run(run_windowed((job(n) for n in range(50)), 4))
    assert sorted(finished) == list(range(50))
    assert peak == 4


def test_jobs_are_read_lazily():
    made = []

    def jobs():
        for n in range(100):
            made.append(n)
            yield asyncio.sleep(0)

    async def main() -> None:
        await run_windowed(jobs(), 5)

    asyncio.run(main())
    assert made == list(range(100))


def test_the_first_failure_stops_the_run_and_cancels_the_jobs_in_flight(caplog):
    cancelled, started = [], []

    async def job(n: int) -> None:
        started.append(n)
        if n in (3, 4):
            await asyncio.sleep(0.01)
            raise OSError(28, f"No space left on device ({n})")
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.append(n)
            raise

    with pytest.raises(OSError, match="No space left"):
        asyncio.run(run_windowed((job(n) for n in range(100)), 8))
    assert len(started) == 8  # nothing new started after the failure
    assert sorted(cancelled) == [0, 1, 2, 5, 6, 7]
    gc.collect()
    # every exception was read: asyncio logs nothing about exceptions nobody retrieved
    assert "never retrieved" not in caplog.text


def test_an_empty_batch_is_fine():
    asyncio.run(run_windowed(iter(()), 3))
