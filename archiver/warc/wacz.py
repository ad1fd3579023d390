"""Export a WACZ (WARCs + CDXJ index + pages) that opens on the evidence (issue 14).

One page per post, pointing at its readable view (`archiver.runs.views`) as of the last look
that saw it alive, titled from the post: a vanished post opens on what it said, not on the
platform's "content isn't available" page. The original URLs are listed too, as extra
pages (WACZ 1.1.1 ``pages/extraPages.jsonl``), and every capture stays in the package,
tombstones included.

The whole archive is exported as its WARC files, whole and byte for byte, so the SHA-256 in
the deletion report still verifies them inside the package. An export of some posts holds
their records only, copied byte for byte into new WARC files (`archiver.warc.extract`):
nothing of the other posts leaves the archive. Packaging is py-wacz's job (webrecorder's
reference implementation).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from archiver import platforms
from archiver.errors import ArchiverError
from archiver.store import Store, WarcRecord
from archiver.store.files import PostRecords, posts_and_records
from archiver.store.posts import iso
from archiver.warc.extract import extract_records
from archiver.warc.files import warc_path

PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "Archived posts"}
EXTRA_HEADER = {"format": "json-pages-1.0", "id": "extra-pages", "title": "Original URLs"}


@dataclass
class ExportResult:
    output: Path
    posts: int
    warc_files: list[str]
    custody_note: str = ""  # why this export is not in the custody log, if it is not


def export_wacz(store: Store, output: Path, post_ids: list[int] | None = None) -> ExportResult:
    chosen = posts_and_records(store, post_ids)
    pages: list[dict[str, object]] = []
    extra: list[dict[str, object]] = []
    for found in chosen:
        page = _post_page(found)
        if page is not None:
            pages.append(page)
        extra += _original_pages(found)
    if not pages:
        raise ArchiverError(
            "nothing to export: no archived post responses"
            + (" for those posts" if post_ids else "")
        )
    with tempfile.TemporaryDirectory() as tmp:
        if post_ids is None:
            names = sorted({r.warc_file for found in chosen for r in found.records})
            paths = [_whole_file(store, name) for name in names]
        else:
            paths = extract_records(store, [r for f in chosen for r in f.records], Path(tmp))
            names = [p.name for p in paths]
        _create(output, [str(p) for p in paths], pages, extra, Path(tmp))
    return ExportResult(output, len(pages), names)


def _title(found: PostRecords) -> str:
    post = found.post
    title = " ".join(
        ((post.author and f"@{post.author}: ") or "").split() + (post.text or "").split()
    )
    return title[:200] or post.url


def _post_page(found: PostRecords) -> dict[str, object] | None:
    """The post's page: its view as of the last look that saw it alive; without a view (a web
    page, an archive older than views) the page itself as then; never seen alive, what came."""
    records = found.records
    views = [r for r in records if r.role == "view" and found.alive(r)]
    target = views[-1] if views else _page_record(found, alive_only=True)
    target = target or _page_record(found, alive_only=False)
    if target is None:
        return None
    return {
        "url": target.target_uri,
        "title": _title(found),
        "ts": iso(target.recorded_at),
        "id": f"post-{found.post.id}",
    }


def _original_pages(found: PostRecords) -> list[dict[str, object]]:
    """The post's original URL as archived, at its last alive look (else its last look)."""
    record = _page_record(found, alive_only=True) or _page_record(found, alive_only=False)
    if record is None:
        return []
    return [
        {
            "url": record.target_uri,
            "title": f"Original: {found.post.url}",
            "ts": iso(record.recorded_at),
            "id": f"post-{found.post.id}-original",
        }
    ]


def _page_record(found: PostRecords, alive_only: bool) -> WarcRecord | None:
    full = [
        r
        for r in found.records
        if r.warc_type == "response" and r.http_status == 200 and (found.alive(r) or not alive_only)
    ]
    for role in ("page", *platforms.main_roles(found.post.platform)):
        for rec in reversed(full):
            if rec.role == role:
                return rec
    return None


def _whole_file(store: Store, name: str) -> Path:
    path = warc_path(store, name)
    if path is None:
        raise ArchiverError(f"cannot export: WARC file {name} is missing (run archiver verify)")
    return path


def _write_pages(path: Path, header: dict[str, str], pages: list[dict[str, object]]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(header) + "\n")
        for page in pages:
            fh.write(json.dumps(page, ensure_ascii=False) + "\n")


def _create(
    output: Path,
    warcs: list[str],
    pages: list[dict[str, object]],
    extra: list[dict[str, object]],
    tmp: Path,
) -> None:
    from wacz.main import main as wacz_main

    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    pages_path, extra_path = tmp / "pages.jsonl", tmp / "extraPages.jsonl"
    _write_pages(pages_path, PAGES_HEADER, pages)
    _write_pages(extra_path, EXTRA_HEADER, extra)
    partial = tmp / "out.wacz"
    args = ["create", "-o", str(partial), *warcs, "-p", str(pages_path), "-e", str(extra_path)]
    args += ["--title", "Posts archived by archiver", "--desc", _DESCRIPTION]
    chatter = io.StringIO()  # py-wacz prints its progress; keep our output ours
    with contextlib.redirect_stdout(chatter):
        code = wacz_main(args)
    if code not in (0, None) or not partial.exists():
        raise ArchiverError(
            f"py-wacz could not create the package: {chatter.getvalue().strip()[-300:]}"
        )
    # Written next to the target, then renamed: a reader never sees half a file.
    fd, staged = tempfile.mkstemp(dir=output.parent, prefix=".archiver-", suffix=".wacz")
    os.close(fd)
    with open(partial, "rb") as src, open(staged, "wb") as dst:
        while chunk := src.read(1024 * 1024):
            dst.write(chunk)
    os.replace(staged, output)


_DESCRIPTION = (
    "Each post's page is archiver's readable view of it (https://view.archiver.invalid/…) as "
    "of the last look that saw it alive; the original URLs are listed as extra pages. Every "
    "answer the platforms gave is in the WARC files, as fetched."
)
