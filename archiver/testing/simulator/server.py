"""A local stand-in for Twitter's and Facebook's logged-out endpoints.

One loopback HTTP server answers for every simulated host under a path
prefix; `Simulator.rewrite_spec` gives the ``ARCHIVER_URL_REWRITE`` value
that sends archiver's requests for the real hosts there. Each post has a
state that can be switched while the server runs, from Python
(`Simulator.set_state`) or over HTTP (``POST /_sim/state``).

States: live, edited, deleted (tombstone), deleted_quiet (404s, account
still there), protected, suspended, account_gone, sensitive, login_wall,
rate_limited (429 + Retry-After), flaky (503), slow, empty (``{}``), reset
(the connection is closed without an answer) and truncated (the body stops
half-way, short of its Content-Length).
"""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterable
from urllib.parse import parse_qs, urlsplit

from archiver.platforms.twitter import syndication_token
from archiver.testing.simulator import content, facebook_pages
from archiver.testing.simulator.content import SimPost
from archiver.testing.simulator.controls import control_posts

STATES = frozenset({
    "live", "edited", "deleted", "deleted_quiet", "protected", "suspended", "account_gone",
    "sensitive", "login_wall", "rate_limited", "flaky", "slow", "empty", "reset", "truncated",
    "unknown_shape",
})

# Platform-wide changes (issue 11): what a platform changing under every post looks like.
SWITCHES = frozenset({
    "syndication_404",         # every syndication answer 404 (X moved the endpoint, November 2022)
    "oembed_403",              # every oEmbed answer 403
    "tweets_tombstoned",       # every tweet a "deleted by the Post author" tombstone
    "facebook_login_wall",     # every Facebook page a login wall (a datacenter address, say)
    "facebook_unknown_shape",  # every Facebook page of a layout no parser knows
})

# Real prefix → simulator path prefix.
ROUTES = (
    ("https://cdn.syndication.twimg.com", "/syndication"),
    ("https://syndication.twitter.com", "/twsyndication"),
    ("https://publish.twitter.com", "/publish"),
    ("https://x.com", "/x"),
    ("https://twitter.com", "/x"),
    ("https://pbs.twimg.com", "/pbs"),
    ("https://video.twimg.com", "/video"),
    ("https://www.facebook.com", "/facebook"),
    ("https://fb.watch", "/fbwatch"),
    ("https://scontent.sim.fbcdn.net", "/fbcdn"),
    ("https://graph.facebook.com", "/graph"),
    ("https://blog.example.org", "/web"),
    ("https://example.com", "/site/example.com"),
    ("https://example.org", "/site/example.org"),
)

MEDIA_BASE = "https://pbs.twimg.com"
VIDEO_BASE = "https://video.twimg.com"
FB_CDN = "https://scontent.sim.fbcdn.net"


@dataclass
class Hit:
    path: str
    status: int


