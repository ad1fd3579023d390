"""Settings: every tunable has a default here and an ``ARCHIVER_*`` variable.

The README's configuration table lists the same names; `tests/test_config.py`
checks that the two agree.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archiver.errors import InputError

DEFAULT_SCHEDULE = "1h,6h,1d,3d,7d,30d"
# Free public RFC 3161 authorities whose roots are in the usual CA bundles (issue 15): three,
# so that one being down, or its certificate expiring, costs nothing.
DEFAULT_TSA_URLS = (
    "http://timestamp.digicert.com",
    "http://timestamp.sectigo.com",
    "http://timestamp.globalsign.com/tsa/r6advanced1",
)

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_DURATION = 100 * 365 * 86400.0


def parse_duration(text: str) -> float:
    """Seconds in ``"90"``, ``"90s"``, ``"15m"``, ``"6h"`` or ``"1d"``."""
    text = text.strip().lower()
    if not text:
        raise ValueError("empty duration")
    unit = _UNITS.get(text[-1])
    number = text[:-1] if unit else text
    value = float(number) * (unit or 1)
    if not math.isfinite(value) or value < 0 or value > MAX_DURATION:
        raise ValueError(f"{text!r} is not a duration between 0 and 100 years")
    return value


def parse_schedule(text: str) -> tuple[float, ...]:
    """Recheck delays after capture, e.g. ``"1h,6h,1d"``; the last one repeats."""
    delays = tuple(parse_duration(part) for part in text.split(",") if part.strip())
    if not delays:
        raise ValueError("the schedule names no delay")
    return delays


def parse_rewrites(text: str) -> tuple[tuple[str, str], ...]:
    """``FROM=TO,FROM=TO`` URL-prefix pairs, longest prefix first."""
    pairs = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        source, sep, target = item.partition("=")
        if not sep or not source or not target:
            raise ValueError(f"rewrite {item!r} is not FROM=TO")
        pairs.append((source.strip(), target.strip()))
    pairs.sort(key=lambda pair: len(pair[0]), reverse=True)
    return tuple(pairs)


def _host_port(text: str) -> tuple[str, int]:
    """``host:port``, ``[v6]:port``; the host lower-cased, the port 1-65535."""
    host, sep, port = text.strip().rpartition(":")
    host = host.strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{text.strip()!r} is not HOST:PORT")
    return host.lower(), int(port)


def parse_resolve(text: str) -> tuple[tuple[str, int, str, int], ...]:
    """``HOST:PORT=TARGET:PORT,…``: connect to TARGET:PORT whenever HOST:PORT is asked for,
    as curl's ``--connect-to`` does. The request, its Host header, TLS's server name and
    certificate check, and what the WARC records all stay HOST's."""
    pairs = []
    for item in text.split(","):
        if not item.strip():
            continue
        source, sep, target = item.partition("=")
        if not sep:
            raise ValueError(f"{item.strip()!r} is not HOST:PORT=TARGET:PORT")
        pairs.append((*_host_port(source), *_host_port(target)))
    return tuple(pairs)


def parse_url_list(text: str) -> tuple[str, ...]:
    """Comma-separated URLs; ``none`` for an empty list (an empty variable means "the default")."""
    if text.strip().lower() == "none":
        return ()
    return tuple(item.strip() for item in text.split(",") if item.strip())


