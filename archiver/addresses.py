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
from dataclasses import dataclass
from typing import Iterable

import httpcore


@dataclass(frozen=True)
class AddressPolicy:
    allow_loopback: bool = False
    allow_private: bool = False

    def problem(self, address: str) -> str | None:
        """Why ``address`` is refused, or None when it may be contacted."""
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return f"{address} is not an IP address"
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if ip.is_loopback:
            return None if (self.allow_loopback or self.allow_private) else f"{ip} is a loopback address"
        if self.allow_private:
            return None
        if ip.is_link_local:
            return f"{ip} is a link-local address"
        if ip.is_unspecified or ip.is_multicast or ip.is_reserved:
            return f"{ip} is a reserved address"
        if ip.is_private or not ip.is_global:
            return f"{ip} is a private address"
        return None


class BlockedConnect(httpcore.ConnectError):
    """A connection refused by the address policy (httpx maps it to ConnectError)."""


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves names itself and connects only to addresses the policy allows."""

    def __init__(self, policy: AddressPolicy, inner: httpcore.AsyncNetworkBackend | None = None):
        self._policy = policy
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await _resolve(host, port, timeout)
        problems = []
        last_error: Exception | None = None
        for address in addresses:
            problem = self._policy.problem(address)
            if problem:
                problems.append(problem)
                continue
            try:
                stream = await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as exc:
                last_error = exc
                continue
            peer = stream.get_extra_info("server_addr")
            if peer and self._policy.problem(str(peer[0])):
                await stream.aclose()
                problems.append(self._policy.problem(str(peer[0])) or "")
                continue
            return SocketCachingStream(stream)
        if problems and last_error is None:
            raise BlockedConnect(f"refused to connect to {host}: {problems[0]}")
        raise last_error or httpcore.ConnectError(f"cannot resolve {host}")

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options=None) -> httpcore.AsyncNetworkStream:
        raise BlockedConnect("unix sockets are not used by archiver")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class SocketCachingStream(httpcore.AsyncNetworkStream):
    """A connected stream that keeps its socket at hand.

    httpcore's pool asks every idle connection whether its socket is readable before
    each request (``has_expired``, to notice a server that hung up), and AnyIO finds
    the socket by building a dict of all the stream's attributes, a ``getpeername``
    call included. With a few dozen keep-alive connections that was a tenth of a
    capture's CPU time; here it is one zero-timeout poll.
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream):
        self._inner = inner
        self._socket = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(self, ssl_context, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        return SocketCachingStream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str):
        if info == "socket":
            return self._socket
        if info == "is_readable":
            return _readable(self._socket)
        return self._inner.get_extra_info(info)


def _readable(sock: socket.socket | None) -> bool:
    """Whether a read would return at once: data, or the b"" of a closed connection.

    A socket that is gone counts as readable, so that the pool drops the connection.
    """
    if sock is None or sock.fileno() < 0:
        return True
    poller = select.poll()
    poller.register(sock, select.POLLIN)
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
    except (OSError, asyncio.TimeoutError) as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
    seen: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in seen:
            seen.append(address)
    return seen
