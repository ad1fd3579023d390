"""Twitter: URL recognition, token, snowflake time, parsing and classification (issues 2 and 3)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from archiver.core.status import Outcome
from archiver.errors import UnsupportedURL
from archiver.platforms import recognise
from archiver.platforms.base import PostRef, Purpose, Response
from archiver.platforms.twitter import classify, followups, parse, plan
from archiver.platforms.twitter.endpoints import (
    canonical_url,
    created_at_from_id,
    syndication_token,
)
from tests.conftest import fixture_bytes

ID = "1641086480675225601"


@pytest.mark.parametrize(
    "url, key, handle, canonical",
    [
        (f"https://twitter.com/jack/status/{ID}", ID, "jack", f"https://x.com/jack/status/{ID}"),
        (f"https://x.com/jack/status/{ID}", ID, "jack", f"https://x.com/jack/status/{ID}"),
        (
            f"https://www.x.com/jack/status/{ID}?s=20&t=abcDEF",
            ID,
            "jack",
            f"https://x.com/jack/status/{ID}",
        ),
        (
            f"https://mobile.twitter.com/jack/status/{ID}/photo/1",
            ID,
            "jack",
            f"https://x.com/jack/status/{ID}",
        ),
        (
            f"https://m.twitter.com/jack/status/{ID}/video/2",
            ID,
            "jack",
            f"https://x.com/jack/status/{ID}",
        ),
        (
            f"https://www.twitter.com/Jack_99/statuses/{ID}",
            ID,
            "Jack_99",
            f"https://x.com/Jack_99/status/{ID}",
        ),
        (f"https://fxtwitter.com/jack/status/{ID}", ID, "jack", f"https://x.com/jack/status/{ID}"),
        (f"https://vxtwitter.com/jack/status/{ID}", ID, "jack", f"https://x.com/jack/status/{ID}"),
        (f"https://fixupx.com/jack/status/{ID}", ID, "jack", f"https://x.com/jack/status/{ID}"),
        (f"https://x.com/i/web/status/{ID}", ID, None, f"https://x.com/i/web/status/{ID}"),
        (f"https://twitter.com/i/status/{ID}", ID, None, f"https://x.com/i/web/status/{ID}"),
        (f"HTTPS://X.COM/jack/status/{ID}#frag", ID, "jack", f"https://x.com/jack/status/{ID}"),
        ("https://twitter.com/jack/status/20", "20", "jack", "https://x.com/jack/status/20"),
    ],
)
def test_recognise_tweets(url, key, handle, canonical):
    ref = recognise(url)
    assert (ref.platform, ref.key, ref.handle, ref.url) == ("twitter", key, handle, canonical)


@pytest.mark.parametrize(
    "url, message",
    [
        ("https://x.com/jack", "is a profile page, not a post"),
        ("https://twitter.com/jack/", "is a profile page, not a post"),
        ("https://x.com/", "is not a status URL"),
        ("https://x.com/home", "is not a status URL"),
        ("https://x.com/jack/status/notanumber", "is not a tweet id"),
        ("https://x.com/jack/status/99999999999999999999", "is not a tweet id"),
        ("https://x.com/this_handle_is_too_long/status/1", "is not a Twitter handle"),
    ],
)
def test_recognise_rejects_non_posts(url, message):
    with pytest.raises(UnsupportedURL, match=message):
        recognise(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://notx.com/jack/status/1",
        "https://x.com.evil.example/jack/status/1",
        "https://dropbox.com/a/status/1",
        "https://twitter.com.example.org/jack/status/1",
    ],
)
def test_lookalike_hosts_are_web_pages(url):
    assert recognise(url).platform == "web"


# Pairs computed with Node.js 20: ((Number(id) / 1e15) * Math.PI).toString(36).replace(/(0+|\.)/g, '')
TOKEN_PAIRS = [
    ("1", "bhi2ay3f28n"),
    ("20", "6dq1a2xwd93"),
    ("1000", "8v25s32yek"),
    ("123456789", "ng9m4sqe3h"),
    ("436461658601713664", "1236nf8no4li"),
    ("1499999999999999999", "3mwe49oefy"),
    ("1503707113239592960", "3n819n89qm"),
    ("1641086480675225601", "3z7miaszni8"),
    ("1684218600456876032", "42z4mwgp9h8"),
    ("1800000000000000000", "4d2v7cbm2xj"),
    ("9007199254740993", "saoujnx4as"),
]


@pytest.mark.parametrize("tweet_id, token", TOKEN_PAIRS)
def test_syndication_token_matches_javascript(tweet_id, token):
    assert syndication_token(tweet_id) == token


# Expected values computed with Node.js: new Date(Number((BigInt(id) >> 22n) + 1288834974657n))
@pytest.mark.parametrize(
    "tweet_id, expected",
    [
        ("1641086480675225601", datetime(2023, 3, 29, 14, 34, 41, 562000, tzinfo=UTC)),
        ("1684218600456876032", datetime(2023, 7, 26, 15, 6, 20, 274000, tzinfo=UTC)),
        ("934106870834454529", datetime(2017, 11, 24, 17, 10, 7, 530000, tzinfo=UTC)),
        ("20", None),
    ],
)
def test_creation_time_from_id(tweet_id, expected):
    assert created_at_from_id(tweet_id) == expected


def test_plan_for_capture_and_check():
    ref = recognise(f"https://x.com/jack/status/{ID}")
    capture = {r.role: r.url for r in plan(ref, Purpose.CAPTURE)}
    assert capture["syndication"] == (
        f"https://cdn.syndication.twimg.com/tweet-result?id={ID}&token=3z7miaszni8&lang=en"
    )
    assert capture["oembed"] == (
        "https://publish.twitter.com/oembed?url=https%3A%2F%2Ftwitter.com%2Fjack%2Fstatus%2F"
        f"{ID}&dnt=true&omit_script=true"
    )
    assert capture["page"] == f"https://x.com/jack/status/{ID}"
    assert {r.role for r in plan(ref, Purpose.CHECK)} == {"syndication", "oembed"}


def resp(
    role: str, status: int | None, name: str | None = None, body: bytes = b"", **kw
) -> Response:
    if name:
        body = fixture_bytes(name)
    return Response(role, f"https://example.invalid/{role}", status, body=body, **kw)


def test_parse_photo_tweet_from_syndication():
    ref = PostRef("twitter", ID, canonical_url(ID, None))
    data = parse(ref, {"syndication": resp("syndication", 200, "twitter/syndication_photo.json")})
    assert data.author == "fixture_user"
    assert data.author_name == "Fixture User"
    assert data.text.startswith("A made-up fixture tweet with a photo")
    assert data.created_at == datetime(2023, 3, 29, 14, 34, 41, tzinfo=UTC)
    assert data.lang == "en"
    assert [(m.kind, m.url) for m in data.media] == [
        ("photo", "https://pbs.twimg.com/media/FixturePhoto01.jpg")
    ]
    assert data.canonical_url == f"https://x.com/fixture_user/status/{ID}"


def test_parse_video_tweet_picks_best_mp4_and_poster():
    vid = "1684218600456876032"
    data = parse(
        PostRef("twitter", vid, ""),
        {"syndication": resp("syndication", 200, "twitter/syndication_video.json")},
    )
    assert [m.kind for m in data.media] == ["poster", "video"]
    assert data.media[1].url.endswith("/886x546/fixture_high.mp4?tag=14")
    assert data.quoted_id == "1684000000000000000"
    assert data.reply_to_id == "1683000000000000000"


def test_parse_falls_back_to_oembed_then_page():
    tid = "436461658601713664"
    ref = PostRef("twitter", tid, canonical_url(tid, None))
    data = parse(
        ref,
        {
            "syndication": resp("syndication", 404),
            "oembed": resp("oembed", 200, "twitter/oembed.json"),
        },
    )
    assert (data.author, data.author_name, data.lang) == ("fixture_es", "Fixture ES", "es")
    assert data.text.startswith("RT @Someone Un tuit de prueba inventado")
    assert data.created_at == created_at_from_id(tid)  # the snowflake time, nothing better known
    page_only = parse(
        PostRef("twitter", "934106870834454529", ""),
        {"page": resp("page", 200, "twitter/x_status_botview.html")},
    )
    assert (page_only.author, page_only.author_name) == ("fixture_bot", "Fixture Bot")
    assert page_only.text.startswith("Terminamos el día")
    assert page_only.media[0].url == "https://pbs.twimg.com/media/FixtureBotImage.jpg"


def test_migrate_interstitial_says_nothing():
    data = parse(
        PostRef("twitter", "1", ""),
        {"page": resp("page", 200, "twitter/x_migrate_interstitial.html")},
    )
    assert not data.has_content()


def test_followups_fetch_media_for_live_and_account_for_gone():
    ref = recognise(f"https://x.com/fixture_user/status/{ID}")
    live = {"syndication": resp("syndication", 200, "twitter/syndication_photo.json")}
    data = parse(ref, live)
    assert [r.role for r in followups(ref, live, data, Purpose.CAPTURE)] == [
        "media:photo",
        "link:1",  # the t.co link in its text, followed (issue 16)
    ]
    gone = {"syndication": resp("syndication", 404), "oembed": resp("oembed", 404)}
    extra = followups(ref, gone, parse(ref, gone), Purpose.CHECK)
    assert [(r.role, r.url) for r in extra] == [
        ("account", "https://syndication.twitter.com/srv/timeline-profile/screen-name/fixture_user")
    ]


S, O, A = "syndication", "oembed", "account"
TOMB = "twitter/syndication_tombstone_{}.json"


@pytest.mark.parametrize(
    "case, responses, outcome",
    [
        (
            "live tweet",
            [(S, 200, "twitter/syndication_photo.json"), (O, 200, "twitter/oembed.json")],
            Outcome.ALIVE,
        ),
        (
            "syndication {} but oEmbed has it",
            [(S, 200, None, b"{}"), (O, 200, "twitter/oembed.json")],
            Outcome.ALIVE,
        ),
        (
            "tombstone: deleted by author",
            [(S, 200, TOMB.format("deleted")), (O, 404)],
            Outcome.DELETED,
        ),
        (
            "tombstone: suspended",
            [(S, 200, TOMB.format("suspended")), (O, 403)],
            Outcome.ACCOUNT_SUSPENDED,
        ),
        (
            "tombstone: account gone",
            [(S, 200, TOMB.format("account_gone")), (O, 403)],
            Outcome.ACCOUNT_GONE,
        ),
        ("tombstone: protected", [(S, 200, TOMB.format("protected")), (O, 403)], Outcome.PROTECTED),
        (
            "tombstone: age restricted",
            [(S, 200, TOMB.format("age_restricted")), (O, 404)],
            Outcome.RESTRICTED,
        ),
        ("tombstone: withheld", [(S, 200, TOMB.format("withheld")), (O, 404)], Outcome.RESTRICTED),
        (
            "tombstone: unknown wording",
            [(S, 200, TOMB.format("unknown")), (O, 404)],
            Outcome.UNAVAILABLE,
        ),
        (
            "404s, account public",
            [(S, 404), (O, 404), (A, 200, "twitter/profile_active.html")],
            Outcome.DELETED,
        ),
        (
            "404 + 403, account public",
            [(S, 404), (O, 403), (A, 200, "twitter/profile_active.html")],
            Outcome.DELETED,
        ),
        (
            "404s, account suspended",
            [(S, 404), (O, 403), (A, 200, "twitter/profile_suspended.html")],
            Outcome.ACCOUNT_SUSPENDED,
        ),
        (
            "404s, account gone",
            [(S, 404), (O, 403), (A, 200, "twitter/profile_gone.html")],
            Outcome.ACCOUNT_GONE,
        ),
        (
            "404s, account protected",
            [(S, 404), (O, 403), (A, 200, "twitter/profile_protected.html")],
            Outcome.PROTECTED,
        ),
        ("404s, account unknown", [(S, 404), (O, 404)], Outcome.UNAVAILABLE),
        ("404s, account probe rate limited", [(S, 404), (O, 403), (A, 429)], Outcome.UNAVAILABLE),
        ("syndication 404 but oEmbed errors", [(S, 404), (O, 503)], Outcome.ERROR),
        ("syndication 404 but oEmbed rate limited", [(S, 404), (O, 429)], Outcome.RATE_LIMITED),
        ("rate limited everywhere", [(S, 429), (O, 429)], Outcome.RATE_LIMITED),
        ("server errors", [(S, 503), (O, 500)], Outcome.ERROR),
        ("empty JSON", [(S, 200, None, b"{}"), (O, 200, None, b"{}")], Outcome.ERROR),
        (
            "truncated JSON",
            [(S, 200, None, b'{"__typename": "Tweet", "id_'), (O, 503)],
            Outcome.ERROR,
        ),
        (
            "not JSON at all",
            [(S, 200, None, b"<html>oops</html>"), (O, 200, None, b"<html>")],
            Outcome.ERROR,
        ),
        ("network failures", [(S, None), (O, None)], Outcome.ERROR),
        (
            "login redirects",
            [
                (S, 200, None, b"<html>login</html>", "https://x.com/i/flow/login"),
                (O, 200, None, b"<html>login</html>", "https://x.com/i/flow/login"),
            ],
            Outcome.LOGIN_WALL,
        ),
        ("403 alone is ambiguous", [(S, 200, None, b"{}"), (O, 403)], Outcome.ERROR),
    ],
)
def test_classify(case, responses, outcome):
    built = {}
    for item in responses:
        role, status, *rest = item
        name = rest[0] if rest else None
        body = rest[1] if len(rest) > 1 else b""
        final = rest[2] if len(rest) > 2 else ""
        built[role] = Response(
            role,
            f"https://example.invalid/{role}",
            status,
            body=fixture_bytes(name) if name else body,
            final_url=final,
            error="" if status is not None else "ConnectError: refused",
        )
    assert classify(built).outcome is outcome, case


def test_an_x_article_is_stored_by_its_title_preview_and_cover():
    """Issue 10: the tweet's own text is only a t.co link; the article's words are the post."""
    ref = recognise("https://x.com/madeup_writer/status/2064990000000000001")
    body = fixture_bytes("twitter/syndication_xarticle.json")
    data = parse(ref, {"syndication": Response("syndication", "u", 200, {}, body)})
    assert data.text == (
        "What a made-up article says in its title\n\n"
        "A made-up article for the tests.\nIts preview runs over two lines."
    )
    assert [(m.url, m.kind) for m in data.media] == [
        ("https://pbs.twimg.com/media/MadeUpCover01.jpg", "image")
    ]
    assert data.author == "madeup_writer"
