"""Issue 16: Telegram public channels against the simulator — capture with the right author,
text, time and media; live → deleted → vanished; a vanished channel gets its own reason;
rate limits and unknown answers never count."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from archiver.runs.capture import capture
from archiver.runs.recheck import recheck
from archiver.store.posts import find_post, observations_of
from archiver.testing.simulator import SimPost

WHEN = datetime(2022, 3, 17, 6, 30, tzinfo=UTC)
URL = "https://t.me/SimEmbassyChannel/1207"
REF = "telegram:simembassychannel/1207"


@pytest.fixture
def tg(sim):
    sim.add(
        SimPost(
            "telegram",
            "simembassychannel/1207",
            "simembassychannel",
            "Embassy channel (sim)",
            "A statement on the channel.\nSecond line.",
            WHEN,
            photos=["statement.jpg"],
        )
    )
    sim.add(
        SimPost(
            "telegram",
            "simembassychannel/1208",
            "simembassychannel",
            "Embassy channel (sim)",
            "Another post of the channel",
            WHEN,
        )
    )
    return sim


def _post(store, url=URL):
    with store.session() as session:
        return find_post(session, url)


def _outcomes(store, url=URL):
    with store.session() as session:
        return [o.outcome.value for o in observations_of(session, _post(store, url).id)]


def test_a_telegram_post_is_captured_with_author_text_time_and_media(tg, settings, store, clock):
    for url in (URL, "https://telegram.me/s/simembassychannel/1207?single"):
        report = capture(settings, store, [url], clock=clock)
        assert report.failed_count == 0, report.items
    post = _post(store)
    assert (post.platform, post.post_key, post.url) == (
        "telegram",
        "simembassychannel/1207",
        "https://t.me/simembassychannel/1207",
    )
    assert post.author == "simembassychannel"
    assert post.author_name == "Embassy channel (sim)"
    assert post.text == "A statement on the channel.\nSecond line."
    assert post.created_at.replace(tzinfo=UTC) == WHEN
    media = json.loads(post.media_json)
    assert [m["kind"] for m in media] == ["photo"] and "statement.jpg" in media[0]["url"]
    # The CDN re-signs its URLs on every answer; that is not an edit.
    assert _outcomes(store) == ["alive", "alive"]


def test_deleted_then_vanished_after_two_rechecks(tg, settings, store, clock):
    capture(settings, store, [URL], clock=clock)
    tg.set_state(REF, "deleted")
    for expected in ("suspect", "vanished"):
        clock.advance(hours=2)
        recheck(settings, store, check_all=True, clock=clock)
        assert _post(store).status.value == expected
    post = _post(store)
    assert post.vanish_reason.value == "deleted"
    assert _outcomes(store) == ["alive", "deleted", "deleted"]


def test_a_vanished_channel_has_its_own_reason(tg, settings, store, clock):
    capture(settings, store, [URL], clock=clock)
    tg.set_state(REF, "account_gone")
    for _ in range(2):
        clock.advance(hours=2)
        recheck(settings, store, check_all=True, clock=clock)
    post = _post(store)
    assert (post.status.value, post.vanish_reason.value) == ("vanished", "account_gone")


@pytest.mark.parametrize(
    "state, outcome",
    [
        ("rate_limited", "rate_limited"),
        ("login_wall", "error"),  # "Channel with username @… not found": transient
        ("unknown_shape", "error"),
        ("empty", "error"),
        ("flaky", "error"),
    ],
)
def test_rate_limits_and_unknown_answers_never_count(tg, settings, store, clock, state, outcome):
    capture(settings, store, [URL], clock=clock)
    tg.set_state(REF, state)
    for _ in range(3):
        clock.advance(hours=2)
        recheck(settings, store, check_all=True, clock=clock)
    assert _outcomes(store)[1:] == [outcome] * 3
    assert _post(store).status.value == "unknown"  # as for X: nothing learned, nothing counted


def test_a_channel_whose_preview_is_withheld_is_still_there(tg, settings, store, clock):
    """t.me/s/ answers 302 to the landing page (recorded): the channel exists, the post is
    deleted — not the channel gone."""
    tg.get(REF).account_protected = True
    capture(settings, store, [URL], clock=clock)
    tg.set_state(REF, "deleted")
    clock.advance(hours=2)
    recheck(settings, store, check_all=True, clock=clock)
    assert _outcomes(store) == ["alive", "deleted"]


def test_from_page_finds_telegram_and_bluesky_embeds_and_links():
    from archiver.runs.seeds import post_links

    page = """<html><body>
    <script async src="https://telegram.org/js/telegram-widget.js?22"
      data-telegram-post="SimChannel/15" data-width="100%"></script>
    <iframe src="https://t.me/OtherChannel/7?embed=1&mode=tme"></iframe>
    <a href="https://t.me/s/ThirdChannel/3">a link</a>
    <a href="https://t.me/ThirdChannel">a channel, not a post</a>
    <blockquote class="bluesky-embed"
      data-bluesky-uri="at://did:plc:abcdefghijklmnopqrstuvwx/app.bsky.feed.post/3lsimpost2abc"
      data-bluesky-cid="bafyreiabc"><p>quoted</p></blockquote>
    <iframe src="https://embed.bsky.app/embed/did:plc:abcdefghijklmnopqrstuvwx/app.bsky.feed.post/3lsimother22"></iframe>
    <a href="https://bsky.app/profile/someone.example.org/post/3lsimlink222a">a post</a>
    </body></html>"""
    assert post_links(page, "https://blog.example.org/") == [
        "https://t.me/SimChannel/15",
        "https://bsky.app/profile/did:plc:abcdefghijklmnopqrstuvwx/post/3lsimpost2abc",
        "https://t.me/OtherChannel/7",
        "https://bsky.app/profile/did:plc:abcdefghijklmnopqrstuvwx/post/3lsimother22",
        "https://t.me/s/ThirdChannel/3",
        "https://bsky.app/profile/someone.example.org/post/3lsimlink222a",
    ]


def test_views_and_the_report_show_telegram_and_bluesky_posts(
    tg, settings, store, clock, cli_env, run_cli
):
    from archiver.report.build import build_report
    from archiver.report.renderers import render_markdown

    uri = "at://did:plc:abcdefghijklmnopqrstuvwx/app.bsky.feed.post/3lsimpost2abc"
    tg.add(SimPost("bluesky", uri, "sim.example.org", "Sim (bsky)", "A Bluesky post", WHEN))
    capture(settings, store, [URL, uri], clock=clock)
    for ref in (REF, f"bluesky:{uri}"):
        code, out, _ = run_cli("show", ref, "--json")
        roles = {r["role"] for o in json.loads(out)["observations"] for r in o["records"]}
        assert "view" in roles, (ref, roles)
        tg.set_state(ref, "deleted")
    for _ in range(2):
        clock.advance(hours=2)
        recheck(settings, store, check_all=True, clock=clock)
    report = build_report(store)
    assert sorted((p.platform, p.status, p.reason) for p in report.posts) == [
        ("bluesky", "vanished", "deleted"),
        ("telegram", "vanished", "deleted"),
    ]
    markdown = render_markdown(report).decode()
    assert "A statement on the channel." in markdown and "A Bluesky post" in markdown
