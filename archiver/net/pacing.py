"""Politeness shared by every process of a machine working on one archive (issue 18).

`HostGate` paces one process. When a run spreads over several processes (or several
`worker` processes share the workload), each would pace itself and a platform would see
N times the configured rate. `SharedHostGate` keeps each host's pace in a small file
under the archive (``{home}/pacing/``), so the processes of one machine share it:

* the next start and the back-off of each host: two floats, read and written under an
  exclusive ``flock`` held for a few system calls. The times are the wall clock's
  (``time.time()``): the same in every process and after a reboot, when a monotonic
  clock starts again from zero. A back-off a server asked for (``Retry-After``) so
  outlasts the run that was told, and the next run honours it too;
* how many requests a host has at once: ``ARCHIVER_PER_HOST_CONCURRENCY`` slot files,
  each held with a non-blocking ``flock`` while a request is out. The kernel drops a
  lock when its process dies, so a killed process never keeps a slot.

File names are a hash of the host: a host comes from the network and is never a path.
Processes on other machines are not counted: each machine paces itself.
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import os
import struct
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

_PACE = struct.Struct("<dd")  # next start, blocked until (seconds since the epoch)
# How long to wait before trying the slots again when all are out: short against a
# round trip, long enough not to spin.
_SLOT_POLL = 0.005


class SharedHostGate:
    """A `HostGate` whose pace and slots are shared through files in ``directory``."""

    def __init__(
        self,
        directory: Path,
        per_host: int,
        delay: float,
        now: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ):
        self._directory = Path(directory)
        self._directory.mkdir(parents=True, exist_ok=True)
        self._per_host = max(per_host, 1)
        self._delay = max(delay, 0.0)
        self._now = now
        self._sleep = sleep
        self._pace: dict[str, int] = {}  # host → fd of its pace file
        self._slots: dict[str, list[int]] = {}  # host → fds of its slot files
        self._free: dict[str, list[int]] = {}  # slot fds this process is not using
        self._local: dict[str, asyncio.Semaphore] = {}

    def _name(self, host: str) -> str:
        return hashlib.sha256(host.encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def _open(self, name: str) -> int:
        return os.open(self._directory / name, os.O_RDWR | os.O_CREAT, 0o600)

    def _pace_fd(self, host: str) -> int:
        if host not in self._pace:
            self._pace[host] = self._open(f"{self._name(host)}.pace")
        return self._pace[host]

    def semaphore(self, host: str):
        """An async context manager holding one of the host's slots, shared by all processes."""
        return self._slot(host)

    @asynccontextmanager
    async def _slot(self, host: str) -> AsyncIterator[None]:
        if host not in self._slots:
            fds = [self._open(f"{self._name(host)}.{n}.slot") for n in range(self._per_host)]
            self._slots[host], self._free[host] = fds, list(fds)
            self._local[host] = asyncio.Semaphore(self._per_host)
        # This process's own requests queue here first: no polling for a slot it holds itself.
        async with self._local[host]:
            fd = await self._take(host)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
                self._free[host].append(fd)

    async def _take(self, host: str) -> int:
        while True:
            for fd in self._free[host]:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # another process has this one
                self._free[host].remove(fd)
                return fd
            await self._sleep(_SLOT_POLL)

    def _update(self, host: str, change: Callable[[float, float], tuple[float, float]]):
        fd = self._pace_fd(host)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            raw = os.pread(fd, _PACE.size, 0)
            next_start, blocked = _PACE.unpack(raw) if len(raw) == _PACE.size else (0.0, 0.0)
            next_start, blocked = change(next_start, blocked)
            os.pwrite(fd, _PACE.pack(next_start, blocked), 0)
            return next_start, blocked
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    async def wait_turn(self, host: str, max_wait: float) -> bool:
        """Wait for this host's turn; False, at once, if backed off longer than ``max_wait``."""
        now = self._now()
        start = now
        refused = False

        def take(next_start: float, blocked: float) -> tuple[float, float]:
            nonlocal start, refused
            if blocked - now > max_wait:
                refused = True
                return next_start, blocked
            start = max(now, next_start, blocked)
            return start + self._delay, blocked

        self._update(host, take)
        if refused:
            return False
        if start > now:
            await self._sleep(start - now)
        return True

    def back_off(self, host: str, seconds: float) -> None:
        until = self._now() + seconds
        self._update(host, lambda next_start, blocked: (next_start, max(blocked, until)))

    def close(self) -> None:
        for fd in [*self._pace.values(), *(fd for fds in self._slots.values() for fd in fds)]:
            os.close(fd)
        self._pace, self._slots, self._free = {}, {}, {}
