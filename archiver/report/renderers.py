"""The deletion report in four formats: HTML, CSV, JSON and Markdown.

Everything taken from a post is untrusted: HTML escapes it (and a Content
Security Policy forbids any script but the report's own and any request at
all), CSV defuses cells a spreadsheet would run as formulas, Markdown
escapes its own syntax.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import json
import re
from datetime import datetime, timezone

from archiver import __version__
from archiver.report.build import Report, ReportPost, never_seen_note, sections

CSV_COLUMNS = [
    "platform", "url", "post_id", "author", "author_name", "created_at", "text", "text_source", "media",
    "status", "reason", "certainty", "first_captured_at", "last_seen_alive_at", "first_seen_gone_at",
    "vanished_at", "observations", "warc_file", "warc_offset", "warc_record_id", "payload_digest", "warc_sha256",
]
JSON_SCHEMA = "archiver-report/1"


def iso(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def human(value: datetime | None) -> str:
    return iso(value).replace("T", " ").replace("Z", " UTC") if value else "unknown"


def _row(post: ReportPost) -> dict[str, object]:
    ev = post.evidence
    return {
        "platform": post.platform, "url": post.url, "post_id": post.post_id, "author": post.author or "",
        "author_name": post.author_name or "", "created_at": iso(post.created_at), "text": post.text or "",
        "text_source": post.text_source, "media": " ".join(m.url for m in post.media), "status": post.status,
        "reason": post.reason or "", "certainty": post.certainty or "",
        "first_captured_at": iso(post.first_captured_at), "last_seen_alive_at": iso(post.last_seen_alive_at),
        "first_seen_gone_at": iso(post.first_seen_gone_at), "vanished_at": iso(post.vanished_at),
        "observations": post.observations, "warc_file": ev.warc_file if ev else "",
        "warc_offset": ev.offset if ev else "", "warc_record_id": ev.record_id if ev else "",
        "payload_digest": (ev.payload_digest or "") if ev else "", "warc_sha256": (ev.warc_sha256 or "") if ev else "",
    }


# --- CSV ------------------------------------------------------------------

# Spreadsheets stop at 32,767 characters a cell (Excel; LibreOffice likewise), and a
# megabyte-long cell makes a CSV unusable (issue 12): longer values are cut, saying so.
MAX_CELL = 32_000


def _cell(value: object) -> object:
    if isinstance(value, str) and len(value) > MAX_CELL:
        cut = len(value) - MAX_CELL
        value = (value[:MAX_CELL] + f" … [cut here: {cut} more characters; the whole text is in the JSON "
                 "report and in the WARC record]")
    # A cell starting with = + - @ (or a tab/CR) is run as a formula by spreadsheets (OWASP "CSV injection").
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
        row.update({
            "id": post.id, "kind": post.kind, "lang": post.lang, "certainty_note": post.certainty_note,
            "media": [{"url": m.url, "kind": m.kind, "warc_file": m.warc_file or None, "offset": m.offset}
                      for m in post.media],
            "evidence": None if post.evidence is None else {
                "warc_file": post.evidence.warc_file, "offset": post.evidence.offset,
                "length": post.evidence.length, "record_id": post.evidence.record_id,
                "payload_digest": post.evidence.payload_digest, "warc_sha256": post.evidence.warc_sha256,
                "target_uri": post.evidence.target_uri, "captured_at": iso(post.evidence.captured_at)},
            "timeline": [{"at": iso(t.at), "trigger": t.trigger, "outcome": t.outcome, "note": t.note}
                         for t in post.timeline],
            "warnings": post.warnings,
        })
        for key in ("warc_file", "warc_offset", "warc_record_id", "payload_digest", "warc_sha256"):
            row.pop(key)
        for key in ("created_at", "first_captured_at", "last_seen_alive_at", "first_seen_gone_at", "vanished_at"):
            row[key] = row[key] or None
        posts.append(row)
    body = {
        "schema": JSON_SCHEMA, "generated_at": iso(report.generated_at), "generator": f"archiver {__version__}",
        "filters": report.filters, "archive": {"posts": report.total_posts, "by_status": report.status_counts},
        "held_runs": [{"run": h.run_id, "kind": h.kind, "started_at": iso(h.started_at), "platforms": h.platforms}
                      for h in report.held_runs],
        "count": len(posts), "posts": posts,
    }
    return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- Markdown -------------------------------------------------------------

_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#+\-=>]|\d+[.)])", re.M)


def _md(text: str | None) -> str:
    """Text that Markdown shows as it is: inline markup escaped, and block markers at a line's start."""
    escaped = _MD_INLINE.sub(r"\\\1", text or "")
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def render_markdown(report: Report) -> bytes:
    title = "Deletion report" if report.filters.get("status") == "vanished" else "Archive report"
    out = [f"# {title}", "",
           f"Generated {human(report.generated_at)} by archiver {__version__} from an archive of "
           f"{report.total_posts} posts ({_counts(report)}).", ""]
    for line in held_lines(report):
        out += [f"> **{_md(line)}**", ""]
    if not report.posts:
        out += [_empty_sentence(report), ""]
    for heading, posts in sections(report):
        level = "###" if heading else "##"
        if heading:
            out += [f"## {_md(heading)}", ""]
        for post in posts:
            out += _md_never_seen(post, level) if post.status == "never_seen" else _md_post(post, level)
    return "\n".join(out).encode("utf-8")


