"""A deliberately misbehaving HTTP server for the fault tests (issue 6).

The first path segment picks the misbehaviour; the rest of the path is ignored, so
ARCHIVER_URL_REWRITE can send every endpoint of a platform to one mode.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


# Answers of a shape no platform gives, each of which once crashed a whole run (issue 12):
# path mode -> (status, content type, body).
def _timeline(page_props: object) -> bytes:
    import json

    data = json.dumps({"props": {"pageProps": page_props}})
    return (
        f'<html><script id="__NEXT_DATA__" type="application/json">{data}</script></html>'.encode()
    )


SHAPES: dict[str, tuple[int, str, bytes]] = {
    "tombstone-string": (
        200,
        "application/json",
        b'{"__typename":"TweetTombstone","tombstone":{"text":"gone"}}',
    ),
    "media-int": (
        200,
        "application/json",
        b'{"__typename":"Tweet","id_str":"1","user":{},"mediaDetails":5}',
    ),
    "video-info-list": (
        200,
        "application/json",
        b'{"__typename":"Tweet","id_str":"1","mediaDetails":[{"type":"video","video_info":[1]}]}',
    ),
    "bitrate-string": (
        200,
        "application/json",
        b'{"__typename":"Tweet","id_str":"1","mediaDetails":[{"type":"video",'
        b'"video_info":{"variants":[{"content_type":"video/mp4","url":"https://v.example/a.mp4",'
        b'"bitrate":"x"},{"content_type":"video/mp4","url":"https://v.example/b.mp4","bitrate":1}]}}]}',
    ),
    "timeline-list": (200, "text/html", _timeline({"timeline": [1]})),
    "errors-int": (200, "text/html", _timeline({"errors": 5})),
    "errors-code-list": (200, "text/html", _timeline({"errors": [{"code": [63]}]})),
    "entries-int": (200, "text/html", _timeline({"timeline": {"entries": 7}})),
    "content-list": (200, "text/html", _timeline({"timeline": {"entries": [{"content": [1]}]}})),
    "surrogate": (
        200,
        "application/json",
        rb'{"__typename":"TweetTombstone","text":"\udfff","html":"\ud800"}',
    ),
    "charset-idna": (
        200,
        "text/html; charset=idna",
        "<html><title>Caf\u00e9</title></html>".encode(),
    ),
    "charset-undefined": (200, "text/html; charset=undefined", b"<html><title>x</title></html>"),
    "bad-offset": (
        200,
        "text/html",
        b'<html><head><meta property="article:published_time" '
        b'content="2022-03-01T00:00:00+99:00"><script type="application/ld+json">'
        b'{"@type":"VideoObject","uploadDate":"2016-05-12T06:52:59-99:00"}</script></head></html>',
    ),
    "status-999": (999, "text/html", b"<html>999</html>"),
}
# Redirects that lead nowhere archiver goes (issue 12: each must say where, not just "error").
REDIRECTS = {
    "redirect-file": "file:///etc/passwd",
    "redirect-gopher": "gopher://example.org/1",
    "redirect-javascript": "javascript:alert(1)",
    "redirect-loopback": "http://127.0.0.1:1/admin",
}

MODES = (
    "timeout",
    "reset",
    "drip",
    "truncated",
    "badgzip",
    "cl-short",
    "loop",
    "private",
    "huge",
    "badjson",
    "nothtml",
    "badcharset",
    "errorpage",
    "emptyjson",
    "gzipbomb",
    "redirect-chain",
    "htmlbomb",
    *SHAPES,
    *REDIRECTS,
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

    def _body(
        self,
        status: int,
        body: bytes,
        ctype: str = "text/html",
        extra: dict[str, str] | None = None,
    ) -> None:
        self._head(
            status, {"Content-Type": ctype, "Content-Length": str(len(body)), **(extra or {})}
        )
        self.wfile.write(body)

    def _hang_up(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def do_GET(self) -> None:
        mode = self.path.strip("/").split("/", 1)[0].split("?", 1)[0]
        try:
            if mode in SHAPES:
                status, ctype, body = SHAPES[mode]
                self._body(status, body, ctype)
                return
            if mode in REDIRECTS:
                self._body(302, b"", extra={"Location": REDIRECTS[mode]})
                return
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
        for _ in range(
            200
        ):  # a byte every 0.05 s: the read timeout never fires, the total one must
            self.wfile.write(b" ")
            self.wfile.flush()
            time.sleep(0.05)
        self._hang_up()

    def mode_truncated(self) -> None:
        self._head(200, {"Content-Type": "application/json", "Content-Length": "1000"})
        self.wfile.write(b'{"__typename": "Tweet", "text": "' + b"x" * 400)
        self._hang_up()

    def mode_badgzip(self) -> None:
        self._body(
            200, b"this is not gzip at all", "application/json", {"Content-Encoding": "gzip"}
        )

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
        self._body(
            200,
            "<html><title>Caf\xe9 \u2603</title></html>".encode("utf-16"),
            "text/html; charset=no-such-charset",
        )

    def mode_errorpage(self) -> None:
        self._body(
            200,
            b"<html><head><title>Something went wrong</title></head><body>Try again later</body></html>",
        )

    def mode_gzipbomb(self) -> None:
        self._body(
            200, gzip.compress(b"\0" * 20_000_000), "application/json", {"Content-Encoding": "gzip"}
        )

    def mode_redirect_chain(self) -> None:
        """Each hop to a new place, for ever: more than any redirect limit."""
        self._body(302, b"", extra={"Location": f"/redirect-chain/{time.monotonic_ns()}"})

    def mode_htmlbomb(self) -> None:
        self._body(200, bomb("html"), "text/html", {"Content-Encoding": "gzip"})

    def mode_bigbomb(self) -> None:
        self._body(200, bomb("zeros"), "application/json", {"Content-Encoding": "gzip"})


_BOMBS: dict[str, bytes] = {}


def bomb(kind: str) -> bytes:
    """A gzip member that decodes to 1 GB: zeros, or "<a>" tags (a page that makes a huge tree)."""
    if kind not in _BOMBS:
        unit = b"\0" * (1 << 20) if kind == "zeros" else b"<a>" * ((1 << 20) // 3)
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)
        parts = [packer.compress(unit) for _ in range(1024)]
        _BOMBS[kind] = b"".join(parts) + packer.flush()
    return _BOMBS[kind]


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

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
