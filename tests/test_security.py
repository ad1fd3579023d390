"""Security: addresses checked where the connection is made, secrets never recorded,
output paths honoured as given, private archive files (issue 6)."""

from __future__ import annotations

import asyncio
import os
import stat
from datetime import UTC

import httpcore
import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.net.addresses import AddressPolicy, BlockedConnect, GuardedBackend
from tests.conftest import PHOTO_TWEET

FB = "https://www.facebook.com/SimPage/posts/700000000000001"
TWEET = f"https://x.com/sim_alice/status/{PHOTO_TWEET}"


class RecordingBackend(httpcore.AsyncNetworkBackend):
    def __init__(self):
        self.connected: list[str] = []

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        self.connected.append(host)
        raise httpcore.ConnectError("recorded, not connected")

    async def connect_unix_socket(self, *a, **k):
        raise NotImplementedError

    async def sleep(self, seconds):
        pass


def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch):
    from archiver.net import addresses

    async def resolve(host, port, timeout):
        return ["10.1.2.3"]  # what a rebinding DNS answers at connect time

    monkeypatch.setattr(addresses, "_resolve", resolve)
    inner = RecordingBackend()

    async def go():
        with pytest.raises(BlockedConnect, match="10.1.2.3 is a private address"):
            await GuardedBackend(AddressPolicy(), inner).connect_tcp("innocent.example", 80)

    asyncio.run(go())
    assert inner.connected == []  # never dialled


def test_the_checked_address_is_the_one_dialled(monkeypatch):
    from archiver.net import addresses

    answers = iter([["93.184.216.34"], ["10.0.0.9"]])  # a second lookup would answer differently

    async def resolve(host, port, timeout):
        return next(answers)

    monkeypatch.setattr(addresses, "_resolve", resolve)
    inner = RecordingBackend()

    async def go():
        with pytest.raises(httpcore.ConnectError):
            await GuardedBackend(AddressPolicy(), inner).connect_tcp("rebinding.example", 80)

    asyncio.run(go())
    assert inner.connected == ["93.184.216.34"]  # the checked IP itself, not the name again


def cookies_file(path, mode=0o600):
    path.write_text(
        "# Netscape HTTP Cookie File\n"
        ".facebook.com\tTRUE\t/\tTRUE\t4102444800\tc_user\tSECRET-USER-42\n"
        ".facebook.com\tTRUE\t/\tTRUE\t4102444800\txs\tSECRET-SESSION-XS\n"
    )
    os.chmod(path, mode)
    return path


def test_cookies_are_sent_where_they_belong_and_never_recorded(
    cli_env, run_cli, sim, monkeypatch, tmp_path
):
    seen = []

    monkeypatch.setenv("ARCHIVER_COOKIES_FILE", str(cookies_file(tmp_path / "cookies.txt")))
    import archiver.testing.simulator.server as server

    real_route = server._Handler._route

    def spy(handler):
        seen.append((handler.path, handler.headers.get("Cookie")))
        return real_route(handler)

    monkeypatch.setattr(server._Handler, "_route", spy)
    code, out, err = run_cli("capture", FB, TWEET, "--json")
    assert code == 0, err
    fb_cookies = {c for p, c in seen if p.startswith("/facebook/")}
    assert fb_cookies == {"c_user=SECRET-USER-42; xs=SECRET-SESSION-XS"}  # sent to Facebook
    assert {c for p, c in seen if not p.startswith("/facebook/")} == {None}  # and nowhere else
    for path in (cli_env.home / "warcs").glob("*.warc.gz"):
        assert b"SECRET" not in __import__("gzip").decompress(path.read_bytes())
    _, shown, _ = run_cli("show", FB, "--json")
    assert "SECRET" not in shown
    _, report, _ = run_cli("report", "--status", "all", "--format", "json", "--output", "-")
    assert "SECRET" not in report
    assert "SECRET" not in out + err


def test_a_cookies_file_others_can_read_is_refused(cli_env, run_cli, monkeypatch, tmp_path):
    path = cookies_file(tmp_path / "cookies.txt", mode=0o644)
    monkeypatch.setenv("ARCHIVER_COOKIES_FILE", str(path))
    code, _, err = run_cli("capture", FB)
    assert code == 1
    assert err.strip() == (
        f"Error: ARCHIVER_COOKIES_FILE {path} can be read by other users (mode 644); "
        "it holds the keys to an account: chmod 600 it"
    )


