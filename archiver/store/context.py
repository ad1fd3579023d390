"""Posts linked to the posts around them (issue 16): what a post quotes, replies to, or was
edited into. Both ends are posts of the archive; a link is written once and never removed
(that a quoted post is gone now is read from its own state, not from the link)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select
from sqlmodel import Session, col

from archiver.platforms.base import PostRef
from archiver.store.models import POSTS, Post, PostContext

CONTEXT = PostContext.__table__  # type: ignore[attr-defined]


def post_id_of(connection: Connection, ref: PostRef) -> int | None:
    """The archive's id of a post, None when it is not archived yet."""
    return connection.scalar(
        select(POSTS.c.id).where(POSTS.c.platform == ref.platform, POSTS.c.post_key == ref.key)
    )


def link(
    connection: Connection, post_id: int, context_post_id: int, relation: str, at: datetime
) -> bool:
    """Link ``post_id`` to the post it stands in ``relation`` to; False if already linked."""
    if post_id == context_post_id:
        return False
    exists = connection.scalar(
        select(CONTEXT.c.id).where(
            CONTEXT.c.post_id == post_id,
            CONTEXT.c.context_post_id == context_post_id,
            CONTEXT.c.relation == relation,
        )
    )
    if exists is not None:
        return False
    connection.execute(
        CONTEXT.insert().values(
            post_id=post_id, context_post_id=context_post_id, relation=relation, linked_at=at
        )
    )
    return True


@dataclass(frozen=True)
class Linked:
    """A post at the other end of a context link, and how the two are related."""

    relation: str
    post: Post


def context_posts(session: Session, post_id: int) -> list[Linked]:
    """The posts ``post_id`` quotes, replies to or was edited into."""
    rows = session.exec(
        select(PostContext.relation, Post)  # type: ignore[call-overload]
        .join(Post, col(Post.id) == col(PostContext.context_post_id))
        .where(PostContext.post_id == post_id)
        .order_by(col(PostContext.id))
    ).all()
    return [Linked(relation, post) for relation, post in rows]


def context_of(session: Session, post_id: int) -> list[Linked]:
    """The posts that quote, reply to, or were edited into ``post_id``."""
    rows = session.exec(
        select(PostContext.relation, Post)  # type: ignore[call-overload]
        .join(Post, col(Post.id) == col(PostContext.post_id))
        .where(PostContext.context_post_id == post_id)
        .order_by(col(PostContext.id))
    ).all()
    return [Linked(relation, post) for relation, post in rows]
