"""Property-based tests (hypothesis) over URL recognition, the parsers and the state rule (issue 6)."""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archiver.core.pages import read_page
from archiver.core.status import (
    ObservationPoint,
    Outcome,
    OutcomeKind,
    PostState,
    StateRule,
    derive_state,
)
from archiver.errors import InputError
from archiver.platforms import facebook, recognise, twitter, web
from archiver.platforms.base import PostRef, Response
from archiver.platforms.twitter.endpoints import RESERVED_PATHS
from archiver.runs.seeds import post_links

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

handles = st.text(
    alphabet=string.ascii_letters + string.digits + "_", min_size=1, max_size=15
).filter(lambda h: h.lower() not in RESERVED_PATHS)
ids = st.integers(min_value=1, max_value=2**63 - 1)
hosts = st.sampled_from(sorted(twitter.HOSTS))
suffixes = st.sampled_from(["", "/", "/photo/1", "/video/2", "?s=20&t=abc", "#x", "/analytics"])


@FAST
@given(st.text(max_size=300))
def test_any_text_is_a_post_or_a_clear_error(text):
    try:
        ref = recognise(text)
    except InputError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert ref.platform in ("twitter", "facebook", "telegram", "bluesky", "web")
        assert ref.url.startswith("https://") or ref.url.startswith("http://")


@FAST
@given(st.sampled_from(["http://", "https://"]), st.text(max_size=60), st.text(max_size=120))
def test_any_url_shaped_text_is_a_post_or_a_clear_error(scheme, host, rest):
    try:
        recognise(scheme + host + "/" + rest)
    except InputError:
        pass


@FAST
@given(hosts, handles, ids, suffixes)
def test_tweet_urls_give_the_id_and_a_canonical_url(host, handle, tweet_id, suffix):
    ref = recognise(f"https://{host}/{handle}/status/{tweet_id}{suffix}")
    assert (ref.platform, ref.key, ref.handle) == ("twitter", str(tweet_id), handle)
    assert ref.url == f"https://x.com/{handle}/status/{tweet_id}"
    assert recognise(ref.url).key == ref.key  # canonical URLs recognise to the same post


@FAST
@given(ids)
def test_tokens_look_like_the_javascript_ones(tweet_id):
    token = twitter.syndication_token(tweet_id)
    assert token and set(token) <= set(string.ascii_lowercase + string.digits) - {"0"}


@FAST
@given(
    st.sampled_from(sorted(facebook.HOSTS)),
    st.from_regex(r"[A-Za-z0-9.]{1,30}", fullmatch=True),
    st.integers(min_value=1, max_value=10**18),
)
def test_facebook_post_urls_round_trip(host, page, post_id):
    try:
        ref = recognise(f"https://{host}/{page}/posts/{post_id}?fbclid=abc")
    except InputError:
        return  # a reserved first segment (watch, groups, …) or dot segments
    assert ref.key == f"post:{post_id}"
    assert recognise(ref.url).key == ref.key


bodies = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=2000).map(str.encode),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=10), c, max_size=4),
        max_leaves=20,
    ).map(lambda v: __import__("json").dumps(v).encode()),
)
statuses = st.sampled_from([None, 200, 301, 403, 404, 410, 429, 500, 503])


@FAST
@given(bodies, bodies, bodies, statuses, statuses, statuses)
def test_twitter_parse_and_classify_never_fail(b1, b2, b3, s1, s2, s3):
    responses = {
        "syndication": Response("syndication", "u", s1, body=b1),
        "oembed": Response("oembed", "u", s2, body=b2),
        "account": Response("account", "u", s3, body=b3),
    }
    ref = PostRef(
        "twitter", "1641086480675225601", "https://x.com/a/status/1641086480675225601", handle="a"
    )
    twitter.parse(ref, responses)
    assert twitter.classify(responses).outcome in Outcome


@FAST
@given(bodies, statuses, st.sampled_from(["", "https://www.facebook.com/login/?next=x"]))
def test_facebook_and_web_parse_and_classify_never_fail(body, status, final):
    response = Response(
        "page", "u", status, {"content-type": "text/html; charset=whatever"}, body, final_url=final
    )
    for module, key in ((facebook, "post:1"), (web, "https://e.org/")):
        ref = PostRef(module.NAME, key, "https://www.facebook.com/p/posts/1")
        module.parse(ref, {"page": response})
        assert module.classify({"page": response}).outcome in Outcome
    assert facebook.classify({"page": response}).outcome is not Outcome.DELETED


