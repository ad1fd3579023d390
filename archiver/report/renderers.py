"""The deletion report in four formats: HTML (`archiver.report.html_page`), CSV, JSON and Markdown.

Everything taken from a post is untrusted: HTML escapes it (and a Content
Security Policy forbids any script but the report's own and any request at
all), CSV defuses cells a spreadsheet would run as formulas, Markdown
escapes its own syntax.
"""

from __future__ import annotations

import csv
import io
import json
import re

from archiver.report.build import Report, ReportPost, never_seen_note, sections
from archiver.report.context import review_sentence
from archiver.report.html_page import render_html
from archiver.report.wording import (
    counts_line,
    empty_sentence,
    held_lines,
    human,
    iso,
    replay_link,
)
from archiver.version import __version__

CSV_COLUMNS = [
    "platform",
    "url",
    "post_id",
    "author",
    "author_name",
    "created_at",
    "text",
    "text_source",
    "media",
    "status",
    "reason",
    "certainty",
    "first_captured_at",
    "last_seen_alive_at",
    "first_seen_gone_at",
    "vanished_at",
    "observations",
    "warc_file",
    "warc_offset",
    "warc_record_id",
    "payload_digest",
    "warc_sha256",
]
JSON_SCHEMA = "archiver-report/1"


def _row(post: ReportPost) -> dict[str, object]:
    ev = post.evidence
    return {
        "platform": post.platform,
        "url": post.url,
        "post_id": post.post_id,
        "author": post.author or "",
        "author_name": post.author_name or "",
        "created_at": iso(post.created_at),
        "text": post.text or "",
        "text_source": post.text_source,
        "media": " ".join(m.url for m in post.media),
        "status": post.status,
        "reason": post.reason or "",
        "certainty": post.certainty or "",
        "first_captured_at": iso(post.first_captured_at),
        "last_seen_alive_at": iso(post.last_seen_alive_at),
        "first_seen_gone_at": iso(post.first_seen_gone_at),
        "vanished_at": iso(post.vanished_at),
        "observations": post.observations,
        "warc_file": ev.warc_file if ev else "",
        "warc_offset": ev.offset if ev else "",
        "warc_record_id": ev.record_id if ev else "",
        "payload_digest": (ev.payload_digest or "") if ev else "",
        "warc_sha256": (ev.warc_sha256 or "") if ev else "",
    }


# --- CSV ------------------------------------------------------------------

# Spreadsheets stop at 32,767 characters a cell (Excel; LibreOffice likewise), and a
# megabyte-long cell makes a CSV unusable (issue 12): longer values are cut, saying so.
MAX_CELL = 32_000


def _cell(value: object) -> object:
    if isinstance(value, str) and len(value) > MAX_CELL:
        cut = len(value) - MAX_CELL
        value = (
            value[:MAX_CELL]
            + f" … [cut here: {cut} more characters; the whole text is in the JSON "
            "report and in the WARC record]"
        )
    # A cell starting with = + - @ (or a tab/CR) is run as a formula by spreadsheets
    # (OWASP "CSV injection").
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def render_csv(report: Report) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheets detect the encoding; one row per post."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for post in report.posts:
        writer.writerow({k: _cell(v) for k, v in _row(post).items()})
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- JSON -----------------------------------------------------------------


def render_json(report: Report) -> bytes:
    posts = []
    for post in report.posts:
        row = _row(post)
        row.pop("media")
        row.update(
            {
                "id": post.id,
                "kind": post.kind,
                "lang": post.lang,
                "certainty_note": post.certainty_note,
                "media": [
                    {
                        "url": m.url,
                        "kind": m.kind,
                        "warc_file": m.warc_file or None,
                        "offset": m.offset,
                    }
                    for m in post.media
                ],
                "evidence": None
                if post.evidence is None
                else {
                    "warc_file": post.evidence.warc_file,
                    "offset": post.evidence.offset,
                    "length": post.evidence.length,
                    "record_id": post.evidence.record_id,
                    "payload_digest": post.evidence.payload_digest,
                    "warc_sha256": post.evidence.warc_sha256,
                    "target_uri": post.evidence.target_uri,
                    "captured_at": iso(post.evidence.captured_at),
                },
                "timeline": [
                    {"at": iso(t.at), "trigger": t.trigger, "outcome": t.outcome, "note": t.note}
                    for t in post.timeline
                ],
                "warnings": post.warnings,
                "context": [note.as_json() for note in post.context],
                "review": post.review,
                "view": None
                if post.view_url is None
                else {
                    "url": post.view_url,
                    "at": iso(post.view_at),
                    "replay": replay_link(report, post.view_url, post.view_at),
                },
            }
        )
        for key in ("warc_file", "warc_offset", "warc_record_id", "payload_digest", "warc_sha256"):
            row.pop(key)
        for key in (
            "created_at",
            "first_captured_at",
            "last_seen_alive_at",
            "first_seen_gone_at",
            "vanished_at",
        ):
            row[key] = row[key] or None
        posts.append(row)
    body = {
        "schema": JSON_SCHEMA,
        "generated_at": iso(report.generated_at),
        "generator": f"archiver {__version__}",
        "filters": report.filters,
        "archive": {"posts": report.total_posts, "by_status": report.status_counts},
        "held_runs": [
            {
                "run": h.run_id,
                "kind": h.kind,
                "started_at": iso(h.started_at),
                "platforms": h.platforms,
            }
            for h in report.held_runs
        ],
        "count": len(posts),
        "posts": posts,
    }
    return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- Markdown -------------------------------------------------------------

