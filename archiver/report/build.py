"""The deletion report: what vanished, when, what it said, and the evidence.

`build_report` gathers the data — the archived text is read back from the
WARC record of the post's last archived version, not only from the database —
and `archiver.report.renderers` turns it into HTML, CSV, JSON or Markdown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from archiver import platforms
from archiver.core.status import OutcomeKind, PostState
from archiver.errors import InputError, WarcError
from archiver.platforms.base import PostRef, Response
from archiver.report.context import ContextNote, context_notes
from archiver.report.selection import HeldRun, held_runs, seed_refs
from archiver.store import Observation, Post, Session, Store, WarcRecord
from archiver.store.files import file_hashes, media_records
from archiver.store.models import row_id
from archiver.store.posts import (
    captures_of,
    iter_posts,
    latest_view,
    observations_of,
    status_counts,
)
from archiver.store.reviews import latest_review, review_json
from archiver.warc.files import warc_path
from archiver.warc.reader import read_record

MAX_INLINE_IMAGE = 5 * 1024 * 1024
STATUS_CHOICES = ("vanished", "suspect", "restored", "never_seen", "all")


@dataclass
class MediaItem:
    url: str
    kind: str
    content_type: str = ""
    data: bytes | None = None
    warc_file: str = ""
    offset: int | None = None


@dataclass
class TimelineEntry:
    at: datetime
    trigger: str
    outcome: str
    note: str


@dataclass
class Evidence:
    """Where the archived version is, and how to check it has not changed."""

    warc_file: str
    offset: int
    length: int
    record_id: str
    payload_digest: str | None
    warc_sha256: str | None
    target_uri: str
    captured_at: datetime


@dataclass
class ReportPost:
    id: int
    platform: str
    post_id: str
    kind: str
    url: str
    author: str | None
    author_name: str | None
    created_at: datetime | None
    text: str | None
    text_source: str  # "warc", "database" (when the WARC could not be read) or "none"
    lang: str | None
    status: str
    reason: str | None
    certainty: str | None
    certainty_note: str
    first_captured_at: datetime | None
    last_seen_alive_at: datetime | None
    first_seen_gone_at: datetime | None
    vanished_at: datetime | None
    observations: int
    evidence: Evidence | None
    media: list[MediaItem] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # The post's readable view in the archive (issue 14), as of its last look alive.
    view_url: str | None = None
    view_at: datetime | None = None
    context: list[ContextNote] = field(default_factory=list)  # the posts around it (issue 16)
    review: dict[str, object] | None = None  # a person's review of the verdict (issue 17)


@dataclass
class Report:
    generated_at: datetime
    filters: dict[str, object]
    total_posts: int
    status_counts: dict[str, int]
    posts: list[ReportPost]
    held_runs: list[HeldRun] = field(default_factory=list)
    # Where the report links each post's view: ReplayWeb.page at ``replay_url``, opening
    # ``wacz`` (the package `archiver export wacz` writes, a file name or where it is published).
    wacz: str = "archive.wacz"
    replay_url: str = "https://replayweb.page/"


# The report's sections, in the order they are shown (issue 10). A report of one status
# shows its posts without a heading, except ``never_seen``, whose heading says what it means.
SECTIONS = (
    ("vanished", "Vanished"),
    ("suspect", "Suspect: seen gone, not yet confirmed"),
    ("restored", "Restored: vanished, then seen again"),
    ("unknown", "Unknown: seen alive, then only login walls, rate limits or errors"),
    ("alive", "Alive"),
    ("never_seen", "Never seen alive: gone before the first capture, or never existed"),
)


def sections(report: Report) -> list[tuple[str | None, list[ReportPost]]]:
    """The report's posts grouped by status, each with its heading (None: no heading needed)."""
    grouped: dict[str, list[ReportPost]] = {}
    for post in report.posts:
        grouped.setdefault(post.status, []).append(post)
    single = report.filters.get("status") not in ("all", None)
    return [
        (None if single and status != "never_seen" else title, grouped[status])
        for status, title in SECTIONS
        if grouped.get(status)
    ]


def never_seen_note(post: ReportPost) -> str:
    """What archiver saw of a post it never saw alive, in one sentence."""
    outcomes = [t.outcome for t in post.timeline]
    latest = post.timeline[-1] if post.timeline else None
    if latest is None:
        return "no observation yet"
    said = f"latest look: {latest.outcome.replace('_', ' ')}" + (
        f" ({latest.note})" if latest.note else ""
    )
    if not any(o in GONE_OUTCOMES for o in outcomes):
        return f"no look so far has shown whether it exists; {said}"
    return f"archiver has never seen this post; {said}"


