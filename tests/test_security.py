"""Security: addresses checked where the connection is made, secrets never recorded,
output paths honoured as given, private archive files (issue 6)."""

from __future__ import annotations

import asyncio
import json
import os
import stat

import httpcore
import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.addresses import AddressPolicy, BlockedConnect, GuardedBackend
from tests.conftest import FB_POST, PHOTO_TWEET

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
    from archiver import addresses

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
    from archiver import addresses

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
    path.write_text("# Netscape HTTP Cookie File\n"
                    ".facebook.com\tTRUE\t/\tTRUE\t4102444800\tc_user\tSECRET-USER-42\n"
                    ".facebook.com\tTRUE\t/\tTRUE\t4102444800\txs\tSECRET-SESSION-XS\n")
    os.chmod(path, mode)
    return path


def test_cookies_are_sent_where_they_belong_and_never_recorded(cli_env, run_cli, sim, monkeypatch, tmp_path):
    seen = []
    original = sim.record

    monkeypatch.setenv("ARCHIVER_COOKIES_FILE", str(cookies_file(tmp_path / "cookies.txt")))
    import archiver.simulator.server as server

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
    _, report, _ = run_cli("report", "--status", "all", "--format", "json")
    assert "SECRET" not in report
    assert "SECRET" not in out + err


def test_a_cookies_file_others_can_read_is_refused(cli_env, run_cli, monkeypatch, tmp_path):
    path = cookies_file(tmp_path / "cookies.txt", mode=0o644)
    monkeypatch.setenv("ARCHIVER_COOKIES_FILE", str(path))
    code, _, err = run_cli("capture", FB)
    assert code == 1
    assert err.strip() == (f"Error: ARCHIVER_COOKIES_FILE {path} can be read by other users (mode 644); "
                           "it holds the keys to an account: chmod 600 it")


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
