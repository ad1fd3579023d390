"""Runs and the posts they take: due-post selection, worker leases, what each run did."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select

from archiver.store.db import Store
from archiver.store.leases import free, take
from archiver.store.models import Post, Run


def due_post_ids(store: Store, now: datetime, limit: int | None = None) -> list[int]:
    """Ids of posts whose next check is due, oldest due first (uses ix_post_due)."""
    with store.session() as session:
        query = (
            select(Post.id).where(col(Post.next_check_at) <= now).order_by(col(Post.next_check_at))
        )
        if limit:
            query = query.limit(limit)
        return [i for i in session.exec(query) if i is not None]


def all_post_ids(store: Store) -> list[int]:
    with store.session() as session:
        return [i for i in session.exec(select(Post.id).order_by(col(Post.id))) if i is not None]


def due_count(store: Store, now: datetime) -> int:
    """Posts due now, leased or not (a worker with --once waits for others' leases)."""
    with store.session() as session:
        return session.exec(
            select(func.count()).select_from(Post).where(col(Post.next_check_at) <= now)
        ).one()


def claim(
    store: Store, worker_id: str, now: datetime, limit: int, lease_seconds: float
) -> list[int]:
    """Lease up to ``limit`` due posts that no live lease holds; their ids (see `leases.take`)."""
    candidates = (
        select(Post.id)
        .where(col(Post.next_check_at) <= now, free(now))
        .order_by(col(Post.next_check_at))
        .limit(limit)
    )
    return take(store, candidates, worker_id, now, lease_seconds)


def post_statuses(store: Store, post_ids: list[int]) -> dict[int, str]:
    with store.session() as session:
        return {
            post.id: post.status.value
            for post in session.exec(select(Post).where(col(Post.id).in_(sorted(post_ids))))
            if post.id is not None
        }


def start_run(store: Store, kind: str, at: datetime) -> int:
    with store.session(write=True) as session:
        run = Run(kind=kind, started_at=at)
        session.add(run)
        session.commit()
        assert run.id is not None
        return run.id


def finish_run(
    store: Store, run_id: int | None, at: datetime, checked: int, summary: dict[str, object]
) -> None:
    """Record what a run did (its platforms' health included: the report's header reads it)."""
    with store.session(write=True) as session:
        run = session.get(Run, run_id)
        if run is None:
            return
        run.finished_at = at
        run.checked = checked
        run.summary_json = json.dumps(summary)
        session.add(run)
        session.commit()


def record_run(
    store: Store,
    kind: str,
    started: datetime,
    finished: datetime,
    checked: int,
    summary: dict[str, object],
) -> int | None:
    """A run recorded whole once it is over (``archiver controls``)."""
    with store.session(write=True) as session:
        run = Run(
            kind=kind,
            started_at=started,
            finished_at=finished,
            checked=checked,
            summary_json=json.dumps(summary),
        )
        session.add(run)
        session.commit()
        return run.id


def degraded_runs(
    store: Store, since: datetime | None, until: datetime | None
) -> list[tuple[Run, dict]]:
    """Runs that found a platform degraded, with their recorded platform health."""
    with store.session() as session:
        query = (
            select(Run).where(col(Run.summary_json).contains('"degraded"')).order_by(col(Run.id))
        )
        if since:
            query = query.where(col(Run.started_at) >= since)
        if until:
            query = query.where(col(Run.started_at) <= until)
        found = []
        for run in session.exec(query):
            try:
                health = json.loads(run.summary_json or "{}").get("platform_health") or {}
            except ValueError:
                continue
            found.append((run, health))
        return found


def recent_runs(store: Store, limit: int) -> list[Run]:
    """The latest runs, newest first."""
    with store.session() as session:
        return list(session.exec(select(Run).order_by(col(Run.id).desc()).limit(limit)))


def latest_health(store: Store, scan: int = 500) -> list[tuple[str, Run, dict]]:
    """Each platform's health as the latest run that checked it recorded it (among the last
    ``scan`` runs), by platform name."""
    found: dict[str, tuple[Run, dict]] = {}
    for run in recent_runs(store, scan):
        try:
            health = json.loads(run.summary_json or "{}").get("platform_health") or {}
        except ValueError:
            continue
        for name, value in health.items():
            if isinstance(value, dict) and name not in found:
                found[name] = (run, value)
    return [(name, run, value) for name, (run, value) in sorted(found.items())]


def run_json(run: Run) -> dict[str, object]:
    """A run and its figures, as `archiver serve` lists them."""
    try:
        summary = json.loads(run.summary_json or "{}")
    except ValueError:
        summary = {}
    figures: list[tuple[str, object]] = []
    for key, value in summary.items() if isinstance(summary, dict) else []:
        if key == "platform_health" and isinstance(value, dict):
            value = ", ".join(
                f"{name} {h.get('status')}" for name, h in value.items() if isinstance(h, dict)
            )
        elif key == "transitions" and isinstance(value, list):
            value = len(value)
        figures.append((key, value))
    return {
        "id": run.id,
        "kind": run.kind,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "checked": run.checked,
        "figures": figures,
    }


def next_due_at(store: Store) -> datetime | None:
    """The earliest time a post is due for a check."""
    with store.session() as session:
        return session.exec(select(func.min(Post.next_check_at))).one()
