"""Reviews of verdicts (issue 17): a person confirms or disputes that a vanished post is gone.

Every review is kept (the history of who said what, when); the latest one is the post's
review. A review changes no observation and no state: a disputed verdict stays in the history
and leaves the default report, which is the reader's business, not the evidence's.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, select

from archiver.store.models import Review

VERDICTS = ("confirmed", "disputed")


def add_review(
    session: Session, post_id: int, verdict: str, note: str, by: str, at: datetime
) -> Review:
    review = Review(post_id=post_id, verdict=verdict, note=note, by=by, at=at)
    session.add(review)
    session.commit()
    return review


def latest_review(session: Session, post_id: int) -> Review | None:
    return session.exec(
        select(Review).where(Review.post_id == post_id).order_by(col(Review.id).desc())
    ).first()


def latest_reviews(session: Session, post_ids: Iterable[int]) -> dict[int, Review]:
    """The latest review of each post that has one."""
    ids = list(post_ids)
    found: dict[int, Review] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for review in session.exec(
            select(Review).where(col(Review.post_id).in_(chunk)).order_by(col(Review.id))
        ):
            found[review.post_id] = review
    return found


def review_json(review: Review | None) -> dict[str, object] | None:
    if review is None:
        return None
    at = review.at if review.at.tzinfo else review.at.replace(tzinfo=None)
    return {
        "verdict": review.verdict,
        "note": review.note,
        "by": review.by,
        "at": at.isoformat().replace("+00:00", "Z") if at.tzinfo else at.isoformat() + "Z",
    }
