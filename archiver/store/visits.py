"""Storing what a look at a post found: the post, its observation, its WARC records, its state.

Runs once or more per post of every capture and recheck, so it speaks plain SQL on a
connection in the caller's write transaction (`Store.writing`). A post's state is never
set here by hand: it is derived from its observations (`archiver.core.status`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterable, Protocol

from sqlalchemy import Connection, bindparam, select

from archiver.config import Settings
from archiver.core.content import content_hash, is_edit, normalise_text
from archiver.core.records import RecordRef, RevisitOf
from archiver.core.schedule import next_check_at
from archiver.core.status import (
    Classification,
    ObservationPoint,
    Outcome,
    OutcomeKind,
    PostState,
    StateRule,
    derive_state,
)
from archiver.errors import LeaseLost
from archiver.platforms.base import PostData, PostRef
from archiver.store.models import Observation, Post, WarcFile, WarcRecord
from archiver.store.posts import iso


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
        return {"id": self.post_id, "url": self.url, "from": self.before.value,
                "to": self.after.value, "reason": self.reason, "at": iso(self.at)}


def rule_from(settings: Settings) -> StateRule:
    return StateRule(settings.confirmations, timedelta(seconds=settings.confirm_interval))


# The statements run once or more per post of every capture and recheck, built once:
# a statement object is compiled and its cache key computed on first use only, which
# building them afresh for each post repeated (a sizeable share of a run's CPU time).
_POSTS, _OBSERVATIONS, _RECORDS, _FILES = (Post.__table__, Observation.__table__, WarcRecord.__table__,
                                           WarcFile.__table__)


_LAST_RESPONSE = (
    select(_RECORDS.c.payload_digest, _RECORDS.c.record_id, _RECORDS.c.recorded_at)
    .where(_RECORDS.c.target_uri == bindparam("uri"), _RECORDS.c.warc_type == "response")
    .order_by(_RECORDS.c.id.desc())
    .limit(1)
)


_POST_BY_REF = select(_POSTS).where(_POSTS.c.platform == bindparam("platform"),
                                    _POSTS.c.post_key == bindparam("key"))


_INSERT_POST = _POSTS.insert().returning(_POSTS.c.id)


_UPDATE_POST = _POSTS.update().where(_POSTS.c.id == bindparam("row_id"))


_POINTS = select(_OBSERVATIONS.c.observed_at, _OBSERVATIONS.c.outcome, _OBSERVATIONS.c.held).where(
    _OBSERVATIONS.c.post_id == bindparam("post_id"))


_INSERT_OBSERVATION = _OBSERVATIONS.insert().returning(_OBSERVATIONS.c.id)


_SET_MAIN_RECORD = _OBSERVATIONS.update().where(_OBSERVATIONS.c.id == bindparam("row_id"))


_INSERT_RECORDS = _RECORDS.insert().returning(_RECORDS.c.id, sort_by_parameter_order=True)


_TO_CHECK = select(_POSTS.c.platform, _POSTS.c.post_key, _POSTS.c.url, _POSTS.c.author,
                   _POSTS.c.content_hash, _POSTS.c.text, _POSTS.c.media_json).where(
                       _POSTS.c.id == bindparam("post_id"))


_FILE_BY_NAME = select(_FILES.c.name).where(_FILES.c.name == bindparam("file_name"))


_INSERT_FILE = _FILES.insert()


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


@dataclass(frozen=True)
class KnownContent:
    """What the archive last knew a post to say: to tell an edit from the same post served anew."""

    content_hash: str
    text: str | None
    media: list[tuple[str, str]]

    def edited_by(self, data: PostData) -> bool:
        return data.content_hash() != self.content_hash and is_edit(
            self.text, self.media, data.text, data.media_pairs())


def post_to_check(connection: Connection, post_id: int) -> tuple[PostRef, KnownContent | None] | None:
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
    return [(str(m.get("url", "")), str(m.get("kind", ""))) for m in items if isinstance(m, dict)]


def record_visit(
    connection: Connection, visit: StoredVisit, trigger: str, settings: Settings, source_url: str = "",
    run_id: int | None = None, lease_owner: str | None = None, held: str = "",
) -> tuple[Post, Outcome, Transition | None]:
    """Store a visit: the post (created or updated), its observation, its records, its state.

    Returns the post, the observation's outcome and the transition users are told about,
    if any. ``held`` names why the platform is degraded when the look was made: the
    observation is then kept but never counts towards suspect or vanished (issue 11). With ``lease_owner`` (a worker), the post must still be leased to that
    worker — otherwise another worker took it over and this visit is not stored
    (`LeaseLost`) — and the lease is released.

    Runs once per post of every capture and recheck, in the caller's write transaction
    (`Store.writing`), so it speaks plain SQL — the post as a detached model, INSERTs and
    an UPDATE of the columns that changed — rather than going through the ORM's session
    and unit of work, whose bookkeeping was most of the time spent here.
    """
    now = visit.started_at
    row = connection.execute(_POST_BY_REF, {"platform": visit.ref.platform, "key": visit.ref.key}).mappings().first()
    stored: dict[str, object] = dict(row) if row is not None else {}
    if lease_owner is not None and stored.get("lease_owner") != lease_owner:
        raise LeaseLost(f"{visit.ref.url}: the lease of worker {lease_owner} expired; another worker has it")
    earlier: list[ObservationPoint] = []
    if not stored:
        post = Post(platform=visit.ref.platform, post_key=visit.ref.key, url=visit.ref.url,
                    source_url=source_url or visit.resolved_from or visit.ref.url,
                    author=visit.ref.handle, first_captured_at=now)
    else:
        post = Post(**stored)
        earlier = _points(connection, post.id)
        if lease_owner is not None:
            post.lease_owner = post.lease_until = None  # the check is done: the lease is released
    before = post.status
    outcome = visit.outcome
    data = visit.data
    content_hash = None
    if outcome.kind is OutcomeKind.ALIVE and data is not None and data.has_content():
        content_hash = data.content_hash()
        known = (KnownContent(post.content_hash, post.text, _media_pairs(post.media_json))
                 if post.content_hash else None)
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
    _apply_state(post, earlier + [ObservationPoint(now, outcome, bool(held))], settings)
    values = _fit({column.name: getattr(post, column.name) for column in _POSTS.columns if column.name != "id"})
    if not stored:
        post.id = connection.execute(_INSERT_POST, values).scalar_one()
    else:
        changed = {name: value for name, value in values.items() if stored.get(name) != value}
        if changed:
            connection.execute(_UPDATE_POST, {"row_id": post.id, **changed})

    names = {record.ref.warc_file for record in visit.records}
    if visit.metadata_record is not None:
        names.add(visit.metadata_record.warc_file)
    for name in sorted(names):
        _ensure_file(connection, name, now)
    observation_id = connection.scalar(_INSERT_OBSERVATION, {
        "post_id": post.id, "observed_at": now, "trigger": trigger, "outcome": outcome,
        "evidence_json": json.dumps({**visit.classification.evidence(), "attempts": visit.attempts,
                                     **({"worker": lease_owner} if lease_owner else {}),
                                     **({"held": held} if held else {})}),
        "statuses_json": json.dumps(visit.statuses), "content_hash": content_hash, "run_id": run_id,
        "held": bool(held),
    })
    written = [(record.role, record.http_status, record.ref) for record in visit.records]
    if visit.metadata_record is not None:
        written.append(("metadata", None, visit.metadata_record))
    if written:
        ids = connection.scalars(
            _INSERT_RECORDS,
            [{"observation_id": observation_id, "role": role, "warc_type": ref.warc_type,
              "record_id": ref.record_id, "target_uri": ref.target_uri, "warc_file": ref.warc_file,
              "offset": ref.offset, "length": ref.length, "payload_digest": ref.payload_digest,
              "block_digest": ref.block_digest, "http_status": status, "recorded_at": ref.date}
             for role, status, ref in written],
        ).all()
        main = visit.main_record
        main_id = next((row_id for row_id, (_, _, ref) in zip(ids, written)
                        if main is not None and ref.record_id == main.record_id), None)
        if main_id is not None:
            connection.execute(_SET_MAIN_RECORD, {"row_id": observation_id, "main_record_id": main_id})
    transition = None
    if post.status != before and post.status in (PostState.VANISHED, PostState.RESTORED):
        transition = Transition(post.id, post.url, before, post.status,
                                post.vanish_reason.value if post.vanish_reason else None, now)
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
    post.media_json = json.dumps([{"url": m.url, "kind": m.kind} for m in data.media])
    post.quoted_id = data.quoted_id or post.quoted_id
    post.reply_to_id = data.reply_to_id or post.reply_to_id
    if data.canonical_url:
        post.url = data.canonical_url  # a platform may know a better one (the author's handle in it)


# Column widths of the post table: a value from the network longer than its column is cut, not
# refused (PostgreSQL enforces VARCHAR lengths and would abort the run, issue 12). Only
# free-text fields can be that long; identities and URLs are checked on the way in.
_WIDTHS = {name: _POSTS.columns[name].type.length for name in ("author", "author_name", "lang", "quoted_id",
                                                                  "reply_to_id")}


def _fit(values: dict[str, object]) -> dict[str, object]:
    for name, width in _WIDTHS.items():
        value = values.get(name)
        if isinstance(value, str) and len(value) > width:
            values[name] = value[: width - 1] + "…"
    return values


def _content_hash(post: Post) -> str:
    return content_hash(post.text, _media_pairs(post.media_json))


def _ensure_file(connection: Connection, name: str, now: datetime) -> None:
    if connection.execute(_FILE_BY_NAME, {"file_name": name}).first() is None:
        connection.execute(_INSERT_FILE, {"name": name, "created_at": now})


def _points(connection: Connection, post_id: int | None) -> list[ObservationPoint]:
    """The post's stored observations, as the state rule reads them."""
    return [ObservationPoint(at, outcome, bool(held))
            for at, outcome, held in connection.execute(_POINTS, {"post_id": post_id})]


