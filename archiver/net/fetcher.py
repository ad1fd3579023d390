"""The only place archiver does HTTP.

A `Fetcher` runs one `FetchRequest` to the end — redirects followed by hand so
that every hop is kept, retries with backoff that honour ``Retry-After``, each
attempt kept — and returns every `Exchange` it made, so that the caller can
write all of them to the WARC: what a service said on the way is evidence too.

Bodies are read with ``aiter_raw()``: the WARC must hold the payload as it came
over the wire (still gzip-encoded if it was), and httpx's ``.read()``,
``.content`` and ``.text`` all decompress. A decoded copy is made separately for
parsing.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from typing import IO
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from archiver.config import Settings
from archiver.core.exchange import Exchange
from archiver.errors import InputError
from archiver.net.addresses import AddressPolicy, BlockedConnect, GuardedBackend
from archiver.net.cookies import UserCookies
from archiver.net.decoding import DecodeBudget, decode_answer
from archiver.net.pacing import SharedHostGate
from archiver.net.politeness import HostGate, retry_after_seconds, rewrite_url
from archiver.platforms.base import FetchRequest, Response

SECRET_HEADERS = frozenset({"cookie", "authorization", "proxy-authorization", "x-csrf-token"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
SPOOL_IN_MEMORY = 1024 * 1024

Clock = Callable[[], datetime]

# What tests and callers inject in place of the network: any httpx async transport
# (a `MockTransport`, a transport bound to a local server).
Transport = httpx.AsyncBaseTransport


class _Closing:
    """Closes a response streamed from a transport when the block using it ends."""

    def __init__(self, response: httpx.Response):
        self.response = response

    async def aclose(self) -> None:
        await self.response.aclose()


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class FetchResult:
    """Every exchange made for one request, and the one that ended it."""

    request: FetchRequest
    exchanges: list[Exchange] = field(default_factory=list)
    error: str = ""

    @property
    def final(self) -> Exchange | None:
        return self.exchanges[-1] if self.exchanges else None

    def as_response(self) -> Response:
        """The platform's view: final status, decoded body, where it ended up."""
        last = self.final
        if last is None:
            return Response(
                self.request.role, self.request.url, None, error=self.error or "not fetched"
            )
        headers = {k.lower(): v for k, v in last.response_headers}
        return Response(
            role=self.request.role,
            url=self.request.url,
            status=last.status,
            headers=headers,
            body=last.decoded,
            final_url=last.logical_url,
            error=self.error or last.error or last.decode_error,
            truncated=bool(last.truncated),
            backoff=last.backoff,
        )

    def close(self) -> None:
        for exchange in self.exchanges:
            exchange.close()


def tls_context(ca_bundle: str = "") -> ssl.SSLContext:
    """The system's trusted CAs, and those of ``ca_bundle`` (``ARCHIVER_CA_BUNDLE``) too."""
    context = ssl.create_default_context()
    if ca_bundle:
        try:
            context.load_verify_locations(cafile=ca_bundle)
        except (OSError, ssl.SSLError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            raise InputError(
                f"ARCHIVER_CA_BUNDLE={ca_bundle}: not a readable PEM file of CAs ({reason})"
            ) from None
    return context


def address_policy(settings: Settings) -> AddressPolicy:
    return AddressPolicy(
        allow_private=settings.allow_private, loopback_endpoints=settings.loopback_endpoints
    )


def guarded_transport(settings: Settings, policy: AddressPolicy) -> httpx.AsyncHTTPTransport:
    """An httpx transport that connects only where ``policy`` allows (checked on the address
    dialled), sends ``ARCHIVER_RESOLVE``'s hosts to their targets and trusts
    ``ARCHIVER_CA_BUNDLE`` too: every request archiver makes goes through one."""
    limits = max(settings.concurrency * 4, 10)
    transport = httpx.AsyncHTTPTransport(retries=0)
    # httpx does not take a network backend, so its pool is replaced by one
    # that connects only where the address policy allows.
    connect_to = {(h, p): (th, tp) for h, p, th, tp in settings.resolve}
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=tls_context(settings.ca_bundle),
        max_connections=limits,
        max_keepalive_connections=limits,
        keepalive_expiry=5.0,
        network_backend=GuardedBackend(policy, connect_to=connect_to),
    )
    return transport


