"""Issue 14: the archive opens on the evidence, with real URLs.

The demo runs as in real use — HTTPS to ``x.com``, ``www.facebook.com`` and the rest, the
connections sent to the simulator by ``ARCHIVER_RESOLVE``, its throwaway CA trusted through
``ARCHIVER_CA_BUNDLE`` — and its archive is opened in the tools users have: warcio,
cdxj-indexer, ``wacz validate``, pywb and ReplayWeb.page (self-hosted, in headless Chromium).
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx
import pytest
from sqlmodel import select
from warcio.archiveiterator import ArchiveIterator

from archiver.config import Settings
from archiver.store import Observation, Post, Store, WarcRecord
from archiver.testing.simulator import Simulator
from archiver.testing.simulator.catalog import FB_POST, TWEET_ADDRESS
from tests.test_export import free_port

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REPLAYWEB = Path(os.environ.get("ARCHIVER_REPLAYWEB_DIR", ROOT / ".venv/replaywebpage/package"))
OUTPUT = Path(os.environ.get("ARCHIVER_TEST_OUTPUT", ROOT / "test-output"))
SIMULATED_HOSTS = {
    "x.com",
    "cdn.syndication.twimg.com",
    "syndication.twitter.com",
    "publish.twitter.com",
    "pbs.twimg.com",
    "video.twimg.com",
    "www.facebook.com",
    "scontent.sim.fbcdn.net",
    "blog.example.org",
    "example.com",  # the web's control posts (issue 11): their looks are evidence too
    "example.org",
    "view.archiver.invalid",
}
FB_DELETED = f"https://www.facebook.com/SimRusEmbassyMN/posts/{FB_POST}"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVER_")}
    env.update({"ARCHIVER_TSA_URLS": "none", "ARCHIVER_CHROMIUM": "none", **extra})
    return env


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The demo, run as `make demo` runs it; its archive."""
    work = tmp_path_factory.mktemp("demo")
    done = subprocess.run(
        [sys.executable, "-m", "archiver.testing.demo"],
        cwd=work,
        env=_env(ARCHIVER_CHROMIUM=""),  # the demo draws its pictures when a browser is there
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Traceback" not in done.stdout + done.stderr
    (work / "transcript.txt").write_text(done.stdout)
    return work / "demo-archive"


def _records(home: Path):
    for path in sorted((home / "warcs").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                yield record.rec_type, record.rec_headers, record.content_stream().read()


def _db(home: Path) -> Store:
    return Store(Settings(home=home), readonly=True)


def test_the_archive_holds_the_real_urls(demo):
    uris, ips, dates, info = set(), set(), [], {}
    for kind, headers, body in _records(demo):
        dates.append(headers.get_header("WARC-Date"))
        if kind == "warcinfo":
            info = dict(line.split(": ", 1) for line in body.decode().splitlines() if ": " in line)
            continue
        uri = headers.get_header("WARC-Target-URI")
        if kind == "metadata":
            assert uri.startswith("urn:archiver:observation:"), uri
            continue
        uris.add(uri)
        if headers.get_header("WARC-IP-Address"):
            ips.add(headers.get_header("WARC-IP-Address"))
    assert {urlsplit(u).scheme for u in uris} == {"https"}
    assert {urlsplit(u).hostname for u in uris} <= SIMULATED_HOSTS
    assert f"https://x.com/SimRusEmbassyMN/status/{TWEET_ADDRESS}" in uris
    assert FB_DELETED in uris
    assert ips == {"127.0.0.1"}  # where ARCHIVER_RESOLVE sent the connections
    # WARC/1.1 dates to the microsecond (a date falling on a whole second has no fraction).
    assert sum(bool(re.search(r"\.\d{6}Z$", d)) for d in dates) > len(dates) * 0.9
    assert info["software"].startswith("archiver/")
    assert info["format"] == "WARC File Format 1.1"
    assert {"conformsTo", "hostname", "http-header-user-agent", "description"} <= set(info)


def test_standard_tools_accept_the_archive(demo):
    for path in sorted((demo / "warcs").glob("*.warc.gz")):
        check = subprocess.run([str(BIN / "warcio"), "check", str(path)], capture_output=True)
        assert check.returncode == 0, check.stdout + check.stderr
        index = subprocess.run(
            [str(BIN / "cdxj-indexer"), str(path)], capture_output=True, text=True
        )
        assert index.returncode == 0 and "view.archiver.invalid" in index.stdout
    valid = subprocess.run(
        [str(BIN / "wacz"), "validate", "-f", str(demo / "demo.wacz")],
        capture_output=True,
        text=True,
    )
    assert "Validation succeeded" in valid.stdout, valid.stdout + valid.stderr


def _pages(wacz: Path, name: str = "pages/pages.jsonl") -> list[dict]:
    with zipfile.ZipFile(wacz) as z:
        return [json.loads(line) for line in z.read(name).decode().splitlines()[1:]]


def test_each_post_opens_on_its_view_as_last_seen_alive(demo):
    pages = _pages(demo / "demo.wacz")
    originals = _pages(demo / "demo.wacz", "pages/extraPages.jsonl")
    store = _db(demo)
    with store.session() as session:
        posts = session.exec(select(Post)).all()
        deleted = next(p for p in posts if p.url == FB_DELETED)
    store.close()
    assert len(pages) == len(posts) == 10
    assert {p["title"].split(":")[0] for p in pages} >= {"@SimRusEmbassyMN", "@SimExPresMN"}
    views = [p for p in pages if p["url"].startswith("https://view.archiver.invalid/")]
    assert len(views) == 9  # every post but the blog page, which reads well as it is
    page = next(p for p in pages if p["url"].endswith(f"/facebook/post:{FB_POST}"))
    # The vanished post opens on what it said: its view from the last look that saw it alive.
    assert page["ts"] <= deleted.last_seen_alive_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert FB_DELETED in {p["url"] for p in originals}
    assert len(originals) == 10


def test_the_report_links_the_original_and_the_archived_view(demo):
    html = (demo / "deletion-report.html").read_text()
    assert f'href="{FB_DELETED}"' in html
    link = "https://replayweb.page/?" + urlencode({"source": "demo.wacz"}) + "#"
    assert link in html
    assert "view.archiver.invalid%2Ffacebook%2Fpost%3A" + FB_POST in html


def test_a_selective_export_holds_nothing_of_the_other_posts(demo, tmp_path):
    chosen = [f"twitter:{TWEET_ADDRESS}", FB_DELETED]
    out = tmp_path / "two.wacz"
    done = subprocess.run(
        [sys.executable, "-m", "archiver", "export", "wacz", *chosen, "--output", str(out)],
        env=_env(ARCHIVER_HOME=str(demo)),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    store = _db(demo)
    with store.session() as session:
        rows = session.exec(
            select(Post.url, WarcRecord.target_uri, WarcRecord.record_id)
            .join(Observation, Observation.id == WarcRecord.observation_id)
            .join(Post, Post.id == Observation.post_id)
        ).all()
    store.close()
    wanted = {FB_DELETED, f"https://x.com/SimRusEmbassyMN/status/{TWEET_ADDRESS}"}
    mine = {uri for url, uri, _ in rows if url in wanted}
    theirs = {uri for url, uri, _ in rows if url not in wanted} - mine
    mine_ids = {rid for url, _, rid in rows if url in wanted}
    packaged_uris, packaged_ids = set(), set()
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.startswith("archive/"):
                path = tmp_path / Path(name).name
                path.write_bytes(z.read(name))
                check = subprocess.run([str(BIN / "warcio"), "check", str(path)])
                assert check.returncode == 0
                with open(path, "rb") as fh:
                    for record in ArchiveIterator(fh):
                        packaged_uris.add(record.rec_headers.get_header("WARC-Target-URI"))
                        packaged_ids.add(record.rec_headers.get_header("WARC-Record-ID"))
    assert packaged_uris & theirs == set()
    assert mine_ids <= packaged_ids  # every record of the chosen posts, byte for byte
    assert len(_pages(out)) == 2
    valid = subprocess.run(
        [str(BIN / "wacz"), "validate", "-f", str(out)], capture_output=True, text=True
    )
    assert "Validation succeeded" in valid.stdout


@pytest.mark.skipif(not (BIN / "wb-manager").exists(), reason="pywb is not installed")
def test_pywb_replays_the_post_pages_and_the_views(demo, tmp_path):
    work = tmp_path / "pywb"
    work.mkdir()
    subprocess.run(
        [str(BIN / "wb-manager"), "init", "c"], cwd=work, check=True, capture_output=True
    )
    warcs = sorted(str(p) for p in (demo / "warcs").glob("*.warc.gz"))
    subprocess.run(
        [str(BIN / "wb-manager"), "add", "c", *warcs], cwd=work, check=True, capture_output=True
    )
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "wayback"), "-p", str(port), "-b", "127.0.0.1"],
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def get(url: str) -> httpx.Response:
        deadline = time.monotonic() + 90
        while True:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/c/2100id_/{url}", timeout=10)
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)

    try:
        tweet_page = get(f"https://x.com/SimRusEmbassyMN/status/{TWEET_ADDRESS}")
        assert tweet_page.status_code == 200
        # The page itself, never the metadata record archiver wrote at the same moment.
        assert tweet_page.headers["content-type"].startswith("text/html")
        assert b"<html" in tweet_page.content.lower()
        view = get(f"https://view.archiver.invalid/twitter/{TWEET_ADDRESS}")
        assert view.status_code == 200
        assert "A view generated by archiver" in view.text
        assert "To the Democratic Party of Mongolia" in view.text
        fb_view = get(f"https://view.archiver.invalid/facebook/post:{FB_POST}")
        assert "Statement to the Democratic Party of Mongolia" in fb_view.text
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
@pytest.mark.skipif(
    not (REPLAYWEB / "sw.js").exists(), reason="ReplayWeb.page is not installed (make test)"
)
def test_replayweb_page_opens_the_demo_wacz_on_each_post(demo):
    from playwright.sync_api import sync_playwright

    site = demo.parent / "replayweb"
    site.mkdir(exist_ok=True)
    for name in ("index.html", "ui.js", "sw.js"):
        shutil.copy(REPLAYWEB / name, site / name)
    shutil.copy(demo / "demo.wacz", site / "demo.wacz")
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://localhost:{server.server_address[1]}/"
    source = urlencode({"source": base + "demo.wacz"})
    shots = OUTPUT / "replayweb"
    shots.mkdir(parents=True, exist_ok=True)
    pages = _pages(demo / "demo.wacz")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            try:
                page = browser.new_page(viewport={"width": 1200, "height": 2400})
                page.goto(f"{base}?{source}#view=pages")
                page.get_by_text(f"{len(pages)} pages").wait_for(timeout=60_000)
                page.screenshot(path=str(shots / "pages.png"))
                listed = page.evaluate(_LISTED_TITLES)
                for entry in pages:  # the page list shows each post, by its title
                    assert entry["title"] in listed, (entry["title"], listed)
                for entry in pages:
                    if "view.archiver.invalid" not in entry["url"]:
                        continue
                    text, images = _open_view(page, base, source, entry)
                    name = entry["url"].rsplit("/", 2)
                    page.screenshot(
                        path=str(shots / f"{name[-2]}-{name[-1]}.png".replace(":", "-"))
                    )
                    author = entry["title"].split(":")[0].lstrip("@")
                    assert author in text, (entry, text[:300])
                    assert entry["title"].split(": ", 1)[1][:40].rstrip("…") in text
                    assert "A view generated by archiver" in text
                    if "twitter" in entry["url"] or FB_POST in entry["url"]:
                        # media the post carries are shown from the archive
                        assert images["broken"] == 0, (entry["url"], images)
                    if entry["url"].endswith(f"/{TWEET_ADDRESS}"):
                        assert images["loaded"] >= 1  # the tweet's photo, from the archive
                    if entry["url"].endswith(f"post:{FB_POST}"):
                        assert "Statement to the Democratic Party of Mongolia" in text
                        assert images["loaded"] >= 1
            finally:
                browser.close()
    finally:
        server.shutdown()


