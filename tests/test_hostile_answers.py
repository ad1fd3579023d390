"""Issue 12, item 3: a malformed answer is an `error` with a note, and the batch goes on.

Every case below raised an unhandled exception before (and killed a whole run with a
traceback; recheck then died on every run, the bad post staying due). Each platform's
parse and classify must be total over its input.
"""

from __future__ import annotations

import json
import string

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archiver.core.status import Outcome
from archiver.net.politeness import rewrite_url
from archiver.platforms import facebook, twitter, web
from archiver.platforms.base import PostRef, Response
from archiver.runs.capture import capture
from archiver.testing.simulator import SimPost, tweet_id_at
from archiver.testing.simulator.content import tweet_json
from tests.conftest import T0, Body

TWEET = "1641086480675225601"
REF = PostRef("twitter", TWEET, f"https://x.com/someone/status/{TWEET}", handle="someone")


def _tweet(**extra) -> dict:
    return {
        "__typename": "Tweet",
        "id_str": TWEET,
        "text": "hi",
        "user": {"screen_name": "someone"},
        **extra,
    }


def _timeline(page_props) -> bytes:
    data = {"props": {"pageProps": page_props}}
    return (
        f'<html><body><script id="__NEXT_DATA__" type="application/json">{json.dumps(data)}</script>'
        "</body></html>"
    ).encode()


MALFORMED = [
    (
        "a tombstone whose text is a string",
        "syndication",
        json.dumps({"__typename": "TweetTombstone", "tombstone": {"text": "a string"}}).encode(),
    ),
    ("mediaDetails: 5", "syndication", json.dumps(_tweet(mediaDetails=5)).encode()),
    (
        "video_info: [1]",
        "syndication",
        json.dumps(_tweet(mediaDetails=[{"type": "video", "video_info": [1]}])).encode(),
    ),
    (
        "a bitrate as a string",
        "syndication",
        json.dumps(
            _tweet(
                mediaDetails=[
                    {
                        "type": "video",
                        "video_info": {
                            "variants": [
                                {
                                    "content_type": "video/mp4",
                                    "url": "https://video.twimg.com/a.mp4",
                                    "bitrate": "high",
                                },
                                {
                                    "content_type": "video/mp4",
                                    "url": "https://video.twimg.com/b.mp4",
                                    "bitrate": 5,
                                },
                            ]
                        },
                    }
                ]
            )
        ).encode(),
    ),
    ("timeline: [1]", "account", _timeline({"timeline": [1]})),
    ("errors: 5", "account", _timeline({"errors": 5})),
    ('errors: [{"code": [63]}]', "account", _timeline({"errors": [{"code": [63]}]})),
    ("entries: 7", "account", _timeline({"timeline": {"entries": 7}})),
    ("content: [1]", "account", _timeline({"timeline": {"entries": [{"content": [1]}]}})),
    (
        "a lone surrogate in JSON text",
        "syndication",
        b'{"__typename":"Tweet","id_str":"'
        + TWEET.encode()
        + b'","text":"x\\udfff","user":{"screen_name":"a",'
        b'"name":"\\ud800"}}',
    ),
    (
        "a time with an out-of-range offset",
        "syndication",
        json.dumps(_tweet(created_at="2023-01-01T00:00:00+99:00")).encode(),
    ),
    (
        "a screen_name with CR LF",
        "syndication",
        json.dumps(_tweet(user={"screen_name": "evil\r\nWARC-Type: x", "name": "x"})).encode(),
    ),
    (
        "a media URL with CR LF",
        "syndication",
        json.dumps(
            _tweet(
                mediaDetails=[
                    {
                        "type": "photo",
                        "media_url_https": "https://pbs.twimg.com/a.jpg\r\nX-Injected: 1",
                    }
                ]
            )
        ).encode(),
    ),
]


@pytest.mark.parametrize("case, role, body", MALFORMED, ids=[c for c, _, _ in MALFORMED])
def test_malformed_answers_are_read_without_raising(case, role, body):
    gone = Response("oembed", "u", 404)
    responses = {
        role: Response(role, "u", 200, {"content-type": "application/json"}, body),
        "oembed": gone,
    }
    data = twitter.parse(REF, responses)
    result = twitter.classify(responses)
    assert isinstance(result.outcome, Outcome)
    # Storable: no lone surrogate left.
    json.dumps(data.as_json(), ensure_ascii=False).encode("utf-8")
    assert data.author is None or "\n" not in data.author
    assert all("\n" not in m.url and "\r" not in m.url for m in data.media)
    assert "\n" not in data.canonical_url and "\r" not in data.canonical_url


@pytest.mark.parametrize("charset", ["idna", "undefined", "x-unknown", "utf-16", "hex", "rot13"])
def test_pages_declaring_odd_charsets_are_read(charset):
    body = "<html><head><title>Caf\u00e9</title></head><body>x</body></html>".encode()
    page = Response(
        "page", "https://example.org/", 200, {"content-type": f"text/html; charset={charset}"}, body
    )
    web.parse(PostRef("web", "https://example.org/", "https://example.org/"), {"page": page})
    facebook.classify({"page": page})
    twitter.parse(REF, {"page": page})