class Simulator:
    """Holds the simulated posts; `start` serves them on a loopback port."""

    def __init__(self, posts: Iterable[SimPost] = (), latency: float = 0.0, retry_after: int = 30,
                 slow_seconds: float = 3.0, video_bytes: int = 200_000, host: str = "127.0.0.1",
                 port: int = 0, with_controls: bool = True):
        self.posts: dict[str, SimPost] = {}
        self.shares: dict[str, str] = {}   # share path → real post URL
        self.latency = latency
        self.retry_after = retry_after
        self.slow_seconds = slow_seconds
        self.video_bytes = video_bytes
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        self._serial = 0
        self.switches: set[str] = set()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._host = host
        self._port = port
        # archiver's default control posts exist on the real platforms; they exist here too.
        for post in [*(control_posts() if with_controls else []), *posts]:
            self.add(post)

    # --- posts ------------------------------------------------------------

    @staticmethod
    def ref_of(post: SimPost) -> str:
        return f"{post.platform}:{post.key}"

    def add(self, post: SimPost) -> SimPost:
        with self._lock:
            self.posts[self.ref_of(post)] = post
        return post

    def add_share(self, share_path: str, target_url: str) -> None:
        """A share link (``/share/p/CODE/`` or a fb.watch code) redirecting to a post."""
        self.shares[share_path] = target_url

    def set_state(self, ref: str, state: str) -> None:
        if state not in STATES:
            raise ValueError(f"unknown state {state!r}; one of {', '.join(sorted(STATES))}")
        with self._lock:
            if ref not in self.posts:
                raise KeyError(f"no simulated post {ref!r}")
            self.posts[ref].state = state

    def get(self, ref: str) -> SimPost | None:
        return self.posts.get(ref)

    def set_switch(self, name: str, on: bool = True) -> None:
        """Turn a platform-wide change (`SWITCHES`) on or off."""
        if name not in SWITCHES:
            raise ValueError(f"unknown switch {name!r}; one of {', '.join(sorted(SWITCHES))}")
        with self._lock:
            (self.switches.add if on else self.switches.discard)(name)

    def next_serial(self) -> int:
        """A counter per answer, so that CDN URLs are re-signed on every request as fbcdn's are."""
        with self._lock:
            self._serial += 1
            return self._serial

    def facebook_post(self, path: str, query: dict[str, str]) -> SimPost | None:
        """The simulated Facebook post a request names: its id as a path segment, or as
        ``story_fbid``, ``fbid`` or ``v`` (the simulator's own reading of Facebook's URLs)."""
        wanted = {seg for seg in path.split("/") if seg}
        wanted |= {query[k] for k in ("story_fbid", "fbid", "v") if query.get(k)}
        for post in list(self.posts.values()):
            if post.platform == "facebook" and post.key.rsplit(":", 1)[-1] in wanted:
                return post
        return None

    # --- server -----------------------------------------------------------

    @property
    def base_url(self) -> str:
        assert self._server is not None, "the simulator is not running"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def rewrite_spec(self) -> str:
        """The ``ARCHIVER_URL_REWRITE`` value that points archiver here."""
        return ",".join(f"{real}={self.base_url}{prefix}" for real, prefix in ROUTES)

    def start(self) -> "Simulator":
        handler = type("Handler", (_Handler,), {"sim": self})
        self._server = _Server((self._host, self._port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def run_until_interrupted(self) -> None:
        """Serve until Ctrl-C or SIGTERM (for ``python -m archiver.simulator`` and the benchmarks)."""
        import signal

        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            self.stop()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "Simulator":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def record(self, path: str, status: int) -> None:
        with self._lock:
            self.hits.append(Hit(path, status))


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        # A client that hangs up mid-answer (timeouts, killed runs) is routine here, not an error.
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    sim: Simulator
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "archiver-simulator/1"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    # --- plumbing ---------------------------------------------------------

    def _send(self, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8",
              headers: dict[str, str] | None = None, compress: bool = True) -> None:
        sim = self.sim
        if sim.latency:
            time.sleep(sim.latency)
        accept = self.headers.get("Accept-Encoding", "")
        encoded = compress and "gzip" in accept and len(body) > 200
        if encoded:
            body = gzip.compress(body, compresslevel=6, mtime=0)  # fixed mtime: same content, same bytes
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
            self._json(429, {"errors": [{"code": 88, "message": "Rate limit exceeded"}]},
                       {"Retry-After": str(self.sim.retry_after)})
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

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        try:
            self._route()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_POST(self) -> None:  # noqa: N802
        parts = urlsplit(self.path)
        if parts.path not in ("/_sim/state", "/_sim/switch"):
            self._send(404, b"not found")
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
            if parts.path == "/_sim/switch":
                self.sim.set_switch(str(body["switch"]), bool(body.get("on", True)))
            else:
                self.sim.set_state(str(body["ref"]), str(body["state"]))
        except (ValueError, KeyError) as exc:
            self._json(400, {"error": exc.args[0] if exc.args else str(exc)})
            return
        self._json(200, {"ok": True})

    def _route(self) -> None:
        parts = urlsplit(self.path)
        path = parts.path
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        prefix, _, rest = path[1:].partition("/")
        rest = "/" + rest
        handler = {
            "syndication": self._syndication, "twsyndication": self._profile, "publish": self._oembed,
            "x": self._x_page, "pbs": self._image, "video": self._video, "facebook": self._facebook,
            "fbwatch": self._fbwatch, "fbcdn": self._image, "graph": self._graph, "web": self._web,
            "site": self._site,
            "_sim": self._control,
        }.get(prefix)
        if handler is None:
            self._send(404, b"<html><body>Not Found</body></html>")
            return
        handler(rest, query)

    # --- twitter ----------------------------------------------------------

    def _tweet(self, tweet_id: str) -> SimPost | None:
        return self.sim.get(f"twitter:{tweet_id}")

    def _syndication(self, rest: str, query: dict[str, str]) -> None:
        tweet_id = query.get("id", "")
        if rest != "/tweet-result" or not tweet_id.isdigit():
            self._send(404, b"not found")
            return
        if query.get("token") != syndication_token(tweet_id):
            self._json(200, {})  # what the real endpoint answers to a bad token
            return
        if "syndication_404" in self.sim.switches:
            self._send(404, b"", compress=False)
            return
        post = self._tweet(tweet_id)
        if post is None:
            self._send(404, b"", compress=False)
            return
        if self._limited(post):
            return
        if "tweets_tombstoned" in self.sim.switches:
            self._json(200, content.tombstone_json("deleted"))
            return
        state = post.state
        if state == "login_wall":
            self._redirect("https://x.com/i/flow/login")
        elif state == "empty":
            self._json(200, {})
        elif state in ("deleted", "protected", "sensitive"):
            self._json(200, content.tombstone_json(state))
        elif state in ("deleted_quiet", "suspended", "account_gone"):
            self._send(404, b"", compress=False)
        else:
            self._json(200, content.tweet_json(post, MEDIA_BASE, VIDEO_BASE))

    def _oembed(self, rest: str, query: dict[str, str]) -> None:
        target = query.get("url", "")
        tweet_id = target.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
        post = self._tweet(tweet_id) if tweet_id.isdigit() else None
        if "oembed_403" in self.sim.switches:
            self._send(403, b"", compress=False)
            return
        if rest != "/oembed" or post is None:
            self._send(404, b"", compress=False)
            return
        if self._limited(post):
            return
        if "tweets_tombstoned" in self.sim.switches:
            self._send(404, b"", compress=False)
            return
        state = post.state
        if state == "login_wall":
            self._redirect("https://x.com/i/flow/login")
        elif state in ("deleted", "deleted_quiet", "sensitive"):
            self._send(404, b"", compress=False)
        elif state in ("protected", "suspended", "account_gone"):
            self._send(403, b"", compress=False)
        elif state == "empty":
            self._json(200, {})
        else:
            self._json(200, content.oembed_json(post))

    def _x_page(self, rest: str, query: dict[str, str]) -> None:
        segs = [s for s in rest.split("/") if s]
        tweet_id = segs[-1] if segs and segs[-1].isdigit() else ""
        post = self._tweet(tweet_id) if tweet_id else None
        if post is not None and self._limited(post):
            return
        if post is not None and post.state == "login_wall":
            self._redirect("https://x.com/i/flow/login")
            return
        visible = post is not None and post.state in ("live", "edited", "slow")
        self._send(200, content.x_status_page(post if visible else None, MEDIA_BASE).encode())

    def _profile(self, rest: str, query: dict[str, str]) -> None:
        handle = rest.rstrip("/").rsplit("/", 1)[-1]
        posts = [p for p in self.sim.posts.values() if p.platform == "twitter" and p.handle.lower() == handle.lower()]
        states = {p.state for p in posts}
        if not posts:
            account = "gone"
        elif "suspended" in states:
            account = "suspended"
        elif "account_gone" in states:
            account = "gone"
        elif "protected" in states or any(p.account_protected for p in posts):
            account = "protected"
        else:
            account = "active"
        if "rate_limited" in states and account == "active" and all(p.state == "rate_limited" for p in posts):
            self._json(429, {"errors": [{"code": 88}]}, {"Retry-After": str(self.sim.retry_after)})
            return
        self._send(200, content.profile_timeline(posts[0] if posts else None, handle, account).encode())

    def _image(self, rest: str, query: dict[str, str]) -> None:
        name = rest.rsplit("/", 1)[-1].split(":")[0]
        if name.endswith(".mp4"):
            self._send(200, content.fake_mp4(name, self.sim.video_bytes), "video/mp4", compress=False)
            return
        self._send(200, content.png(96, 64, content.color_for(name)), "image/png", compress=False)

    def _video(self, rest: str, query: dict[str, str]) -> None:
        self._send(200, content.fake_mp4(rest, self.sim.video_bytes), "video/mp4", compress=False)

    # --- facebook ---------------------------------------------------------

    def _facebook(self, rest: str, query: dict[str, str]) -> None:
        if rest.startswith("/share/"):
            target = self.sim.shares.get(rest.rstrip("/") + "/")
            if target is None:
                self._send(404, facebook_pages.unavailable_page().encode())
            else:
                self._redirect(target)
            return
        if rest.startswith("/login"):
            self._send(200, facebook_pages.LOGIN_PAGE.encode())
            return
        if "facebook_login_wall" in self.sim.switches:
            self._redirect("https://www.facebook.com/login/?next=https%3A%2F%2Fwww.facebook.com" + rest)
            return
        if "facebook_unknown_shape" in self.sim.switches:
            self._send(200, facebook_pages.UNKNOWN_SHAPE.encode())
            return
        post = self.sim.facebook_post(rest, query)
        if post is None:
            self._send(200, facebook_pages.unavailable_page().encode())
            return
        if self._limited(post):
            return
        state = post.state
        post_id = post.key.rsplit(":", 1)[-1]
        if state == "login_wall":
            self._redirect("https://www.facebook.com/login/?next=" + "https%3A%2F%2Fwww.facebook.com" + post.path)
        elif state in ("deleted", "deleted_quiet", "protected", "account_gone", "suspended", "sensitive"):
            self._send(200, facebook_pages.unavailable_page(post.locale, post.gone_form, post_id).encode())
        elif state == "unknown_shape":
            self._send(200, facebook_pages.UNKNOWN_SHAPE.encode())
        else:
            self._send(200, facebook_pages.post_page(post, FB_CDN, self.sim.next_serial()).encode())

    def _fbwatch(self, rest: str, query: dict[str, str]) -> None:
        target = self.sim.shares.get("fb.watch" + rest.rstrip("/") + "/")
        if target is None:
            self._send(404, b"not found")
        else:
            self._redirect(target, 301)

    def _graph(self, rest: str, query: dict[str, str]) -> None:
        self._json(400, {"error": {"message": "oEmbed is not simulated", "code": 100}})

    # --- web ----------------------------------------------------------------

    def _site(self, rest: str, query: dict[str, str]) -> None:
        host, _, path = rest[1:].partition("/")
        self._web("/" + path, query, host)

    def _web(self, rest: str, query: dict[str, str], host: str = "blog.example.org") -> None:
        post = self.sim.get(f"web:https://{host}{rest}")
        if post is None:
            self._send(404, b"<html><head><title>Not Found</title></head><body>Not Found</body></html>")
            return
        if self._limited(post):
            return
        if post.state in ("deleted", "deleted_quiet"):
            self._send(410, b"<html><head><title>Gone</title></head><body>Gone</body></html>")
            return
        self._send(200, content.web_page(post).encode())

    # --- control ------------------------------------------------------------

    def _control(self, rest: str, query: dict[str, str]) -> None:
        if rest == "/posts":
            self._json(200, {ref: p.state for ref, p in self.sim.posts.items()})
        else:
            self._send(404, b"not found")


def now_utc() -> datetime:
    return datetime.now(timezone.utc)