# The titles in ReplayWeb.page's page list, through its shadow roots.
_LISTED_TITLES = """() => {
  const found = [];
  const walk = (node) => {
    if (node.shadowRoot) walk(node.shadowRoot);
    for (const child of node.children || []) walk(child);
    if (node.matches && node.matches("p.page-title")) found.push(node.textContent.trim());
  };
  walk(document.documentElement);
  return found;
}"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _open_view(page, base: str, source: str, entry: dict) -> tuple[str, dict[str, int]]:
    """Open a page entry in ReplayWeb.page; the replayed view's text and its images."""
    stamp = re.sub(r"\D", "", entry["ts"])[:14]
    page.goto(f"{base}?{source}#" + urlencode({"view": "replay", "url": entry["url"], "ts": stamp}))
    # The replay frame sits inside the app's shadow DOM; Playwright's CSS pierces it.
    frame = page.frame_locator("iframe[name='___wb_replay_top_frame']")
    body = frame.locator("body")
    frame.get_by_text("A view generated by archiver").wait_for(timeout=60_000)
    # That sentence is on every view: the frame may still show the previous entry's. Wait for
    # this one's own text before looking at its images.
    own = entry["title"].split(": ", 1)[1][:40].rstrip("…")
    frame.get_by_text(own).first.wait_for(timeout=60_000)
    images = body.evaluate(
        """async () => {
          const all = Array.from(document.images);
          await Promise.all(all.map(i => i.complete ? null : new Promise(r => {
            i.addEventListener("load", r); i.addEventListener("error", r); })));
          return {loaded: all.filter(i => i.naturalWidth > 0).length,
                  broken: all.filter(i => i.naturalWidth === 0).length};
        }"""
    )
    return body.inner_text(), images