_GONE_OUTCOMES = [o for o in Outcome if o.kind is OutcomeKind.GONE]


def hold_run(connection: Connection, run_id: int, platform: str, reason: str,
             settings: Settings) -> tuple[list[int], set[int]]:
    """Hold back the gone-type observations a run made of one platform's posts, found degraded
    only after they were stored (the mass-vanish guard, answers of unknown shape), and derive
    those posts' states again. Returns the ids of the observations held and of their posts."""
    rows = connection.execute(
        select(_OBSERVATIONS.c.id, _OBSERVATIONS.c.post_id, _OBSERVATIONS.c.evidence_json)
        .join(_POSTS, _POSTS.c.id == _OBSERVATIONS.c.post_id)
        .where(_OBSERVATIONS.c.run_id == run_id, _POSTS.c.platform == platform,
               _OBSERVATIONS.c.held.is_(False), _OBSERVATIONS.c.outcome.in_(_GONE_OUTCOMES))).all()
    for row in rows:
        evidence = json.loads(row.evidence_json or "{}")
        evidence["held"] = reason
        connection.execute(_OBSERVATIONS.update().where(_OBSERVATIONS.c.id == row.id),
                           {"held": True, "evidence_json": json.dumps(evidence)})
    posts = {row.post_id for row in rows}
    for post_id in sorted(posts):
        rederive(connection, post_id, settings)
    return [row.id for row in rows], posts