def test_output_paths_are_honoured_as_given(cli_env, run_cli, tmp_path):
    run_cli("capture", TWEET)
    target = tmp_path / "out" / "my report.html"
    target.parent.mkdir()
    assert run_cli("report", "--status", "all", "--output", str(target))[0] == 0
    assert sorted(p.name for p in target.parent.iterdir()) == ["my report.html"]
    wacz = tmp_path / "out" / "sub"
    wacz.mkdir()
    assert run_cli("export", "wacz", "--output", str(wacz))[0] == 0
    assert sorted(p.name for p in wacz.iterdir()) == ["archive.wacz"]


def test_archive_files_are_private(cli_env, run_cli):
    run_cli("capture", TWEET)
    home = cli_env.home
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE((home / "warcs").stat().st_mode) == 0o700
    for path in (home / "warcs").glob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((home / "archiver.db").stat().st_mode) == 0o600


# --- issue 12 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "fec0::1",
        "2002:a9fe:a9fe::1",
        "2002:7f00:1::",
        "64:ff9b::a9fe:a9fe",
        "64:ff9b::7f00:1",
        "64:ff9b:1::1",
        "::a9fe:a9fe",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        "2001:db8::1",
        "3fff::1",
        "100::1",
        "5f00::1",
        "ff02::1",
        "198.18.0.1",
        "192.0.0.8",
        "192.0.2.1",
        "240.0.0.1",
        "224.0.0.1",
        "100.64.0.1",
    ],
)
def test_special_purpose_addresses_are_refused(address):
    """6to4 and NAT64 can wrap 169.254.169.254; fec0::/10 and the rest are no destinations."""
    assert AddressPolicy().problem(address) is not None


@pytest.mark.parametrize(
    "address",
    [
        "93.184.215.14",
        "2606:2800:21f:cb07:6820:80da:af6b:8b2c",
        "2002:5db8:d70e::1",
        "64:ff9b::5db8:d70e",
    ],
)
def test_public_addresses_are_allowed(address):
    assert AddressPolicy().problem(address) is None


@pytest.fixture
def internal_service():
    """A service on this machine that no fetched page may reach."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "6")
            self.end_headers()
            self.wfile.write(b"secret")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_port, hits
    server.shutdown()


def test_rewriting_to_a_simulator_does_not_open_every_loopback_port(
    sim, settings, store, internal_service
):
    """Issue 12: with ARCHIVER_URL_REWRITE set, redirects, og:image and media reached an
    internal service 14 times. Loopback is allowed only for the rewrite targets themselves."""
    from archiver.runs.capture import capture
    from archiver.testing.simulator import SimPost
    from tests.conftest import T0

    port, hits = internal_service
    inside = f"http://127.0.0.1:{port}/admin"
    sim.add(
        SimPost(
            "web",
            "https://blog.example.org/ssrf.html",
            "b",
            "B",
            "a page",
            T0,
            title="SSRF",
            photos=[inside],
        )
    )
    sim.add_share("/share/p/ssrf123/", inside)
    report = capture(
        settings,
        store,
        ["https://blog.example.org/ssrf.html", "https://www.facebook.com/share/p/ssrf123/", inside],
    )
    assert hits == []
    messages = " ".join(i.message for i in report.items)
    assert "loopback" in messages


def test_the_rewrite_targets_themselves_are_reachable(sim, settings):
    from archiver.net.fetcher import Fetcher
    from archiver.platforms.base import FetchRequest

    async def go():
        async with Fetcher(settings) as fetcher:
            return await fetcher.fetch(FetchRequest("page", "https://example.com/"))

    assert asyncio.run(go()).final.status == 200


def test_no_warc_header_ever_holds_cr_or_lf(tmp_path):
    """Issue 12, item 6: the last guard, whatever reached the writer."""
    import io
    from datetime import datetime

    from archiver.core.exchange import Exchange
    from archiver.warc.writer import WarcWriter

    writer = WarcWriter(tmp_path)
    bad = "https://x.com/evil\r\nWARC-Type: resource\r\n/status/1"
    ex = Exchange("page", bad, bad, datetime.now(UTC))
    ex.status, ex.reason, ex.raw, ex.raw_length = 200, "OK", io.BytesIO(b"x"), 1
    writer.write_exchange(ex)
    writer.write_metadata(bad, {"a": 1}, datetime.now(UTC))
    writer.close()
    with open(next(tmp_path.glob("*.warc.gz")), "rb") as fh:
        for record in ArchiveIterator(fh):
            for name, value in record.rec_headers.headers:
                assert "\r" not in value and "\n" not in value, (name, value)
            assert record.rec_type in ("warcinfo", "request", "response", "metadata")
