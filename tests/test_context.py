"""Issue 16: the posts around a post — what it quotes, what it replies to, the newer version
of an edit — are captured as posts of their own and linked; t.co links are followed with
every hop in the WARC; an edited tweet is ``edited``, never a deletion of the old version."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

from warcio.archiveiterator import ArchiveIterator

from archiver.report.build import build_report
from archiver.report.renderers import render_markdown
from archiver.runs.capture import capture
from archiver.runs.recheck import recheck
from archiver.testing.simulator import SimPost
from archiver.testing.simulator.content import short_code, tweet_id_at
from tests.conftest import T0

QUOTED = tweet_id_at(T0 - timedelta(days=2), 21)
PARENT = tweet_id_at(T0 - timedelta(days=1), 22)
QUOTING = tweet_id_at(T0, 23)
OLD = tweet_id_at(T0, 24)
NEWER = tweet_id_at(T0 + timedelta(minutes=5), 25)
TARGET = "https://blog.example.org/test/page.html"


def _posts() -> list[SimPost]:
    return [
        SimPost("twitter", QUOTED, "sim_quoted", "Quoted (sim)", "The quoted tweet", T0),
        SimPost("twitter", PARENT, "sim_parent", "Parent (sim)", "The parent tweet", T0),
        SimPost(
            "twitter",
            QUOTING,
            "sim_carol",
            "Carol (sim)",
            "Quoting and replying",
            T0,
            quoted_id=QUOTED,
            reply_to_id=PARENT,
            links=[TARGET],
        ),
        SimPost("twitter", OLD, "sim_carol", "Carol (sim)", "First wording", T0, newer_ids=[NEWER]),
        SimPost("twitter", NEWER, "sim_carol", "Carol (sim)", "Second wording", T0),
    ]


def _show(run_cli, post: str) -> dict:
    code, out, _ = run_cli("show", post, "--json")
    assert code == 0, out
    return json.loads(out)


def test_quoted_and_replied_to_tweets_are_archived_and_linked(
    settings, store, sim, clock, cli_env, run_cli
):
    for post in _posts():
        sim.add(post)
    report = capture(settings, store, [f"https://x.com/sim_carol/status/{QUOTING}"], clock=clock)
    assert report.failed_count == 0, report.items
    around = {item.context_of["relation"] for item in report.items if item.context_of}
    assert around == {"quotes", "replies_to"}
    shown = _show(run_cli, f"twitter:{QUOTING}")
    assert {(c["relation"], c["post_id"], c["status"]) for c in shown["context"]} == {
        ("quotes", QUOTED, "alive"),
        ("replies_to", PARENT, "alive"),
    }
    quoted = _show(run_cli, f"twitter:{QUOTED}")
    assert quoted["text"] == "The quoted tweet" and quoted["author"] == "sim_quoted"
    assert [(c["relation"], c["post_id"]) for c in quoted["context_of"]] == [("quotes", QUOTING)]

    # The quoted tweet goes; the report says so beside the post that quoted it.
    sim.set_state(f"twitter:{QUOTED}", "deleted")
    for _ in range(3):
        clock.advance(hours=3)
        recheck(settings, store, check_all=True, clock=clock)
    assert _show(run_cli, f"twitter:{QUOTED}")["status"] == "vanished"
    everything = render_markdown(build_report(store, status="all")).decode()
    assert "the post it quoted has vanished" in everything


def test_a_tco_link_is_followed_and_each_hop_is_in_the_warc(
    settings, store, sim, clock, cli_env, run_cli
):
    for post in _posts():
        sim.add(post)
    settings = replace(settings, context_depth=0)  # only the link here
    capture(settings, store, [f"https://x.com/sim_carol/status/{QUOTING}"], clock=clock)
    shown = _show(run_cli, f"twitter:{QUOTING}")
    short = f"https://t.co/{short_code(QUOTING, 1)}"
    assert shown["links"] == [
        {"url": short, "expanded": TARGET, "resolved": TARGET, "status": 200, "error": None}
    ]
    assert shown["context"] == []  # depth 0: nothing around it is taken
    uris = []
    for path in sorted((settings.home / "warcs").glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    status = record.http_headers.get_statuscode()
                    uris.append((record.rec_headers.get_header("WARC-Target-URI"), status))
    # (With ARCHIVER_URL_REWRITE, as here, the WARC holds the simulator's URLs.)
    assert any(uri.endswith(f"/tco/{short_code(QUOTING, 1)}") and s == "301" for uri, s in uris)
    assert any(uri.endswith("/web/test/page.html") and s == "200" for uri, s in uris)


def test_an_edited_tweet_is_edited_and_linked_to_its_newer_version(
    settings, store, sim, clock, cli_env, run_cli
):
    for post in _posts():
        sim.add(post)
    report = capture(settings, store, [f"https://x.com/sim_carol/status/{OLD}"], clock=clock)
    assert report.items[0].outcome == "edited" and report.items[0].ok
    old = _show(run_cli, f"twitter:{OLD}")
    assert old["text"] == "First wording" and old["status"] == "alive"
    assert [(c["relation"], c["post_id"]) for c in old["context"]] == [("newer_version", NEWER)]
    assert _show(run_cli, f"twitter:{NEWER}")["text"] == "Second wording"
    for _ in range(3):
        clock.advance(hours=3)
        run = recheck(settings, store, check_all=True, clock=clock)
        assert run.transitions == []
    again = _show(run_cli, f"twitter:{OLD}")
    assert again["status"] == "alive" and again["vanish_reason"] is None
    notes = [o["note"] for o in again["observations"]]
    assert any(f"the newer version is tweet {NEWER}" in note for note in notes)
