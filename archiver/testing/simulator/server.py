"""A local stand-in for the logged-out endpoints of X, Facebook, Telegram and Bluesky.

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

import json
import ssl
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from archiver.testing.simulator import content
from archiver.testing.simulator.bluesky_routes import BlueskyRoutes
from archiver.testing.simulator.content import SimPost
from archiver.testing.simulator.controls import control_posts
from archiver.testing.simulator.facebook_routes import FacebookRoutes
from archiver.testing.simulator.telegram_routes import TelegramRoutes
from archiver.testing.simulator.tls import ThrowawayCA
from archiver.testing.simulator.x_routes import XRoutes

STATES = frozenset(
    {
        "live",
        "edited",
        "deleted",
        "deleted_quiet",
        "protected",
        "suspended",
        "account_gone",
        "sensitive",
        "login_wall",
        "rate_limited",
        "flaky",
        "slow",
        "empty",
        "reset",
        "truncated",
        "unknown_shape",
    }
)

# Platform-wide changes (issue 11): what a platform changing under every post looks like.
SWITCHES = frozenset(
    {
        "syndication_404",  # every syndication answer 404 (X moved the endpoint, November 2022)
        "oembed_403",  # every oEmbed answer 403
        "tweets_tombstoned",  # every tweet a "deleted by the Post author" tombstone
        "facebook_login_wall",  # every Facebook page a login wall (a datacenter address, say)
        "facebook_unknown_shape",  # every Facebook page of a layout no parser knows
    }
)

# Real prefix → simulator path prefix.
ROUTES = (
    ("https://cdn.syndication.twimg.com", "/syndication"),
    ("https://syndication.twitter.com", "/twsyndication"),
    ("https://publish.twitter.com", "/publish"),
    ("https://x.com", "/x"),
    ("https://t.co", "/tco"),
    ("https://t.me", "/tme"),
    ("https://cdn4.telesco.pe", "/tgcdn"),
    ("https://public.api.bsky.app", "/bsky"),
    ("https://cdn.bsky.app", "/bskycdn"),
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


# Real host name → simulator path prefix, for requests made to the real hosts over HTTPS.
HOSTS = {urlsplit(real).hostname or "": prefix for real, prefix in ROUTES}


@dataclass
class Hit:
    path: str
    status: int


class Simulator:
    """Holds the simulated posts; `start` serves them on a loopback port."""

    def __init__(
        self,
        posts: Iterable[SimPost] = (),
        latency: float = 0.0,
        retry_after: int = 30,
        slow_seconds: float = 3.0,
        video_bytes: int = 200_000,
        host: str = "127.0.0.1",
        port: int = 0,
        with_controls: bool = True,
        tls: bool = False,
    ):
        self.posts: dict[str, SimPost] = {}
        self.shares: dict[str, str] = {}  # share path → real post URL
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
        # Serve HTTPS for the real host names (`resolve_spec`, `ca`) instead of plain HTTP
        # under path prefixes (`rewrite_spec`).
        self.ca = ThrowawayCA(sorted(HOSTS)) if tls else None
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
        return f"{'https' if self.ca else 'http'}://{host!s}:{port}"

    def rewrite_spec(self) -> str:
        """The ``ARCHIVER_URL_REWRITE`` value that points archiver here."""
        return ",".join(f"{real}={self.base_url}{prefix}" for real, prefix in ROUTES)

    def resolve_spec(self) -> str:
        """The ``ARCHIVER_RESOLVE`` value that sends archiver's connections to the real
        hosts here (with ``tls=True``; ``ARCHIVER_CA_BUNDLE`` names `ca`'s certificate)."""
        assert self._server is not None, "the simulator is not running"
        host, port = self._server.server_address[:2]
        return ",".join(f"{name}:443={host!s}:{port}" for name in sorted(HOSTS))

    def start(self) -> Simulator:
        handler = type("Handler", (_Handler,), {"sim": self})
        if self.ca is not None:
            tls_server = _TLSServer((self._host, self._port), handler)
            tls_server.tls = self.ca.server_context()
            self._server = tls_server
        else:
            self._server = _Server((self._host, self._port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def run_until_interrupted(self) -> None:
        """Serve until Ctrl-C or SIGTERM (``python -m archiver.testing.simulator``, benchmarks)."""
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

    def __enter__(self) -> Simulator:
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


class _TLSServer(_Server):
    """HTTPS: each connection's handshake happens in its own handler thread, on first read,
    so that a client that never finishes one cannot stall the others."""

    tls: ssl.SSLContext

    def get_request(self):
        sock, address = super().get_request()
        return (
            self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False),
            address,
        )


class _Handler(XRoutes, FacebookRoutes, TelegramRoutes, BlueskyRoutes):
    """Routes each request to its simulated host: by its Host header under HTTPS (the real
    host names), else by the path prefix of `ROUTES`."""

    def do_GET(self) -> None:
        try:
            self._route()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_POST(self) -> None:
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
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].lower()
        if host in HOSTS:
            path = HOSTS[host] + path
        prefix, _, rest = path[1:].partition("/")
        rest = "/" + rest
        handler = {
            "syndication": self._syndication,
            "twsyndication": self._profile,
            "publish": self._oembed,
            "x": self._x_page,
            "tco": self._tco,
            "tme": self._telegram,
            "tgcdn": self._tg_media,
            "bsky": self._bsky,
            "bskycdn": self._bsky_media,
            "pbs": self._image,
            "video": self._video,
            "facebook": self._facebook,
            "fbwatch": self._fbwatch,
            "fbcdn": self._image,
            "graph": self._graph,
            "web": self._web,
            "site": self._site,
            "_sim": self._control,
        }.get(prefix)
        if handler is None:
            self._send(404, b"<html><body>Not Found</body></html>")
            return
        handler(rest, query)

    # --- web ----------------------------------------------------------------

    def _site(self, rest: str, query: dict[str, str]) -> None:
        host, _, path = rest[1:].partition("/")
        self._web("/" + path, query, host)

    def _web(self, rest: str, query: dict[str, str], host: str = "blog.example.org") -> None:
        post = self.sim.get(f"web:https://{host}{rest}")
        if post is None:
            self._send(
                404, b"<html><head><title>Not Found</title></head><body>Not Found</body></html>"
            )
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
    return datetime.now(UTC)
