"""One recheck run at a time per archive, safe for cron and systemd timers.

An advisory ``flock`` on ``{home}/recheck.lock``: the kernel releases it when
the process dies, however it dies, so a killed run never leaves a stale lock.
"""

from __future__ import annotations

import fcntl
import os
import time
from datetime import UTC, datetime
from pathlib import Path

from archiver.errors import RunLocked


class RunLock:
    def __init__(self, home: Path, name: str = "recheck"):
        self.path = Path(home) / f"{name}.lock"
        self._fd: int | None = None

    def acquire(self, wait: bool = False, poll: float = 0.2) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not wait:
                    holder = self._holder(fd)
                    os.close(fd)
                    raise RunLocked(
                        f"another recheck run is in progress on this archive{holder}; "
                        "this one stops (use --wait to wait for it)"
                    ) from None
                time.sleep(poll)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {datetime.now(UTC).isoformat()}\n".encode())
        self._fd = fd

    @staticmethod
    def _holder(fd: int) -> str:
        try:
            text = os.pread(fd, 200, 0).decode("ascii", "replace").split()
        except OSError:
            return ""
        return f" (pid {text[0]}, started {text[1]})" if len(text) >= 2 else ""

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