def rederive(connection: Connection, post_id: int, settings: Settings) -> Post | None:
    """Derive a post's state again from its stored observations, and store it."""
    row = connection.execute(select(_POSTS).where(_POSTS.c.id == post_id)).mappings().first()
    if row is None:
        return None
    stored = dict(row)
    post = Post(**stored)
    _apply_state(post, _points(connection, post_id), settings)
    values = _fit({column.name: getattr(post, column.name) for column in _POSTS.columns if column.name != "id"})
    changed = {name: value for name, value in values.items() if stored.get(name) != value}
    if changed:
        connection.execute(_UPDATE_POST, {"row_id": post_id, **changed})
    return post


def _apply_state(post: Post, points: list[ObservationPoint], settings: Settings) -> None:
    state = derive_state(points, rule_from(settings))
    post.status = state.status
    post.vanish_reason = state.vanish_reason if state.status in (PostState.VANISHED, PostState.SUSPECT) else None
    post.last_seen_alive_at = state.last_seen_alive_at
    post.first_seen_gone_at = state.first_seen_gone_at
    post.vanished_at = state.vanished_at
    now = max(p.at for p in points) if points else datetime.now(timezone.utc)
    post.next_check_at = next_check_at(
        post.first_captured_at or now, now, settings.schedule, state.status, settings.confirm_interval
    )
