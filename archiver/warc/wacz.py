"""Export a WACZ (WARCs + CDXJ index + pages.jsonl) that ReplayWeb.page opens.

The WARC files go in whole and byte-for-byte, so the SHA-256 in the deletion
report still verifies them inside the package. Packaging is py-wacz's job
(webrecorder's reference implementation); archiver supplies the files and one
page per post.
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
from archiver.store.files import posts_and_records, responses_of
from archiver.store.posts import iso
from archiver.warc.files import warc_path


@dataclass
class ExportResult:
    output: Path
    posts: int
    warc_files: list[str]


def export_wacz(store: Store, output: Path, post_ids: list[int] | None = None) -> ExportResult:
    pages: list[dict[str, object]] = []
    files: set[str] = set()
    for post, records in posts_and_records(store, post_ids):
        files.update(r.warc_file for r in records)
        # A revisit replays only beside the response it repeats: bring those files too.
        files.update(
            r.warc_file
            for r in responses_of(
                store, {r.target_uri for r in records if r.warc_type == "revisit"}
            )
        )
        page = _page_record(records, post.platform)
        if page is not None:
            title = " ".join(
                ((post.author and f"@{post.author}: ") or "").split() + (post.text or "").split()
            )
            pages.append(
                {
                    "url": page.target_uri,
                    "title": title[:200] or post.url,
                    "ts": iso(page.recorded_at),
                    "id": f"post-{post.id}",
                }
            )
    if not pages:
        raise ArchiverError(
            "nothing to export: no archived post responses"
            + (" for those posts" if post_ids else "")
        )
    paths = []
    for name in sorted(files):
        path = warc_path(store, name)
        if path is None:
            raise ArchiverError(f"cannot export: WARC file {name} is missing (run archiver verify)")
        paths.append(str(path))
    _create(output, paths, pages)
    return ExportResult(output, len(pages), sorted(files))


def _page_record(records: list[WarcRecord], platform: str) -> WarcRecord | None:
    full = [r for r in records if r.warc_type == "response" and r.http_status == 200]
    for role in ("page", *platforms.main_roles(platform)):
        for rec in reversed(full):
            if rec.role == role:
                return rec
    return None


def _create(output: Path, warcs: list[str], pages: list[dict[str, object]]) -> None:
    from wacz.main import main as wacz_main

    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pages_path = Path(tmp) / "pages.jsonl"
        with open(pages_path, "w", encoding="utf-8") as fh:
            fh.write(
                json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "Archived posts"})
                + "\n"
            )
            for page in pages:
                fh.write(json.dumps(page, ensure_ascii=False) + "\n")
        partial = Path(tmp) / "out.wacz"
        chatter = io.StringIO()  # py-wacz prints its progress; keep our output ours
        with contextlib.redirect_stdout(chatter):
            code = wacz_main(["create", "-o", str(partial), *warcs, "-p", str(pages_path)])
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
