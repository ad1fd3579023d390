"""Recording what was done to the archive in its custody log (`archiver.store.custody`).

Every command that acts on the archive says so here: runs, stamps, repairs, exports,
exhibits, verifications. A reading command on an archive that cannot be written (a copy on
read-only media) records nothing and says so; it never fails for it.
"""

from __future__ import annotations

import dataclasses
import getpass
import os
import socket
from collections.abc import Callable
from datetime import datetime

from archiver.errors import ArchiverError
from archiver.store import Store, database_failure
from archiver.store.custody import append
from archiver.store.db import store_errors
from archiver.warc.repair import Repair, repair_torn_files


def actor(worker_id: str | None = None) -> str:
    """Who acts: the user and the machine, and the worker or the process."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid())
    return f"{user}@{socket.gethostname()} ({worker_id or f'pid {os.getpid()}'})"


def log(
    store: Store,
    action: str,
    subject: dict[str, object],
    detail: dict[str, object],
    at: datetime,
    worker_id: str | None = None,
) -> str:
    """Append an entry; "" when it is written, else why not (a read-only archive)."""
    writable = store
    try:
        if store.readonly:
            writable = Store(store.settings)
        with store_errors(), writable.writing() as connection:
            append(
                connection,
                action,
                actor(worker_id),
                subject,
                detail,
                at,
                postgres=not writable.is_sqlite,
            )
        return ""
    except (ArchiverError, OSError) as exc:
        return f"the custody log was not written ({exc})"
    except Exception as exc:
        failure = database_failure(exc)
        if failure is None:
            raise
        return f"the custody log was not written ({failure})"
    finally:
        if writable is not store:
            writable.close()


def repair_and_log(store: Store, clock: Callable[[], datetime]) -> list[Repair]:
    """Cut the torn tails interrupted runs left (`archiver.warc.repair`), and log each cut."""
    repairs = repair_torn_files(store)
    if repairs:
        log(
            store,
            "repair",
            {"files": sorted({r.warc_file for r in repairs})},
            {"repairs": [dataclasses.asdict(r) for r in repairs]},
            clock(),
        )
    return repairs