def parse_ratio(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise ValueError("must be between 0 and 1")
    return value


def _flag(text: str) -> bool:
    return text.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Everything archiver can be tuned with. ``env`` names the variable of each field."""

    home: Path = field(default=Path("archive"), metadata={"env": "ARCHIVER_HOME"})
    database_url: str = field(default="", metadata={"env": "ARCHIVER_DATABASE_URL"})
    warc_store: str = field(default="", metadata={"env": "ARCHIVER_WARC_STORE"})
    url_rewrite: tuple[tuple[str, str], ...] = field(
        default=(), metadata={"env": "ARCHIVER_URL_REWRITE", "parse": parse_rewrites}
    )
    resolve: tuple[tuple[str, int, str, int], ...] = field(
        default=(), metadata={"env": "ARCHIVER_RESOLVE", "parse": parse_resolve}
    )
    # A PEM file of CA certificates to trust besides the system's (a test CA, a proxy's).
    ca_bundle: str = field(default="", metadata={"env": "ARCHIVER_CA_BUNDLE"})
    user_agent: str = field(
        default="Mozilla/5.0 (compatible; archiver/0.1; evidence preservation)",
        metadata={"env": "ARCHIVER_USER_AGENT"},
    )
    connect_timeout: float = field(
        default=10.0, metadata={"env": "ARCHIVER_CONNECT_TIMEOUT", "check": "positive"}
    )
    read_timeout: float = field(
        default=30.0, metadata={"env": "ARCHIVER_READ_TIMEOUT", "check": "positive"}
    )
    total_timeout: float = field(
        default=120.0, metadata={"env": "ARCHIVER_TOTAL_TIMEOUT", "check": "positive"}
    )
    max_response_bytes: int = field(
        default=50 * 1024 * 1024,
        metadata={"env": "ARCHIVER_MAX_RESPONSE_BYTES", "check": "positive"},
    )
    max_decoded_bytes: int = field(
        default=8 * 1024 * 1024, metadata={"env": "ARCHIVER_MAX_DECODED_BYTES", "check": "positive"}
    )
    max_decoded_in_flight: int = field(
        default=64 * 1024 * 1024,
        metadata={"env": "ARCHIVER_MAX_DECODED_IN_FLIGHT", "check": "positive"},
    )
    max_redirects: int = field(
        default=10, metadata={"env": "ARCHIVER_MAX_REDIRECTS", "check": "positive"}
    )
    concurrency: int = field(
        default=8, metadata={"env": "ARCHIVER_CONCURRENCY", "check": "positive"}
    )
    per_host_concurrency: int = field(
        default=2, metadata={"env": "ARCHIVER_PER_HOST_CONCURRENCY", "check": "positive"}
    )
    politeness_delay: float = field(
        default=0.5, metadata={"env": "ARCHIVER_POLITENESS_DELAY", "check": "non_negative"}
    )
    retries: int = field(default=3, metadata={"env": "ARCHIVER_RETRIES", "check": "non_negative"})
    backoff: float = field(
        default=1.0, metadata={"env": "ARCHIVER_BACKOFF", "check": "non_negative"}
    )
    max_retry_wait: float = field(
        default=60.0, metadata={"env": "ARCHIVER_MAX_RETRY_WAIT", "check": "non_negative"}
    )
    allow_private: bool = field(
        default=False, metadata={"env": "ARCHIVER_ALLOW_PRIVATE_ADDRESSES", "parse": _flag}
    )
    warc_max_bytes: int = field(
        default=1024 * 1024 * 1024, metadata={"env": "ARCHIVER_WARC_MAX_BYTES", "check": "positive"}
    )
    confirmations: int = field(
        default=2, metadata={"env": "ARCHIVER_CONFIRMATIONS", "check": "positive"}
    )
    confirm_interval: float = field(
        default=3600.0, metadata={"env": "ARCHIVER_CONFIRM_INTERVAL", "check": "non_negative"}
    )
    schedule: tuple[float, ...] = field(
        default=parse_schedule(DEFAULT_SCHEDULE),
        metadata={"env": "ARCHIVER_SCHEDULE", "parse": parse_schedule},
    )
    # How far context is followed (issue 16): 1 takes the posts a post quotes, replies to or
    # was edited into; 2 theirs too; 0 none.
    context_depth: int = field(
        default=1, metadata={"env": "ARCHIVER_CONTEXT_DEPTH", "check": "non_negative"}
    )
    max_page_posts: int = field(
        default=500, metadata={"env": "ARCHIVER_MAX_PAGE_POSTS", "check": "non_negative"}
    )
    lease_seconds: float = field(
        default=600.0, metadata={"env": "ARCHIVER_LEASE_SECONDS", "check": "positive"}
    )
    worker_batch: int = field(
        default=20, metadata={"env": "ARCHIVER_WORKER_BATCH", "check": "positive"}
    )
    # Processes a recheck or a capture spreads over (issue 18): 0 means one per core. A run
    # starts one per ARCHIVER_POSTS_PER_PROCESS posts at most (starting one costs ~1 s).
    processes: int = field(
        default=0, metadata={"env": "ARCHIVER_PROCESSES", "check": "non_negative"}
    )
    posts_per_process: int = field(
        default=200, metadata={"env": "ARCHIVER_POSTS_PER_PROCESS", "check": "positive"}
    )
    worker_poll: float = field(
        default=30.0, metadata={"env": "ARCHIVER_WORKER_POLL", "check": "positive"}
    )
    webhook_url: str = field(default="", metadata={"env": "ARCHIVER_WEBHOOK_URL"})
    # RFC 3161 authorities every sealed WARC file is stamped by (issue 15); `none` stamps nothing.
    tsa_urls: tuple[str, ...] = field(
        default=DEFAULT_TSA_URLS, metadata={"env": "ARCHIVER_TSA_URLS", "parse": parse_url_list}
    )
    # The roots timestamp tokens are verified against: a PEM bundle; empty means the usual one
    # (certifi's copy of Mozilla's).
    tsa_ca: str = field(default="", metadata={"env": "ARCHIVER_TSA_CA"})
    # The Chromium that draws each post's picture and prints exhibits: a path, or empty to look
    # for chromium on PATH; `none` for no browser.
    chromium: str = field(default="", metadata={"env": "ARCHIVER_CHROMIUM"})
    # The ReplayWeb.page the HTML report links each post's view to (self-hosted, or the public one).
    replay_url: str = field(
        default="https://replayweb.page/", metadata={"env": "ARCHIVER_REPLAY_URL"}
    )
    # Who runs this archive (a name, an e-mail address): the ``operator`` of every WARC file.
    operator: str = field(default="", metadata={"env": "ARCHIVER_OPERATOR"})
    # archiver serve (issue 17): where it listens, and the token any host but loopback needs.
    serve_host: str = field(default="127.0.0.1", metadata={"env": "ARCHIVER_SERVE_HOST"})
    serve_port: int = field(
        default=8000, metadata={"env": "ARCHIVER_SERVE_PORT", "check": "positive"}
    )
    serve_token: str = field(default="", metadata={"env": "ARCHIVER_SERVE_TOKEN"})
    cookies_file: str = field(default="", metadata={"env": "ARCHIVER_COOKIES_FILE"})
    # Every other ARCHIVER_* variable, for the platforms to read their own settings from.
    extras: tuple[tuple[str, str], ...] = field(default=(), metadata={"env": ""})
    # Controls (issue 11): None means each platform's own defaults (`platforms.default_controls`).
    controls: tuple[str, ...] | None = field(
        default=None, metadata={"env": "ARCHIVER_CONTROLS", "parse": parse_url_list}
    )
    controls_gone: tuple[str, ...] = field(
        default=(), metadata={"env": "ARCHIVER_CONTROLS_GONE", "parse": parse_url_list}
    )
    control_interval: float = field(
        default=600.0, metadata={"env": "ARCHIVER_CONTROL_INTERVAL", "check": "non_negative"}
    )
    mass_gone_min: int = field(
        default=10, metadata={"env": "ARCHIVER_MASS_GONE_MIN", "check": "positive"}
    )
    mass_gone_ratio: float = field(
        default=0.5, metadata={"env": "ARCHIVER_MASS_GONE_RATIO", "parse": parse_ratio}
    )
    shape_drift_min: int = field(
        default=5, metadata={"env": "ARCHIVER_SHAPE_DRIFT_MIN", "check": "positive"}
    )
    shape_drift_ratio: float = field(
        default=0.3, metadata={"env": "ARCHIVER_SHAPE_DRIFT_RATIO", "parse": parse_ratio}
    )

    def __post_init__(self) -> None:
        """Refuse values that would make every fetch fail later with a misleading message
        (a zero byte cap, a NaN timeout), naming the setting (issue 12)."""
        for f in fields(self):
            check = f.metadata.get("check")
            if check is None:
                continue
            value = getattr(self, f.name)
            ok = (
                isinstance(value, (int, float))
                and math.isfinite(value)
                and (value > 0 if check == "positive" else value >= 0)
            )
            if not ok:
                what = "a number above 0" if check == "positive" else "a number of 0 or more"
                raise InputError(f"{f.metadata['env']}={value!r} is not valid: it must be {what}")

    @property
    def options(self) -> dict[str, str]:
        """The ``ARCHIVER_*`` variables no field here reads: the platforms' own settings
        (`archiver.platforms.base.PlatformSetting`), by variable name."""
        return dict(self.extras)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read every ``ARCHIVER_*`` variable; explicit ``overrides`` win."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            name = f.metadata["env"]
            if not name:
                continue
            raw = environ.get(name)
            if raw is None or raw == "":
                continue
            parse = f.metadata.get("parse")
            try:
                if parse is not None:
                    values[f.name] = parse(raw)
                elif f.type in ("int", int):
                    values[f.name] = int(raw)
                elif f.type in ("float", float):
                    values[f.name] = float(raw)
                elif f.type in ("Path", Path):
                    values[f.name] = Path(raw)
                else:
                    values[f.name] = raw
            except ValueError as exc:
                raise InputError(f"{name}={raw!r} is not valid: {exc}") from None
        known = set(env_names())
        values["extras"] = tuple(
            sorted(
                (k, v) for k, v in environ.items() if k.startswith("ARCHIVER_") and k not in known
            )
        )
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @property
    def loopback_endpoints(self) -> frozenset[tuple[str, int]]:
        """The ``(host, port)`` pairs of the ``ARCHIVER_URL_REWRITE`` and ``ARCHIVER_RESOLVE``
        targets: the only places on this machine a request may reach (issue 12: not any
        loopback port, through any redirect)."""
        found = {(host, port) for _, _, host, port in self.resolve}
        for _, target in self.url_rewrite:
            parts = urlsplit(target)
            try:
                port = parts.port or (443 if parts.scheme == "https" else 80)
            except ValueError:
                continue
            if parts.hostname:
                found.add((parts.hostname.lower(), port))
        return frozenset(found)

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'archiver.db').resolve()}"


def env_names() -> list[str]:
    """Every environment variable `Settings` reads (the platforms read their own besides)."""
    return [f.metadata["env"] for f in fields(Settings) if f.metadata["env"]]