_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#+\-=>]|\d+[.)])", re.M)


def _md(text: str | None) -> str:
    """Text that Markdown shows as it is: inline markup and line-start block markers escaped."""
    escaped = _MD_INLINE.sub(r"\\\1", text or "")
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def render_markdown(report: Report) -> bytes:
    title = "Deletion report" if report.filters.get("status") == "vanished" else "Archive report"
    out = [
        f"# {title}",
        "",
        f"Generated {human(report.generated_at)} by archiver {__version__} from an archive of "
        f"{report.total_posts} posts ({counts_line(report)}).",
        "",
    ]
    for line in held_lines(report):
        out += [f"> **{_md(line)}**", ""]
    if not report.posts:
        out += [empty_sentence(report), ""]
    for heading, posts in sections(report):
        level = "###" if heading else "##"
        if heading:
            out += [f"## {_md(heading)}", ""]
        for post in posts:
            out += (
                _md_never_seen(post, level)
                if post.status == "never_seen"
                else _md_post(report, post, level)
            )
    return "\n".join(out).encode("utf-8")


def _md_post(report: Report, post: ReportPost, level: str) -> list[str]:
    who = (
        f"{_md(post.author_name)} (@{_md(post.author)})"
        if post.author
        else _md(post.author_name or post.platform)
    )
    out = [f"{level} {who}, {human(post.created_at)}", ""]
    for line in (post.text or "(no text archived)").splitlines() or [""]:
        out.append(f"> {_md(line)}")
    out += [
        "",
        f"- **Post:** <{post.url}> ({post.platform})",
        f"- **Status:** {post.status}"
        + (f", {post.reason.replace('_', ' ')}" if post.reason else "")
        + (f" (certainty: {post.certainty}, {post.certainty_note})" if post.certainty else ""),
        f"- **First captured:** {human(post.first_captured_at)}",
        f"- **Last seen alive:** {human(post.last_seen_alive_at)}",
        f"- **First seen gone:** {human(post.first_seen_gone_at)}",
        f"- **Confirmed vanished:** {human(post.vanished_at)}",
        f"- **Observations:** {post.observations}",
    ]
    if post.media:
        out.append("- **Media:** " + ", ".join(f"{m.kind} <{m.url}>" for m in post.media))
    for note in post.context:
        out.append(f"- **Around it:** {_md(note.sentence)} <{note.url}>")
    out.append(f"- **Reviewed:** {_md(review_sentence(post.review))}")
    link = replay_link(report, post.view_url, post.view_at)
    if link:
        out.append(f"- **Archived view:** <{link}> (in `{report.wacz}`)")
    if post.evidence:
        ev = post.evidence
        out.append(
            f"- **Evidence:** `{ev.warc_file}` at offset {ev.offset}, record `{ev.record_id}`, "
            f"payload digest `{ev.payload_digest}`, file SHA-256 "
            f"`{ev.warc_sha256 or 'not yet recorded'}`"
        )
    out.append("")
    return out


def _md_never_seen(post: ReportPost, level: str) -> list[str]:
    """A post never seen alive: what was asked for and what came back; no author, no text."""
    return [
        f"{level} <{post.url}>",
        "",
        f"- **Status:** never seen alive: {_md(never_seen_note(post))}",
        f"- **First tried:** {human(post.first_captured_at)}",
        f"- **Observations:** {post.observations}",
        "",
    ]


RENDERERS = {"html": render_html, "csv": render_csv, "json": render_json, "md": render_markdown}
