"""The archive's tables.

* `Post` — one row per post (platform + key), with what was last known of it
  and its state *as derived* from its observations (`archiver.core.status`).
* `Observation` — one visit of a post: a capture or a check, its outcome and
  evidence. The first capture is an observation like any other.
* `WarcRecord` — every WARC record written for an observation: where it is
  (file, offset, length) and its digests, so any record can be read back and
  verified.
* `WarcFile` — each WARC file, with its SHA-256 once closed.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from sqlalchemy import Boolean, Column, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.sql.expression import false as sa_false
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from archiver.core.status import Outcome, PostState, VanishReason


class EnumText(TypeDecorator):
    """An enum stored as its value, a short string: readable in SQL, no native enum type."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[Enum], length: int = 32):
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value, dialect):
        return None if value is None else self.enum(value).value

    def process_result_value(self, value, dialect):
        return None if value is None else self.enum(value)


class Post(SQLModel, table=True):
    __tablename__ = "post"
    __table_args__ = (
        UniqueConstraint("platform", "post_key", name="uq_post_platform_key"),
        Index("ix_post_due", "next_check_at"),
        Index("ix_post_status", "status"),
        # A run's processes take its posts by lease owner, in id order (issue 18).
        Index("ix_post_lease", "lease_owner", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=32)
    post_key: str = Field(max_length=2048)
    url: str = Field(max_length=4096)
    source_url: str = Field(default="", max_length=4096)
    author: str | None = Field(default=None, max_length=256)
    author_name: str | None = Field(default=None, max_length=512)
    text: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime | None = None
    lang: str | None = Field(default=None, max_length=32)
    media_json: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    # Another platform's id of the quoted or replied-to post (an at:// URI is ~70 characters).
    quoted_id: str | None = Field(default=None, max_length=512)
    reply_to_id: str | None = Field(default=None, max_length=512)
    # The links inside the post, as it holds them and where they led at capture (issue 16):
    # [{"url", "expanded", "resolved", "status"}].
    links_json: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    content_hash: str | None = Field(default=None, max_length=64)
    first_captured_at: datetime | None = None
    last_captured_at: datetime | None = None
    last_checked_at: datetime | None = None
    next_check_at: datetime | None = None
    checks_done: int = Field(default=0)
    status: PostState = Field(
        default=PostState.UNKNOWN,
        sa_column=Column(EnumText(PostState, 16), nullable=False, default=PostState.UNKNOWN.value),
    )
    vanish_reason: VanishReason | None = Field(
        default=None, sa_column=Column(EnumText(VanishReason, 32), nullable=True)
    )
    last_seen_alive_at: datetime | None = None
    first_seen_gone_at: datetime | None = None
    vanished_at: datetime | None = None
    # A worker's claim on a due post (archiver worker): who, and until when. An expired
    # lease is free again, so a worker that dies loses nothing.
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = None


class Observation(SQLModel, table=True):
    __tablename__ = "observation"
    __table_args__ = (Index("ix_observation_post_time", "post_id", "observed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="post.id")
    observed_at: datetime
    trigger: str = Field(max_length=16)  # capture | recheck
    outcome: Outcome = Field(sa_column=Column(EnumText(Outcome, 32), nullable=False))
    evidence_json: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    statuses_json: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    content_hash: str | None = Field(default=None, max_length=64)
    # The post's main response record (syndication JSON, or the page): what `captures` cites.
    main_record_id: int | None = Field(default=None)
    run_id: int | None = Field(default=None, foreign_key="run.id")
    # Made while the platform was degraded (failed controls, a mass of "gone" in one run, answers
    # of no known shape): kept as evidence, never counted towards suspect or vanished.
    held: bool = Field(
        default=False,
        sa_column=Column(Boolean, nullable=False, default=False, server_default=sa_false()),
    )


class WarcRecord(SQLModel, table=True):
    __tablename__ = "warc_record"
    __table_args__ = (
        Index("ix_warc_record_uri", "target_uri", "id"),
        Index("ix_warc_record_observation", "observation_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    observation_id: int | None = Field(default=None, foreign_key="observation.id")
    role: str = Field(max_length=64)
    warc_type: str = Field(max_length=16)
    record_id: str = Field(max_length=64)
    target_uri: str = Field(max_length=4096)
    warc_file: str = Field(max_length=255)
    offset: int
    length: int
    payload_digest: str | None = Field(default=None, max_length=64)
    block_digest: str | None = Field(default=None, max_length=64)
    http_status: int | None = None
    recorded_at: datetime


class WarcFile(SQLModel, table=True):
    __tablename__ = "warc_file"

    name: str = Field(primary_key=True, max_length=255)
    created_at: datetime
    closed_at: datetime | None = None
    size: int | None = None
    sha256: str | None = Field(default=None, max_length=64)
    # Where the sealed file lives when not on local disk (an s3:// URL), else None.
    location: str | None = Field(default=None, max_length=1024)


class Run(SQLModel, table=True):
    __tablename__ = "run"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # capture | recheck | worker | controls
    started_at: datetime
    finished_at: datetime | None = None
    checked: int = Field(default=0)
    summary_json: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))


class Stamp(SQLModel, table=True):
    """An RFC 3161 timestamp of a sealed WARC file's SHA-256 by one authority (issue 15):
    ``pending`` until the authority answers, then ``stamped`` with its token."""

    __tablename__ = "stamp"
    __table_args__ = (UniqueConstraint("warc_file", "authority"),)

    id: int | None = Field(default=None, primary_key=True)
    warc_file: str = Field(foreign_key="warc_file.name", max_length=255)
    authority: str = Field(max_length=1024)
    sha256: str = Field(max_length=64)
    status: str = Field(max_length=16)  # pending | stamped
    # The authority's TimeStampResp, DER, as it came (with its certificates).
    token: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    gen_time: datetime | None = None
    serial: str | None = Field(default=None, max_length=64)
    attempts: int = Field(default=0)
    last_error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    requested_at: datetime
    stamped_at: datetime | None = None


class CustodyEntry(SQLModel, table=True):
    """One action on the archive, in a hash chain (issue 15): ``sha256`` covers this entry
    and ``prev_sha256``, the hash of the entry before it."""

    __tablename__ = "custody"

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: datetime
    action: str = Field(max_length=32)
    actor: str = Field(max_length=255)
    subject_json: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    detail_json: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    prev_sha256: str = Field(max_length=64)
    sha256: str = Field(max_length=64)


class PostContext(SQLModel, table=True):
    """A post another one quotes, replies to or was edited into (issue 16): both are posts of
    the archive, captured and rechecked on their own, and this row links them."""

    __tablename__ = "post_context"
    __table_args__ = (UniqueConstraint("post_id", "context_post_id", "relation"),)

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="post.id", index=True)
    context_post_id: int = Field(foreign_key="post.id", index=True)
    relation: str = Field(max_length=32)  # quotes | replies_to | newer_version
    linked_at: datetime


class Review(SQLModel, table=True):
    """A person's review of a vanished post's verdict (issue 17): ``confirmed`` or ``disputed``,
    with a note and a name. Every review is kept; the latest is the post's."""

    __tablename__ = "review"

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="post.id", index=True)
    verdict: str = Field(max_length=16)
    note: str = Field(sa_column=Column(Text, nullable=False))
    by: str = Field(max_length=200)
    at: datetime


def row_id(row: Post | Observation | WarcRecord | Run) -> int:
    """The id of a stored row. SQLModel declares ids Optional because a new row has none
    until it is flushed; a row read from the database always has one."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} row has not been stored yet")
    return row.id


# The tables, for the plain-SQL statements of the hot paths (`visits`, `states`).
POSTS, OBSERVATIONS, RECORDS, FILES = (
    SQLModel.metadata.tables[str(model.__tablename__)]
    for model in (Post, Observation, WarcRecord, WarcFile)
)
