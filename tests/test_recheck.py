"""Recheck runs and vanish detection against the simulator (issue 3, "Done when")."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlmodel import func, select

from archiver.runs.capture import capture
from archiver.runs.recheck import recheck
from archiver.store import Observation, Post
from archiver.store.posts import find_post, observations_of
from archiver.store.runs import due_post_ids
from archiver.testing.simulator import SimPost, tweet_id_at
from archiver.warc.reader import read_record
from tests.conftest import FB_POST, PHOTO_TWEET, PLAIN_TWEET, T0, WEB_PAGE

TWEET = f"https://x.com/sim_bob/status/{PLAIN_TWEET}"
FB = "https://www.facebook.com/SimPage/posts/700000000000001"
URL_OF = {"twitter": TWEET, "facebook": FB, "web": WEB_PAGE}
SIM_REF = {
    "twitter": f"twitter:{PLAIN_TWEET}",
    "facebook": f"facebook:{FB_POST}",
    "web": f"web:{WEB_PAGE}",
}


def post_state(store, url):
    with store.session() as session:
        post = find_post(session, url)
        return post.status.value, post.vanish_reason.value if post.vanish_reason else None


def last_outcome(store, url):
    with store.session() as session:
        return observations_of(session, find_post(session, url).id)[-1].outcome.value


@pytest.mark.parametrize(
    "platform, state, outcome, final_status, reason",
    [
        ("twitter", "live", "alive", "alive", None),
        ("twitter", "deleted", "deleted", "vanished", "deleted"),
        ("twitter", "deleted_quiet", "deleted", "vanished", "deleted"),
        ("twitter", "protected", "protected", "vanished", "protected"),
        ("twitter", "suspended", "account_suspended", "vanished", "account_suspended"),
        ("twitter", "account_gone", "account_gone", "vanished", "account_gone"),
        ("twitter", "sensitive", "restricted", "vanished", "restricted"),
        ("twitter", "login_wall", "login_wall", "unknown", None),
        ("twitter", "rate_limited", "rate_limited", "unknown", None),
        ("twitter", "flaky", "error", "unknown", None),
        ("twitter", "empty", "error", "unknown", None),
        ("twitter", "reset", "error", "unknown", None),
        ("twitter", "truncated", "error", "unknown", None),
        ("facebook", "deleted", "unavailable", "vanished", "unavailable"),
        ("facebook", "login_wall", "login_wall", "unknown", None),
        ("facebook", "rate_limited", "rate_limited", "unknown", None),
        ("facebook", "flaky", "error", "unknown", None),
        ("web", "deleted", "deleted", "vanished", "deleted"),
        ("web", "flaky", "error", "unknown", None),
    ],
)
def test_each_state_maps_to_its_outcome_and_post_state(
    sim, settings, store, clock, platform, state, outcome, final_status, reason
):
    url = URL_OF[platform]
    capture(settings, store, [url], clock=clock)
    sim.set_state(SIM_REF[platform], state)
    clock.advance(hours=1)
    recheck(settings, store, check_all=True, clock=clock)
    assert last_outcome(store, url) == outcome
    first_status = post_state(store, url)[0]
    if final_status == "vanished":
        assert first_status == "suspect"  # one look is never enough
    clock.advance(hours=1)
    recheck(settings, store, check_all=True, clock=clock)
    assert last_outcome(store, url) == outcome
    assert post_state(store, url) == (final_status, reason)


def test_a_post_that_comes_back_is_restored(sim, settings, store, clock):
    capture(settings, store, [TWEET], clock=clock)
    sim.set_state(SIM_REF["twitter"], "deleted")
    for _ in range(2):
        clock.advance(hours=1)
        report = recheck(settings, store, check_all=True, clock=clock)
    assert [(t.before.value, t.after.value, t.reason) for t in report.transitions] == [
        ("suspect", "vanished", "deleted")
    ]
    sim.set_state(SIM_REF["twitter"], "live")
    clock.advance(hours=1)
    report = recheck(settings, store, check_all=True, clock=clock)
    assert [(t.before.value, t.after.value) for t in report.transitions] == [
        ("vanished", "restored")
    ]
    assert post_state(store, TWEET) == ("restored", None)
    with store.session() as session:
        outcomes = [o.outcome.value for o in observations_of(session, find_post(session, TWEET).id)]
    assert outcomes == ["alive", "deleted", "deleted", "alive"]  # the history keeps both


def test_an_edited_post_keeps_both_versions(sim, settings, store, clock):
    capture(settings, store, [TWEET], clock=clock)
    sim.set_state(SIM_REF["twitter"], "edited")
    clock.advance(hours=1)
    recheck(settings, store, check_all=True, clock=clock)
    assert last_outcome(store, TWEET) == "edited"
    with store.session() as session:
        post = find_post(session, TWEET)
        assert post.text == "Plain text tweet, edited"
        from archiver.store.posts import captures_of

        versions = [
            json.loads(read_record(settings.home / "warcs" / rec.warc_file, rec.offset)[2])["text"]
            for _, rec in captures_of(session, post.id)
        ]
    assert versions == ["Plain text tweet", "Plain text tweet, edited"]


def test_no_false_flags_under_faults(sim, settings, store, clock):
    """Live posts, rechecked many times while faults are injected at random: none is ever flagged."""
    fast = settings.__class__(
        **{**settings.__dict__, "read_timeout": 0.5, "total_timeout": 2.0, "retries": 0}
    )
    sim.slow_seconds = 1.0
    posts = []
    for n in range(12):
        tid = tweet_id_at(T0, 100 + n)
        sim.add(SimPost("twitter", tid, f"live_{n}", f"Live {n}", f"live post {n}", T0))
        posts.append((f"twitter:{tid}", f"https://x.com/live_{n}/status/{tid}"))
    for n in range(4):
        key = f"post:7100000000000{n:02d}"
        sim.add(
            SimPost(
                "facebook",
                key,
                "LivePage",
                "Live Page",
                f"live fb {n}",
                T0,
                path=f"/LivePage/posts/7100000000000{n:02d}",
            )
        )
        posts.append(
            (f"facebook:{key}", f"https://www.facebook.com/LivePage/posts/7100000000000{n:02d}")
        )
    capture(fast, store, [u for _, u in posts], clock=clock)
    faults = ["rate_limited", "flaky", "slow", "reset", "login_wall", "empty", "truncated"]
    rng = random.Random(20260601)
    injected = checks = 0
    for _ in range(8):
        for ref, _ in posts:
            fault = rng.choice(faults + ["live"] * 2)
            sim.set_state(ref, fault)
            injected += fault != "live"
        clock.advance(hours=2)
        report = recheck(fast, store, check_all=True, clock=clock)
        checks += len(report.results)
        assert not report.transitions
        with store.session() as session:
            flagged = session.exec(
                select(Post).where(Post.status.in_(["suspect", "vanished"]))
            ).all()
            assert flagged == [], [(p.url, p.status) for p in flagged]
    print(
        f"\nfault run: {len(posts)} posts, {checks} checks, {injected} faults injected, 0 false flags"
    )
    assert injected > 50


def test_due_posts_follow_the_schedule(sim, settings, store, clock):
    capture(settings, store, [TWEET, FB], clock=clock)
    assert due_post_ids(store, clock()) == []
    clock.advance(minutes=59)
    assert recheck(settings, store, clock=clock).results == []
    clock.advance(minutes=2)
    assert len(recheck(settings, store, clock=clock).results) == 2
    clock.advance(hours=2)
    assert recheck(settings, store, clock=clock).results == []  # next due at 6 h
    sim.set_state(SIM_REF["twitter"], "deleted")
    clock.advance(hours=4)
    report = recheck(settings, store, clock=clock)
    assert {r.outcome for r in report.results} == {"deleted", "alive"}
    clock.advance(minutes=61)  # a suspect post is due again after the confirmation interval
    report = recheck(settings, store, clock=clock)
    assert [(r.url, r.status) for r in report.results] == [(TWEET, "vanished")]


def test_a_wall_of_429s_backs_off_that_host_and_finishes_the_others(sim, settings, store, clock):
    tweets = []
    for n in range(6):
        tid = tweet_id_at(T0, 200 + n)
        sim.add(SimPost("twitter", tid, f"rl_{n}", f"RL {n}", f"post {n}", T0))
        tweets.append(f"https://x.com/rl_{n}/status/{tid}")
    capture(settings, store, tweets + [FB], clock=clock)
    sim.retry_after = 3600
    for n in range(6):
        sim.set_state(f"twitter:{tweets[n].rsplit('/', 1)[1]}", "rate_limited")
    sim.hits.clear()
    clock.advance(hours=1)
    started = time.monotonic()
    report = recheck(settings, store, check_all=True, clock=clock)
    assert time.monotonic() - started < 20
    outcomes = {r.url: r.outcome for r in report.results}
    assert outcomes[FB] == "alive"
    assert {outcomes[t] for t in tweets} == {"rate_limited"}
    syndication_hits = [h for h in sim.hits if h.path.startswith("/syndication/")]
    assert len(syndication_hits) < len(tweets)  # it stopped asking after the first wall


def test_show_prints_the_timeline(cli_env, run_cli, sim):
    run_cli("capture", TWEET)
    sim.set_state(SIM_REF["twitter"], "rate_limited")
    run_cli("recheck", "--all")
    code, out, _ = run_cli("show", TWEET)
    assert code == 0
    assert "timeline" in out and "capture" in out and "rate_limited" in out
    _, out, _ = run_cli("show", TWEET, "--json")
    data = json.loads(out)
    assert data["status"] == "unknown"
    assert [o["outcome"] for o in data["observations"]] == ["alive", "rate_limited"]
    for key in ("vanish_reason", "last_seen_alive_at", "first_seen_gone_at", "vanished_at"):
        assert key in data


def test_recheck_json_lists_transitions(cli_env, run_cli, sim, monkeypatch):
    monkeypatch.setenv("ARCHIVER_CONFIRM_INTERVAL", "0")
    run_cli("capture", TWEET, FB)
    sim.set_state(SIM_REF["facebook"], "deleted")
    run_cli("recheck", "--all")
    code, out, err = run_cli("recheck", "--all", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["checked"] == 2
    assert [(t["url"], t["to"], t["reason"]) for t in data["transitions"]] == [
        (FB, "vanished", "unavailable")
    ]
    assert f"VANISHED (unavailable): {FB}" in err


def test_webhook_receives_each_transition(cli_env, run_cli, sim, monkeypatch):
    received = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("ARCHIVER_WEBHOOK_URL", f"http://127.0.0.1:{server.server_port}/hook")
    monkeypatch.setenv("ARCHIVER_CONFIRM_INTERVAL", "0")
    try:
        run_cli("capture", TWEET)
        sim.set_state(SIM_REF["twitter"], "deleted")
        run_cli("recheck", "--all")
        run_cli("recheck", "--all")
    finally:
        server.shutdown()
    assert [(r["event"], r["url"], r["reason"]) for r in received] == [
        ("post.vanished", TWEET, "deleted")
    ]


def _archiver(env, *args):
    return subprocess.Popen(
        [sys.executable, "-m", "archiver", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_runs_at_once_one_runs_one_says_so(cli_env, run_cli, sim, store):
    run_cli("capture", TWEET, FB, WEB_PAGE, f"https://x.com/sim_alice/status/{PHOTO_TWEET}")
    sim.latency = 1.0  # long enough that the two runs overlap
    env = dict(os.environ)
    procs = [_archiver(env, "recheck", "--all") for _ in range(2)]
    results = [(p.wait(timeout=60), *p.communicate()) for p in procs]
    assert sorted(code for code, _, _ in results) == [0, 1]
    (_, _, err1), (_, _, err2) = sorted(results)
    assert err2.strip().startswith("Error: another recheck run is in progress on this archive")
    assert err2.strip().endswith("this one stops (use --wait to wait for it)")
    assert "database is locked" not in err1 + err2
    with store.session() as session:
        counts = session.exec(
            select(Observation.post_id, func.count()).group_by(Observation.post_id)
        ).all()
    # One capture and one check each, no duplicate.
    assert sorted(c for _, c in counts) == [2, 2, 2, 2]
    third = _archiver(env, "recheck", "--all", "--wait")
    assert third.wait(timeout=60) == 0


def test_watch_stops_cleanly_on_ctrl_c(cli_env, run_cli, sim):
    import signal

    run_cli("capture", TWEET)
    # A shell running the tests in the background hands its children SIGINT ignored, and Python
    # keeps it so: Ctrl-C is given back its default meaning, as in a terminal.
    proc = subprocess.Popen(
        [sys.executable, "-m", "archiver", "watch", "--interval", "0.2"],
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert "] watching " in proc.stdout.readline()  # it is up and looping
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "stopped" in out
    assert "Traceback" not in err


def test_a_run_killed_halfway_loses_nothing_and_the_next_carries_on(
    cli_env, run_cli, sim, store, monkeypatch
):
    import signal

    monkeypatch.setenv("ARCHIVER_SCHEDULE", "1s,1d")  # due one second after capture, then tomorrow
    monkeypatch.setenv("ARCHIVER_CONCURRENCY", "1")
    posts = []
    for n in range(8):
        tid = tweet_id_at(T0, 300 + n)
        sim.add(SimPost("twitter", tid, f"k_{n}", f"K {n}", f"post {n}", T0))
        posts.append(f"https://x.com/k_{n}/status/{tid}")
    run_cli("capture", *posts)
    time.sleep(1.1)
    sim.latency = 0.4
    proc = _archiver(dict(os.environ), "recheck")

    def checked_so_far() -> int:
        with store.session() as session:
            return session.exec(
                select(func.count())
                .select_from(Observation)
                .where(Observation.trigger == "recheck")
            ).one()

    deadline = time.monotonic() + 60
    while checked_so_far() < 2 and time.monotonic() < deadline:  # kill once the run is under way
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    checked = checked_so_far()
    assert 0 < checked < len(posts)
    # Every observation the database holds points at records that read back.
    from archiver.store import WarcRecord

    with store.session() as session:
        for rec in session.exec(select(WarcRecord)).all():
            warc, _, _ = read_record(cli_env.home / "warcs" / rec.warc_file, rec.offset)
            assert warc["WARC-Record-ID"] == rec.record_id
    sim.latency = 0.0
    code, out, _ = run_cli("recheck", "--json")
    assert code == 0
    assert json.loads(out)["checked"] == len(posts) - checked  # the rest, and only the rest
    with store.session() as session:
        counts = session.exec(
            select(Observation.post_id, func.count()).group_by(Observation.post_id)
        ).all()
    assert sorted(c for _, c in counts) == [2] * len(posts)
