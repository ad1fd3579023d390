"""Issue 13: a platform is one module. A toy platform, defined here and registered, goes through
capture, recheck, the report and the WACZ export without a line of product code knowing it."""

from __future__ import annotations

import html
import json
import re
import threading
import zipfile
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from archiver import platforms
from archiver.config import parse_rewrites
from archiver.core.pages import PageMeta
from archiver.core.status import Classification, Outcome, Signal
from archiver.core.urls import WebURL
from archiver.platforms.base import (
    FetchRequest,
    PlatformSetting,
    PostData,
    PostRef,
    Purpose,
    Response,
    Seen,
)
from archiver.report.build import build_report
from archiver.runs.capture import capture
from archiver.runs.recheck import recheck
from archiver.store import Store
from archiver.warc.wacz import export_wacz


class Toy:
    """Posts at https://toy.example/p/{id}, served as JSON at /api/{id}.json."""

    name = "toy"
    main_roles = ("post",)
    controls: tuple[str, ...] = ()
    settings: tuple[PlatformSetting, ...] = ()

    def recognise(self, url: WebURL) -> PostRef | None:
        if url.host != "toy.example":
            return None
        match = re.fullmatch(r"/p/(\d+)", url.path)
        return (
            PostRef("toy", match.group(1), f"https://toy.example/p/{match.group(1)}")
            if match
            else None
        )

    def plan(
        self, ref: PostRef, purpose: Purpose, options: Mapping[str, str]
    ) -> list[FetchRequest]:
        return [
            FetchRequest(
                "post", f"https://toy.example/api/{ref.key}.json", accept="application/json"
            )
        ]

    def followups(self, ref, responses, data, purpose) -> list[FetchRequest]:
        return []

    def parse(self, ref: PostRef, responses: Mapping[str, Response]) -> PostData:
        body = responses["post"].json() if "post" in responses else None
        if not isinstance(body, dict) or responses["post"].status != 200:
            return PostData(canonical_url=ref.url)
        return PostData(
            author=body.get("author"),
            text=body.get("text"),
            canonical_url=ref.url,
            created_at=datetime(2024, 1, 2, tzinfo=UTC),
            sources=["post"],
        )

    def classify(self, ref: PostRef, responses: Mapping[str, Response]) -> Classification:
        answer = responses.get("post")
        status = answer.status if answer is not None else None
        if status == 200:
            return Classification(
                Outcome.ALIVE, (Signal("post", 200, "post"),), "the toy post is there"
            )
        if status == 404:
            return Classification(
                Outcome.DELETED, (Signal("post", 404, "deleted"),), "the toy says it is gone"
            )
        return Classification(Outcome.ERROR, (Signal("post", status, "error"),), "no answer")

    def identity(self, key: str, url: str) -> tuple[str, str]:
        return key, "toot"

    def embedded(self, page: PageMeta) -> list[str]:
        return []

    def unwrap(self, url: str) -> str | None:
        return None

    def view(self, seen: Seen) -> str | None:
        return f"<!DOCTYPE html><title>toy</title><p>{html.escape(seen.data.text or '')}</p>"


@pytest.fixture
def toy_server():
    posts = {"1": {"author": "toy_author", "text": "Hello from the toy platform"}}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            key = self.path.rsplit("/", 1)[-1].removesuffix(".json")
            body = json.dumps(posts[key]).encode() if key in posts else b'{"error": "gone"}'
            self.send_response(200 if key in posts else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    platforms.register(Toy())
    yield server, posts
    platforms.unregister("toy")
    server.shutdown()


def test_a_toy_platform_goes_through_the_whole_pipeline(toy_server, settings, clock, tmp_path):
    server, posts = toy_server
    toy = replace(
        settings,
        confirm_interval=0,
        controls=(),
        url_rewrite=parse_rewrites(f"https://toy.example=http://127.0.0.1:{server.server_port}"),
    )
    store = Store(toy)
    report = capture(toy, store, ["https://toy.example/p/1"], clock=clock)
    assert report.captured_count == 1, [i.message for i in report.items]
    del posts["1"]
    for _ in range(2):
        clock.advance(hours=1)
        run = recheck(toy, store, check_all=True, clock=clock)
    assert [(t.after.value, t.reason) for t in run.transitions] == [("vanished", "deleted")]
    deletion = build_report(store)
    [post] = deletion.posts
    assert (post.platform, post.post_id, post.kind, post.text) == (
        "toy",
        "1",
        "toot",
        "Hello from the toy platform",
    )
    assert post.text_source == "warc"
    result = export_wacz(store, tmp_path / "toy.wacz")
    store.close()
    with zipfile.ZipFile(result.output) as wacz:
        pages = wacz.read("pages/pages.jsonl").decode()
        originals = wacz.read("pages/extraPages.jsonl").decode()
    # The vanished post opens on its own platform's view of it, as last seen alive.
    assert "https://view.archiver.invalid/toy/1" in pages
    assert "api/1.json" in originals
    assert post.view_url == "https://view.archiver.invalid/toy/1"
