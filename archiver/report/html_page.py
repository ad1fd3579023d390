"""The deletion report as one self-contained HTML page.

Everything taken from a post is untrusted: it is escaped, and the page's Content Security
Policy forbids any script but the report's own (allowed by its hash) and any request at
all, so the page opens offline and nothing that came with a post can run or call home.
"""

from __future__ import annotations

import base64
import hashlib
import html
from importlib import resources

from archiver.report.build import Report, ReportPost, never_seen_note, sections
from archiver.report.context import review_sentence
from archiver.report.wording import (
    counts_line,
    empty_sentence,
    held_lines,
    human,
    iso,
    replay_link,
)
from archiver.version import __version__

# The page's style and the script that sorts and filters its summary table ship as package
# files. The page's CSP allows this script by its hash and nothing else, so no script that came
# with a post's content can run.
_ASSETS = resources.files("archiver.report") / "assets"
CSS = (_ASSETS / "report.css").read_text(encoding="utf-8")
SCRIPT = (_ASSETS / "report.js").read_text(encoding="utf-8")


def _clip(text: str, limit: int) -> str:
    return text[:limit] + ("…" if len(text) > limit else "")


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def report_csp() -> str:
    """The report's Content Security Policy: its own script (by hash), inline style, images
    inlined as data:, and nothing from anywhere."""
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
    return (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src "
        f"'sha256-{digest}'; "
        "base-uri 'none'; form-action 'none'"
    )


def render_html(report: Report) -> bytes:
    csp = report_csp()
    title = "Deletion report" if report.filters.get("status") == "vanished" else "Archive report"
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_e(csp)}">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f'<meta name="generator" content="archiver {_e(__version__)}">',
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body><header>",
        f'<h1>{_e(title)}</h1><p class="meta">Generated {_e(human(report.generated_at))} by '
        f"archiver {_e(__version__)} from an archive of {report.total_posts} posts "
        f"({_e(counts_line(report))}). "
        "Texts and images below are read from the WARC records named under each post.</p>",
        *(f'<p class="held">{_e(line)}</p>' for line in held_lines(report)),
        "</header><main>",
    ]
    if not report.posts:
        parts.append(f'<p class="empty">{_e(empty_sentence(report))}</p>')
    else:
        parts.append(_summary_table(report))
        for heading, posts in sections(report):
            if heading:
                parts.append(f"<h2>{_e(heading)}</h2>")
            parts.extend(
                _never_seen_card(post) if post.status == "never_seen" else _card(report, post)
                for post in posts
            )
    parts.append(f"</main><script>{SCRIPT}</script></body></html>")
    return "".join(parts).encode("utf-8")