GONE_OUTCOMES = frozenset(
    {"deleted", "account_suspended", "account_gone", "protected", "restricted", "unavailable"}
)


CERTAINTY_NOTES = {
    "high": "the platform itself says so",
    "medium": "inferred: the post is missing from every endpoint while its account is public",
    "low": "gone from public view; a deletion and a narrowed audience look the same logged out",
}


def build_report(
    store: Store,
    status: str = "vanished",
    since: datetime | None = None,
    until: datetime | None = None,
    platform: str | None = None,
    seeds: Path | None = None,
    with_media: bool = False,
    now: datetime | None = None,
    wacz: str = "archive.wacz",
    posted_since: datetime | None = None,
    posted_until: datetime | None = None,
    reviewed_only: bool = False,
) -> Report:
    """The posts in ``status`` (vanished, suspect, never_seen, all), filtered, with their evidence.

    ``since``/``until`` apply to when the post went (``vanished_at``, or
    ``first_seen_gone_at`` for a suspect post; the first capture for others);
    ``posted_since``/``posted_until`` to when it was posted. A vanished post whose verdict a
    person disputed leaves the report (it stays under ``all``); ``reviewed_only`` keeps only
    the verdicts a person confirmed (issue 17).
    """
    if status not in STATUS_CHOICES:
        raise InputError(f"--status must be one of {', '.join(STATUS_CHOICES)}, not {status!r}")
    wanted = None if status == "all" else PostState(status)
    only = seed_refs(seeds) if seeds else None
    posts: list[ReportPost] = []
    sha = file_hashes(store)
    with store.session() as session:
        counts = status_counts(session)
        for post in iter_posts(session, status=wanted, platform=platform):
            if only is not None and (post.platform, post.post_key) not in only:
                continue
            when = post.vanished_at or post.first_seen_gone_at or post.first_captured_at
            if since and (when is None or when < since):
                continue
            if until and (when is None or when > until):
                continue
            posted = post.created_at
            if posted is not None and posted.tzinfo is None:
                posted = posted.replace(tzinfo=UTC)
            if posted_since and (posted is None or posted < posted_since):
                continue
            if posted_until and (posted is None or posted > posted_until):
                continue
            verdict = review_json(latest_review(session, row_id(post)))
            if status != "all" and verdict and verdict["verdict"] == "disputed":
                continue
            if reviewed_only and not (verdict and verdict["verdict"] == "confirmed"):
                continue
            posts.append(_report_post(store, session, post, sha, with_media))
    held = held_runs(store, since, until, platform)
    # Oldest post first: a report reads as the story of what was said, in order.
    posts.sort(
        key=lambda p: (
            p.created_at is None,
            p.created_at or datetime.min.replace(tzinfo=UTC),
            p.id,
        )
    )
    filters: dict[str, object] = {
        "status": status,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "platform": platform,
        "seeds": str(seeds) if seeds else None,
        "posted_since": posted_since.isoformat() if posted_since else None,
        "posted_until": posted_until.isoformat() if posted_until else None,
        "reviewed_only": reviewed_only,
    }
    return Report(
        now or datetime.now(UTC),
        filters,
        sum(counts.values()),
        counts,
        posts,
        held,
        wacz=wacz,
        replay_url=store.settings.replay_url,
    )


def report_post(store: Store, post_id: int, with_media: bool = False) -> ReportPost:
    """One post as the report shows it (its text read back from the WARC)."""
    with store.session() as session:
        post = session.get(Post, post_id)
        if post is None:
            raise InputError(f"no post {post_id} in the archive")
        return _report_post(store, session, post, file_hashes(store), with_media)


