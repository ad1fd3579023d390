"""Issue 17: `archiver serve` — the archive in a browser, safe by default.

The app runs in uvicorn on a loopback port, over an archive captured from the simulator with
one post vanished; HTTP checks use httpx, the journey (search, open a post, review it by
keyboard, download its exhibit) runs in Debian's Chromium through Playwright, with
screenshots at 360 px wide in test-output/web/.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn

from archiver.api import Archive
from archiver.runs.capture import capture
from archiver.runs.recheck import recheck
from archiver.web.app import create_app
from tests.conftest import PHOTO_TWEET, PLAIN_TWEET

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = Path(__file__).resolve().parents[1] / "test-output" / "web"
GONE = f"https://x.com/sim_alice/status/{PHOTO_TWEET}"
ALIVE = f"https://x.com/sim_bob/status/{PLAIN_TWEET}"


@pytest.fixture
def archive_home(sim, settings, store, clock):
    capture(settings, store, [GONE, ALIVE, "https://blog.example.org/test/page.html"], clock=clock)
    sim.set_state(f"twitter:{PHOTO_TWEET}", "deleted")
    for _ in range(2):
        clock.advance(hours=2)
        recheck(settings, store, check_all=True, clock=clock)
    return settings


class Served:
    def __init__(self, settings, token: str = "", readonly: bool = False):
        self.archive = Archive(settings=settings, readonly=readonly)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        config = uvicorn.Config(
            create_app(self.archive, token=token),
            host="127.0.0.1",
            port=self.port,
            log_level="error",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        assert self.server.started, "uvicorn did not start"
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.server.should_exit = True
        self.thread.join(10)
        self.archive.close()


@pytest.fixture
def served(archive_home):
    running = Served(archive_home)
    yield running
    running.stop()


def _post_id(served: Served, url: str) -> int:
    return int(served.archive.post(url)["id"])


def test_pages_answer_with_a_strict_policy_and_escape_what_came_from_the_network(served):
    with httpx.Client(base_url=served.url) as client:
        listing = client.get("/")
        assert listing.status_code == 200
        policy = listing.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src" not in policy
        assert "3 posts" in listing.text
        # The simulated tweet's text holds a script tag: shown as text, never as markup.
        assert "&lt;script&gt;x&lt;/script&gt;" in listing.text and "<script>x" not in listing.text
        gone = _post_id(served, GONE)
        found = client.get("/", params={"q": "photo tweet", "status": "vanished"})
        assert "1 post" in found.text and f"/posts/{gone}" in found.text
        assert "No post matches" in client.get("/", params={"q": "nothing like it"}).text
        page = client.get(f"/posts/{gone}")
        assert page.status_code == 200 and "Review this verdict" in page.text
        view = client.get(f"/posts/{gone}/view")
        assert "sandbox" in view.headers["content-security-policy"]
        for path in ("/report", "/health", "/runs", f"/posts/{gone}/exhibit?format=html"):
            assert client.get(path).status_code == 200, path
        wacz = client.get(f"/posts/{gone}/post.wacz")
        assert wacz.status_code == 200 and wacz.content[:2] == b"PK"
        assert client.get("/posts/99999").status_code == 404


def test_a_review_needs_its_csrf_token_and_a_vanished_post(served):
    gone, alive = _post_id(served, GONE), _post_id(served, ALIVE)
    with httpx.Client(base_url=served.url) as client:
        page = client.get(f"/posts/{gone}")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        form = {"verdict": "disputed", "note": "the account was only renamed", "by": "Ana"}
        assert client.post(f"/posts/{gone}/review", data=form).status_code == 403
        assert (
            client.post(
                f"/posts/{gone}/review",
                data={**form, "csrf": csrf},
                headers={"Origin": "https://evil.example"},
            ).status_code
            == 403
        )
        assert client.post(f"/posts/{alive}/review", data={**form, "csrf": csrf}).status_code == 400
        saved = client.post(f"/posts/{gone}/review", data={**form, "csrf": csrf})
        assert saved.status_code == 303
    review = served.archive.post(GONE)["review"]
    assert (review["verdict"], review["by"]) == ("disputed", "Ana")
    # A disputed verdict leaves the default report and stays under --status all.
    assert served.archive.report().posts == []
    assert [p.review["verdict"] for p in served.archive.report(status="all").posts if p.review] == [
        "disputed"
    ]


def test_any_other_host_needs_the_token_on_every_request(archive_home):
    running = Served(archive_home, token="s3cret-token")
    try:
        with httpx.Client(base_url=running.url) as client:
            assert client.get("/").status_code == 401
            assert client.get("/static/style.css").status_code == 401
            assert client.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
            ok = client.get("/", headers={"Authorization": "Bearer s3cret-token"})
            assert ok.status_code == 200
            first = client.get("/?token=s3cret-token", follow_redirects=True)  # then by cookie
            assert first.status_code == 200 and "token" not in str(first.url)
            assert client.get("/runs").status_code == 200
    finally:
        running.stop()


def test_serve_refuses_a_public_address_without_a_token(cli_env, run_cli):
    code, _, error = run_cli("serve", "--host", "0.0.0.0")
    assert code == 2
    assert "set ARCHIVER_SERVE_TOKEN" in error


def test_a_read_only_archive_is_served_and_takes_no_review(archive_home):
    running = Served(archive_home, readonly=True)
    try:
        gone = _post_id(running, GONE)
        with httpx.Client(base_url=running.url) as client:
            page = client.get(f"/posts/{gone}")
            assert "Reviews cannot be saved in a read-only archive" in page.text
    finally:
        running.stop()


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_in_chromium_search_open_review_by_keyboard_and_download_the_exhibit(served, sim, tmp_path):
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    requests: list[str] = []
    hits_before = len(sim.hits)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            context = browser.new_context(viewport={"width": 360, "height": 800})
            page = context.new_page()
            # What the browser really fetched (a request CSP blocks gets no response).
            page.on("response", lambda r: requests.append(r.url))
            page.goto(served.url + "/")
            page.screenshot(path=str(SHOTS / "posts-360.png"), full_page=True)
            # Usable at 360 px: nothing wider than the screen.
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            # By keyboard: the first Tab reaches the skip link, which leads to the content.
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.className") == "skip"
            page.locator("input[name=q]").focus()
            page.keyboard.type("photo tweet")
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert "1 post" in page.locator("p.count").inner_text()
            with page.expect_navigation():
                page.locator("ol.posts a").first.click()
            # The archived view, in its sandboxed frame, shows the post as archived.
            view = page.frame_locator("iframe.view").locator("article")
            assert "A photo tweet" in view.inner_text()
            page.screenshot(path=str(SHOTS / "post-360.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            # The review, by keyboard only.
            page.locator("input[value=confirmed]").focus()
            page.keyboard.press("Space")
            page.keyboard.press("Tab")  # from the radio group to the note
            page.keyboard.type("Checked by hand: the tweet shows a deletion tombstone.")
            page.keyboard.press("Tab")
            page.keyboard.type("Ana Reviewer")
            page.keyboard.press("Tab")
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert "Review saved: confirmed by Ana Reviewer." in page.content()
            page.screenshot(path=str(SHOTS / "reviewed-360.png"), full_page=True)
            with page.expect_download() as waiting:
                page.locator("a", has_text="Exhibit (HTML)").click()
            download = waiting.value
            saved = tmp_path / download.suggested_filename
            download.save_as(saved)
            assert "Reviewed by a person" in saved.read_text()
            assert "confirmed by Ana Reviewer" in saved.read_text()
        finally:
            browser.close()
    # No request left the machine from a page.
    outside = [r for r in requests if not r.startswith((served.url, "data:"))]
    assert requests and outside == [], outside
    assert len(sim.hits) == hits_before  # the platforms (here, the simulator) saw nothing