@pytest.mark.parametrize("position", [0, 4, 60])
def test_one_malformed_answer_in_a_batch_of_61_costs_only_that_post(sim, settings, store, position):
    """Before: the 5th of 61 raising killed the run; 0-4 of the 60 good posts were stored."""
    ids = [tweet_id_at(T0, 300 + n) for n in range(61)]
    for n, tid in enumerate(ids):
        sim.add(SimPost("twitter", tid, "sim_batch", "Batch", f"post {n}", T0))
    bad = ids[position]
    real = httpx.Client()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("id") == bad:
            body = json.dumps(_tweet(id_str=bad, mediaDetails=5)).encode()
            return httpx.Response(
                200, headers={"Content-Type": "application/json"}, stream=Body(body)
            )
        answer = real.get(
            rewrite_url(str(request.url), settings.url_rewrite),
            headers={"Accept-Encoding": "identity"},
        )
        return httpx.Response(
            answer.status_code,
            headers={"Content-Type": answer.headers.get("content-type", "")},
            stream=Body(answer.content),
        )

    urls = [f"https://x.com/sim_batch/status/{tid}" for tid in ids]
    report = capture(settings, store, urls, transport=httpx.MockTransport(handler))
    real.close()
    assert report.captured_count == 61, [i.message for i in report.failed]
    from archiver.store.posts import iter_posts

    with store.session() as session:
        assert len(list(iter_posts(session))) == 61


# --- properties: arbitrary JSON and HTML into every parse and classify ----------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "__typename",
                    "id_str",
                    "text",
                    "user",
                    "screen_name",
                    "name",
                    "mediaDetails",
                    "type",
                    "video_info",
                    "variants",
                    "bitrate",
                    "url",
                    "content_type",
                    "tombstone",
                    "article",
                    "title",
                    "preview_text",
                    "cover_media",
                    "media_info",
                    "original_img_url",
                    "quoted_tweet",
                    "created_at",
                    "lang",
                    "html",
                    "author_url",
                    "author_name",
                    "props",
                    "pageProps",
                    "errors",
                    "code",
                    "timeline",
                    "entries",
                    "content",
                    "tweet",
                    "protected",
                    "headerProps",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=25,
)
typenames = st.sampled_from(["Tweet", "TweetTombstone", None, 5, ["Tweet"]])
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(
    json_values,
    typenames,
    st.sampled_from(["syndication", "oembed", "account"]),
    st.sampled_from([200, 404, 403, 429, 500, 999]),
)
def test_twitter_parse_and_classify_are_total_over_any_json(value, typename, role, status):
    if isinstance(value, dict) and typename is not None:
        value = {**value, "__typename": typename, "id_str": TWEET}
    body = json.dumps(value).encode()
    if role == "account":
        body = _timeline(value)
    responses = {role: Response(role, "u", status, {}, body)}
    data = twitter.parse(REF, responses)
    assert isinstance(twitter.classify(responses).outcome, Outcome)
    json.dumps(data.as_json(), ensure_ascii=False).encode("utf-8")


html_pieces = st.lists(
    st.sampled_from(
        [
            "<html>",
            "<head>",
            "<title>",
            "</title>",
            "This content isn't available right now",
            "Log into Facebook",
            '<meta property="og:url" content="https://www.facebook.com/p/posts/1">',
            '<meta property="og:image" content="',
            '<meta property="og:description" content="text">',
            '<script type="application/ld+json">',
            "</script>",
            '{"@type":"VideoObject","uploadDate":"2016-05-12T06:52:59-99:00","author":[1]}',
            '<a href="/p/posts/1">',
            '<abbr data-utime="99999999999999999999">',
            '<abbr data-store="{&quot;time&quot;:[1]}">',
            "</a>",
            '"publish_time":1413905786,"story_fbid":[1]',
            "<code><!--",
            "-->",
            "</code>",
            "<div>",
            "</div>",
            '<div data-testid="post_message">',
            "\udfff",
            "&#xdfff;",
            "\x00",
            "<",
            ">",
            '"',
            "&",
            "javascript:",
        ]
    ),
    max_size=40,
).map("".join)


@FAST
@given(
    html_pieces | st.text(max_size=300),
    st.sampled_from([200, 404, 302, 500, 999]),
    st.sampled_from(["text/html", "text/html; charset=idna", "application/json", ""]),
)
def test_page_parsers_and_classifiers_are_total_over_any_html(html, status, ctype):
    body = html.encode("utf-8", "surrogatepass")
    fb_ref = PostRef("facebook", "post:1", "https://www.facebook.com/p/posts/1")
    page = Response("page", fb_ref.url, status, {"content-type": ctype}, body, final_url=fb_ref.url)
    for module, ref in (
        (facebook, fb_ref),
        (web, PostRef("web", "https://e.org/", "https://e.org/")),
        (twitter, REF),
    ):
        data = module.parse(ref, {"page": page})
        json.dumps(data.as_json(), ensure_ascii=False).encode("utf-8")
        assert isinstance(module.classify({"page": page}).outcome, Outcome)


def test_the_simulator_builds_valid_tweets():
    post = SimPost("twitter", TWEET, "someone", "Some One", "text", T0)
    assert tweet_json(post, "https://pbs.twimg.com", "https://video.twimg.com")["id_str"] == TWEET


def test_handles_are_only_what_x_allows():
    for bad in ("evil\r\nX: 1", "../../admin", "a" * 16, "na\u00efve", "a b", ""):
        body = json.dumps(_tweet(user={"screen_name": bad})).encode()
        data = twitter.parse(REF, {"syndication": Response("syndication", "u", 200, {}, body)})
        assert data.author == "someone" or data.author is None, bad
        assert data.canonical_url == REF.url
    assert set(string.ascii_letters) <= set(string.printable)
