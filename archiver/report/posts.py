"""A post as `archiver list --json` and `archiver show --json` print it: the documented contract."""

from __future__ import annotations

import json

from archiver.platforms import identity
from archiver.platforms.base import Media
from archiver.store import Session
from archiver.store.context import Linked, context_of, context_posts
from archiver.store.models import Observation, Post, row_id
from archiver.store.posts import captures_of, iso, observations_of, records_of
from archiver.store.reviews import latest_review, review_json


def post_json(session: Session, post: Post, full: bool = False) -> dict[str, object]:
    """A post as `list --json` and `show --json` print it (the documented contract)."""
    captures = [
        {
            "captured_at": iso(obs.observed_at),
            "warc_file": f"warcs/{rec.warc_file}",
            "offset": rec.offset,
            "length": rec.length,
            "payload_digest": rec.payload_digest,
            "outcome": obs.outcome.value,
        }
        for obs, rec in captures_of(session, row_id(post))
    ]
    media = [Media(**m) for m in json.loads(post.media_json or "[]")]
    own_id, kind = identity(post.platform, post.post_key, post.url)
    data: dict[str, object] = {
        "id": post.id,
        "platform": post.platform,
        "post_id": own_id,
        "kind": kind,
        "url": post.url,
        "author": post.author,
        "author_name": post.author_name,
        "text": post.text,
        "created_at": iso(post.created_at),
        "lang": post.lang,
        "media": [{"url": m.url, "kind": m.kind} for m in media],
        "quoted_id": post.quoted_id,
        "reply_to_id": post.reply_to_id,
        "status": post.status.value,
        "vanish_reason": post.vanish_reason.value if post.vanish_reason else None,
        "first_captured_at": iso(post.first_captured_at),
        "last_captured_at": iso(post.last_captured_at),
        "last_checked_at": iso(post.last_checked_at),
        "next_check_at": iso(post.next_check_at),
        "last_seen_alive_at": iso(post.last_seen_alive_at),
        "first_seen_gone_at": iso(post.first_seen_gone_at),
        "vanished_at": iso(post.vanished_at),
        "captures": captures,
        "links": json.loads(post.links_json or "[]"),
        "review": review_json(latest_review(session, row_id(post))),
    }
    if full:
        # The posts around it (issue 16), both ways, each with its own state now.
        data["context"] = [_linked(linked) for linked in context_posts(session, row_id(post))]
        data["context_of"] = [_linked(linked) for linked in context_of(session, row_id(post))]
        data["observations"] = [
            observation_json(session, o) for o in observations_of(session, row_id(post))
        ]
    return data


def _linked(linked: Linked) -> dict[str, object]:
    post = linked.post
    return {
        "relation": linked.relation,
        "id": post.id,
        "platform": post.platform,
        "post_id": identity(post.platform, post.post_key, post.url)[0],
        "url": post.url,
        "status": post.status.value,
        "vanish_reason": post.vanish_reason.value if post.vanish_reason else None,
    }


def observation_json(session: Session, obs: Observation) -> dict[str, object]:
    """One observation: when, what was fetched (the WARC records), what it showed and why."""
    evidence = json.loads(obs.evidence_json or "{}")
    records = records_of(session, obs.id)
    return {
        "observed_at": iso(obs.observed_at),
        "trigger": obs.trigger,
        "outcome": obs.outcome.value,
        "held": evidence.get("held") or None,
        "statuses": json.loads(obs.statuses_json or "{}"),
        "note": evidence.get("note", ""),
        "signals": evidence.get("signals", []),
        "records": [
            {
                "role": r.role,
                "type": r.warc_type,
                "uri": r.target_uri,
                "status": r.http_status,
                "warc_file": f"warcs/{r.warc_file}",
                "offset": r.offset,
                "length": r.length,
                "payload_digest": r.payload_digest,
            }
            for r in records
            if not r.role.endswith(":request")
        ],
    }
