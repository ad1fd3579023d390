"""The fetcher: wire bytes, redirects, retries, caps, cookies and address checks (issue 2)."""

from __future__ import annotations

import asyncio
import gzip
from datetime import UTC, datetime

import httpx
import pytest

from archiver.config import Settings
from archiver.net.addresses import AddressPolicy
from archiver.net.fetcher import Fetcher
from archiver.net.politeness import retry_after_seconds, rewrite_url
from archiver.platforms.base import FetchRequest
from tests.conftest import Body

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def reply(
    status: int, headers: dict[str, str] | None = None, content: bytes = b""
) -> httpx.Response:
    return httpx.Response(status, headers=headers or {}, stream=Body(content))


def run(
    handler,
    url="https://example.org/a",
    settings: Settings | None = None,
    sleeps=None,
    **request_kw,
):
    settings = settings or Settings(politeness_delay=0, backoff=1.0, retries=2, max_retry_wait=60)
    slept = sleeps if sleeps is not None else []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    async def go():
        async with Fetcher(
            settings, transport=httpx.MockTransport(handler), clock=lambda: NOW, sleep=fake_sleep
        ) as fetcher:
            return await fetcher.fetch(FetchRequest("page", url, **request_kw))

    return asyncio.run(go())


def raw_bytes(exchange) -> bytes:
    exchange.raw.seek(0)
    return exchange.raw.read()


def test_keeps_wire_bytes_and_decodes_a_copy():
    body = gzip.compress(b"<html>hello</html>", mtime=0)
    result = run(lambda req: reply(200, headers={"Content-Encoding": "gzip"}, content=body))
    final = result.final
    assert raw_bytes(final) == body  # stored as it came over the wire
    assert final.decoded == b"<html>hello</html>"
    assert result.as_response().body == b"<html>hello</html>"


def test_requests_name_their_encodings_and_agent():
    seen = {}

    def handler(request):
        seen.update(request.headers)
        return reply(200)

    run(handler, settings=Settings(user_agent="test-agent/1", politeness_delay=0))
    assert seen["accept-encoding"] == "gzip, deflate"
    assert seen["user-agent"] == "test-agent/1"


def test_follows_redirects_itself_and_keeps_every_hop():
    def handler(request):
        if request.url.path == "/a":
            return reply(301, headers={"Location": "/b"})
        if request.url.path == "/b":
            return reply(302, headers={"Location": "https://example.org/c"})
        return reply(200, content=b"end")

    result = run(handler)
    assert [(e.logical_url, e.status) for e in result.exchanges] == [
        ("https://example.org/a", 301),
        ("https://example.org/b", 302),
        ("https://example.org/c", 200),
    ]
    assert result.as_response().final_url == "https://example.org/c"


def test_redirect_loops_and_long_chains_end_with_an_error():
    loop = run(lambda req: reply(302, headers={"Location": "/a"}))
    assert loop.error == "redirect loop: led back to https://example.org/a, already visited"
    n = iter(range(100))
    chain = run(
        lambda req: reply(302, headers={"Location": f"/r{next(n)}"}),
        settings=Settings(max_redirects=3, politeness_delay=0),
    )
    assert chain.error == "more than 3 redirects (ARCHIVER_MAX_REDIRECTS)"
    assert len(chain.exchanges) == 4


def test_redirect_to_a_private_address_is_refused_without_connecting():
    calls = []

    def handler(request):
        calls.append(str(request.url))
        return reply(302, headers={"Location": "http://10.1.2.3/admin"})

    result = run(handler)
    assert calls == ["https://example.org/a"]
    assert result.final.blocked
    assert result.final.error == "refused: 10.1.2.3 is a private address"


def test_retries_honour_retry_after_and_record_every_attempt():
    answers = iter([reply(429, headers={"Retry-After": "7"}), reply(503), reply(200)])
    sleeps: list[float] = []
    result = run(lambda req: next(answers), sleeps=sleeps)
    assert [e.status for e in result.exchanges] == [429, 503, 200]
    assert [e.attempt for e in result.exchanges] == [1, 2, 3]
    assert sleeps == [7.0, 2.0]  # Retry-After, then backoff * 2


