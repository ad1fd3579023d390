"""Child processes of a run, and the pipe they speak over (issue 18).

A child is a fresh interpreter running ``python -m archiver.runs.children KIND``
(not `multiprocessing`, whose ``spawn`` would run the caller's main script again in
each child). Parent and child exchange pickled messages, one length-prefixed frame
each: the parent's orders on the child's stdin, the child's news on its stdout. Both
ends are this program, started by itself; nothing else writes to these pipes. A child
prints nothing else on stdout (its `print`s go to stderr), and its stderr is
discarded: what went wrong reaches the parent as a message, never as a traceback.
"""

from __future__ import annotations

import asyncio
import math
import os
import pickle
import struct
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from archiver.config import Settings
from archiver.store import Store

_FRAME = struct.Struct(">I")
# The package's parent directory: children import archiver from where the parent did.
_ROOT = str(Path(__file__).resolve().parent.parent.parent)


def most_processes(settings: Settings) -> int:
    """``ARCHIVER_PROCESSES``, 0 meaning one per core."""
    return settings.processes or os.cpu_count() or 1


def processes_for(settings: Settings, posts: int, own_network: bool = True) -> int:
    """How many processes a run of ``posts`` posts uses: one per ``ARCHIVER_POSTS_PER_PROCESS``
    posts, up to ``ARCHIVER_PROCESSES`` (starting one costs about a second). A run given a
    test's transport or clock (``own_network`` false) stays in this process: a child could
    not share them."""
    if not own_network:
        return 1
    wanted = most_processes(settings)
    return max(1, min(wanted, math.ceil(posts / max(settings.posts_per_process, 1))))


class Child:
    """One child process, seen from the parent."""

    def __init__(self, name: str, process: asyncio.subprocess.Process):
        self.name = name
        self.process = process
        # Why it ended without its report ("run-7.2: OSError: …", "run-7.2 exited with code
        # -9"); empty while it runs and once it has sent its report.
        self.failure = ""

    @classmethod
    async def start(cls, kind: str, name: str) -> Child:
        path = os.pathsep.join(filter(None, [_ROOT, os.environ.get("PYTHONPATH")]))
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "archiver.runs.children",
            kind,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env=dict(os.environ, PYTHONPATH=path),
        )
        return cls(name, process)

    def send(self, message: Any) -> None:
        """Queue a message to the child (a dead child's pipe takes it silently)."""
        assert self.process.stdin is not None
        if not self.process.stdin.is_closing():
            frame = pickle.dumps(message)
            self.process.stdin.write(_FRAME.pack(len(frame)) + frame)

    def close_input(self) -> None:
        assert self.process.stdin is not None
        if not self.process.stdin.is_closing():
            self.process.stdin.close()

    async def messages(self) -> AsyncIterator[tuple[str, Any]]:
        """The child's news as ``(kind, body)`` until it exits, its report (``"done"``) last.
        A child that ends without one has its `failure` set when this ends."""
        done = False
        while (message := await _read(self.process.stdout)) is not None:
            kind, _, body = message
            if kind == "failed":
                self.failure = f"{self.name}: {body}"
                continue
            done = done or kind == "done"
            yield kind, body
        code = await self.process.wait()
        if not done and not self.failure:
            self.failure = f"{self.name} exited with code {code}"

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


async def _read(stream: asyncio.StreamReader | None) -> Any | None:
    assert stream is not None
    try:
        head = await stream.readexactly(_FRAME.size)
        return pickle.loads(await stream.readexactly(_FRAME.unpack(head)[0]))
    except asyncio.IncompleteReadError:
        return None


class Parent:
    """The pipe to the parent, seen from a child."""

    def __init__(self) -> None:
        self._out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints go to stderr
        self._in: asyncio.StreamReader | None = None

    def send(self, message: Any) -> None:
        frame = pickle.dumps(message)
        self._out.write(_FRAME.pack(len(frame)) + frame)
        self._out.flush()

    async def receive(self) -> Any | None:
        """The parent's next message; None once it closed the pipe."""
        if self._in is None:
            loop = asyncio.get_running_loop()
            reader = self._in = asyncio.StreamReader()
            await loop.connect_read_pipe(
                lambda: asyncio.StreamReaderProtocol(reader), sys.stdin.buffer
            )
        return await _read(self._in)


def serve(parent: Parent, work: Callable[..., Awaitable[Any]]) -> None:
    """A child's life: its orders (the settings, its name, what ``work`` takes besides), then
    ``await work(settings, store, name, *more)`` and its result sent back as ``("done", name,
    result)``; a failure goes back as ``("failed", name, "Error: why")`` and exit code 1."""

    async def main() -> None:
        orders = await parent.receive()
        if orders is None:
            return
        settings, name, more = orders
        store = Store(settings)
        try:
            result = await work(settings, store, name, *more)
            parent.send(("done", name, result))
        except Exception as exc:  # told to the parent as a line, never a traceback
            parent.send(("failed", name, f"{type(exc).__name__}: {exc}"))
            raise SystemExit(1) from None
        finally:
            store.close()

    asyncio.run(main())


def _main() -> None:
    kind = sys.argv[1] if len(sys.argv) > 1 else ""
    if kind == "recheck":
        from archiver.runs.processes import child_main
    elif kind == "capture":
        from archiver.runs.capture_spread import child_main
    else:
        raise SystemExit(f"unknown kind of child: {kind!r}")
    child_main(Parent())


if __name__ == "__main__":
    _main()