def test_without_the_ca_bundle_nothing_is_trusted(tmp_path):
    with Simulator(tls=True) as sim:
        done = subprocess.run(
            [sys.executable, "-m", "archiver", "capture", "https://x.com/jack/status/20"],
            env=_env(
                ARCHIVER_HOME=str(tmp_path / "a"),
                ARCHIVER_RESOLVE=sim.resolve_spec(),
                ARCHIVER_RETRIES="0",
                ARCHIVER_CONTROLS="none",
            ),
            capture_output=True,
            text=True,
        )
    assert done.returncode == 1
    assert "CERTIFICATE_VERIFY_FAILED" in done.stderr or "certificate" in done.stderr.lower()
    assert "Traceback" not in done.stderr


def test_loopback_is_allowed_only_at_the_resolve_targets(tmp_path):
    with Simulator(tls=True) as sim:
        assert sim.ca is not None
        elsewhere = free_port()
        done = subprocess.run(
            [sys.executable, "-m", "archiver", "capture", f"https://127.0.0.1:{elsewhere}/x"],
            env=_env(
                ARCHIVER_HOME=str(tmp_path / "a"),
                ARCHIVER_RESOLVE=sim.resolve_spec(),
                ARCHIVER_CA_BUNDLE=str(sim.ca.write_pem(tmp_path / "ca.pem")),
                ARCHIVER_CONTROLS="none",
            ),
            capture_output=True,
            text=True,
        )
    assert done.returncode == 1
    assert "127.0.0.1 is a loopback address" in done.stderr


def test_a_gzip_index_lists_every_view(demo):
    with zipfile.ZipFile(demo / "demo.wacz") as z:
        name = next(n for n in z.namelist() if n.startswith("indexes/index.cdx"))
        raw = z.read(name)
    index = (gzip.decompress(raw) if name.endswith(".gz") else raw).decode()
    assert index.count("invalid,archiver,view)/") >= 9
