"""One run's posts, shared by its processes through leases (issue 18).

A run that spreads over several processes first leases all its posts to itself
(owner ``run-{id}``); each of its processes then takes them over a batch at a
time under its own name (``run-{id}.{n}``), exactly as a `worker` claims due
posts. A post leased to a run is not free, so `worker` processes elsewhere leave
it alone while the run's lease lasts. A process of the run that dies leaves its
posts leased to it: the parent hands them back to the run (`return_to_run`), and
what is left when every process is done is checked by the parent itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Select, or_, update
from sqlmodel import col, select

from archiver.store.db import Store
from archiver.store.models import Post

# Ids per UPDATE … WHERE id IN (…): well under SQLite's 32,766 bound parameters.
_CHUNK = 1000


def run_tag(run_id: int) -> str:
    return f"run-{run_id}"


def free(now: datetime):
    """Posts no live lease holds: never leased, released, or expired."""
    return or_(col(Post.lease_until).is_(None), col(Post.lease_until) < now)


def lease_to_run(
    store: Store, tag: str, post_ids: Sequence[int], now: datetime, lease_seconds: float
) -> list[int]:
    """Lease ``post_ids`` to the run ``tag``; the ids it got (a post another worker holds is
    left to it)."""
    until = now + timedelta(seconds=lease_seconds)
    leased: list[int] = []
    with store.session(write=True) as session:
        for start in range(0, len(post_ids), _CHUNK):
            chunk = list(post_ids[start : start + _CHUNK])
            statement = (
                update(Post)
                .where(col(Post.id).in_(chunk), free(now))
                .values(lease_owner=tag, lease_until=until)
                .returning(col(Post.id))
            )
            leased += [row[0] for row in session.execute(statement)]
        session.commit()
    return sorted(leased)


def claim_from_run(
    store: Store, tag: str, worker_id: str, now: datetime, limit: int, lease_seconds: float
) -> list[int]:
    """Take up to ``limit`` of the posts still leased to the run for ``worker_id`` (an index
    on the lease owner and the id makes each take a short range scan)."""
    candidates = (
        select(Post.id).where(col(Post.lease_owner) == tag).order_by(col(Post.id)).limit(limit)
    )
    return take(store, candidates, worker_id, now, lease_seconds)


def take(store: Store, candidates: Select, owner: str, now: datetime, seconds: float) -> list[int]:
    """Lease to ``owner`` the posts ``candidates`` selects (their ids); a `worker` claim and a
    run's process taking its share both come here.

    On PostgreSQL the candidates are picked with ``SELECT … FOR UPDATE SKIP LOCKED``, so two
    takers never get the same post and neither waits for the other; on SQLite the take runs
    in an IMMEDIATE transaction, which serialises them.
    """
    if not store.is_sqlite:
        candidates = candidates.with_for_update(skip_locked=True)
    statement = (
        update(Post)
        .where(col(Post.id).in_(candidates))
        .values(lease_owner=owner, lease_until=now + timedelta(seconds=seconds))
        .returning(col(Post.id))
    )
    with store.session(write=True) as session:
        ids = [row[0] for row in session.execute(statement)]
        session.commit()
    return sorted(ids)


def return_to_run(store: Store, tag: str, worker_id: str | None = None) -> int:
    """The posts a dead process of the run still held (or, without ``worker_id``, that any of
    its processes held: all are gone), back to the run; how many."""
    held_by = (
        col(Post.lease_owner) == worker_id
        if worker_id is not None
        else col(Post.lease_owner).startswith(f"{tag}.", autoescape=True)
    )
    with store.session(write=True) as session:
        result = session.execute(update(Post).where(held_by).values(lease_owner=tag))
        session.commit()
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def left_in_run(store: Store, tag: str) -> list[int]:
    """The run's posts no process has checked yet (call `return_to_run` first)."""
    with store.session() as session:
        query = select(Post.id).where(col(Post.lease_owner) == tag).order_by(col(Post.id))
        return [i for i in session.exec(query) if i is not None]


def release_run(store: Store, tag: str) -> int:
    """Free whatever the run and its processes still hold (the run is over); how many."""
    with store.session(write=True) as session:
        result = session.execute(
            update(Post)
            .where(
                or_(
                    col(Post.lease_owner) == tag,
                    col(Post.lease_owner).startswith(f"{tag}.", autoescape=True),
                )
            )
            .values(lease_owner=None, lease_until=None)
        )
        session.commit()
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
