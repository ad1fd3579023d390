"""What every simulated endpoint shares: sending an answer (gzip when asked, the simulated
latency), redirects, and the post states every endpoint plays alike (rate limited, flaky,
slow, reset, truncated).
"""

from __future__ import annotations

import gzip
import json
import socket
import time
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING

from archiver.testing.simulator import content
from archiver.testing.simulator.content import SimPost

if TYPE_CHECKING:
    from archiver.testing.simulator.server import Simulator

MEDIA_BASE = "https://pbs.twimg.com"
VIDEO_BASE = "https://video.twimg.com"
FB_CDN = "https://scontent.sim.fbcdn.net"


class Plumbing(BaseHTTPRequestHandler):
    sim: Simulator
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "archiver-simulator/1"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    # --- plumbing ---------------------------------------------------------

    def _send(
        self,
        status: int,
        body: bytes = b"",
        ctype: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        compress: bool = True,
    ) -> None:
        sim = self.sim
        if sim.latency:
            time.sleep(sim.latency)
        accept = self.headers.get("Accept-Encoding", "")
        encoded = compress and "gzip" in accept and len(body) > 200
        if encoded:
            # A fixed mtime: the same content always gives the same bytes.
            body = gzip.compress(body, compresslevel=6, mtime=0)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if encoded:
            self.send_header("Content-Encoding", "gzip")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)
        sim.record(self.path, status)

    def _json(self, status: int, value: object, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(value).encode(), "application/json; charset=utf-8", headers)

    def _redirect(self, location: str, status: int = 302) -> None:
        self._send(status, b"", headers={"Location": location}, compress=False)

    def _limited(self, post: SimPost) -> bool:
        """Apply the states every endpoint shares; True when a response was sent."""
        if post.state == "rate_limited":
            self._json(
                429,
                {"errors": [{"code": 88, "message": "Rate limit exceeded"}]},
                {"Retry-After": str(self.sim.retry_after)},
            )
            return True
        if post.state == "flaky":
            self._send(503, b"<html><body>Service Unavailable</body></html>")
            return True
        if post.state == "slow":
            time.sleep(self.sim.slow_seconds)
        if post.state == "reset":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            self.sim.record(self.path, 0)
            return True
        if post.state == "truncated":
            body = json.dumps(content.tweet_json(post, MEDIA_BASE, VIDEO_BASE)).encode() * 2
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 3])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            self.sim.record(self.path, 200)
            return True
        return False
