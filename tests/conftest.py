"""Shared test fixtures: a running simulator, settings pointed at it, a store."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from archiver.config import Settings, parse_rewrites

# Tests never reach the public timestamp authorities, and draw pictures only where they say
# so: every process they start inherits these (issue 15).
os.environ["ARCHIVER_TSA_URLS"] = "none"
os.environ["ARCHIVER_CHROMIUM"] = "none"
from archiver.store import Store
from archiver.testing.simulator import SimPost, Simulator, tweet_id_at

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str) -> object:
    return json.loads(fixture_bytes(name))


class Body(httpx.AsyncByteStream):
    """A response body that is streamed, as the network's is (``content=`` would pre-read it)."""

    def __init__(self, data: bytes):
        self.data = data

    async def __aiter__(self):
        for i in range(0, len(self.data), 1000):
            yield self.data[i : i + 1000]


T0 = datetime(2022, 3, 10, 8, 0, tzinfo=UTC)
PHOTO_TWEET = tweet_id_at(T0, 1)
VIDEO_TWEET = tweet_id_at(T0, 2)
PLAIN_TWEET = tweet_id_at(T0, 3)
FB_POST = "post:700000000000001"
WEB_PAGE = "https://blog.example.org/test/page.html"


def sample_posts() -> list[SimPost]:
    return [
        SimPost(
            "twitter",
            PHOTO_TWEET,
            "sim_alice",
            "Alice (sim)",
            "A photo tweet <script>x</script>",
            T0,
            photos=["alice.png"],
        ),
        SimPost(
            "twitter",
            VIDEO_TWEET,
            "sim_alice",
            "Alice (sim)",
            "A video tweet",
            T0,
            video="clip.mp4",
        ),
        SimPost(
            "twitter",
            PLAIN_TWEET,
            "sim_bob",
            "Bob (sim)",
            "Plain text tweet",
            T0,
            edited_text="Plain text tweet, edited",
        ),
        SimPost(
            "facebook",
            FB_POST,
            "SimPage",
            "Sim Page",
            "A Facebook post for the tests",
            T0,
            photos=["fb.png"],
            path="/SimPage/posts/700000000000001",
        ),
        SimPost(
            "web",
            WEB_PAGE,
            "blog",
            "Blog Author",
            "A page for the tests",
            T0,
            title="Test page",
            body_html=f'<p><a href="https://twitter.com/sim_alice/status/{PHOTO_TWEET}">a tweet</a></p>',
        ),
    ]


@pytest.fixture
def sim():
    simulator = Simulator(sample_posts(), retry_after=1, slow_seconds=0.2, video_bytes=50_000)
    simulator.start()
    yield simulator
    simulator.stop()


@pytest.fixture
def settings(tmp_path, sim) -> Settings:
    return Settings(
        home=tmp_path / "archive",
        url_rewrite=parse_rewrites(sim.rewrite_spec()),
        politeness_delay=0.0,
        backoff=0.01,
        retries=1,
        max_retry_wait=2.0,
        connect_timeout=2.0,
        read_timeout=5.0,
        total_timeout=10.0,
        tsa_urls=(),
        chromium="none",
    )


@pytest.fixture
def store(settings):
    s = Store(settings)
    yield s
    s.close()


@pytest.fixture
def cli_env(monkeypatch, settings, sim):
    """Environment for running the CLI against the simulator."""
    monkeypatch.setenv("ARCHIVER_HOME", str(settings.home))
    monkeypatch.setenv("ARCHIVER_URL_REWRITE", sim.rewrite_spec())
    monkeypatch.setenv("ARCHIVER_POLITENESS_DELAY", "0")
    monkeypatch.setenv("ARCHIVER_BACKOFF", "0.01")
    monkeypatch.setenv("ARCHIVER_RETRIES", "1")
    monkeypatch.setenv("ARCHIVER_MAX_RETRY_WAIT", "2")
    return settings


@pytest.fixture
def run_cli(capsys):
    """Run ``archiver ARGS`` in-process; returns (exit code, stdout, stderr)."""
    from archiver.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exit_info:
            main(list(args))
        captured = capsys.readouterr()
        return exit_info.value.code, captured.out, captured.err

    return run


class FakeClock:
    """A clock the test moves by hand, so confirmation intervals pass instantly."""

    def __init__(self, start: datetime | None = None):
        self.now = start or datetime(2026, 6, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> datetime:
        from datetime import timedelta

        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


# --- PostgreSQL: a private cluster for the tests (Debian's postgresql; .ci/run installs it) ---


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server on a loopback port, started for this test session."""
    from tests.postgres import PostgresUnavailable, private_postgres

    try:
        with private_postgres("fsync=off") as url:
            yield url
    except PostgresUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty database on the test server."""
    import uuid

    from sqlalchemy import create_engine, text

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{pg_server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return f"{pg_server}/{name}"
