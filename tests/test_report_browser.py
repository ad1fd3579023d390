"""The HTML report in a real browser: it renders, requests nothing, runs no script from posts (issue 4).

Uses Debian's chromium (``make test`` installs it) driven by Playwright, which
downloads no browser of its own here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archiver.report.build import build_report
from archiver.report.renderers import render_html
from archiver.runs.capture import capture
from archiver.runs.recheck import recheck
from archiver.testing.simulator import SimPost, tweet_id_at
from tests.conftest import FB_POST, T0

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)"
)

HOSTILE = (
    '<script>window.__pwned = "script"</script><img src="x" onerror="window.__pwned = \'onerror\'">'
    '<a href="javascript:alert(1)">link</a><style>body{display:none}</style>'
    '<img src="https://tracker.example/pixel.gif">'
)


@pytest.fixture
def report_file(sim, settings, store, clock, tmp_path) -> Path:
    posts = []
    for n in range(3):
        tid = tweet_id_at(T0, 500 + n)
        sim.add(
            SimPost(
                "twitter",
                tid,
                f"sim_user{n}",
                f"User {n} <i>",
                f"{HOSTILE} number {n}",
                T0,
                photos=[f"p{n}.png"],
            )
        )
        posts.append((f"twitter:{tid}", f"https://x.com/sim_user{n}/status/{tid}"))
    capture(
        settings,
        store,
        [u for _, u in posts] + ["https://www.facebook.com/SimPage/posts/700000000000001"],
        clock=clock,
    )
    for ref, _ in posts:
        sim.set_state(ref, "deleted")
    sim.set_state(f"facebook:{FB_POST}", "deleted")
    for _ in range(2):
        clock.advance(hours=1)
        recheck(settings, store, check_all=True, clock=clock)
    path = tmp_path / "report.html"
    path.write_bytes(render_html(build_report(store, with_media=True)))
    return path


def open_in_chromium(path: Path, action):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            requests, dialogs, errors = [], [], []
            page.on("request", lambda r: requests.append(r.url))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            return action(page), requests, dialogs, errors
        finally:
            browser.close()


def test_report_renders_without_requests_or_post_scripts(report_file):
    def look(page):
        return {
            "cards": page.locator("article.card").count(),
            "rows": page.locator("#summary tbody tr").count(),
            "pwned": page.evaluate("window.__pwned === undefined ? null : window.__pwned"),
            "images_loaded": page.evaluate(
                "Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0).length"
            ),
            "text": page.locator("article.card .text", has_text="number 0").inner_text(),
            "visible": page.locator("body").is_visible(),
        }

    seen, requests, dialogs, errors = open_in_chromium(report_file, look)
    assert seen["cards"] == 4 and seen["rows"] == 4
    assert seen["pwned"] is None  # no script from post content ran
    assert dialogs == []
    assert seen["images_loaded"] >= 3  # inlined from the archive as data: URIs
    assert seen["text"].startswith("<script>window.__pwned")  # shown as text
    assert seen["visible"]
    assert requests == [report_file.as_uri()]  # nothing but the file itself
    assert errors == []


def test_summary_table_sorts_and_filters(report_file):
    def use(page):
        def first():
            return page.locator(
                "#summary tbody tr:not([hidden]) td:nth-child(2)"
            ).first.inner_text()

        page.click("#summary th:nth-child(2)")
        ascending = first()
        page.click("#summary th:nth-child(2)")
        descending = first()
        page.fill("#filter", "sim_user1")
        visible = page.locator("#summary tbody tr:not([hidden])").count()
        return ascending, descending, visible

    (ascending, descending, visible), _, _, errors = open_in_chromium(report_file, use)
    assert ascending == "@SimPage" and descending == "@sim_user2"
    assert visible == 1
    assert errors == []


def test_screenshot(report_file, tmp_path):
    shot = tmp_path / "report.png"
    open_in_chromium(report_file, lambda page: page.screenshot(path=str(shot), full_page=False))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
