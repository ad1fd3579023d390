"""The posts around a reported post (issue 16), in plain words: "the post it quoted has
vanished". Each is a post of the archive; what is said of it is its own state, derived from
its own observations."""

from __future__ import annotations

from dataclasses import dataclass

from archiver.store import Session
from archiver.store.context import context_posts

_RELATIONS = {
    "quotes": "the post it quoted",
    "replies_to": "the post it replied to",
    "newer_version": "the newer version of it",
}
_STATES = {
    "alive": "is still there",
    "restored": "is back",
    "suspect": "looks gone (not yet confirmed)",
    "vanished": "has vanished",
    "never_seen": "was never seen alive",
    "unknown": "has not been checked yet",
}


@dataclass(frozen=True)
class ContextNote:
    relation: str
    id: int
    url: str
    status: str
    reason: str | None

    @property
    def sentence(self) -> str:
        state = _STATES.get(self.status, self.status)
        if self.status == "vanished" and self.reason:
            state += f" ({self.reason.replace('_', ' ')})"
        return f"{_RELATIONS.get(self.relation, self.relation)} {state}"

    def as_json(self) -> dict[str, object]:
        return {
            "relation": self.relation,
            "id": self.id,
            "url": self.url,
            "status": self.status,
            "sentence": self.sentence,
        }


def context_notes(session: Session, post_id: int) -> list[ContextNote]:
    return [
        ContextNote(
            linked.relation,
            linked.post.id or 0,
            linked.post.url,
            linked.post.status.value,
            linked.post.vanish_reason.value if linked.post.vanish_reason else None,
        )
        for linked in context_posts(session, post_id)
    ]


def review_sentence(review: dict[str, object] | None) -> str:
    """Whether a person reviewed the verdict, in one sentence (issue 17)."""
    if not review:
        return "not reviewed by a person"
    note = f": {review['note']}" if review.get("note") else ""
    return f"{review['verdict']} by {review['by']} on {review['at']}{note}"
