"""Workers share one workload through the database, on SQLite and on PostgreSQL (issue 7)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel, func, select

from archiver.config import Settings
from archiver.runs.capture import capture
from archiver.store import Observation, Post, Store
from archiver.store.runs import claim
from archiver.testing.simulator import SimPost, tweet_id_at
from archiver.warc.verify import verify
from tests.conftest import T0


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path):
    """A database URL of each kind (PostgreSQL only where it is installed)."""
    if request.param == "sqlite":
        return ""
    return request.getfixturevalue("pg_url")


def test_migrations_give_the_models_schema_on_each_database(backend, tmp_path):
    store = Store(Settings(home=tmp_path / "a", database_url=backend))
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    store.close()


def test_capture_and_recheck_run_on_each_database(backend, sim, settings, clock, tmp_path):
    from archiver.report.build import build_report
    from archiver.runs.recheck import recheck

    s = replace(settings, database_url=backend)
    store = Store(s)
    tid = tweet_id_at(T0, 4000)
    sim.add(SimPost("twitter", tid, "db_user", "DB", "on every database", T0, photos=["d.png"]))
    url = f"https://x.com/db_user/status/{tid}"
    assert capture(s, store, [url], clock=clock).captured_count == 1
    sim.set_state(f"twitter:{tid}", "deleted")
    for _ in range(2):
        clock.advance(hours=1)
        recheck(s, store, check_all=True, clock=clock)
    report = build_report(store)
    assert [(p.url, p.reason, p.text) for p in report.posts] == [
        (url, "deleted", "on every database")
    ]
    assert verify(store).ok
    store.close()


def test_claims_never_overlap(backend, tmp_path):
    from datetime import datetime, timedelta

    store = Store(Settings(home=tmp_path / "a", database_url=backend))
    now = datetime(2026, 6, 1, tzinfo=UTC)
    with store.session(write=True) as session:
        for n in range(30):
            session.add(
                Post(
                    platform="twitter",
                    post_key=str(n + 1),
                    url=f"https://x.com/i/web/status/{n + 1}",
                    next_check_at=now - timedelta(minutes=n),
                )
            )
        session.commit()
    first = claim(store, "a", now, 12, 60)
    second = claim(store, "b", now, 12, 60)
    third = claim(store, "c", now, 12, 60)
    assert (len(first), len(second), len(third)) == (12, 12, 6)
    assert not set(first) & set(second) and not set(second) & set(third)
    assert claim(store, "d", now, 12, 60) == []  # all leased
    assert len(claim(store, "d", now + timedelta(seconds=61), 50, 60)) == 30  # leases expired
    store.close()


def test_four_workers_one_killed_each_post_checked_exactly_once(backend, sim, tmp_path):
    posts = []
    for n in range(60):
        tid = tweet_id_at(T0, 5000 + n)
        sim.add(SimPost("twitter", tid, f"w_{n % 7}", f"W {n}", f"worker post {n}", T0))
        posts.append(f"https://x.com/w_{n % 7}/status/{tid}")
    home = tmp_path / "archive"
    env = dict(
        os.environ,
        ARCHIVER_HOME=str(home),
        ARCHIVER_DATABASE_URL=backend,
        ARCHIVER_URL_REWRITE=sim.rewrite_spec(),
        ARCHIVER_POLITENESS_DELAY="0",
        ARCHIVER_SCHEDULE="2s,30d",
        ARCHIVER_LEASE_SECONDS="4",
        ARCHIVER_WORKER_BATCH="3",
        ARCHIVER_CONCURRENCY="3",
    )
    done = subprocess.run(
        [sys.executable, "-m", "archiver", "capture", *posts],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    store = Store(Settings(home=home, database_url=backend))
    time.sleep(2.1)  # every post is now due once
    sim.latency = 0.05
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "archiver", "worker", "--once", "--json", "--id", f"w{n}"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(1, 5)
    ]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # kill w1 once it holds leases and has done some work
        with store.session() as session:
            leased = session.exec(
                select(func.count()).select_from(Post).where(Post.lease_owner == "w1")
            ).one()
            checked = session.exec(
                select(func.count())
                .select_from(Observation)
                .where(Observation.trigger == "recheck")
            ).one()
        if leased and checked >= 5:
            break
        time.sleep(0.02)
    workers[0].send_signal(signal.SIGKILL)
    outputs = [(w.wait(timeout=120), *w.communicate()) for w in workers]
    assert outputs[0][0] == -signal.SIGKILL
    for code, _out, err in outputs[1:]:
        assert code == 0, err
    with store.session() as session:
        per_post = dict(
            session.exec(
                select(Observation.post_id, func.count())
                .where(Observation.trigger == "recheck")
                .group_by(Observation.post_id)
            ).all()
        )
        assert len(per_post) == 60 and set(per_post.values()) == {1}  # every post, exactly once
        assert (
            session.exec(
                select(func.count()).select_from(Post).where(Post.lease_owner.is_not(None))
            ).one()
            == 0
        )
        workers_seen = {
            json.loads(o.evidence_json).get("worker")
            for o in session.exec(select(Observation).where(Observation.trigger == "recheck"))
        }
    assert {"w2", "w3", "w4"} <= workers_seen
    names = [p.name for p in (home / "warcs").glob("*.warc.gz")]
    assert any("-w2-" in n for n in names) and any("-w3-" in n for n in names)
    subprocess.run(
        [sys.executable, "-m", "archiver", "verify", "--repair"], env=env, capture_output=True
    )
    assert verify(store).ok
    store.close()