def _summary_table(report: Report) -> str:
    rows = []
    for post in report.posts:
        text = " ".join((post.text or "").split())
        never = post.status == "never_seen"  # nothing archived: no author or time is claimed
        author = "" if never else ("@" + post.author) if post.author else post.author_name or ""
        created = None if never else post.created_at
        text = post.url if never else text
        rows.append(
            "<tr>"
            f"<td>{_e(post.platform)}</td>"
            f"<td>{_e(author)}</td>"
            f'<td data-v="{_e(iso(created))}">{_e(human(created) if created else "")}</td>'
            f'<td><a href="#post-{post.id}">{_e(_clip(text, 80))}</a></td>'
            f"<td>{_e((post.reason or post.status).replace('_', ' '))}</td>"
            f'<td data-v="{_e(iso(post.last_seen_alive_at))}">'
            f"{_e(human(post.last_seen_alive_at))}</td>"
            f'<td data-v="{_e(iso(post.vanished_at))}">{_e(human(post.vanished_at))}</td>'
            "</tr>"
        )
    return (
        '<input id="filter" type="search" placeholder="Filter posts…" aria-label="Filter posts">'
        '<table id="summary"><thead><tr><th>platform</th><th>author</th><th>posted</th>'
        "<th>text</th><th>reason</th><th>last seen alive</th><th>vanished</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def _card(report: Report, post: ReportPost) -> str:
    initial = (post.author_name or post.author or "?")[:1].upper()
    media = []
    for m in post.media:
        if m.data:
            src = f"data:{m.content_type};base64,{base64.b64encode(m.data).decode()}"
            media.append(
                f'<figure><img alt="{_e(m.kind)} archived from {_e(m.url)}" src="{src}"></figure>'
            )
        else:
            where = f"in {m.warc_file} at offset {m.offset}" if m.warc_file else "not archived"
            media.append(f'<div class="file">{_e(m.kind)}: {_e(m.url)} ({_e(where)})</div>')
    timeline = "".join(
        f'<li class="{_kind(t.outcome)}">{_e(human(t.at))} — {_e(t.trigger)}: '
        f"<b>{_e(t.outcome)}</b>" + (f" — {_e(t.note)}" if t.note else "") + "</li>"
        for t in post.timeline
    )
    ev = post.evidence
    evidence = (
        ""
        if ev is None
        else (
            f"<dt>WARC file</dt><dd><code>{_e(ev.warc_file)}</code></dd>"
            f"<dt>record</dt><dd><code>{_e(ev.record_id)}</code> at offset {ev.offset} "
            f"({ev.length} bytes)</dd>"
            f"<dt>archived URL</dt><dd><code>{_e(ev.target_uri)}</code>, "
            f"{_e(human(ev.captured_at))}</dd>"
            f"<dt>payload digest</dt><dd><code>{_e(ev.payload_digest)}</code></dd>"
            f"<dt>file SHA-256</dt><dd><code>{_e(ev.warc_sha256 or 'not yet recorded')}</code></dd>"
        )
    )
    reason = (post.reason or post.status).replace("_", " ")
    certainty = f"{post.certainty} — {post.certainty_note}" if post.certainty else "—"
    warnings = "".join(f'<p class="meta">⚠ {_e(w)}</p>' for w in post.warnings) + "".join(
        f'<p class="meta">Around it: {_e(n.sentence)} ({_link(n.url)})</p>' for n in post.context
    )
    warnings += f'<p class="meta">Reviewed: {_e(review_sentence(post.review))}</p>'
    return (
        f'<article class="card" id="post-{post.id}"><div class="head"><div '
        f'class="avatar">{_e(initial)}</div>'
        f'<div><div class="name">{_e(post.author_name or post.author or post.platform)}</div>'
        f'<div class="handle">{_e("@" + post.author if post.author else "")} · '
        f'<span class="time">{_e(human(post.created_at))}</span></div></div>'
        f'<span class="badge {_e(post.status)}">{_e(post.status)}: {_e(reason)}</span></div>'
        f'<div class="text">{_e(post.text or "(no text archived)")}</div>'
        + (f'<div class="media">{"".join(media)}</div>' if media else "")
        + warnings
        + _links(report, post)
        + f"<dl><dt>post</dt><dd>{_link(post.url)}</dd><dt>platform</dt><dd>{_e(post.platform)} "
        f"{_e(post.post_id)}</dd>"
        f"<dt>first captured</dt><dd>{_e(human(post.first_captured_at))}</dd>"
        f"<dt>last seen alive</dt><dd>{_e(human(post.last_seen_alive_at))}</dd>"
        f"<dt>first seen gone</dt><dd>{_e(human(post.first_seen_gone_at))}</dd>"
        f"<dt>confirmed vanished</dt><dd>{_e(human(post.vanished_at))}</dd>"
        f"<dt>reason</dt><dd>{_e(reason)}</dd><dt>certainty</dt><dd>{_e(certainty)}</dd>"
        f"<dt>observations</dt><dd>{post.observations}</dd>{evidence}</dl>"
        "<details><summary>Timeline of observations</summary><ol "
        f'class="timeline">{timeline}</ol></details>'
        "</article>"
    )


def _link(url: str | None, text: str | None = None) -> str:
    """A link out of the report: opened as a navigation (never fetched by the page, which its
    CSP forbids), with no referrer, so the report's location stays private."""
    if not url:
        return ""
    return f'<a href="{_e(url)}" rel="noopener noreferrer" target="_blank">{_e(text or url)}</a>'


def _links(report: Report, post: ReportPost) -> str:
    """The post's original URL, and its archived view in the WACZ (ReplayWeb.page)."""
    view = replay_link(report, post.view_url, post.view_at)
    parts = [_link(post.url, "original post")]
    if view:
        parts.append(_link(view, f"archived view ({human(post.view_at)}, in {report.wacz})"))
    return f'<p class="links">{" · ".join(parts)}</p>'


def _never_seen_card(post: ReportPost) -> str:
    timeline = "".join(
        f'<li class="{_kind(t.outcome)}">{_e(human(t.at))} — {_e(t.trigger)}: '
        f"<b>{_e(t.outcome)}</b>" + (f" — {_e(t.note)}" if t.note else "") + "</li>"
        for t in post.timeline
    )
    return (
        f'<article class="card" id="post-{post.id}"><div class="head">'
        f'<div class="name">{_e(post.url)}</div>'
        f'<span class="badge never_seen">never seen alive</span></div>'
        f'<p class="meta">{_e(never_seen_note(post))}</p>'
        f"<dl><dt>post</dt><dd>{_e(post.url)}</dd><dt>platform</dt><dd>{_e(post.platform)} "
        f"{_e(post.post_id)}</dd>"
        f"<dt>first tried</dt><dd>{_e(human(post.first_captured_at))}</dd>"
        f"<dt>observations</dt><dd>{post.observations}</dd></dl>"
        "<details><summary>Timeline of observations</summary><ol "
        f'class="timeline">{timeline}</ol></details>'
        "</article>"
    )


def _kind(outcome: str) -> str:
    from archiver.core.status import Outcome

    return Outcome(outcome).kind.value