def _md_post(post: ReportPost, level: str) -> list[str]:
    who = f"{_md(post.author_name)} (@{_md(post.author)})" if post.author else _md(post.author_name or post.platform)
    out = [f"{level} {who}, {human(post.created_at)}", ""]
    for line in (post.text or "(no text archived)").splitlines() or [""]:
        out.append(f"> {_md(line)}")
    out += ["",
            f"- **Post:** <{post.url}> ({post.platform})",
            f"- **Status:** {post.status}" + (f", {post.reason.replace('_', ' ')}" if post.reason else "")
            + (f" (certainty: {post.certainty}, {post.certainty_note})" if post.certainty else ""),
            f"- **First captured:** {human(post.first_captured_at)}",
            f"- **Last seen alive:** {human(post.last_seen_alive_at)}",
            f"- **First seen gone:** {human(post.first_seen_gone_at)}",
            f"- **Confirmed vanished:** {human(post.vanished_at)}",
            f"- **Observations:** {post.observations}"]
    if post.media:
        out.append("- **Media:** " + ", ".join(f"{m.kind} <{m.url}>" for m in post.media))
    if post.evidence:
        ev = post.evidence
        out.append(f"- **Evidence:** `{ev.warc_file}` at offset {ev.offset}, record `{ev.record_id}`, "
                   f"payload digest `{ev.payload_digest}`, file SHA-256 `{ev.warc_sha256 or 'not yet recorded'}`")
    out.append("")
    return out


def _md_never_seen(post: ReportPost, level: str) -> list[str]:
    """A post never seen alive: what was asked for and what came back, no claim about its author or text."""
    return [f"{level} <{post.url}>", "",
            f"- **Status:** never seen alive: {_md(never_seen_note(post))}",
            f"- **First tried:** {human(post.first_captured_at)}",
            f"- **Observations:** {post.observations}", ""]


def held_lines(report: Report) -> list[str]:
    """One sentence per run of the period that held verdicts back (issue 11)."""
    return [f"Held back: run {h.run_id} ({h.kind}, {human(h.started_at)}) found "
            + "; ".join(f"{name} degraded ({reason})" for name, reason in sorted(h.platforms.items()))
            + ", so gone-type answers it saw there were not counted." for h in report.held_runs]


def _counts(report: Report) -> str:
    return ", ".join(f"{n} {s}" for s, n in sorted(report.status_counts.items())) or "empty"


def _empty_sentence(report: Report) -> str:
    status = report.filters.get("status")
    if report.total_posts == 0:
        return "The archive holds no posts yet."
    what = {"vanished": "No post has vanished", "suspect": "No post is suspect"}.get(str(status), "No post matches")
    return f"{what} among the {report.total_posts} posts tracked" + (" with these filters." if any(
        v for k, v in report.filters.items() if k != "status") else ".")


# --- HTML -----------------------------------------------------------------