def test_retry_after_beyond_the_cap_gives_up_at_once():
    sleeps: list[float] = []
    result = run(lambda req: reply(429, headers={"Retry-After": "3600"}), sleeps=sleeps)
    assert [e.status for e in result.exchanges] == [429]
    assert sleeps == []


def test_network_errors_are_retried_then_reported():
    def handler(request):
        raise httpx.ConnectError("connection refused")

    result = run(handler, sleeps=[])
    assert len(result.exchanges) == 3
    assert all(e.status is None for e in result.exchanges)
    assert result.as_response().error == "ConnectError: connection refused"


def test_size_cap_truncates_and_says_so():
    result = run(
        lambda req: reply(200, content=b"x" * 5000),
        settings=Settings(max_response_bytes=1000, politeness_delay=0),
    )
    assert result.final.raw_length == 1000
    assert result.final.truncated == "length"


def test_decompression_bomb_is_cut_at_the_decoded_cap():
    bomb = gzip.compress(b"\0" * 5_000_000)
    result = run(
        lambda req: reply(200, headers={"Content-Encoding": "gzip"}, content=bomb),
        settings=Settings(max_decoded_bytes=10_000, politeness_delay=0),
    )
    assert len(result.final.decoded) == 10_000
    assert "decompression bomb" in result.final.decode_error


def test_invalid_gzip_is_an_error_not_a_crash():
    result = run(lambda req: reply(200, headers={"Content-Encoding": "gzip"}, content=b"not gzip"))
    assert result.final.decoded == b""
    assert result.final.decode_error.startswith("invalid gzip body")


def test_cookies_are_neither_kept_nor_recorded():
    seen = []

    def handler(request):
        seen.append(request.headers.get("cookie"))
        return reply(
            302 if request.url.path == "/a" else 200,
            headers={"Set-Cookie": "sid=secret; Path=/", "Location": "/b"},
        )

    result = run(handler)
    assert seen == [None, None]
    for exchange in result.exchanges:
        assert all(name.lower() != "cookie" for name, _ in exchange.request_headers)


def test_secret_headers_are_sent_but_not_recorded():
    seen = {}

    def handler(request):
        seen.update(request.headers)
        return reply(200)

    result = run(handler, secret_headers=(("Authorization", "Bearer T0KEN"),))
    assert seen["authorization"] == "Bearer T0KEN"
    assert "T0KEN" not in repr(result.final.request_headers)


def test_url_rewrite_changes_where_not_what():
    rewrites = (("https://cdn.syndication.twimg.com", "http://127.0.0.1:9/syndication"),)
    assert rewrite_url("https://cdn.syndication.twimg.com/tweet-result?id=1", rewrites) == (
        "http://127.0.0.1:9/syndication/tweet-result?id=1"
    )
    assert rewrite_url("https://x.com/a", rewrites) == "https://x.com/a"


@pytest.mark.parametrize(
    "address, loopback, private, problem",
    [
        ("93.184.216.34", False, False, None),
        ("127.0.0.1", False, False, "127.0.0.1 is a loopback address"),
        ("127.0.0.1", True, False, None),
        ("::1", False, False, "::1 is a loopback address"),
        ("10.0.0.1", True, False, "10.0.0.1 is a private address"),
        ("192.168.1.1", False, False, "192.168.1.1 is a private address"),
        ("172.16.0.1", False, False, "172.16.0.1 is a private address"),
        ("169.254.169.254", True, False, "169.254.169.254 is a link-local address"),
        ("fe80::1", False, False, "fe80::1 is a link-local address"),
        ("::ffff:10.0.0.1", False, False, "10.0.0.1 is a private address"),
        ("0.0.0.0", False, False, "0.0.0.0 is a reserved address"),
        ("100.64.0.1", False, False, "100.64.0.1 is a private address"),
        ("10.0.0.1", False, True, None),
    ],
)
def test_address_policy(address, loopback, private, problem):
    assert AddressPolicy(loopback, private).problem(address) == problem


def test_connect_time_guard_refuses_what_a_name_resolves_to():
    # "localhost" resolves to loopback: the check runs on the resolved address, at connect time.

    from archiver.net.addresses import BlockedConnect, GuardedBackend

    async def go():
        backend = GuardedBackend(AddressPolicy(allow_loopback=False))
        with pytest.raises(BlockedConnect, match="loopback address"):
            await backend.connect_tcp("localhost", 9)

    asyncio.run(go())


