"""Finding posts (issue 17): by text, author or URL, platform, status, and when they were
posted, captured and gone — what `archiver serve`'s search form asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from archiver.core.status import PostState
from archiver.store.models import Post


@dataclass(frozen=True)
class PostFilter:
    """Every field narrows the search; ``*_from`` and ``*_until`` are [from, until)."""

    q: str = ""
    platform: str | None = None
    status: str | None = None
    author: str = ""
    posted_from: datetime | None = None
    posted_until: datetime | None = None
    captured_from: datetime | None = None
    captured_until: datetime | None = None
    gone_from: datetime | None = None
    gone_until: datetime | None = None


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_posts(
    session: Session, wanted: PostFilter, limit: int, offset: int
) -> tuple[int, list[Post]]:
    """How many posts match, and one page of them, newest first."""
    query = select(Post)
    if wanted.q:
        pattern = _like(wanted.q.lower())
        query = query.where(
            or_(
                *(
                    func.lower(column).like(pattern, escape="\\")
                    for column in (
                        col(Post.text),
                        col(Post.author),
                        col(Post.author_name),
                        col(Post.url),
                    )
                )
            )
        )
    if wanted.author:
        pattern = _like(wanted.author.lower().lstrip("@"))
        query = query.where(
            or_(
                func.lower(col(Post.author)).like(pattern, escape="\\"),
                func.lower(col(Post.author_name)).like(pattern, escape="\\"),
            )
        )
    if wanted.platform:
        query = query.where(Post.platform == wanted.platform)
    if wanted.status:
        query = query.where(Post.status == PostState(wanted.status))
    gone = func.coalesce(col(Post.vanished_at), col(Post.first_seen_gone_at))
    for column, start, end in (
        (col(Post.created_at), wanted.posted_from, wanted.posted_until),
        (col(Post.first_captured_at), wanted.captured_from, wanted.captured_until),
        (gone, wanted.gone_from, wanted.gone_until),
    ):
        if start is not None:
            query = query.where(column >= start)
        if end is not None:
            query = query.where(column < end)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(Post.id).desc()).offset(offset).limit(limit)).all()
    return int(total), list(rows)
