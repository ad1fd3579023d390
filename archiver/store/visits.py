"""Storing what a look at a post found: the post, its observation, its WARC records, its state.

Runs once or more per post of every capture and recheck, so it speaks plain SQL on a
connection in the caller's write transaction (`Store.writing`). A post's state is never
set here by hand: it is derived from its observations (`archiver.core.status`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, bindparam, select, text

from archiver.config import Settings
from archiver.core.content import content_hash, is_edit, normalise_text
from archiver.core.records import RecordRef, RevisitOf
from archiver.core.status import (
    Classification,
    ObservationPoint,
    Outcome,
    OutcomeKind,
    PostState,
)
from archiver.errors import LeaseLost
from archiver.platforms.base import PostData, PostRef
from archiver.store.models import FILES, OBSERVATIONS, POSTS, RECORDS, Post, row_id
from archiver.store.posts import iso
from archiver.store.states import (
    UPDATE_POST,
    apply_state,
    fit,
    points,
)


class WrittenRecordLike(Protocol):
    role: str
    http_status: int | None
    ref: RecordRef


class StoredVisit(Protocol):
    """What `record_visit` needs of a look at a post (`archiver.runs.observe.Visit` is one)."""

    ref: PostRef
    started_at: datetime
    classification: Classification
    data: PostData | None
    records: list  # of WrittenRecordLike
    statuses: dict[str, int | None]
    attempts: list[dict[str, object]]
    main_record: RecordRef | None
    metadata_record: RecordRef | None
    resolved_from: str | None

    @property
    def outcome(self) -> Outcome: ...


@dataclass(frozen=True)
class Transition:
    """A post changed state in a way users are told about (vanished, restored)."""

    post_id: int
    url: str
    before: PostState
    after: PostState
    reason: str | None
    at: datetime

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.post_id,
            "url": self.url,
            "from": self.before.value,
            "to": self.after.value,
            "reason": self.reason,
            "at": iso(self.at),
        }


# The statements run once or more per post of every capture and recheck, built once:
# a statement object is compiled and its cache key computed on first use only, which
# building them afresh for each post repeated (a sizeable share of a run's CPU time).
_LAST_RESPONSE = (
    select(RECORDS.c.payload_digest, RECORDS.c.record_id, RECORDS.c.recorded_at)
    .where(RECORDS.c.target_uri == bindparam("uri"), RECORDS.c.warc_type == "response")
    .order_by(RECORDS.c.id.desc())
    .limit(1)
)


_POST_BY_REF = select(POSTS).where(
    POSTS.c.platform == bindparam("platform"), POSTS.c.post_key == bindparam("key")
)


_INSERT_POST = POSTS.insert().returning(POSTS.c.id)
_NEW_POST_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


def _lock_key(platform: str, key: str) -> int:
    """A post's advisory-lock key: 64 bits of a hash of its identity, as PostgreSQL's bigint."""
    digest = hashlib.sha256(f"{platform}\0{key}".encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


_INSERT_OBSERVATION = OBSERVATIONS.insert().returning(OBSERVATIONS.c.id)


_SET_MAIN_RECORD = OBSERVATIONS.update().where(OBSERVATIONS.c.id == bindparam("row_id"))


_INSERT_RECORDS = RECORDS.insert().returning(RECORDS.c.id, sort_by_parameter_order=True)


_TO_CHECK = select(
    POSTS.c.platform,
    POSTS.c.post_key,
    POSTS.c.url,
    POSTS.c.author,
    POSTS.c.content_hash,
    POSTS.c.text,
    POSTS.c.media_json,
).where(POSTS.c.id == bindparam("post_id"))


_FILE_BY_NAME = select(FILES.c.name).where(FILES.c.name == bindparam("file_name"))


_INSERT_FILE = FILES.insert()


def last_responses(connection: Connection, uris: Iterable[str]) -> dict[str, tuple[str, RevisitOf]]:
    """The last full response recorded for each of ``uris``: its payload digest and where it is.

    Asked for every batch of responses written, so it runs on a plain connection (no ORM
    session). One indexed lookup per URI (``ix_warc_record_uri``, newest first): a GROUP BY
    over all of a URI's records would read its whole history.
    """
    found: dict[str, tuple[str, RevisitOf]] = {}
    for uri in uris:
        row = connection.execute(_LAST_RESPONSE, {"uri": uri}).first()
        if row is not None and row.payload_digest:
            found[uri] = (row.payload_digest, RevisitOf(row.record_id, uri, row.recorded_at))
    return found


def record_locations(
    connection: Connection, record_ids: Iterable[str]
) -> dict[str, tuple[str, int]]:
    """Where records are (their file and offset), by WARC-Record-ID."""
    ids = [i for i in record_ids if i]
    if not ids:
        return {}
    rows = connection.execute(
        select(RECORDS.c.record_id, RECORDS.c.warc_file, RECORDS.c.offset).where(
            RECORDS.c.record_id.in_(ids)
        )
    )
    return {row.record_id: (row.warc_file, row.offset) for row in rows}


@dataclass(frozen=True)
class KnownContent:
    """What the archive last knew a post to say: to tell an edit from the same post served anew."""

    content_hash: str
    text: str | None
    media: list[tuple[str, str]]

    def edited_by(self, data: PostData) -> bool:
        return data.content_hash() != self.content_hash and is_edit(
            self.text, self.media, data.text, data.media_pairs()
        )


def post_to_check(
    connection: Connection, post_id: int
) -> tuple[PostRef, KnownContent | None] | None:
    """What a recheck needs of a post: the reference to visit and what it last said."""
    row = connection.execute(_TO_CHECK, {"post_id": post_id}).first()
    if row is None:
        return None
    known = None
    if row.content_hash:
        known = KnownContent(row.content_hash, row.text, _media_pairs(row.media_json))
    return PostRef(row.platform, row.post_key, row.url, handle=row.author), known


def _media_pairs(media_json: str | None) -> list[tuple[str, str]]:
    try:
        items = json.loads(media_json or "[]")
    except ValueError:
        return []
    return [
        (str(m.get("key") or m.get("url", "")), str(m.get("kind", "")))
        for m in items
        if isinstance(m, dict)
    ]


def record_visit(
    connection: Connection,
    visit: StoredVisit,
    trigger: str,
    settings: Settings,
    source_url: str = "",
    run_id: int | None = None,
    lease_owner: str | None = None,
    held: str = "",
) -> tuple[Post, Outcome, Transition | None]:
    """Store a visit: the post (created or updated), its observation, its records, its state.

    Returns the post, the observation's outcome and the transition users are told about,
    if any. ``held`` names why the platform is degraded when the look was made: the
    observation is then kept but never counts towards suspect or vanished (issue 11). With
    ``lease_owner`` (a worker), the post must still be leased to that worker — otherwise
    another worker took it over and this visit is not stored
    (`LeaseLost`) — and the lease is released.

    Runs once per post of every capture and recheck, in the caller's write transaction
    (`Store.writing`), so it speaks plain SQL — the post as a detached model, INSERTs and
    an UPDATE of the columns that changed — rather than going through the ORM's session
    and unit of work, whose bookkeeping was most of the time spent here.
    """
    now = visit.started_at
    row = (
        connection.execute(_POST_BY_REF, {"platform": visit.ref.platform, "key": visit.ref.key})
        .mappings()
        .first()
    )
    if row is None and connection.dialect.name == "postgresql":
        # A post seen for the first time by two processes at once (the same quoted post, say):
        # on PostgreSQL both would find no row and one INSERT would fail. The first takes this
        # lock until it commits; the second then finds its row and updates it. (On SQLite the
        # write transaction is IMMEDIATE: writers already take turns.)
        connection.execute(_NEW_POST_LOCK, {"key": _lock_key(visit.ref.platform, visit.ref.key)})
        row = (
            connection.execute(_POST_BY_REF, {"platform": visit.ref.platform, "key": visit.ref.key})
            .mappings()
            .first()
        )
    stored: dict[str, Any] = dict(row) if row is not None else {}
    if lease_owner is not None and stored.get("lease_owner") != lease_owner:
        raise LeaseLost(
            f"{visit.ref.url}: the lease of worker {lease_owner} expired; another worker has it"
        )
    earlier: list[ObservationPoint] = []
    if not stored:
        post = Post(
            platform=visit.ref.platform,
            post_key=visit.ref.key,
            url=visit.ref.url,
            source_url=source_url or visit.resolved_from or visit.ref.url,
            author=visit.ref.handle,
            first_captured_at=now,
        )
    else:
        post = Post(**stored)
        earlier = points(connection, post.id)
        if lease_owner is not None:
            post.lease_owner = post.lease_until = None  # the check is done: the lease is released
    before = post.status
    outcome = visit.outcome
    data = visit.data
    content_hash = None
    if outcome.kind is OutcomeKind.ALIVE and data is not None and data.has_content():
        content_hash = data.content_hash()
        known = (
            KnownContent(post.content_hash, post.text, _media_pairs(post.media_json))
            if post.content_hash
            else None
        )
        edited = known is not None and known.edited_by(data)
        if edited:
            outcome = Outcome.EDITED
        _update_content(post, visit, replace_text=known is None or edited)
        post.content_hash = _content_hash(post)
        post.last_captured_at = now
    if data is not None and post.created_at is None and data.created_at is not None:
        post.created_at = data.created_at  # a time some ids carry, even when the post is gone
    if post.author is None and data is not None and data.author:
        post.author = data.author
    post.last_checked_at = now
    if trigger == "recheck":
        post.checks_done += 1
    apply_state(post, earlier + [ObservationPoint(now, outcome, bool(held))], settings)
    values = fit(
        {column.name: getattr(post, column.name) for column in POSTS.columns if column.name != "id"}
    )
    if not stored:
        post.id = connection.execute(_INSERT_POST, values).scalar_one()
    else:
        changed = {name: value for name, value in values.items() if stored.get(name) != value}
        if changed:
            connection.execute(UPDATE_POST, {"row_id": post.id, **changed})

    names = {record.ref.warc_file for record in visit.records}
    if visit.metadata_record is not None:
        names.add(visit.metadata_record.warc_file)
    for name in sorted(names):
        _ensure_file(connection, name, now)
    observation_id = connection.scalar(
        _INSERT_OBSERVATION,
        {
            "post_id": post.id,
            "observed_at": now,
            "trigger": trigger,
            "outcome": outcome,
            "evidence_json": json.dumps(
                {
                    **visit.classification.evidence(),
                    "attempts": visit.attempts,
                    **({"worker": lease_owner} if lease_owner else {}),
                    **({"held": held} if held else {}),
                }
            ),
            "statuses_json": json.dumps(visit.statuses),
            "content_hash": content_hash,
            "run_id": run_id,
            "held": bool(held),
        },
    )
    written = [(record.role, record.http_status, record.ref) for record in visit.records]
    if visit.metadata_record is not None:
        written.append(("metadata", None, visit.metadata_record))
    if written:
        ids = connection.scalars(
            _INSERT_RECORDS,
            [
                {
                    "observation_id": observation_id,
                    "role": role,
                    "warc_type": ref.warc_type,
                    "record_id": ref.record_id,
                    "target_uri": ref.target_uri,
                    "warc_file": ref.warc_file,
                    "offset": ref.offset,
                    "length": ref.length,
                    "payload_digest": ref.payload_digest,
                    "block_digest": ref.block_digest,
                    "http_status": status,
                    "recorded_at": ref.date,
                }
                for role, status, ref in written
            ],
        ).all()
        main = visit.main_record
        main_id = next(
            (
                row_id
                for row_id, (_, _, ref) in zip(ids, written, strict=True)
                if main is not None and ref.record_id == main.record_id
            ),
            None,
        )
        if main_id is not None:
            connection.execute(
                _SET_MAIN_RECORD, {"row_id": observation_id, "main_record_id": main_id}
            )
    transition = None
    if post.status != before and post.status in (PostState.VANISHED, PostState.RESTORED):
        transition = Transition(
            row_id(post),
            post.url,
            before,
            post.status,
            post.vanish_reason.value if post.vanish_reason else None,
            now,
        )
    return post, outcome, transition


def _update_content(post: Post, visit: StoredVisit, replace_text: bool) -> None:
    """Take what a capture saw. An unchanged post keeps its text unless this capture has it
    more completely (one page cuts a text short with "…" that another gives whole)."""
    data = visit.data
    assert data is not None
    post.author = data.author or post.author
    post.author_name = data.author_name or post.author_name
    if replace_text or len(normalise_text(data.text)) > len(normalise_text(post.text)):
        post.text = data.text if data.text is not None else post.text
    post.created_at = data.created_at or post.created_at
    post.lang = data.lang or post.lang
    post.media_json = json.dumps(
        [{"url": m.url, "kind": m.kind, **({"key": m.key} if m.key else {})} for m in data.media]
    )
    post.quoted_id = data.quoted_id or post.quoted_id
    post.reply_to_id = data.reply_to_id or post.reply_to_id
    if data.canonical_url:
        # A platform may know a better one (the author's handle in it).
        post.url = data.canonical_url
    links = getattr(visit, "links", None)
    if links:
        post.links_json = json.dumps(links)


def _content_hash(post: Post) -> str:
    return content_hash(post.text, _media_pairs(post.media_json))


def _ensure_file(connection: Connection, name: str, now: datetime) -> None:
    if connection.execute(_FILE_BY_NAME, {"file_name": name}).first() is None:
        connection.execute(_INSERT_FILE, {"name": name, "created_at": now})
