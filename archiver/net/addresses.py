"""Which network addresses archiver may connect to.

Archived URLs come from strangers (pages, seed lists), so a URL must not be
able to make archiver reach the machine's own services, the local network or
a cloud metadata endpoint (169.254.169.254). The check runs on the address a
connection is actually made to (`GuardedBackend`), so a DNS answer that
changes between a check and the connect cannot slip past it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import select
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import httpcore


def _networks(*cidrs: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(c) for c in cidrs)


# The IANA special-purpose address registries (IPv4 and IPv6), ranges that are not globally
# reachable or not meant as destinations; Python's ipaddress knows only some of them (it calls
# fec0::/10 and 2002::/16 global, issue 12). (Kind, ranges) in the order they are checked.
_SPECIAL: tuple[tuple[str, tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]], ...] = (
    ("link-local", _networks("169.254.0.0/16", "fe80::/10")),
    (
        "reserved",
        _networks(
            "0.0.0.0/8",
            "192.0.0.0/24",
            "192.0.2.0/24",
            "192.88.99.0/24",
            "198.18.0.0/15",
            "198.51.100.0/24",
            "203.0.113.0/24",
            "224.0.0.0/4",
            "240.0.0.0/4",
            "255.255.255.255/32",
            "::/128",
            "100::/64",
            "2001::/23",
            "2001:db8::/32",
            "3fff::/20",
            "5f00::/16",
            "fec0::/10",
            "ff00::/8",
            "64:ff9b:1::/48",
        ),
    ),
    (
        "private",
        _networks("10.0.0.0/8", "100.64.0.0/10", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"),
    ),
)
_LOOPBACK = _networks("127.0.0.0/8", "::1/128")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_COMPATIBLE = ipaddress.ip_network("::/96")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries and reaches: mapped (::ffff:a.b.c.d), 6to4
    (2002:AABB:CCDD::), NAT64 (64:ff9b::a.b.c.d) or IPv4-compatible (::a.b.c.d)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64 or (ip in _COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


@dataclass(frozen=True)
class AddressPolicy:
    """Which addresses may be contacted. Loopback is refused unless ``allow_loopback`` (tests),
    ``allow_private``, or the connection is to one of ``loopback_endpoints``: the ``(host, port)``
    pairs ``ARCHIVER_URL_REWRITE`` sends requests to, and nothing else on the machine."""

    allow_loopback: bool = False
    allow_private: bool = False
    loopback_endpoints: frozenset[tuple[str, int]] = frozenset()

    def trusts(self, host: str, port: int | None) -> bool:
        return port is not None and (host.lower().strip("[]"), port) in self.loopback_endpoints

    def problem(self, address: str, trusted: bool = False) -> str | None:
        """Why ``address`` is refused, or None when it may be contacted. ``trusted``: the connection
        is to a configured endpoint (`trusts`), where loopback is expected."""
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return f"{address} is not an IP address"
        if isinstance(ip, ipaddress.IPv6Address):
            inner = embedded_ipv4(ip)
            if inner is not None:
                why = self.problem(str(inner), trusted)
                return f"{ip} leads to {inner}: {why}" if why and ip.ipv4_mapped is None else why
        if any(ip in net for net in _LOOPBACK if net.version == ip.version):
            allowed = self.allow_loopback or self.allow_private or trusted
            return None if allowed else f"{ip} is a loopback address"
        if self.allow_private:
            return None
        for kind, networks in _SPECIAL:
            if any(ip in net for net in networks if net.version == ip.version):
                return f"{ip} is a {kind} address"
        if not ip.is_global:
            return f"{ip} is a private address"
        return None


class BlockedConnect(httpcore.ConnectError):
    """A connection refused by the address policy (httpx maps it to ConnectError)."""


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves names itself and connects only to addresses the policy allows.

    ``connect_to`` maps a ``(host, port)`` asked for to the ``(host, port)`` to connect to
    instead (``ARCHIVER_RESOLVE``, as curl's ``--connect-to``): only the TCP connection
    goes elsewhere; TLS still names and verifies the host asked for.
    """

    def __init__(
        self,
        policy: AddressPolicy,
        inner: httpcore.AsyncNetworkBackend | None = None,
        connect_to: Mapping[tuple[str, int], tuple[str, int]] | None = None,
    ):
        self._policy = policy
        self._inner = inner or httpcore.AnyIOBackend()
        self._connect_to = dict(connect_to or {})

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        host, port = self._connect_to.get((host.lower(), port), (host, port))
        addresses = await _resolve(host, port, timeout)
        trusted = self._policy.trusts(host, port)
        problems = []
        last_error: Exception | None = None
        for address in addresses:
            problem = self._policy.problem(address, trusted)
            if problem:
                problems.append(problem)
                continue
            try:
                stream = await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as exc:
                last_error = exc
                continue
            peer = stream.get_extra_info("server_addr")
            if peer and self._policy.problem(str(peer[0]), trusted):
                await stream.aclose()
                problems.append(self._policy.problem(str(peer[0]), trusted) or "")
                continue
            return SocketCachingStream(stream)
        if problems and last_error is None:
            raise BlockedConnect(f"refused to connect to {host}: {problems[0]}")
        raise last_error or httpcore.ConnectError(f"cannot resolve {host}")

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options=None
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedConnect("unix sockets are not used by archiver")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class SocketCachingStream(httpcore.AsyncNetworkStream):
    """A connected stream that keeps its socket at hand.

    httpcore's pool asks every idle connection whether its socket is readable before
    each request (``has_expired``, to notice a server that hung up), and AnyIO finds
    the socket by building a dict of all the stream's attributes, a ``getpeername``
    call included. With a few dozen keep-alive connections that was a tenth of a
    capture's CPU time; here it is one zero-timeout poll, on a poll object made once
    per connection (making and registering one at each ask was 5 % of a recheck).
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream):
        self._inner = inner
        self._socket = inner.get_extra_info("socket")
        self._poller = select.poll()
        if self._socket is not None and self._socket.fileno() >= 0:
            self._poller.register(self._socket, select.POLLIN)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self, ssl_context, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        return SocketCachingStream(
            await self._inner.start_tls(ssl_context, server_hostname, timeout)
        )

    def get_extra_info(self, info: str):
        if info == "socket":
            return self._socket
        if info == "is_readable":
            return _readable(self._socket, self._poller)
        return self._inner.get_extra_info(info)


def _readable(sock: socket.socket | None, poller: select.poll) -> bool:
    """Whether a read would return at once: data, or the b"" of a closed connection.

    A socket that is gone counts as readable, so that the pool drops the connection.
    (A hang-up shows as POLLHUP, which poll reports whatever was asked for.)
    """
    if sock is None or sock.fileno() < 0:
        return True
    return bool(poller.poll(0))


async def _resolve(host: str, port: int, timeout: float | None) -> list[str]:
    try:
        ipaddress.ip_address(host)
        return [host]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(
            loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), timeout
        )
    except (TimeoutError, OSError) as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
    seen: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in seen:
            seen.append(address)
    return seen
