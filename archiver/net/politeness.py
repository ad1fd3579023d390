"""Politeness towards each host: how many requests at once, how far apart, how long to
back off after a rate limit (``Retry-After``), and where ``ARCHIVER_URL_REWRITE`` sends a
request instead.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime


class HostGate:
    """Per-host politeness: a concurrency bound, a delay between starts, and 429 backoff."""

    def __init__(
        self,
        per_host: int,
        delay: float,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ):
        self._sleep = sleep
        self._per_host = max(per_host, 1)
        self._delay = max(delay, 0.0)
        self._monotonic = monotonic
        self._sems: dict[str, asyncio.Semaphore] = {}
        self._next_start: dict[str, float] = {}
        self._blocked_until: dict[str, float] = {}

    def semaphore(self, host: str) -> asyncio.Semaphore:
        if host not in self._sems:
            self._sems[host] = asyncio.Semaphore(self._per_host)
        return self._sems[host]

    async def wait_turn(self, host: str, max_wait: float) -> bool:
        """Wait for this host's turn; False, at once, if backed off longer than ``max_wait``."""
        now = self._monotonic()
        if self._blocked_until.get(host, now) - now > max_wait:
            return False
        start = max(now, self._next_start.get(host, now), self._blocked_until.get(host, now))
        self._next_start[host] = start + self._delay
        if start > now:
            await self._sleep(start - now)
        return True

    def back_off(self, host: str, seconds: float) -> None:
        until = self._monotonic() + seconds
        self._blocked_until[host] = max(self._blocked_until.get(host, 0.0), until)

    def close(self) -> None:
        """Nothing to give back (`SharedHostGate` closes its files here)."""


def rewrite_url(url: str, rewrites: tuple[tuple[str, str], ...]) -> str:
    """Apply ``ARCHIVER_URL_REWRITE``: the longest matching FROM prefix is replaced by TO."""
    for source, target in rewrites:
        if url.startswith(source):
            return target + url[len(source) :]
    return url


def retry_after_seconds(value: str, now: datetime) -> float | None:
    """``Retry-After`` as seconds: either delay-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())
