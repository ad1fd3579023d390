"""A post's state, derived again from its stored observations: after each visit, and when
a run holds back answers it can no longer trust (issue 11). The rule itself is
`archiver.core.status.derive_state`; this module feeds it from the database and stores
what it says.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, bindparam, select

from archiver.config import Settings
from archiver.core.schedule import next_check_at
from archiver.core.status import (
    ObservationPoint,
    Outcome,
    OutcomeKind,
    PostState,
    StateRule,
    derive_state,
)
from archiver.store.models import OBSERVATIONS, POSTS, Post


def rule_from(settings: Settings) -> StateRule:
    return StateRule(settings.confirmations, timedelta(seconds=settings.confirm_interval))


UPDATE_POST = POSTS.update().where(POSTS.c.id == bindparam("row_id"))


POINTS = select(OBSERVATIONS.c.observed_at, OBSERVATIONS.c.outcome, OBSERVATIONS.c.held).where(
    OBSERVATIONS.c.post_id == bindparam("post_id")
)


# Column widths of the post table: a value from the network longer than its column is cut, not
# refused (PostgreSQL enforces VARCHAR lengths and would abort the run, issue 12). Only
# free-text fields can be that long; identities and URLs are checked on the way in.
_WIDTHS: dict[str, int] = {
    name: int(POSTS.columns[name].type.length)  # type: ignore[attr-defined]  # VARCHAR(n)
    for name in ("author", "author_name", "lang", "quoted_id", "reply_to_id")
}


def fit(values: dict[str, object]) -> dict[str, object]:
    for name, width in _WIDTHS.items():
        value = values.get(name)
        if isinstance(value, str) and len(value) > width:
            values[name] = value[: width - 1] + "…"
    return values


def points(connection: Connection, post_id: int | None) -> list[ObservationPoint]:
    """The post's stored observations, as the state rule reads them."""
    return [
        ObservationPoint(at, outcome, bool(held))
        for at, outcome, held in connection.execute(POINTS, {"post_id": post_id})
    ]


_GONE_OUTCOMES = [o for o in Outcome if o.kind is OutcomeKind.GONE]


def hold_run(
    connection: Connection, run_id: int, platform: str, reason: str, settings: Settings
) -> tuple[list[int], set[int]]:
    """Hold back the gone-type observations a run made of one platform's posts, found degraded
    only after they were stored (the mass-vanish guard, answers of unknown shape), and derive
    those posts' states again. Returns the ids of the observations held and of their posts."""
    rows = connection.execute(
        select(OBSERVATIONS.c.id, OBSERVATIONS.c.post_id, OBSERVATIONS.c.evidence_json)
        .join(POSTS, POSTS.c.id == OBSERVATIONS.c.post_id)
        .where(
            OBSERVATIONS.c.run_id == run_id,
            POSTS.c.platform == platform,
            OBSERVATIONS.c.held.is_(False),
            OBSERVATIONS.c.outcome.in_(_GONE_OUTCOMES),
        )
    ).all()
    for row in rows:
        evidence = json.loads(row.evidence_json or "{}")
        evidence["held"] = reason
        connection.execute(
            OBSERVATIONS.update().where(OBSERVATIONS.c.id == row.id),
            {"held": True, "evidence_json": json.dumps(evidence)},
        )
    posts = {row.post_id for row in rows}
    for post_id in sorted(posts):
        rederive(connection, post_id, settings)
    return [row.id for row in rows], posts


def rederive(connection: Connection, post_id: int, settings: Settings) -> Post | None:
    """Derive a post's state again from its stored observations, and store it."""
    row = connection.execute(select(POSTS).where(POSTS.c.id == post_id)).mappings().first()
    if row is None:
        return None
    stored = dict(row)
    post = Post(**stored)
    apply_state(post, points(connection, post_id), settings)
    values = fit(
        {column.name: getattr(post, column.name) for column in POSTS.columns if column.name != "id"}
    )
    changed = {name: value for name, value in values.items() if stored.get(name) != value}
    if changed:
        connection.execute(UPDATE_POST, {"row_id": post_id, **changed})
    return post


def apply_state(post: Post, points: list[ObservationPoint], settings: Settings) -> None:
    state = derive_state(points, rule_from(settings))
    post.status = state.status
    post.vanish_reason = (
        state.vanish_reason if state.status in (PostState.VANISHED, PostState.SUSPECT) else None
    )
    post.last_seen_alive_at = state.last_seen_alive_at
    post.first_seen_gone_at = state.first_seen_gone_at
    post.vanished_at = state.vanished_at
    now = max(p.at for p in points) if points else datetime.now(UTC)
    post.next_check_at = next_check_at(
        post.first_captured_at or now,
        now,
        settings.schedule,
        state.status,
        settings.confirm_interval,
    )
