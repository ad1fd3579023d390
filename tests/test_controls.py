"""Issue 11: a platform-wide change is never read as mass deletion.

An archive of 55 posts (30 tweets, 25 Facebook posts) is rechecked three times while the
simulator changes a whole platform; confirmation needs no time here (ARCHIVER_CONFIRM_INTERVAL=0),
so without the controls and guards every post would be confirmed vanished on the second run.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from archiver.testing.simulator import SimPost, tweet_id_at

T = datetime(2022, 3, 1, tzinfo=UTC)
TWEETS = [tweet_id_at(T, 100 + n) for n in range(30)]
FB_IDS = [str(730000000000000 + n) for n in range(25)]
TWEET_URLS = [f"https://x.com/sim_bulk/status/{t}" for t in TWEETS]
FB_URLS = [f"https://www.facebook.com/SimBulk/posts/{i}" for i in FB_IDS]


@pytest.fixture
def archive(cli_env, run_cli, sim, monkeypatch):
    monkeypatch.setenv("ARCHIVER_CONFIRM_INTERVAL", "0")
    for n, tweet in enumerate(TWEETS):
        sim.add(SimPost("twitter", tweet, "sim_bulk", "Bulk (sim)", f"Tweet number {n}", T))
    for n, post in enumerate(FB_IDS):
        sim.add(
            SimPost(
                "facebook",
                f"post:{post}",
                "SimBulk",
                "Sim Bulk",
                f"Facebook post number {n}",
                T,
                path=f"/SimBulk/posts/{post}",
            )
        )
    code, _, err = run_cli("capture", *TWEET_URLS, *FB_URLS)
    assert code == 0, err
    return sim


def statuses(run_cli) -> dict[str, int]:
    _, out, _ = run_cli("list", "--json")
    counts: dict[str, int] = {}
    for post in json.loads(out):
        counts[post["status"]] = counts.get(post["status"], 0) + 1
    return counts


SWITCHES = [
    ("syndication_404", "twitter", "syndication answered"),
    ("oembed_403", "twitter", "oembed answered"),
    ("tweets_tombstoned", "twitter", "came back deleted"),
    ("facebook_login_wall", "facebook", "came back login_wall"),
    ("facebook_unknown_shape", "facebook", "came back error"),
]


@pytest.mark.parametrize("switch, platform, reason", SWITCHES, ids=[s[0] for s in SWITCHES])
def test_a_platform_wide_change_holds_every_verdict(archive, run_cli, switch, platform, reason):
    archive.set_switch(switch)
    for _ in range(3):
        code, out, err = run_cli("recheck", "--all", "--json")
        assert code == 3, err
        health = json.loads(out)["platform_health"]
        assert health[platform]["status"] == "degraded"
        assert reason in health[platform]["reason"]
        assert f"DEGRADED {platform}: " in err
    counts = statuses(run_cli)
    assert counts.get("suspect", 0) == 0 and counts.get("vanished", 0) == 0, counts


def test_with_healthy_controls_a_real_deletion_is_still_confirmed(archive, run_cli):
    archive.set_state(f"twitter:{TWEETS[7]}", "deleted")
    code, out, _ = run_cli("recheck", "--all", "--json")
    assert code == 0
    first = json.loads(out)
    assert {h["status"] for h in first["platform_health"].values()} == {"ok"}
    assert [c["outcome"] for c in first["platform_health"]["twitter"]["controls"]] == ["alive"] * 3
    code, out, _ = run_cli("recheck", "--all", "--json")
    assert code == 0
    assert [(t["url"], t["to"]) for t in json.loads(out)["transitions"]] == [
        (TWEET_URLS[7], "vanished")
    ]
    assert statuses(run_cli).get("vanished") == 1


@pytest.mark.parametrize(
    "switch, reason",
    [("tweets_tombstoned", "mass vanish"), ("syndication_404", "answers changed shape")],
)
def test_with_no_controls_the_guards_alone_hold_the_verdicts(
    archive, run_cli, monkeypatch, switch, reason
):
    monkeypatch.setenv("ARCHIVER_CONTROLS", "none")
    archive.set_switch(switch)
    for _ in range(3):
        code, out, err = run_cli("recheck", "--all", "--json")
        assert code == 3, err
        twitter = json.loads(out)["platform_health"]["twitter"]
        assert twitter["controls"] == []
        assert reason in twitter["reason"]
    counts = statuses(run_cli)
    assert counts.get("suspect", 0) == 0 and counts.get("vanished", 0) == 0, counts


def test_a_deleted_control_degrades_its_platform_and_controls_says_which(archive, run_cli):
    archive.set_state("twitter:20", "deleted")
    code, out, _ = run_cli("controls")
    assert code == 3
    assert (
        "FAILED twitter   https://x.com/jack/status/20  expected alive, came back deleted (syndication tombstone"
        in out
    )
    assert "twitter: degraded" in out and "facebook: ok" in out
    code, out, _ = run_cli("controls", "--json")
    data = json.loads(out)
    failed = [c for c in data["controls"] if not c["ok"]]
    assert [(c["url"], c["outcome"]) for c in failed] == [
        ("https://x.com/jack/status/20", "deleted")
    ]
    assert data["platform_health"]["twitter"]["status"] == "degraded"


def test_an_expected_gone_control_that_is_alive_degrades_too(archive, run_cli, monkeypatch):
    monkeypatch.setenv("ARCHIVER_CONTROLS_GONE", TWEET_URLS[0])  # alive in the simulator
    code, out, _ = run_cli("controls", "--json")
    assert code == 3
    health = json.loads(out)["platform_health"]["twitter"]
    assert health["status"] == "degraded" and "(expected gone) came back alive" in health["reason"]
    archive.set_state(f"twitter:{TWEETS[0]}", "deleted")
    code, out, _ = run_cli("controls", "--json")
    assert code == 0


def test_user_controls_replace_the_defaults_and_bad_ones_are_refused(archive, run_cli, monkeypatch):
    monkeypatch.setenv("ARCHIVER_CONTROLS", TWEET_URLS[1])
    code, out, _ = run_cli("controls", "--json")
    assert code == 0
    assert [c["url"] for c in json.loads(out)["controls"]] == [TWEET_URLS[1]]
    monkeypatch.setenv("ARCHIVER_CONTROLS", "https://www.facebook.com/zuck")
    code, _, err = run_cli("recheck", "--all")
    assert code == 1
    assert err.strip().startswith(
        "Error: ARCHIVER_CONTROLS: 'https://www.facebook.com/zuck' is not a post"
    )


def test_controls_are_not_posts_but_their_answers_are_in_the_warc(archive, run_cli, settings):
    from warcio.archiveiterator import ArchiveIterator

    run_cli("recheck", "--all")
    _, out, _ = run_cli("list", "--json")
    assert "https://x.com/jack/status/20" not in out
    controls = []
    for path in sorted((settings.home / "warcs").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "metadata":
                    payload = json.loads(record.content_stream().read())
                    if payload.get("control"):
                        controls.append(payload["post"]["url"])
    assert "https://x.com/jack/status/20" in controls


def test_observations_made_while_degraded_are_marked_and_held(archive, run_cli):
    archive.set_switch("tweets_tombstoned")
    run_cli("recheck", "--all")
    _, out, _ = run_cli("show", TWEET_URLS[3], "--json")
    last = json.loads(out)["observations"][-1]
    assert last["outcome"] == "deleted"  # what the platform said is kept as it was said
    assert "came back deleted" in last["held"]  # and marked as made while the platform was degraded


def test_the_webhook_hears_platform_degraded_and_the_report_says_which_runs_were_held(
    archive, run_cli, monkeypatch
):
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
    archive.set_switch("facebook_login_wall")
    try:
        code, out, _ = run_cli("recheck", "--all", "--json")
    finally:
        server.shutdown()
    run = json.loads(out)["run"]
    assert [(r["event"], r["platform"], r["run"]) for r in received] == [
        ("platform_degraded", "facebook", run)
    ]
    assert "came back login_wall" in received[0]["reason"]
    code, out, _ = run_cli("report", "--format", "md", "--output", "-")
    assert f"Held back: run {run} (recheck" in out and "facebook degraded" in out
    code, out, _ = run_cli("report", "--format", "json", "--output", "-")
    assert [h["run"] for h in json.loads(out)["held_runs"]] == [run]


def test_a_worker_batch_checks_controls_and_exits_3(archive, run_cli, monkeypatch, settings):
    from sqlalchemy import update

    from archiver.store import Post, Store

    monkeypatch.setenv("ARCHIVER_WORKER_BATCH", "100")
    archive.set_switch("tweets_tombstoned")
    store = Store(settings)
    with store.session(write=True) as session:  # every post due now
        session.execute(update(Post).values(next_check_at=datetime(2020, 1, 1, tzinfo=UTC)))
        session.commit()
    store.close()
    code, out, err = run_cli("worker", "--once", "--json")
    assert code == 3, err
    data = json.loads(out)
    assert data["checked"] == 55
    assert data["platform_health"]["twitter"]["status"] == "degraded"
    assert data["platform_health"]["facebook"]["status"] == "ok"
    assert statuses(run_cli).get("suspect", 0) == 0
