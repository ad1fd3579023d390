"""Reading posts and their observations. Every function takes a `Session`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from sqlmodel import Session, col, func, select

from archiver.core.status import Outcome, PostState
from archiver.errors import InputError, UnsupportedURL
from archiver.platforms import recognise
from archiver.platforms.base import PostRef
from archiver.store.models import Observation, Post, WarcRecord, row_id


def get_post_by_ref(session: Session, ref: PostRef) -> Post | None:
    return session.exec(
        select(Post).where(Post.platform == ref.platform, Post.post_key == ref.key)
    ).first()


def find_post(session: Session, text: str) -> Post | None:
    """A post by internal id, ``platform:key``, ``platform:id``, or any recognised URL."""
    text = text.strip()
    if text.isdigit():
        return session.get(Post, int(text))
    platform, _, key = text.partition(":")
    # ``platform:key``; keys may hold "://" themselves (a page's URL, an at:// URI).
    if key and platform.isalpha() and platform.lower() not in ("http", "https", "at"):
        found = session.exec(
            select(Post).where(Post.platform == platform, Post.post_key == key)
        ).first()
        if found is None and key and ":" not in key:
            # ``platform:123``: the platform's own id, as `show --json` prints it in ``post_id``.
            found = session.exec(
                select(Post)
                .where(Post.platform == platform, col(Post.post_key).endswith(":" + key))
                .order_by(col(Post.id))
            ).first()
        return found
    try:
        ref = recognise(text)
    except UnsupportedURL as exc:
        raise InputError(f"not a post id or URL: {exc}") from None
    return get_post_by_ref(session, ref)


def post_ids_of(session: Session, texts: Iterable[str]) -> list[int]:
    """Internal ids of the posts named (by id, URL or ``platform:key``); InputError if unknown."""
    ids = []
    for text in texts:
        found = find_post(session, text)
        if found is None:
            raise InputError(f"no such post in the archive: {text}")
        ids.append(row_id(found))
    return ids


def iter_posts(
    session: Session,
    status: PostState | None = None,
    platform: str | None = None,
    batch: int = 1000,
) -> Iterator[Post]:
    """Posts in id order, fetched in batches so memory stays flat."""
    last = 0
    while True:
        query = select(Post).where(col(Post.id) > last)
        if status is not None:
            query = query.where(Post.status == status)
        if platform:
            query = query.where(Post.platform == platform)
        rows = session.exec(query.order_by(col(Post.id)).limit(batch)).all()
        if not rows:
            return
        yield from rows
        last = row_id(rows[-1])


def observations_of(session: Session, post_id: int) -> list[Observation]:
    return list(
        session.exec(
            select(Observation)
            .where(Observation.post_id == post_id)
            .order_by(col(Observation.observed_at), col(Observation.id))
        )
    )


def captures_of(session: Session, post_id: int) -> list[tuple[Observation, WarcRecord]]:
    """The archived versions: observations that saw the post and hold its main response in full."""
    rows = session.exec(
        select(Observation, WarcRecord)
        .join(WarcRecord, col(WarcRecord.id) == col(Observation.main_record_id))
        .where(
            Observation.post_id == post_id,
            WarcRecord.warc_type == "response",
            col(Observation.outcome).in_([Outcome.ALIVE, Outcome.EDITED]),
        )
        .order_by(col(Observation.observed_at))
    )
    return list(rows)


def count_posts(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Post)).one()


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def status_counts(session: Session) -> dict[str, int]:
    rows = session.exec(select(Post.status, func.count()).group_by(Post.status))
    return {PostState(state).value: n for state, n in rows}


def records_of(session: Session, observation_id: int | None) -> list[WarcRecord]:
    """The WARC records an observation wrote, in the order written."""
    return list(
        session.exec(
            select(WarcRecord)
            .where(WarcRecord.observation_id == observation_id)
            .order_by(col(WarcRecord.id))
        )
    )


def latest_view(session: Session, post_id: int) -> WarcRecord | None:
    """The post's newest readable view (issue 14); views are written only by looks that saw
    the post alive."""
    return latest_record(session, post_id, "view")


def latest_record(session: Session, post_id: int, role: str) -> WarcRecord | None:
    """The newest record of a post in ``role`` (its view, its picture)."""
    return session.exec(
        select(WarcRecord)
        .join(Observation, col(Observation.id) == col(WarcRecord.observation_id))
        .where(Observation.post_id == post_id, WarcRecord.role == role)
        .order_by(col(WarcRecord.id).desc())
        .limit(1)
    ).first()


def records_of_post(session: Session, post_id: int) -> list[WarcRecord]:
    """Every record written for a post, in the order written."""
    return list(
        session.exec(
            select(WarcRecord)
            .join(Observation, col(Observation.id) == col(WarcRecord.observation_id))
            .where(Observation.post_id == post_id)
            .order_by(col(WarcRecord.id))
        )
    )
