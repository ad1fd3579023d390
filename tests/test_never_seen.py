"""Issue 10: a post archiver never saw alive is ``never_seen``, never suspect or vanished.

A typo'd tweet id, a Facebook id that never existed and a page already gone at its first
capture all look like deletions from outside; none of them may end in the deletion report.
"""

from __future__ import annotations

import json

from archiver.report.build import build_report
from archiver.report.renderers import render_markdown
from archiver.runs.capture import capture
from archiver.runs.recheck import recheck
from tests.conftest import PHOTO_TWEET

TYPO_TWEET = f"https://x.com/sim_alice/status/{int(PHOTO_TWEET) + 7}"
JACK_TYPO = "https://x.com/jack/status/200"  # a typo of jack's first tweet, 20 (a control post)
NO_SUCH_FB = "https://www.facebook.com/SimPage/posts/799999999999999"
GONE_PAGE = "https://blog.example.org/never/was.html"
NEVER = [TYPO_TWEET, JACK_TYPO, NO_SUCH_FB, GONE_PAGE]


def test_never_seen_posts_stay_never_seen_whatever_the_rechecks(settings, store, clock):
    report = capture(settings, store, NEVER, clock=clock)
    assert report.captured_count == 0 and report.failed_count == 4
    assert all(item.message.startswith("never seen alive: ") for item in report.items), report.items
    for _ in range(4):
        clock.advance(hours=2)
        run = recheck(settings, store, check_all=True, clock=clock)
        assert run.transitions == []
    from archiver.store.posts import iter_posts

    with store.session() as session:
        posts = list(iter_posts(session))
    assert {p.status.value for p in posts} == {"never_seen"}
    assert all(p.vanish_reason is None and p.vanished_at is None for p in posts)
    assert build_report(store).posts == []
    assert build_report(store, status="suspect").posts == []


def test_the_report_shows_them_only_in_their_own_section(settings, store, clock):
    capture(
        settings, store, [f"https://x.com/sim_alice/status/{PHOTO_TWEET}", TYPO_TWEET], clock=clock
    )
    clock.advance(hours=2)
    recheck(settings, store, check_all=True, clock=clock)
    assert [p.status for p in build_report(store, status="never_seen").posts] == ["never_seen"]
    everything = build_report(store, status="all")
    assert sorted(p.status for p in everything.posts) == ["alive", "never_seen"]
    markdown = render_markdown(everything).decode()
    assert "## Never seen alive: gone before the first capture, or never existed" in markdown
    section = markdown.split("## Never seen alive")[1]
    assert TYPO_TWEET in section and "never seen alive" in section
    assert "Alice (sim)" not in section  # no author is claimed for a post never seen
    assert "No post has vanished" in render_markdown(build_report(store)).decode()


def test_a_post_first_missed_then_seen_is_tracked_as_usual(settings, store, clock, sim):
    from archiver.testing.simulator import SimPost
    from tests.conftest import T0

    tweet = str(int(PHOTO_TWEET) + 9)
    capture(settings, store, [f"https://x.com/sim_alice/status/{tweet}"], clock=clock)
    sim.add(SimPost("twitter", tweet, "sim_alice", "Alice (sim)", "Late arrival", T0))
    clock.advance(hours=2)
    recheck(settings, store, check_all=True, clock=clock)
    sim.set_state(f"twitter:{tweet}", "deleted")
    for _ in range(2):
        clock.advance(hours=2)
        run = recheck(settings, store, check_all=True, clock=clock)
    assert [(t.before.value, t.after.value) for t in run.transitions] == [("suspect", "vanished")]


def test_cli_capture_says_never_seen_and_list_filters(cli_env, run_cli):
    code, out, err = run_cli("capture", TYPO_TWEET)
    assert code == 1
    assert f"Error: never seen alive: {TYPO_TWEET}" in err
    code, out, _ = run_cli("list", "--status", "never_seen", "--json")
    assert code == 0
    assert [p["status"] for p in json.loads(out)] == ["never_seen"]
    code, out, _ = run_cli("report", "--format", "json", "--status", "never_seen", "--output", "-")
    assert code == 0 and json.loads(out)["count"] == 1
