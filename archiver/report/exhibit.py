"""An exhibit: one document per post to hand to an editor, a lawyer or a court (issue 15).

It says what the post said (its picture, text, author, ids and URLs), every look archiver
took at it and what each found, in plain words; which records and files hold the evidence,
with their SHA-256 and the commands that recompute them; the timestamps that date those
files; how the looks were made; what archiver can and cannot tell; and the custody log's
entries about the post. Every time is UTC and says so.

This module makes the HTML; `archiver.render` prints it to PDF.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from archiver import platforms
from archiver.config import Settings
from archiver.core import timestamps
from archiver.core.status import Outcome
from archiver.errors import WarcError
from archiver.render.browser import Renderer, Resource, find_chromium
from archiver.report.build import ReportPost, report_post
from archiver.report.context import review_sentence
from archiver.report.exhibit_text import LIMITS, OUTCOME_WORDS, STYLE, utc
from archiver.store import Store, WarcRecord
from archiver.store.custody import entries
from archiver.store.files import file_hashes, media_records
from archiver.store.models import CustodyEntry, Stamp
from archiver.store.posts import latest_record, observations_of, records_of_post
from archiver.store.stamps import stamps_of
from archiver.version import __version__
from archiver.warc.files import token_names, warc_path
from archiver.warc.reader import read_record


@dataclass
class CitedRecord:
    record: WarcRecord
    sha256: str  # of the record's gzip member, as stored
    ip: str = ""


@dataclass
class Exhibit:
    post: ReportPost
    records: list[CitedRecord]
    files: dict[str, str | None]  # name → SHA-256 recorded when sealed
    stamps: list[tuple[Stamp, str]]  # each stamp, and whether it verifies now ("" if it does)
    custody: list[CustodyEntry]
    observations: list[tuple[datetime, str, str, str, bool]]  # at, trigger, outcome, note, held
    settings: dict[str, str]
    picture: bytes | None = None
    picture_note: str = ""
    made_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def gather(store: Store, post_id: int, roots: list) -> Exhibit:
    """Everything an exhibit of the post says, read from the database and the WARC files."""
    item = report_post(store, post_id)
    with store.session() as session:
        records = records_of_post(session, post_id)
        observations = [
            (
                o.observed_at,
                o.trigger,
                o.outcome.value,
                json.loads(o.evidence_json or "{}").get("note", ""),
                bool(o.held),
            )
            for o in observations_of(session, post_id)
        ]
        runs = {o.run_id for o in observations_of(session, post_id) if o.run_id}
    cited = [_cite(store, r) for r in records]
    names = sorted({r.warc_file for r in records})
    sealed = file_hashes(store)
    checked = []
    for stamp in stamps_of(store, names):
        why = "pending: the authority has not answered yet"
        if stamp.status == "stamped" and stamp.token is not None:
            try:
                timestamps.verify(stamp.token, stamp.sha256, roots)
                why = ""
            except timestamps.TokenError as exc:
                why = str(exc)
        checked.append((stamp, why))
    settings = store.settings
    return Exhibit(
        post=item,
        records=cited,
        files={name: sealed.get(name) for name in names},
        stamps=checked,
        custody=[e for e in entries(store) if _about(e, post_id, runs)],
        observations=observations,
        settings={
            "ARCHIVER_CONFIRMATIONS": str(settings.confirmations),
            "ARCHIVER_CONFIRM_INTERVAL": f"{settings.confirm_interval:g} s",
            "ARCHIVER_SCHEDULE": ",".join(f"{d:g}s" for d in settings.schedule),
            "ARCHIVER_USER_AGENT": settings.user_agent,
            "ARCHIVER_TSA_URLS": ", ".join(settings.tsa_urls) or "none",
        },
    )


def _about(entry: CustodyEntry, post_id: int, runs: set[int]) -> bool:
    subject = json.loads(entry.subject_json or "{}")
    posts = subject.get("posts")
    return subject.get("run") in runs or (isinstance(posts, list) and post_id in posts)


def _cite(store: Store, record: WarcRecord) -> CitedRecord:
    path = warc_path(store, record.warc_file)
    if path is None:
        return CitedRecord(record, "the file is missing")
    with open(path, "rb") as fh:
        fh.seek(record.offset)
        member = fh.read(record.length)
    ip = ""
    if record.warc_type in ("response", "revisit"):
        try:
            ip = read_record(path, record.offset)[0].get("WARC-IP-Address", "")
        except WarcError:
            ip = ""
    return CitedRecord(record, hashlib.sha256(member).hexdigest(), ip)


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def render_html(exhibit: Exhibit) -> bytes:
    post = exhibit.post
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Exhibit: {_e(post.url)}</title><style>{STYLE}</style></head><body>",
        f"<h1>Exhibit: a {_e(post.platform)} post, as archived</h1>",
        f"<p class='meta'>Made {utc(exhibit.made_at)} by archiver {_e(__version__)} from the "
        "archive's database and WARC files. Every time in this document is in UTC.</p>",
        _what_it_said(exhibit),
        _timeline(exhibit),
        _records(exhibit),
        _stamps(exhibit),
        _provenance(exhibit),
        _limits(post),
        _custody(exhibit),
        "</body></html>",
    ]
    return "".join(parts).encode("utf-8")


def _what_it_said(exhibit: Exhibit) -> str:
    post = exhibit.post
    picture = (
        f"<img class='picture' alt='The post as archived' src='data:image/png;base64,"
        f"{base64.b64encode(exhibit.picture).decode()}'>"
        if exhibit.picture
        else ""
    )
    rows = [
        (
            "Status",
            f"{post.status}" + (f" ({post.reason.replace('_', ' ')})" if post.reason else ""),
        ),
        (
            "Author",
            f"{post.author_name or ''} (@{post.author})" if post.author else post.author_name,
        ),
        ("Posted", utc(post.created_at)),
        ("Platform and id", f"{post.platform} {post.post_id} ({post.kind})"),
        ("URL", post.url),
        ("First captured", utc(post.first_captured_at)),
        ("Last seen alive", utc(post.last_seen_alive_at)),
        ("First seen gone", utc(post.first_seen_gone_at)),
        ("Confirmed vanished", utc(post.vanished_at)),
        ("Reviewed by a person", review_sentence(post.review)),
        ("Archived view", f"{post.view_url} ({utc(post.view_at)})" if post.view_url else "none"),
    ]
    return (
        "<h2>1. What the post said</h2>"
        + picture
        + (f"<p class='meta'>{_e(exhibit.picture_note)}</p>" if exhibit.picture_note else "")
        + f"<blockquote>{_e(post.text or '(no text archived)')}</blockquote>"
        + f"<p class='meta'>Text read from: {_e(post.text_source)}</p>"
        + _table(("", ""), rows, header=False)
    )


def _timeline(exhibit: Exhibit) -> str:
    rows = [
        (
            utc(at),
            trigger,
            outcome + (" (held: the platform was degraded)" if held else ""),
            OUTCOME_WORDS.get(Outcome(outcome), outcome) + (f" — {note}" if note else ""),
        )
        for at, trigger, outcome, note, held in exhibit.observations
    ]
    return "<h2>2. Every look at it</h2>" + _table(("when", "look", "outcome", "meaning"), rows)


def _records(exhibit: Exhibit) -> str:
    rows = [
        (
            f"warcs/{c.record.warc_file}",
            f"{c.record.offset} (+{c.record.length})",
            f"{c.record.warc_type} {c.record.role}",
            c.record.target_uri,
            c.sha256,
        )
        for c in exhibit.records
    ]
    files = [(f"warcs/{name}", sha or "not sealed yet") for name, sha in exhibit.files.items()]
    return (
        "<h2>3. The evidence: records and files</h2>"
        "<p>Each record is one gzip member of its WARC file, at the offset and length given; "
        "its SHA-256 is that of those bytes. To recompute one, in the archive's folder:</p>"
        "<pre>tail -c +$((OFFSET + 1)) warcs/FILE | head -c LENGTH | sha256sum</pre>"
        "<p>and a whole file's: <code>sha256sum warcs/FILE</code>. "
        "<code>warcio check warcs/FILE</code> checks every record's own digests.</p>"
        + _table(("file", "offset (+length)", "record", "URL", "SHA-256"), rows)
        + _table(("file", "SHA-256 recorded when sealed"), files)
    )


def _stamps(exhibit: Exhibit) -> str:
    if not exhibit.stamps:
        return (
            "<h2>4. Trusted timestamps</h2><p>No timestamp of these files is on record "
            "(ARCHIVER_TSA_URLS was empty, or the files are not sealed yet).</p>"
        )
    rows = []
    files = []
    for stamp, why in exhibit.stamps:
        rows.append(
            (
                f"warcs/{stamp.warc_file}",
                stamp.authority,
                utc(stamp.gen_time) if stamp.gen_time else "—",
                stamp.serial or "—",
                why or "verifies",
            )
        )
        if stamp.status == "stamped":
            files += [f"warcs/{n}" for n in token_names(stamp.warc_file, stamp.authority)]
    return (
        "<h2>4. Trusted timestamps</h2>"
        "<p>An RFC 3161 timestamp authority signed that each file's SHA-256 existed at the time "
        "given. It dates the file, not what the file says: it shows the records were not made "
        "or changed after that time. To check a token with OpenSSL alone (TOKEN.pem holds the "
        "certificates the token carries; ROOTS.pem the authority's root):</p>"
        "<pre>openssl ts -verify -in TOKEN.tsr -data warcs/FILE -untrusted TOKEN.pem "
        "-CAfile ROOTS.pem</pre>"
        + _table(("file", "authority", "stamped at", "serial", "check now"), rows)
        + "<p>The tokens, kept beside the WARC files:</p><ul>"
        + "".join(f"<li><code>{_e(f)}</code></li>" for f in files)
        + "</ul>"
    )


def _provenance(exhibit: Exhibit) -> str:
    ips = sorted({c.ip for c in exhibit.records if c.ip})
    rows = [("archiver", __version__), *exhibit.settings.items()]
    rows.append(("Addresses the answers came from (WARC-IP-Address)", ", ".join(ips) or "—"))
    return (
        "<h2>5. How the looks were made</h2>"
        "<p>Logged out, with the User-Agent below; every answer, failures included, was written "
        "to the WARC files as it came over the wire, before anything was read from it.</p>"
        + _table(("", ""), rows, header=False)
    )


def _limits(post: ReportPost) -> str:
    notes = [*platforms.limits(post.platform), *LIMITS["all"]]
    if post.certainty_note:
        notes = [f"This verdict's certainty is {post.certainty}: {post.certainty_note}.", *notes]
    return (
        "<h2>6. What archiver can and cannot tell</h2><ul>"
        + "".join(f"<li>{_e(n)}</li>" for n in notes)
        + "</ul>"
    )


def _custody(exhibit: Exhibit) -> str:
    rows = [
        (
            str(e.seq),
            utc(e.at),
            e.action,
            e.actor,
            e.detail_json[:300],
            e.sha256,
        )
        for e in exhibit.custody
    ]
    return (
        "<h2>7. Custody log entries about this post</h2>"
        "<p>Every action on the archive is appended to a log in which each entry carries the "
        "SHA-256 of the one before it; <code>archiver verify</code> checks the whole chain.</p>"
        + _table(("#", "when", "action", "by", "detail", "entry SHA-256"), rows)
    )


def _table(
    columns: tuple[str, ...], rows: Sequence[tuple[object, ...]], header: bool = True
) -> str:
    top = "<tr>" + "".join(f"<th>{_e(h)}</th>" for h in columns) + "</tr>" if header else ""
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table>{top}{body}</table>"


def _latest_body(store: Store, post_id: int, role: str) -> tuple[WarcRecord, bytes] | None:
    """The post's newest record in ``role``, and its payload read back from the WARC."""
    with store.session() as session:
        record = latest_record(session, post_id, role)
    path = warc_path(store, record.warc_file) if record is not None else None
    if record is None or path is None:
        return None
    try:
        return record, read_record(path, record.offset)[2]
    except WarcError:
        return None


