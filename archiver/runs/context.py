"""The posts around a post (issue 16): what it quotes, what it replies to, the newer version an
edit made of it. Each is captured as a post of its own — kept, rechecked and reported like any
other — and linked to the post it came with, so that "the post it quoted is now unavailable"
can be said from the quoted post's own observations.

Only as far as ``ARCHIVER_CONTEXT_DEPTH`` (default 1: a quote of a quote is named, not taken),
and never more than `MAX_CONTEXT` posts around one post, so that a thread cannot pull in a
whole conversation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from archiver import platforms
from archiver.config import Settings
from archiver.errors import ArchiverError, InputError, StoreError, WarcError
from archiver.net.politeness import rewrite_url
from archiver.platforms.base import Purpose
from archiver.runs.observe import Observer, Visit
from archiver.store import Store
from archiver.store.context import link, post_id_of
from archiver.store.db import store_errors
from archiver.store.visits import record_visit

MAX_CONTEXT = 8


@dataclass(frozen=True)
class ContextCapture:
    """A post captured because another one quotes it, replies to it or was edited into it."""

    url: str
    relation: str
    of_post: int
    post_id: int | None
    outcome: str
    message: str


class ContextFollower:
    """Captures and links the posts around the posts of one run."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        observer: Observer,
        clock: Callable[[], datetime],
        run_id: int | None = None,
        trigger: str = "capture",
        done: Callable[[ContextCapture], None] | None = None,
    ):
        self.settings = settings
        self.store = store
        self.observer = observer
        self.clock = clock
        self.run_id = run_id
        self.trigger = trigger
        self.done = done or (lambda item: None)

    async def follow(self, post_id: int, visit: Visit, depth: int | None = None) -> None:
        """Capture (when not archived yet) and link each post around ``visit``'s post."""
        depth = self.settings.context_depth if depth is None else depth
        if depth <= 0 or visit.data is None or not visit.data.context:
            return
        for item in visit.data.context[:MAX_CONTEXT]:
            try:
                ref = platforms.recognise(item.url)
            except InputError:
                continue  # a platform named something that is no post: nothing to follow
            with self.store.reading() as connection:
                found = post_id_of(connection, ref)
            if found is None:
                found, around = await self._capture(ref, item.url, item.relation, post_id)
                if around is not None and found is not None:
                    await self.follow(found, around, depth - 1)
            if found is not None:
                with store_errors(), self.store.writing() as connection:
                    link(connection, post_id, found, item.relation, self.clock())

    async def _capture(
        self, ref: platforms.PostRef, url: str, relation: str, of_post: int
    ) -> tuple[int | None, Visit | None]:
        problem = self.observer.fetcher.check_target(
            rewrite_url(ref.url, self.settings.url_rewrite)
        )
        if problem:
            self.done(ContextCapture(url, relation, of_post, None, "error", problem))
            return None, None
        try:
            visit = await self.observer.visit(ref, Purpose.CAPTURE)
            await self.observer.sync()
            if visit.ref.unresolved:  # named no post (a handle that did not resolve)
                note = visit.classification.note
                self.done(ContextCapture(url, relation, of_post, None, "error", note))
                return None, None
            with store_errors(), self.store.writing() as connection:
                post, outcome, _ = record_visit(
                    connection, visit, self.trigger, self.settings, url, self.run_id
                )
        except (WarcError, StoreError):
            raise
        except ArchiverError as exc:
            self.done(ContextCapture(url, relation, of_post, None, "error", str(exc)))
            return None, None
        message = f"captured {post.url}, the post {_WORDS.get(relation, relation)} post {of_post}"
        self.done(ContextCapture(url, relation, of_post, post.id, outcome.value, message))
        return post.id, visit


_WORDS = {
    "quotes": "quoted by",
    "replies_to": "replied to by",
    "newer_version": "that is the newer version of",
}
