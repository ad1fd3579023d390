"""The custody log (issue 15): every action on the archive, appended to a hash chain.

Each entry's ``sha256`` is the SHA-256 of the UTF-8 JSON of ``{"seq", "at", "action",
"actor", "subject", "detail", "prev_sha256"}`` (keys sorted, no spaces, non-ASCII kept as it
is), and ``prev_sha256`` is the hash of the entry before it (64 zeros for the first): an entry
changed, removed or inserted afterwards breaks every hash after it. ``seq`` is unique, so two
writers can never both extend the same entry.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from sqlalchemy import Connection, text
from sqlalchemy import select as sa_select
from sqlmodel import SQLModel, col, select

from archiver.store.db import Store
from archiver.store.models import CustodyEntry

GENESIS = "0" * 64
_CUSTODY = SQLModel.metadata.tables["custody"]


def entry_hash(entry: dict[str, object]) -> str:
    canonical = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def stamp_text(at: datetime) -> str:
    """A time as the log writes it: UTC, to the microsecond, ``Z``."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def body_of(row: CustodyEntry | dict[str, object]) -> dict[str, object]:
    """What an entry's hash covers."""
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return {
        "seq": get("seq"),
        "at": stamp_text(get("at")),  # type: ignore[arg-type]
        "action": get("action"),
        "actor": get("actor"),
        "subject": json.loads(get("subject_json") or "{}"),  # type: ignore[arg-type]
        "detail": json.loads(get("detail_json") or "{}"),  # type: ignore[arg-type]
        "prev_sha256": get("prev_sha256"),
    }


def append(
    connection: Connection,
    action: str,
    actor: str,
    subject: dict[str, object],
    detail: dict[str, object],
    at: datetime,
    postgres: bool = False,
) -> tuple[int, str]:
    """Append one entry in the caller's write transaction; its seq and hash."""
    if postgres:
        # One writer at a time extends the chain (SQLite's write lock does this already).
        connection.execute(text("SELECT pg_advisory_xact_lock(3161)"))
    last = connection.execute(
        sa_select(_CUSTODY.c.seq, _CUSTODY.c.sha256).order_by(_CUSTODY.c.seq.desc()).limit(1)
    ).first()
    seq = (last.seq + 1) if last else 1
    row: dict[str, object] = {
        "seq": seq,
        "at": at.astimezone(UTC),
        "action": action,
        "actor": actor,
        "subject_json": json.dumps(subject, sort_keys=True, ensure_ascii=False),
        "detail_json": json.dumps(detail, sort_keys=True, ensure_ascii=False, default=str),
        "prev_sha256": last.sha256 if last else GENESIS,
    }
    digest = entry_hash(body_of(row))
    connection.execute(_CUSTODY.insert(), {**row, "sha256": digest})
    return seq, digest


def check_chain(store: Store) -> tuple[int, list[str]]:
    """The entries checked, and what is wrong with the chain (nothing, if it holds)."""
    problems: list[str] = []
    previous = GENESIS
    count = 0
    with store.session() as session:
        for row in session.exec(select(CustodyEntry).order_by(col(CustodyEntry.seq))):
            count += 1
            if row.seq != count:
                problems.append(f"entry {count} is missing (the next is {row.seq})")
                count = row.seq
            if row.prev_sha256 != previous:
                problems.append(f"entry {row.seq} does not follow the entry before it")
            if entry_hash(body_of(row)) != row.sha256:
                problems.append(f"entry {row.seq} was changed after it was written")
            previous = row.sha256
    return count, problems


def entries(store: Store) -> list[CustodyEntry]:
    with store.session() as session:
        return list(session.exec(select(CustodyEntry).order_by(col(CustodyEntry.seq))))
