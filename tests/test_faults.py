"""Faults from the network and the platforms: recorded, never a false flag, never a crash (issue 6)."""

from __future__ import annotations

import json
from dataclasses import replace

from sqlmodel import select

from archiver.config import parse_rewrites
from archiver.runs.capture import capture
from archiver.runs.recheck import recheck
from archiver.store import Post
from archiver.store.posts import observations_of
from tests.conftest import PHOTO_TWEET, PLAIN_TWEET, WEB_PAGE
from tests.hostile_server import MODES, HostileServer

URLS = [
    f"https://x.com/sim_bob/status/{PLAIN_TWEET}",
    f"https://x.com/sim_alice/status/{PHOTO_TWEET}",
    "https://www.facebook.com/SimPage/posts/700000000000001",
    WEB_PAGE,
]
HOSTS = [
    "https://cdn.syndication.twimg.com",
    "https://publish.twitter.com",
    "https://syndication.twitter.com",
    "https://x.com",
    "https://www.facebook.com",
    "https://blog.example.org",
]


def test_every_fault_is_recorded_and_flags_nothing(sim, settings, store, clock):
    capture(settings, store, URLS, clock=clock)
    fast = replace(
        settings,
        read_timeout=1.0,
        total_timeout=2.0,
        retries=1,
        backoff=0.01,
        max_response_bytes=1024 * 1024,
        max_decoded_bytes=1024 * 1024,
        max_redirects=4,
    )
    injected = 0
    with HostileServer() as hostile:
        for mode in MODES:
            rewrites = parse_rewrites(",".join(f"{h}={hostile.base}/{mode}" for h in HOSTS))
            clock.advance(hours=2)
            report = recheck(
                replace(fast, url_rewrite=rewrites), store, check_all=True, clock=clock
            )
            injected += len(report.results)
            assert len(report.results) == len(URLS), mode
            assert not report.transitions, mode
            with store.session() as session:
                for post in session.exec(select(Post)).all():
                    assert post.status.value not in ("suspect", "vanished"), (mode, post.url)
                    last = observations_of(session, post.id)[-1]
                    assert last.trigger == "recheck"
                    evidence = json.loads(last.evidence_json)
                    assert evidence["attempts"], (mode, post.url)  # what happened is on record
                    if post.platform == "web":
                        # a web page is tracked by its HTTP status: a 200, however odd its body, is alive
                        assert last.outcome.kind.value != "gone", (mode, post.url, last.outcome)
                    else:
                        assert last.outcome.kind.value == "neutral", (mode, post.url, last.outcome)
    # And when the faults stop, the posts are seen alive again.
    clock.advance(hours=2)
    recheck(settings, store, check_all=True, clock=clock)
    with store.session() as session:
        assert {p.status.value for p in session.exec(select(Post)).all()} == {"alive"}
    print(
        f"\nfault injection: {len(MODES)} kinds of fault, {injected} faulty checks, 0 false flags"
    )


def test_slow_drip_is_cut_by_the_total_timeout(settings, store, clock, sim):
    capture(settings, store, [WEB_PAGE], clock=clock)
    with HostileServer() as hostile:
        drip = replace(
            settings,
            read_timeout=1.0,
            total_timeout=1.5,
            retries=0,
            url_rewrite=parse_rewrites(f"https://blog.example.org={hostile.base}/drip"),
        )
        import time

        started = time.monotonic()
        recheck(drip, store, check_all=True, clock=clock)
        assert time.monotonic() - started < 8
    with store.session() as session:
        last = observations_of(session, session.exec(select(Post)).one().id)[-1]
        attempts = json.loads(last.evidence_json)["attempts"]
    assert attempts[0]["truncated"] == "time"


def test_huge_bodies_are_cut_at_the_cap_and_marked(settings, store, clock, sim):
    from archiver.store import WarcRecord
    from archiver.warc.reader import read_record

    capture(settings, store, [WEB_PAGE], clock=clock)
    with HostileServer() as hostile:
        huge = replace(
            settings,
            max_response_bytes=100_000,
            url_rewrite=parse_rewrites(f"https://blog.example.org={hostile.base}/huge"),
        )
        recheck(huge, store, check_all=True, clock=clock)
    with store.session() as session:
        rec = session.exec(
            select(WarcRecord).where(WarcRecord.role == "page").order_by(WarcRecord.id.desc())
        ).first()
    warc, _, body = read_record(settings.home / "warcs" / rec.warc_file, rec.offset)
    assert warc["WARC-Truncated"] == "length"
    assert len(body) == 100_000
