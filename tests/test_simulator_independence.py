"""Issue 13: the simulator computes syndication tokens on its own, so a token regression in
archiver fails the end-to-end tests instead of being checked against itself."""

from __future__ import annotations

import json
import random
import shutil
import subprocess

import pytest

import archiver.platforms.twitter as twitter
import archiver.platforms.twitter.endpoints as endpoints
from archiver import Archive
from archiver.testing.simulator.tokens import expected_token
from archiver.warc.reader import read_record
from tests.conftest import PLAIN_TWEET
from tests.platforms.test_twitter import TOKEN_PAIRS

TWEET = f"https://x.com/sim_bob/status/{PLAIN_TWEET}"


@pytest.mark.parametrize("tweet_id, token", TOKEN_PAIRS)
def test_the_simulators_token_matches_javascript(tweet_id, token):
    assert expected_token(tweet_id) == token


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_both_implementations_agree_with_node_on_random_ids():
    rng = random.Random(13)
    ids = [str(rng.randrange(1, 2**63)) for _ in range(1500)]
    ids += [str(rng.randrange(1, 10**7)) for _ in range(300)]
    script = (
        f"const ids = {json.dumps(ids)};"
        "console.log(JSON.stringify(ids.map(i => "
        "((Number(i) / 1e15) * Math.PI).toString(36).replace(/(0+|\\.)/g, ''))));"
    )
    done = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=60)
    wanted = json.loads(done.stdout)
    assert [expected_token(i) for i in ids] == wanted
    assert [twitter.syndication_token(i) for i in ids] == wanted


def _syndication_body(arc: Archive) -> bytes:
    post = arc.post(TWEET)
    record = next(
        r for r in post["observations"][0]["records"] if r["role"] == "syndication" and r["status"]
    )
    path = arc.settings.home / record["warc_file"]
    _, _, body = read_record(path, record["offset"])
    return body


def test_a_wrong_token_gets_the_answer_the_real_endpoint_gives(sim, settings, clock, monkeypatch):
    with Archive(settings=settings, clock=clock) as arc:
        arc.capture([TWEET])
        assert json.loads(_syndication_body(arc))["__typename"] == "Tweet"

    # A regression in archiver's token: the simulator is not fooled by it.
    monkeypatch.setattr(endpoints, "syndication_token", lambda tweet_id: "0")
    settings = settings.__class__(**{**settings.__dict__, "home": settings.home.parent / "b"})
    with Archive(settings=settings, clock=clock) as arc:
        arc.capture([TWEET])
        assert json.loads(_syndication_body(arc)) == {}
