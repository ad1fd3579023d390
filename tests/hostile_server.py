"""A deliberately misbehaving HTTP server for the fault tests (issue 6).

The first path segment picks the misbehaviour; the rest of the path is ignored, so
ARCHIVER_URL_REWRITE can send every endpoint of a platform to one mode.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODES = (
    "timeout", "reset", "drip", "truncated", "badgzip", "cl-short", "loop", "private", "huge",
    "badjson", "nothtml", "badcharset", "errorpage", "emptyjson", "gzipbomb",
)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def _head(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()

    def _body(self, status: int, body: bytes, ctype: str = "text/html", extra: dict[str, str] | None = None) -> None:
        self._head(status, {"Content-Type": ctype, "Content-Length": str(len(body)), **(extra or {})})
        self.wfile.write(body)

    def _hang_up(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def do_GET(self) -> None:  # noqa: N802
        mode = self.path.strip("/").split("/", 1)[0].split("?", 1)[0]
        try:
            getattr(self, "mode_" + mode.replace("-", "_"), self.mode_unknown)()
        except (ConnectionError, BrokenPipeError, TimeoutError):
            pass

    def mode_unknown(self) -> None:
        self._body(404, b"no such mode")

    def mode_timeout(self) -> None:
        time.sleep(3)  # longer than the tests' read timeout
        self._body(200, b"late")

    def mode_reset(self) -> None:
        self._hang_up()

    def mode_drip(self) -> None:
        self._head(200, {"Content-Type": "application/json", "Content-Length": "100000"})
        for _ in range(200):  # a byte every 0.05 s: the read timeout never fires, the total one must
            self.wfile.write(b" ")
            self.wfile.flush()
            time.sleep(0.05)
        self._hang_up()

    def mode_truncated(self) -> None:
        self._head(200, {"Content-Type": "application/json", "Content-Length": "1000"})
        self.wfile.write(b'{"__typename": "Tweet", "text": "' + b"x" * 400)
        self._hang_up()

    def mode_badgzip(self) -> None:
        self._body(200, b"this is not gzip at all", "application/json", {"Content-Encoding": "gzip"})

    def mode_cl_short(self) -> None:
        self._head(200, {"Content-Type": "application/json", "Content-Length": "10"})
        self.wfile.write(b'{"__typename": "Tweet", "id_str": "1", "user": {}}')
        self._hang_up()

    def mode_loop(self) -> None:
        self._body(302, b"", extra={"Location": self.path})

    def mode_private(self) -> None:
        self._body(302, b"", extra={"Location": "http://10.0.0.1/internal"})

    def mode_huge(self) -> None:
        size = 3 * 1024 * 1024
        self._head(200, {"Content-Type": "text/html", "Content-Length": str(size)})
        chunk = b"<p>" + b"a" * 65533
        sent = 0
        while sent < size:
            self.wfile.write(chunk[: size - sent])
            sent += len(chunk)

    def mode_badjson(self) -> None:
        self._body(200, b'{"__typename": "Tweet", "text": ', "application/json")

    def mode_emptyjson(self) -> None:
        self._body(200, b"{}", "application/json")

    def mode_nothtml(self) -> None:
        self._body(200, bytes(range(256)) * 40, "text/html")

    def mode_badcharset(self) -> None:
        self._body(200, "<html><title>Caf\xe9 \u2603</title></html>".encode("utf-16"), "text/html; charset=no-such-charset")

    def mode_errorpage(self) -> None:
        self._body(200, b"<html><head><title>Something went wrong</title></head><body>Try again later</body></html>")

    def mode_gzipbomb(self) -> None:
        self._body(200, gzip.compress(b"\0" * 20_000_000), "application/json", {"Content-Encoding": "gzip"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass


class HostileServer:
    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> "HostileServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