CSS = """
:root{--fg:#0f1419;--muted:#536471;--line:#cfd9de;--bg:#f7f9f9;--accent:#1d9bf0;--gone:#b3261e}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header,main{max-width:960px;margin:0 auto;padding:16px}h1{font-size:24px;margin:8px 0}
.meta{color:var(--muted);font-size:13px}
table{width:100%;border-collapse:collapse;background:#fff;border:1px solid var(--line);font-size:13px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{cursor:pointer;user-select:none;background:#eff3f4}th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
#filter{width:100%;padding:8px;margin:8px 0;border:1px solid var(--line);border-radius:6px;font:inherit}
.card{background:#fff;border:1px solid var(--line);border-radius:16px;padding:16px;margin:20px 0}
.head{display:flex;gap:10px;align-items:center}.avatar{width:44px;height:44px;border-radius:50%;background:var(--accent);color:#fff;display:flex;align-items:center;justify-content:center;font-weight:700;font-size:18px;flex:none}
.name{font-weight:700}.handle,.time{color:var(--muted)}.badge{margin-left:auto;font-size:12px;padding:2px 8px;border-radius:10px;background:#eff3f4;color:var(--muted)}
.badge.vanished{background:#fde7e6;color:var(--gone);font-weight:700}
.text{white-space:pre-wrap;word-wrap:break-word;font-size:17px;margin:12px 0}
.media{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:6px;margin:8px 0}
.media figure{margin:0}.media img{width:100%;max-height:280px;object-fit:cover;border-radius:12px;border:1px solid var(--line)}.media .file{font-size:12px;color:var(--muted)}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;font-size:13px;margin:8px 0}dt{color:var(--muted)}dd{margin:0;word-break:break-all}
ol.timeline{font-size:13px;padding-left:20px}ol.timeline li.gone{color:var(--gone)}ol.timeline li.neutral{color:var(--muted)}
.empty{background:#fff;border:1px dashed var(--line);border-radius:12px;padding:24px;text-align:center}
.held{background:#fff4e5;border:1px solid #f5c26b;border-radius:8px;padding:8px 12px;font-size:13px}
code{font-size:12px}
"""

