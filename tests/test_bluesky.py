"""Issue 16: Bluesky against the simulator — capture by handle URL and by at:// URI (one post,
known by its DID), right author, text, time and media; live → deleted → vanished; taken-down
and deactivated authors get their own reasons; "Profile not found" is never a deletion; rate
limits and unknown answers never count; a quoted post is archived and linked."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from archiver.runs.capture import capture
from archiver.runs.recheck import recheck
from archiver.store.posts import find_post, observations_of
from archiver.testing.simulator import SimPost

WHEN = datetime(2024, 12, 10, 13, 7, 43, tzinfo=UTC)
DID = "did:plc:abcdefghijklmnopqrstuvwx"
RKEY = "3lsimpost2abc"
URI = f"at://{DID}/app.bsky.feed.post/{RKEY}"
QUOTED_URI = f"at://{DID}/app.bsky.feed.post/3lsimquoted2b"
BY_HANDLE = f"https://bsky.app/profile/sim-embassy.example.org/post/{RKEY}"
REF = f"bluesky:{URI}"


@pytest.fixture
def bsky(sim):
    sim.add(
        SimPost(
            "bluesky",
            QUOTED_URI,
            "sim-embassy.example.org",
            "Embassy (sim)",
            "The post being quoted",
            WHEN,
        )
    )
    sim.add(
        SimPost(
            "bluesky",
            URI,
            "sim-embassy.example.org",
            "Embassy (sim)",
            "A statement on Bluesky",
            WHEN,
            photos=["statement.jpg"],
            quoted_id=QUOTED_URI,
        )
    )
    return sim


def _post(store, text=URI):
    with store.session() as session:
        return find_post(session, f"bluesky:{text}" if text.startswith("at://") else text)


def _outcomes(store):
    with store.session() as session:
        return [o.outcome.value for o in observations_of(session, _post(store).id)]


def test_a_bluesky_post_is_captured_by_handle_and_by_uri_as_one_post(
    bsky, settings, store, clock, cli_env, run_cli
):
    report = capture(settings, store, [BY_HANDLE, URI], clock=clock)
    assert report.failed_count == 0, report.items
    post = _post(store)
    assert post.post_key == URI and post.url == f"https://bsky.app/profile/{DID}/post/{RKEY}"
    assert post.author == "sim-embassy.example.org" and post.author_name == "Embassy (sim)"
    assert post.text == "A statement on Bluesky"
    assert post.created_at.replace(tzinfo=UTC) == WHEN
    assert [m["kind"] for m in json.loads(post.media_json)] == ["photo"]
    assert _outcomes(store) == ["alive", "alive"]
    code, out, _ = run_cli("show", f"bluesky:{URI}", "--json")
    shown = json.loads(out)
    assert (shown["platform"], shown["post_id"]) == ("bluesky", URI)
    assert [(c["relation"], c["post_id"]) for c in shown["context"]] == [("quotes", QUOTED_URI)]


def test_deleted_then_vanished_after_two_rechecks(bsky, settings, store, clock):
    capture(settings, store, [URI], clock=clock)
    bsky.set_state(REF, "deleted")
    for expected in ("suspect", "vanished"):
        clock.advance(hours=2)
        recheck(settings, store, check_all=True, clock=clock)
        assert _post(store).status.value == expected
    assert _post(store).vanish_reason.value == "deleted"


@pytest.mark.parametrize(
    "state, outcome",
    [
        ("suspended", "account_suspended"),  # AccountTakedown
        ("protected", "account_gone"),  # AccountDeactivated
        ("account_gone", "unavailable"),  # "Profile not found": never a deletion on its own
        ("sensitive", "restricted"),  # #blockedPost: hidden, not gone
    ],
)
def test_account_states_get_their_own_reasons(bsky, settings, store, clock, state, outcome):
    capture(settings, store, [URI], clock=clock)
    bsky.set_state(REF, state)
    for _ in range(2):
        clock.advance(hours=2)
        recheck(settings, store, check_all=True, clock=clock)
    post = _post(store)
    assert (post.status.value, post.vanish_reason.value) == ("vanished", outcome)


@pytest.mark.parametrize(
    "state, outcome",
    [
        ("rate_limited", "rate_limited"),
        ("login_wall", "login_wall"),
        ("unknown_shape", "error"),
        ("empty", "error"),
        ("flaky", "error"),
    ],
)
def test_rate_limits_and_unknown_answers_never_count(bsky, settings, store, clock, state, outcome):
    capture(settings, store, [URI], clock=clock)
    bsky.set_state(REF, state)
    for _ in range(3):
        clock.advance(hours=2)
        recheck(settings, store, check_all=True, clock=clock)
    assert _outcomes(store)[1:] == [outcome] * 3
    assert _post(store).status.value == "unknown"


def test_a_handle_that_does_not_resolve_is_reported_and_not_kept(bsky, settings, store, clock):
    report = capture(
        settings, store, ["https://bsky.app/profile/nobody.example.net/post/3lsimpost2abc"]
    )
    assert report.failed_count == 1
    assert "could not resolve the handle nobody.example.net" in report.items[0].message