html_bodies = st.one_of(
    bodies,
    st.lists(
        st.sampled_from(
            [
                '<div class="tgme_widget_message" data-post="chan/5">',
                '<div class="tgme_widget_message_error">',
                "Post not found",
                '<a class="tgme_widget_message_photo_wrap" style="background-image:url(\'x\')">',
                '<time datetime="2024-99-99T00:00:00+25:00">',
                '<div class="tgme_widget_message_text">',
                '<div class="tgme_page_title">',
                "you can contact @chan",
                "</div>",
                "\u00ff\ufffd",
            ]
        ),
        max_size=12,
    ).map(lambda parts: "".join(parts).encode()),
)


@FAST
@given(html_bodies, html_bodies, statuses, statuses)
def test_telegram_parse_and_classify_never_fail(embed, channel, s1, s2):
    from archiver.platforms import telegram
    from archiver.platforms.base import Purpose

    responses = {
        "embed": Response("embed", "u", s1, {"content-type": "text/html"}, embed),
        "channel": Response("channel", "u", s2, {"content-type": "text/html"}, channel),
    }
    ref = PostRef("telegram", "chan/5", "https://t.me/chan/5", handle="chan")
    data = telegram.PLATFORM.parse(ref, responses)
    telegram.PLATFORM.followups(ref, responses, data, Purpose.CAPTURE)
    outcome = telegram.PLATFORM.classify(ref, responses).outcome
    assert outcome in Outcome
    if s1 != 200:
        assert outcome.kind is not OutcomeKind.GONE  # never gone without the widget saying so


@FAST
@given(bodies, bodies, statuses, st.sampled_from([200, 400, 401, 429, 500]))
def test_bluesky_parse_classify_and_resolve_never_fail(thread, profile, s1, s2):
    from archiver.platforms import bluesky
    from archiver.platforms.base import Purpose

    uri = "at://did:plc:abcdefghijklmnopqrstuvwx/app.bsky.feed.post/3lsimpost2abc"
    responses = {
        "thread": Response("thread", "u", s1, {}, thread),
        "profile": Response("profile", "u", s2, {}, profile),
    }
    ref = PostRef("bluesky", uri, "https://bsky.app/profile/x/post/y")
    data = bluesky.PLATFORM.parse(ref, responses)
    bluesky.PLATFORM.followups(ref, responses, data, Purpose.CAPTURE)
    outcome = bluesky.PLATFORM.classify(ref, responses).outcome
    assert outcome in Outcome
    if s1 not in (200, 400):
        assert outcome.kind is not OutcomeKind.GONE
    handle_ref = recognise("https://bsky.app/profile/a.example.org/post/3lsimpost2abc")
    assert bluesky.PLATFORM.resolve is not None
    bluesky.PLATFORM.resolve(handle_ref, Response("resolve", "u", s2, {}, thread))


@FAST
@given(st.text(max_size=3000))
def test_html_readers_never_fail(html):
    read_page(html)
    post_links(html, "https://blog.example.org/a/")


outcomes = st.sampled_from(list(Outcome))


@FAST
@given(
    st.lists(st.tuples(outcomes, st.integers(min_value=0, max_value=500)), max_size=30),
    st.lists(
        st.tuples(
            st.sampled_from([Outcome.LOGIN_WALL, Outcome.RATE_LIMITED, Outcome.ERROR]),
            st.integers(min_value=0, max_value=500),
        ),
        max_size=10,
    ),
)
def test_neutral_observations_never_change_whether_a_post_vanished(history, noise):
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    rule = StateRule(2, timedelta(minutes=60))

    def points(items):
        # distinct times: the order of simultaneous observations would be arbitrary
        return [
            ObservationPoint(t0 + timedelta(minutes=m, microseconds=i), o)
            for i, (o, m) in enumerate(items)
        ]

    base = derive_state(points(history), rule)
    noisy = derive_state(points(history + [(o, m) for o, m in noise]), rule)
    assert (base.status is PostState.VANISHED) == (noisy.status is PostState.VANISHED)
    assert base.vanish_reason == noisy.vanish_reason
    gone = [o for o, _ in history if o.kind is OutcomeKind.GONE]
    if base.status is PostState.VANISHED:
        assert len(gone) >= 2
