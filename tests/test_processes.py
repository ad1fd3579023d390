"""A recheck run spread over processes (issue 18): one run, each post checked exactly once,
the platforms' guards still holding, and each host's pace shared between the processes."""

from __future__ import annotations

import asyncio
import os
import signal
from dataclasses import replace
from pathlib import Path

import pytest
from sqlmodel import func, select

from archiver.net.pacing import SharedHostGate
from archiver.runs.capture import capture
from archiver.runs.recheck import recheck
from archiver.store import Observation, Post, Store
from archiver.store.models import Run
from archiver.testing.simulator import SimPost, tweet_id_at
from archiver.warc.verify import verify
from tests.conftest import T0


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    if request.param == "sqlite":
        return ""
    return request.getfixturevalue("pg_url")


def _posts(sim, count: int, first: int = 7000) -> list[str]:
    urls = []
    for n in range(count):
        tid = tweet_id_at(T0, first + n)
        sim.add(SimPost("twitter", tid, f"p_{n % 5}", f"P {n}", f"spread post {n}", T0))
        urls.append(f"https://x.com/p_{n % 5}/status/{tid}")
    return urls


def _checked(store: Store, run_id: int) -> tuple[int, int]:
    with store.session() as session:
        query = select(func.count(), func.count(func.distinct(Observation.post_id)))
        return tuple(session.exec(query.where(Observation.run_id == run_id)).one())  # type: ignore[return-value]


def test_a_run_over_three_processes_checks_each_post_once(backend, sim, settings):
    s = replace(
        settings,
        database_url=backend,
        processes=3,
        posts_per_process=5,
        confirmations=1,
        confirm_interval=0,
        worker_batch=1,
        concurrency=1,
    )
    store = Store(s)
    urls = _posts(sim, 24)
    assert capture(s, store, urls).captured_count == 24
    gone = urls[:3]
    for url in gone:
        sim.set_state(f"twitter:{url.rsplit('/', 1)[1]}", "deleted")
    seen = []
    sim.latency = 0.05  # long enough for every child to start before the first is done
    report = recheck(s, store, check_all=True, progress=seen.append)
    assert report.failures == []
    assert sorted(r.post_id for r in report.results) == sorted(r.post_id for r in seen)
    assert len({r.post_id for r in report.results}) == 24 == len(report.results)
    assert _checked(store, report.run_id) == (24, 24)
    assert sorted(t.url for t in report.transitions) == sorted(gone)
    assert {t.after.value for t in report.transitions} == {"vanished"}
    with store.session() as session:
        runs = session.exec(select(Run).where(Run.kind == "recheck")).all()
        assert [r.checked for r in runs] == [24]  # one run, not one per process
        leased = session.exec(select(func.count()).where(Post.lease_owner.is_not(None))).one()
        assert leased == 0
    files = sorted(p.name for p in store.warc_dir.rglob("*.warc.gz"))
    assert sum(f"run-{report.run_id}." in name for name in files) >= 2  # each child its files
    assert verify(store).ok
    store.close()


def test_a_platform_one_process_finds_degraded_is_held_for_the_whole_run(sim, settings):
    s = replace(settings, processes=2, posts_per_process=5, confirmations=1, confirm_interval=0)
    store = Store(s)
    urls = _posts(sim, 12, first=7100)
    assert capture(s, store, urls).captured_count == 12
    sim.set_switch("tweets_tombstoned")  # every tweet answers as deleted, the controls too
    report = recheck(s, store, check_all=True)
    assert "twitter" in report.degraded
    assert report.transitions == []
    with store.session() as session:
        statuses = set(session.exec(select(Post.status)).all())
        observations = session.exec(
            select(Observation).where(Observation.run_id == report.run_id)
        ).all()
    assert "vanished" not in {str(getattr(x, "value", x)) for x in statuses}
    assert len(observations) == 12 and all(o.held for o in observations)
    store.close()


def test_answers_one_process_stored_before_another_found_the_platform_degraded_are_held(
    sim, settings
):
    # A child's guards count its own answers only: what the others stored from a platform it
    # found degraded must be held by the parent, afterwards, for the whole run.
    from archiver.runs.processes import hold_degraded

    s = replace(
        settings,
        processes=1,
        controls=(),
        mass_gone_min=1000,
        confirmations=1,
        confirm_interval=0,
    )
    store = Store(s)
    urls = _posts(sim, 6, first=7600)
    assert capture(s, store, urls).captured_count == 6
    sim.set_switch("tweets_tombstoned")
    report = recheck(s, store, check_all=True)  # as one process saw it: six posts gone
    assert len(report.transitions) == 6 and not report.degraded
    report.platform_health["twitter"] = {"status": "degraded", "reason": "as another process saw"}
    hold_degraded(s, store, report, report.run_id)
    assert report.transitions == []
    assert "vanished" not in {r.status for r in report.results}
    with store.session() as session:
        observations = session.exec(
            select(Observation).where(Observation.run_id == report.run_id)
        ).all()
        statuses = {str(getattr(x, "value", x)) for x in session.exec(select(Post.status))}
    assert len(observations) == 6 and all(o.held for o in observations)
    assert "vanished" not in statuses
    store.close()