def test_fetcher_refuses_loopback_unless_allowed():
    async def go():
        async with Fetcher(Settings(politeness_delay=0, retries=0)) as fetcher:
            return await fetcher.fetch(FetchRequest("page", "http://127.0.0.1:9/x"))

    result = asyncio.run(go())
    assert result.final.blocked
    assert result.final.error == "refused: 127.0.0.1 is a loopback address"


def test_retry_after_parsing():
    assert retry_after_seconds("120", NOW) == 120
    assert retry_after_seconds("Thu, 01 Jan 2026 00:01:00 GMT", NOW) == 60
    assert retry_after_seconds("soon", NOW) is None


def test_a_kept_alive_socket_reads_as_readable_once_the_server_hangs_up():
    # The connection pool asks this before reusing a connection (httpcore's has_expired):
    # a wrong answer would send requests down connections the server already closed. The
    # stream polls with one poll object kept for the connection's life.
    import socket

    from archiver.net.addresses import SocketCachingStream

    class Inner:
        def __init__(self, sock):
            self.sock = sock

        def get_extra_info(self, info):
            return self.sock if info == "socket" else None

    ours, theirs = socket.socketpair()
    stream = SocketCachingStream(Inner(ours))
    try:
        assert stream.get_extra_info("is_readable") is False  # idle, nothing to read
        theirs.sendall(b"x")
        assert stream.get_extra_info("is_readable") is True  # data waiting
        ours.recv(1)
        assert stream.get_extra_info("is_readable") is False  # asked again: idle again
        theirs.close()
        assert stream.get_extra_info("is_readable") is True  # the peer hung up: a read returns b""
    finally:
        ours.close()
    assert stream.get_extra_info("is_readable") is True  # a closed socket counts as gone
    assert SocketCachingStream(Inner(None)).get_extra_info("is_readable") is True


@pytest.mark.parametrize(
    "location, scheme",
    [
        ("file:///etc/passwd", "file"),
        ("gopher://x/1", "gopher"),
        ("javascript:alert(1)", "javascript"),
    ],
)
def test_a_redirect_to_another_scheme_says_which(location, scheme):
    """Issue 12, item 10: not just "error"."""
    result = run(lambda req: reply(302, headers={"Location": location}))
    assert result.error.startswith(f"redirected to a {scheme}: URL")
    assert "only http and https" in result.as_response().problem


def test_a_status_http_does_not_define_is_named():
    from archiver.platforms import facebook, twitter, web
    from archiver.platforms.base import Response

    odd = Response("page", "https://example.org/", 999)
    assert "HTTP 999, a status HTTP does not define" in web.classify({"page": odd}).note
    assert "HTTP 999, a status HTTP does not define" in facebook.classify({"page": odd}).note
    syn, oem = Response("syndication", "u", 999), Response("oembed", "u", 999)
    assert "syndication: HTTP 999" in twitter.classify({"syndication": syn, "oembed": oem}).note


def test_decoded_answers_held_at_once_are_capped():
    """Issue 12, item 8: eight concurrent compression bombs once held 1 GB of decoded bytes."""
    bomb = gzip.compress(b"\0" * 3_000_000)

    def handler(request):
        return reply(
            200,
            headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
            content=bomb,
        )

    settings = Settings(
        politeness_delay=0, retries=0, max_decoded_bytes=1_000_000, max_decoded_in_flight=2_500_000
    )

    async def go():
        async with Fetcher(settings, transport=httpx.MockTransport(handler)) as fetcher:
            results = [
                await fetcher.fetch(FetchRequest("page", f"https://example.org/{n}"))
                for n in range(4)
            ]
            return results, fetcher.budget.held

    results, held = asyncio.run(go())
    decoded = [len(r.final.decoded) for r in results]
    assert decoded == [1_000_000, 1_000_000, 500_000, 0]
    assert held == 2_500_000  # given back by the observer when a look is over, not by the fetcher
    assert "decompression bomb guard" in results[0].final.decode_error
    assert "ARCHIVER_MAX_DECODED_IN_FLIGHT" in results[2].final.decode_error
    assert "ARCHIVER_MAX_DECODED_IN_FLIGHT" in results[3].final.decode_error
    assert all(raw_bytes(r.final) == bomb for r in results)  # the wire bytes are all kept