class Fetcher:
    """Runs fetch requests with httpx. Use as ``async with Fetcher(settings) as f``.

    ``transport`` replaces the network (tests pass ``httpx.MockTransport``);
    ``clock`` and ``sleep`` make timing exact in tests.
    """

    def __init__(
        self,
        settings: Settings,
        transport: Transport | None = None,
        clock: Clock = utcnow,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        notice: Callable[[str], None] | None = None,
        pacing: Path | None = None,
    ):
        self.settings = settings
        self._clock = clock
        self._sleep = sleep
        # Told, in a sentence, whenever a wait begins: a run waiting out a rate limit must
        # not sit silent for minutes (issue 17).
        self._notice = notice
        self._policy = address_policy(settings)
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._transport_in_use: Transport | None = None
        self._cookies = UserCookies(Path(settings.cookies_file)) if settings.cookies_file else None
        # With ``pacing`` (a folder), the pace of each host is shared with the other processes of
        # this machine working on the archive (issue 18); without, this process paces itself.
        self.gate: HostGate | SharedHostGate = (
            SharedHostGate(
                pacing, settings.per_host_concurrency, settings.politeness_delay, sleep=sleep
            )
            if pacing is not None
            else HostGate(settings.per_host_concurrency, settings.politeness_delay, sleep=sleep)
        )
        self.budget = DecodeBudget(settings.max_decoded_in_flight)

    async def __aenter__(self) -> Fetcher:
        transport = self._transport or self._guarded_transport()
        self._transport_in_use = transport
        jar = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))  # keep no cookies
        self._client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,
            cookies=jar,
            timeout=httpx.Timeout(
                self.settings.read_timeout,
                connect=self.settings.connect_timeout,
                pool=self.settings.total_timeout,
            ),
            headers={"User-Agent": self.settings.user_agent},
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()
        self.gate.close()

    def _guarded_transport(self) -> httpx.AsyncHTTPTransport:
        return guarded_transport(self.settings, self._policy)

    def check_target(self, url: str) -> str | None:
        """Why a URL may not be fetched before any connection is tried, or None."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return f"invalid URL {url!r}"
        if parts.scheme not in ("http", "https"):
            return f"unsupported scheme {parts.scheme!r}"
        host = parts.hostname or ""
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            return f"invalid port in {url[:200]!r}"
        trusted = self._policy.trusts(host, port)
        if host in ("localhost",) or host.endswith(".localhost"):
            allowed = self._policy.allow_loopback or self._policy.allow_private or trusted
            return None if allowed else f"{host} is a loopback name"
        try:
            import ipaddress

            ipaddress.ip_address(host)
        except ValueError:
            return None
        return self._policy.problem(host, trusted)

    async def fetch(self, request: FetchRequest) -> FetchResult:
        """Fetch one planned request, following redirects and retrying as configured."""
        result = FetchResult(request)
        logical = request.url
        seen: set[str] = set()
        for _hop in range(self.settings.max_redirects + 1):
            if logical in seen:
                result.error = f"redirect loop: led back to {logical[:200]}, already visited"
                return result
            seen.add(logical)
            exchange = await self._with_retries(request, logical, result)
            if exchange is None or exchange.status not in REDIRECT_STATUSES:
                return result
            location = exchange.header("location")
            if not location:
                return result
            target = urljoin(logical, location)
            scheme = urlsplit(target).scheme
            if scheme not in ("http", "https"):
                result.error = (
                    f"redirected to a {scheme or 'schemeless'}: URL ({target[:200]!r}); "
                    "only http and https redirects are followed"
                )
                return result
            logical = target
        result.error = f"more than {self.settings.max_redirects} redirects (ARCHIVER_MAX_REDIRECTS)"
        return result

    async def _with_retries(
        self, request: FetchRequest, logical: str, result: FetchResult
    ) -> Exchange | None:
        host = urlsplit(logical).netloc.lower()
        attempts = max(self.settings.retries, 0) + 1
        for attempt in range(1, attempts + 1):
            exchange = await self._exchange(request, logical, attempt)
            result.exchanges.append(exchange)
            if exchange.blocked or exchange.backoff:
                return exchange
            wait = self._retry_wait(exchange, attempt)
            if wait is None:
                return exchange
            if attempt == attempts or wait > self.settings.max_retry_wait:
                if exchange.status == 429:
                    # Tell the other requests for this host to leave it alone for a while.
                    self.gate.back_off(host, wait)
                return exchange
            if self._notice is not None and wait >= 1:
                why = (
                    "rate-limited"
                    if exchange.status == 429
                    else (
                        f"answered HTTP {exchange.status}" if exchange.status else "did not answer"
                    )
                )
                self._notice(
                    f"{host} {why}, waiting {wait:.0f} s (retry {attempt} of {attempts - 1})"
                )
            await self._sleep(wait)
        return result.final

    def _retry_wait(self, exchange: Exchange, attempt: int) -> float | None:
        transient = exchange.status in RETRY_STATUSES or (
            exchange.status is None and exchange.error and not exchange.blocked
        )
        if not transient:
            return None
        backoff = self.settings.backoff * (2 ** (attempt - 1))
        header = exchange.header("retry-after") if exchange.status is not None else ""
        after = retry_after_seconds(header, self._clock()) if header else None
        return max(after, 0.0) if after is not None else backoff

    async def _exchange(self, request: FetchRequest, logical: str, attempt: int) -> Exchange:
        fetched = rewrite_url(logical, self.settings.url_rewrite)
        exchange = Exchange(request.role, logical, fetched, self._clock(), attempt=attempt)
        problem = self.check_target(fetched)
        if problem:
            exchange.error = f"refused: {problem}"
            exchange.blocked = True
            return exchange
        host = urlsplit(logical).netloc.lower()
        headers = {
            "Accept": request.accept,
            # Explicit: httpx offers ``br`` as soon as a brotli module is importable
            # (pywb's dependencies bring one), servers then send other bytes, and the
            # payload digests would differ from one installation to the next.
            "Accept-Encoding": "gzip, deflate",
            "Accept-Language": "en",
        }
        headers.update(dict(request.secret_headers))
        cookie = self._cookies.header_for(logical) if self._cookies is not None else None
        if cookie:
            headers["Cookie"] = cookie  # sent, never recorded (SECRET_HEADERS)
            exchange.with_user_cookies = True
        assert self._client is not None, "use Fetcher as an async context manager"
        async with self.gate.semaphore(host):
            if not await self.gate.wait_turn(host, self.settings.max_retry_wait):
                # A wall of 429s: leave this host alone for now and finish the others.
                exchange.error = f"not sent: backing off from {host} after rate limiting"
                exchange.backoff = True
                return exchange
            exchange.started_at = self._clock()
            try:
                async with asyncio.timeout(self.settings.total_timeout):
                    await self._stream(exchange, fetched, headers, request.is_media)
            except TimeoutError:
                if exchange.status is not None:
                    exchange.truncated = "time"
                else:
                    exchange.error = f"timed out after {self.settings.total_timeout:g}s"
            except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
                # httpx refuses some URLs that parse for us (an octal IPv4 host, say)
                exchange.error = f"invalid URL: {exc}"
                exchange.blocked = True
            except httpx.HTTPError as exc:
                if isinstance(exc.__cause__, BlockedConnect) or isinstance(
                    exc.__context__, BlockedConnect
                ):
                    exchange.blocked = True
                    exchange.error = f"refused: {exc}"
                elif exchange.status is not None:
                    exchange.truncated = exchange.truncated or "disconnect"
                    exchange.error = f"{type(exc).__name__}: {exc}".rstrip(": ")
                else:
                    exchange.error = f"{type(exc).__name__}: {exc}".rstrip(": ")
        if exchange.status is not None and not request.is_media:
            self._decode(exchange)
        return exchange

    async def _stream(
        self, exchange: Exchange, url: str, headers: dict[str, str], is_media: bool
    ) -> None:
        assert self._client is not None and self._transport_in_use is not None
        request = self._client.build_request("GET", url, headers=headers)
        # Sent through the transport, not the client: the client works out where a redirect
        # leads even when it is not to follow it, and a Location it cannot parse
        # ("javascript:…") would lose the answer itself (issue 12). Redirects are ours anyway.
        resp = await self._transport_in_use.handle_async_request(request)
        resp.request = request
        async with contextlib.aclosing(_Closing(resp)):
            exchange.status = resp.status_code
            exchange.reason = resp.reason_phrase
            exchange.http_version = resp.http_version or "HTTP/1.1"
            exchange.response_headers = [
                (k.decode("latin-1"), v.decode("latin-1")) for k, v in resp.headers.raw
            ]
            sent = resp.request
            target = sent.url.raw_path.decode("ascii", "replace")
            exchange.request_line = f"GET {target} HTTP/1.1"
            exchange.request_headers = [
                (k.decode("latin-1"), v.decode("latin-1"))
                for k, v in sent.headers.raw
                if k.decode("latin-1").lower() not in SECRET_HEADERS
            ]
            stream = resp.extensions.get("network_stream")
            if stream is not None:
                addr = stream.get_extra_info("server_addr")
                if addr:
                    exchange.peer_ip = str(addr[0])
            # The exchange owns the spool and closes it once it is written to the WARC.
            spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
            exchange.raw = spool
            cap = self.settings.max_response_bytes
            async for chunk in resp.aiter_raw():
                room = cap - exchange.raw_length
                if len(chunk) > room:
                    spool.write(chunk[:room])
                    exchange.raw_length += room
                    exchange.truncated = "length"
                    break
                spool.write(chunk)
                exchange.raw_length += len(chunk)

    def _decode(self, exchange: Exchange) -> None:
        decode_answer(exchange, self.budget, self.settings)