def test_a_child_killed_mid_run_loses_no_post(sim, settings):
    s = replace(settings, processes=2, posts_per_process=5, concurrency=2, worker_batch=2)
    store = Store(s)
    urls = _posts(sim, 30, first=7200)
    assert capture(s, store, urls).captured_count == 30
    sim.latency = 0.05
    killed: list[int] = []

    def kill_one(_result) -> None:
        if killed:
            return
        for pid in _children():
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
            return

    report = recheck(s, store, check_all=True, progress=kill_one)
    assert killed
    assert any("exited with code" in f for f in report.failures)
    assert _checked(store, report.run_id)[1] == 30  # every post checked…
    assert len({r.post_id for r in report.results}) == 30
    with store.session() as session:
        assert session.exec(select(func.count()).where(Post.lease_owner.is_not(None))).one() == 0
    store.close()


def _children() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if b"archiver.runs.children" in cmdline and parent == os.getpid():
            found.append(int(entry.name))
    return found


def test_processes_share_each_hosts_slots_pace_and_back_off(tmp_path):
    now = [100.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        await asyncio.sleep(0)

    def gate() -> SharedHostGate:
        return SharedHostGate(tmp_path / "pacing", 1, 0.5, now=lambda: now[0], sleep=sleep)

    async def main() -> None:
        one, two = gate(), gate()  # as two processes would have
        # The pace: the second start waits out the delay the first one set.
        assert await one.wait_turn("x.com", 60)
        assert await two.wait_turn("x.com", 60)
        assert slept == [0.5]
        # A slot held by one is not the other's until it is given back.
        async with one.semaphore("x.com"):
            waiting = asyncio.ensure_future(two.semaphore("x.com").__aenter__())
            for _ in range(5):
                await asyncio.sleep(0)
            assert not waiting.done()
        await waiting
        # Another host is not slowed down.
        assert await two.wait_turn("cdn.syndication.twimg.com", 60)
        # A rate limit one process met keeps the other away too.
        one.back_off("x.com", 300)
        assert not await two.wait_turn("x.com", 60)
        one.close()
        two.close()

    asyncio.run(main())
    names = {p.name for p in (tmp_path / "pacing").iterdir()}
    assert not any("x.com" in name for name in names)  # a host is never a path


def test_a_capture_over_three_processes_takes_each_post_once(sim, settings):
    s = replace(settings, processes=3, posts_per_process=5, concurrency=2)
    store = Store(s)
    urls = _posts(sim, 30, first=7300)
    sim.latency = 0.02
    seen = []
    inputs = [*urls, urls[0].replace("x.com", "twitter.com"), "not a post at all", urls[5]]
    report = capture(s, store, iter(inputs), progress=seen.append)
    assert report.processes == 3
    assert report.captured_count == 30 and report.failed_count == 1
    assert [i.input for i in report.failed] == ["not a post at all"]
    assert len(seen) == 31
    with store.session() as session:
        assert session.exec(select(func.count()).select_from(Post)).one() == 30
        captures = session.exec(select(func.count()).where(Observation.trigger == "capture")).one()
        assert captures == 30  # the same post named three ways: captured once
        runs = session.exec(select(Run).where(Run.kind == "capture")).all()
        assert len(runs) == 1
    assert verify(store).ok
    store.close()


def test_a_capture_child_killed_mid_run_loses_no_post(sim, settings):
    s = replace(settings, processes=2, posts_per_process=5, concurrency=1)
    store = Store(s)
    urls = _posts(sim, 30, first=7400)
    sim.latency = 0.05
    killed: list[int] = []

    def kill_one(_item) -> None:
        if not killed:
            for pid in _children():
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return

    report = capture(s, store, urls, progress=kill_one)
    assert killed
    assert any("exited with code" in note for note in report.notes)
    with store.session() as session:
        keys = set(session.exec(select(Post.post_key)).all())
    assert keys == {url.rsplit("/", 1)[1] for url in urls}
    store.close()


def test_two_processes_meeting_the_same_new_post_store_it_once(sim, settings, pg_url):
    # Two processes of a run can come upon the same new post at once (the tweet both their
    # posts quote). On PostgreSQL both would find no row; the second must update the first's.
    import threading

    s = replace(settings, database_url=pg_url, processes=1)
    url = _posts(sim, 1, first=7500)[0]
    sim.latency = 0.05
    stores = [Store(s), Store(s)]
    barrier = threading.Barrier(2)
    reports = []

    def take(store: Store) -> None:
        barrier.wait()
        reports.append(capture(s, store, [url]))

    threads = [threading.Thread(target=take, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.captured_count for r in reports] == [1, 1]
    with stores[0].session() as session:
        assert session.exec(select(func.count()).select_from(Post)).one() == 1
        assert session.exec(select(func.count()).select_from(Observation)).one() == 2
    for store in stores:
        store.close()
