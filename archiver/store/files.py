"""The WARC files and records the database has on record."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import col, select

from archiver.core.status import Outcome, OutcomeKind
from archiver.store.db import Store
from archiver.store.models import Observation, Post, WarcFile, WarcRecord


def sealed_and_named(store: Store) -> tuple[set[str], set[str]]:
    """Files sealed (SHA-256 recorded), and files the database names records in."""
    with store.session() as session:
        sealed = {
            f.name for f in session.exec(select(WarcFile).where(col(WarcFile.sha256).is_not(None)))
        }
        named = set(session.exec(select(WarcRecord.warc_file).distinct()))
    return sealed, named


def file_hashes(store: Store) -> dict[str, str | None]:
    with store.session() as session:
        return {f.name: f.sha256 for f in session.exec(select(WarcFile))}


def files_and_records(store: Store) -> tuple[dict[str, WarcFile], dict[str, list[WarcRecord]]]:
    """Every file on record, and every record by file, in file order (what `verify` checks)."""
    with store.session() as session:
        files = {f.name: f for f in session.exec(select(WarcFile))}
        records: dict[str, list[WarcRecord]] = defaultdict(list)
        for rec in session.exec(
            select(WarcRecord).order_by(col(WarcRecord.warc_file), col(WarcRecord.offset))
        ):
            records[rec.warc_file].append(rec)
    return files, records


def seal(store: Store, name: str, size: int, digest: Callable[[], str]) -> WarcFile | None:
    """Record a finished file's size and SHA-256 (``digest`` computes it) unless it was sealed
    before; a file that changed since it was sealed is left for verify. The row, or None."""
    with store.session(write=True) as session:
        row = session.get(WarcFile, name) or WarcFile(name=name, created_at=datetime.now(UTC))
        if row.sha256 and row.size != size:
            return None
        if not row.sha256:
            row.size, row.sha256, row.closed_at = size, digest(), datetime.now(UTC)
            session.add(row)
            session.commit()  # the hash is on record before the file leaves
        return row


def set_location(store: Store, name: str, location: str) -> None:
    with store.session(write=True) as session:
        row = session.get(WarcFile, name)
        if row is not None:
            row.location = location
            session.add(row)
            session.commit()


@dataclass
class PostRecords:
    """A post, every record written for it (in the order written), and which of its
    observations saw it alive."""

    post: Post
    records: list[WarcRecord]
    alive_observations: set[int]

    def alive(self, record: WarcRecord) -> bool:
        return record.observation_id in self.alive_observations


def posts_and_records(store: Store, post_ids: Iterable[int] | None) -> list[PostRecords]:
    """Posts (all, or some) with every record written for them, in id order."""
    alive = [o for o in Outcome if o.kind is OutcomeKind.ALIVE]
    with store.session() as session:
        query = select(Post).order_by(col(Post.id))
        if post_ids is not None:
            query = query.where(col(Post.id).in_(list(post_ids)))
        found = []
        for post in session.exec(query):
            rows = session.exec(
                select(WarcRecord, Observation.outcome)
                .join(Observation, col(Observation.id) == col(WarcRecord.observation_id))
                .where(Observation.post_id == post.id)
                .order_by(col(WarcRecord.id))
            ).all()
            found.append(
                PostRecords(
                    post,
                    [record for record, _ in rows],
                    {
                        r.observation_id
                        for r, outcome in rows
                        if outcome in alive and r.observation_id
                    },
                )
            )
    return found


def originals_of(store: Store, revisits: Iterable[WarcRecord]) -> list[WarcRecord]:
    """The responses revisit records repeat: the latest earlier response of the same URL with
    the same payload digest (WARC/1.1 6.7.2, "identical payload digest")."""
    found: dict[int, WarcRecord] = {}
    with store.session() as session:
        for revisit in revisits:
            original = session.exec(
                select(WarcRecord)
                .where(
                    WarcRecord.target_uri == revisit.target_uri,
                    WarcRecord.payload_digest == revisit.payload_digest,
                    WarcRecord.warc_type == "response",
                    col(WarcRecord.id) < (revisit.id or 0),
                )
                .order_by(col(WarcRecord.id).desc())
                .limit(1)
            ).first()
            if original is not None and original.id is not None:
                found[original.id] = original
    return list(found.values())


def media_records(store: Store, post_id: int | None) -> list[WarcRecord]:
    """Full responses of a post's media, newest first."""
    with store.session() as session:
        return list(
            session.exec(
                select(WarcRecord)
                .join(Observation, col(Observation.id) == col(WarcRecord.observation_id))
                .where(
                    Observation.post_id == post_id,
                    col(WarcRecord.role).startswith("media:"),
                    WarcRecord.warc_type == "response",
                )
                .order_by(col(WarcRecord.id).desc())
            )
        )