def _report_post(
    store: Store, session: Session, post: Post, sha: dict[str, str | None], with_media: bool
) -> ReportPost:
    observations = observations_of(session, row_id(post))
    own_id, kind = platforms.identity(post.platform, post.post_key, post.url)
    gone = [o for o in observations if o.outcome.kind is OutcomeKind.GONE]
    certainty = json.loads(gone[-1].evidence_json or "{}").get("certainty") if gone else None
    item = ReportPost(
        id=row_id(post),
        platform=post.platform,
        post_id=own_id,
        kind=kind,
        url=post.url,
        author=post.author,
        author_name=post.author_name,
        created_at=post.created_at,
        text=None,
        text_source="none",
        lang=post.lang,
        status=post.status.value,
        reason=post.vanish_reason.value if post.vanish_reason else None,
        certainty=certainty,
        certainty_note=CERTAINTY_NOTES.get(certainty or "", ""),
        first_captured_at=post.first_captured_at,
        last_seen_alive_at=post.last_seen_alive_at,
        first_seen_gone_at=post.first_seen_gone_at,
        vanished_at=post.vanished_at,
        observations=len(observations),
        evidence=None,
        timeline=[_timeline_entry(o) for o in observations],
    )
    item.context = context_notes(session, row_id(post))
    item.review = review_json(latest_review(session, row_id(post)))
    view = latest_view(session, row_id(post))
    if view is not None:
        item.view_url, item.view_at = view.target_uri, view.recorded_at
    versions = captures_of(session, row_id(post))
    if versions:
        observation, record = versions[-1]
        item.evidence = Evidence(
            warc_file=f"warcs/{record.warc_file}",
            offset=record.offset,
            length=record.length,
            record_id=record.record_id,
            payload_digest=record.payload_digest,
            warc_sha256=sha.get(record.warc_file),
            target_uri=record.target_uri,
            captured_at=observation.observed_at,
        )
        try:
            item.text = _archived_text(store, post, record)
            item.text_source = "warc"
        except WarcError as exc:
            item.warnings.append(
                f"the archived record could not be read ({exc}); text from the database"
            )
            item.text, item.text_source = post.text, "database"
    elif post.text:
        item.text, item.text_source = post.text, "database"
    item.media = _media(store, post, with_media, item.warnings)
    return item


def _timeline_entry(obs: Observation) -> TimelineEntry:
    note = json.loads(obs.evidence_json or "{}").get("note", "")
    return TimelineEntry(obs.observed_at, obs.trigger, obs.outcome.value, note)


def _path(store: Store, name: str) -> Path:
    path = warc_path(store, name)
    if path is None:
        raise WarcError(f"the WARC file {name} is missing")
    return path


def _archived_text(store: Store, post: Post, record: WarcRecord) -> str | None:
    """The post's text as parsed again from its archived response."""
    warc, http, body = read_record(_path(store, record.warc_file), record.offset)
    if warc.get("WARC-Record-ID") != record.record_id:
        raise WarcError(
            f"the record at {record.warc_file}:{record.offset} is not the one the database names"
        )
    headers = {k.lower(): v for k, v in (http or {}).items()}
    response = Response(
        record.role, record.target_uri, record.http_status, headers, body, final_url=post.url
    )
    ref = PostRef(post.platform, post.post_key, post.url, handle=post.author)
    return platforms.parse(ref, {record.role: response}).text


def _media(store: Store, post: Post, with_data: bool, warnings: list[str]) -> list[MediaItem]:
    media = json.loads(post.media_json or "[]")
    records = media_records(store, post.id)
    by_kind: dict[str, list[WarcRecord]] = {}
    seen: set[str] = set()
    for rec in records:
        if rec.target_uri not in seen:
            seen.add(rec.target_uri)
            by_kind.setdefault(rec.role.split(":", 1)[1], []).append(rec)
    items = []
    for entry in media:
        item = MediaItem(entry["url"], entry["kind"])
        candidates = by_kind.get(entry["kind"], [])
        tail = entry["url"].split("?")[0].rsplit("/", 1)[-1]
        found = next(
            (r for r in candidates if r.target_uri.split("?")[0].endswith("/" + tail)), None
        )
        if found is not None:
            item.warc_file, item.offset = f"warcs/{found.warc_file}", found.offset
            if with_data and entry["kind"] != "video" and found.length <= MAX_INLINE_IMAGE:
                try:
                    _, http, body = read_record(_path(store, found.warc_file), found.offset)
                    ctype = {k.lower(): v for k, v in (http or {}).items()}.get("content-type", "")
                    if ctype.split(";")[0].strip().lower() in (
                        "image/png",
                        "image/jpeg",
                        "image/gif",
                        "image/webp",
                    ):
                        item.content_type, item.data = ctype.split(";")[0].strip().lower(), body
                except WarcError as exc:
                    warnings.append(f"an image could not be read from the archive ({exc})")
        items.append(item)
    return items