# Sorting and filtering of the summary table. The page's CSP allows this script by its hash and
# nothing else, so no script that came with a post's content can run.
SCRIPT = """
(function(){var t=document.getElementById('summary');if(!t)return;var b=t.tBodies[0];
var f=document.getElementById('filter');f.addEventListener('input',function(){var q=f.value.toLowerCase();
for(var r of b.rows){r.hidden=q&&r.textContent.toLowerCase().indexOf(q)<0;}});
t.querySelectorAll('th').forEach(function(th,i){th.addEventListener('click',function(){
var asc=th.getAttribute('aria-sort')!=='ascending';t.querySelectorAll('th').forEach(function(h){h.removeAttribute('aria-sort');});
th.setAttribute('aria-sort',asc?'ascending':'descending');var rows=Array.from(b.rows);
rows.sort(function(x,y){var a=x.cells[i].dataset.v||x.cells[i].textContent,c=y.cells[i].dataset.v||y.cells[i].textContent;
return (a<c?-1:a>c?1:0)*(asc?1:-1);});rows.forEach(function(r){b.appendChild(r);});});});})();
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def render_html(report: Report) -> bytes:
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
    csp = (f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; "
           "base-uri 'none'; form-action 'none'")
    title = "Deletion report" if report.filters.get("status") == "vanished" else "Archive report"
    parts = [
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{_e(csp)}\">",
        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">",
        f"<meta name=\"generator\" content=\"archiver {_e(__version__)}\">",
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body><header>",
        f"<h1>{_e(title)}</h1><p class=\"meta\">Generated {_e(human(report.generated_at))} by archiver "
        f"{_e(__version__)} from an archive of {report.total_posts} posts ({_e(_counts(report))}). "
        "Texts and images below are read from the WARC records named under each post.</p>",
        *(f"<p class=\"held\">{_e(line)}</p>" for line in held_lines(report)),
        "</header><main>",
    ]
    if not report.posts:
        parts.append(f"<p class=\"empty\">{_e(_empty_sentence(report))}</p>")
    else:
        parts.append(_summary_table(report))
        for heading, posts in sections(report):
            if heading:
                parts.append(f"<h2>{_e(heading)}</h2>")
            parts.extend(_never_seen_card(post) if post.status == "never_seen" else _card(post) for post in posts)
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
            f"<td data-v=\"{_e(iso(created))}\">{_e(human(created) if created else '')}</td>"
            f"<td><a href=\"#post-{post.id}\">{_e(text[:80] + ('…' if len(text) > 80 else ''))}</a></td>"
            f"<td>{_e((post.reason or post.status).replace('_', ' '))}</td>"
            f"<td data-v=\"{_e(iso(post.last_seen_alive_at))}\">{_e(human(post.last_seen_alive_at))}</td>"
            f"<td data-v=\"{_e(iso(post.vanished_at))}\">{_e(human(post.vanished_at))}</td>"
            "</tr>")
    return ("<input id=\"filter\" type=\"search\" placeholder=\"Filter posts…\" aria-label=\"Filter posts\">"
            "<table id=\"summary\"><thead><tr><th>platform</th><th>author</th><th>posted</th><th>text</th>"
            "<th>reason</th><th>last seen alive</th><th>vanished</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


def _card(post: ReportPost) -> str:
    initial = (post.author_name or post.author or "?")[:1].upper()
    media = []
    for m in post.media:
        if m.data:
            src = f"data:{m.content_type};base64,{base64.b64encode(m.data).decode()}"
            media.append(f"<figure><img alt=\"{_e(m.kind)} archived from {_e(m.url)}\" src=\"{src}\"></figure>")
        else:
            where = f"in {m.warc_file} at offset {m.offset}" if m.warc_file else "not archived"
            media.append(f"<div class=\"file\">{_e(m.kind)}: {_e(m.url)} ({_e(where)})</div>")
    timeline = "".join(
        f"<li class=\"{_kind(t.outcome)}\">{_e(human(t.at))} — {_e(t.trigger)}: <b>{_e(t.outcome)}</b>"
        + (f" — {_e(t.note)}" if t.note else "") + "</li>" for t in post.timeline)
    ev = post.evidence
    evidence = "" if ev is None else (
        f"<dt>WARC file</dt><dd><code>{_e(ev.warc_file)}</code></dd>"
        f"<dt>record</dt><dd><code>{_e(ev.record_id)}</code> at offset {ev.offset} ({ev.length} bytes)</dd>"
        f"<dt>archived URL</dt><dd><code>{_e(ev.target_uri)}</code>, {_e(human(ev.captured_at))}</dd>"
        f"<dt>payload digest</dt><dd><code>{_e(ev.payload_digest)}</code></dd>"
        f"<dt>file SHA-256</dt><dd><code>{_e(ev.warc_sha256 or 'not yet recorded')}</code></dd>")
    reason = (post.reason or post.status).replace("_", " ")
    certainty = f"{post.certainty} — {post.certainty_note}" if post.certainty else "—"
    warnings = "".join(f"<p class=\"meta\">⚠ {_e(w)}</p>" for w in post.warnings)
    return (
        f"<article class=\"card\" id=\"post-{post.id}\"><div class=\"head\"><div class=\"avatar\">{_e(initial)}</div>"
        f"<div><div class=\"name\">{_e(post.author_name or post.author or post.platform)}</div>"
        f"<div class=\"handle\">{_e('@' + post.author if post.author else '')} · "
        f"<span class=\"time\">{_e(human(post.created_at))}</span></div></div>"
        f"<span class=\"badge {_e(post.status)}\">{_e(post.status)}: {_e(reason)}</span></div>"
        f"<div class=\"text\">{_e(post.text or '(no text archived)')}</div>"
        + (f"<div class=\"media\">{''.join(media)}</div>" if media else "") + warnings +
        f"<dl><dt>post</dt><dd>{_e(post.url)}</dd><dt>platform</dt><dd>{_e(post.platform)} {_e(post.post_id)}</dd>"
        f"<dt>first captured</dt><dd>{_e(human(post.first_captured_at))}</dd>"
        f"<dt>last seen alive</dt><dd>{_e(human(post.last_seen_alive_at))}</dd>"
        f"<dt>first seen gone</dt><dd>{_e(human(post.first_seen_gone_at))}</dd>"
        f"<dt>confirmed vanished</dt><dd>{_e(human(post.vanished_at))}</dd>"
        f"<dt>reason</dt><dd>{_e(reason)}</dd><dt>certainty</dt><dd>{_e(certainty)}</dd>"
        f"<dt>observations</dt><dd>{post.observations}</dd>{evidence}</dl>"
        f"<details><summary>Timeline of observations</summary><ol class=\"timeline\">{timeline}</ol></details>"
        "</article>")


def _never_seen_card(post: ReportPost) -> str:
    timeline = "".join(
        f"<li class=\"{_kind(t.outcome)}\">{_e(human(t.at))} — {_e(t.trigger)}: <b>{_e(t.outcome)}</b>"
        + (f" — {_e(t.note)}" if t.note else "") + "</li>" for t in post.timeline)
    return (
        f"<article class=\"card\" id=\"post-{post.id}\"><div class=\"head\">"
        f"<div class=\"name\">{_e(post.url)}</div>"
        f"<span class=\"badge never_seen\">never seen alive</span></div>"
        f"<p class=\"meta\">{_e(never_seen_note(post))}</p>"
        f"<dl><dt>post</dt><dd>{_e(post.url)}</dd><dt>platform</dt><dd>{_e(post.platform)} {_e(post.post_id)}</dd>"
        f"<dt>first tried</dt><dd>{_e(human(post.first_captured_at))}</dd>"
        f"<dt>observations</dt><dd>{post.observations}</dd></dl>"
        f"<details><summary>Timeline of observations</summary><ol class=\"timeline\">{timeline}</ol></details>"
        "</article>")


def _kind(outcome: str) -> str:
    from archiver.core.status import Outcome

    return Outcome(outcome).kind.value


RENDERERS = {"html": render_html, "csv": render_csv, "json": render_json, "md": render_markdown}