def archived_picture(store: Store, post_id: int) -> bytes | None:
    """The post's newest picture, as drawn at capture."""
    found = _latest_body(store, post_id, "picture")
    return found[1] if found else None


def archived_view(
    store: Store, post_id: int
) -> tuple[WarcRecord, bytes, dict[str, Resource]] | None:
    """The post's newest view record and the archived media it shows, to draw it again."""
    found = _latest_body(store, post_id, "view")
    if found is None:
        return None
    view, html = found
    resources: dict[str, Resource] = {}
    for media in media_records(store, post_id):
        media_path = warc_path(store, media.warc_file)
        if media.target_uri in resources or media_path is None:
            continue
        try:
            _, http, body = read_record(media_path, media.offset)
        except WarcError:
            continue
        ctype = {k.lower(): v for k, v in (http or {}).items()}.get("content-type", "")
        resources[media.target_uri] = Resource(ctype, body)
    return view, html, resources


async def print_exhibit(settings: Settings, store: Store, exhibit: Exhibit) -> bytes:
    """The exhibit as a PDF, printed by headless Chromium; the post's picture is the one drawn
    at capture, or, for a post archived without one, drawn now from its archived view."""
    async with Renderer(find_chromium(settings.chromium)) as renderer:
        if exhibit.picture is None:
            found = await asyncio.to_thread(archived_view, store, exhibit.post.id)
            if found is not None:
                view, html, resources = found
                exhibit.picture = await renderer.picture(view.target_uri, html, resources)
                exhibit.picture_note = (
                    f"Picture drawn for this exhibit from the archived view {view.record_id} "
                    f"({utc(view.recorded_at)}); no picture was drawn at capture."
                )
        return await renderer.pdf(EXHIBIT_URL, render_html(exhibit), {})


# Where the exhibit page is "served" while it is printed: a name that can never be real.
EXHIBIT_URL = "https://exhibit.archiver.invalid/"
