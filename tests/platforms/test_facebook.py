"""Facebook: URL recognition, parsing and classification (issues 2 and 3)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from archiver.errors import UnsupportedURL
from archiver.platforms import recognise
from archiver.platforms.base import PostRef, Purpose, Response
from archiver.platforms.facebook import classify, parse, plan
from archiver.status import Outcome
from tests.conftest import fixture_bytes

PF = "pfbid02AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdl"


@pytest.mark.parametrize(
    "url, key, canonical",
    [
        ("https://www.facebook.com/asociacionproba/posts/827163017327807",
         "post:827163017327807", "https://www.facebook.com/asociacionproba/posts/827163017327807"),
        ("https://m.facebook.com/asociacionproba/posts/827163017327807?fbclid=IwAR0abc&mibextid=Zxz2cZ",
         "post:827163017327807", "https://www.facebook.com/asociacionproba/posts/827163017327807"),
        ("https://mbasic.facebook.com/somepage/posts/" + PF + "?__cft__[0]=AZX&__tn__=%2CO%2CP-R",
         "post:" + PF, "https://www.facebook.com/somepage/posts/" + PF),
        ("https://web.facebook.com/149460691764713/posts/aqu%C3%AD-vos-deixamos/827163017327807/",
         "post:827163017327807", "https://www.facebook.com/149460691764713/posts/827163017327807"),
        ("https://www.facebook.com/permalink.php?story_fbid=827163017327807&id=149460691764713&utm_source=x",
         "post:827163017327807", "https://www.facebook.com/permalink.php?story_fbid=827163017327807&id=149460691764713"),
        ("https://facebook.com/story.php?story_fbid=" + PF + "&id=100064",
         "post:" + PF, "https://www.facebook.com/permalink.php?story_fbid=" + PF + "&id=100064"),
        ("https://www.facebook.com/photo.php?fbid=10150000000000001&set=a.1&type=3",
         "photo:10150000000000001", "https://www.facebook.com/photo.php?fbid=10150000000000001"),
        ("https://www.facebook.com/somepage/photos/a.123/10150000000000002/",
         "photo:10150000000000002", "https://www.facebook.com/photo.php?fbid=10150000000000002"),
        ("https://business.facebook.com/somepage/videos/555000111222333/",
         "video:555000111222333", "https://www.facebook.com/somepage/videos/555000111222333"),
        ("https://www.facebook.com/watch/?v=555000111222333&rdid=x",
         "video:555000111222333", "https://www.facebook.com/watch/?v=555000111222333"),
        ("https://www.facebook.com/reel/555000111222334?share_url=x",
         "video:555000111222334", "https://www.facebook.com/reel/555000111222334"),
        ("https://www.facebook.com/groups/openresearch/posts/1234567890/",
         "group:openresearch:1234567890", "https://www.facebook.com/groups/openresearch/posts/1234567890"),
        ("https://www.facebook.com/groups/openresearch/permalink/1234567890/",
         "group:openresearch:1234567890", "https://www.facebook.com/groups/openresearch/posts/1234567890"),
    ],
)
def test_recognise_posts(url, key, canonical):
    ref = recognise(url)
    assert (ref.platform, ref.key, ref.url, ref.unresolved) == ("facebook", key, canonical, False)


@pytest.mark.parametrize(
    "url, key",
    [
        ("https://www.facebook.com/share/p/1AbCdEfGh/", "share:p:1AbCdEfGh"),
        ("https://www.facebook.com/share/v/1AbCdEfGh/?mibextid=abc", "share:v:1AbCdEfGh"),
        ("https://fb.watch/abCD12_xy/", "share:watch:abCD12_xy"),
    ],
)
def test_share_links_need_resolving(url, key):
    ref = recognise(url)
    assert (ref.platform, ref.key, ref.unresolved) == ("facebook", key, True)


@pytest.mark.parametrize(
    "url, message",
    [
        ("https://www.facebook.com/zuck", "is a profile or home page"),
        ("https://www.facebook.com/", "is a profile or home page"),
        ("https://www.facebook.com/profile.php?id=4", "is a profile or home page"),
        ("https://www.facebook.com/groups/openresearch", "is a group page"),
        ("https://www.facebook.com/permalink.php?id=4", "has no story_fbid"),
        ("https://www.facebook.com/watch/", "has no video id"),
        ("https://www.facebook.com/somepage/about/more/stuff", "is not a post URL"),
    ],
)
def test_recognise_rejects_non_posts(url, message):
    with pytest.raises(UnsupportedURL, match=message):
        recognise(url)


@pytest.mark.parametrize("url", ["https://facebook.com.evil.example/a/posts/1", "https://notfacebook.com/a/posts/1",
                                 "https://fb.watch.evil.example/x"])
def test_lookalike_hosts_are_web(url):
    assert recognise(url).platform == "web"


def test_plan_sends_oembed_token_only_as_a_secret_header():
    ref = recognise("https://www.facebook.com/somepage/posts/1")
    assert [r.role for r in plan(ref, Purpose.CHECK)] == ["page"]
    with_token = plan(ref, Purpose.CHECK, oembed_token="APP|SECRET")
    oembed = with_token[1]
    assert "SECRET" not in oembed.url
    assert oembed.secret_headers == (("Authorization", "Bearer APP|SECRET"),)


def page(name: str, status: int = 200, final: str = "") -> Response:
    return Response("page", "https://www.facebook.com/x", status, headers={"content-type": "text/html; charset=utf-8"},
                    body=fixture_bytes(name), final_url=final or "https://www.facebook.com/x")


def test_parse_permalink_page():
    data = parse(PostRef("facebook", "post:827163017327807", "https://www.facebook.com/x"),
                 {"page": page("facebook/permalink_post.html")})
    assert data.author == "asociacionproba"
    assert data.author_name == "Asociación de Proba"
    assert data.text.startswith("Aquí vos deixamos unhas imaxes inventadas")
    assert data.created_at == datetime(2014, 10, 21, 15, 36, 26, tzinfo=timezone.utc)
    assert data.lang == "gl"
    assert data.media[0].url.startswith("https://scontent.fxxx1-1.fna.fbcdn.net/v/t31.0-8/fixture_o.jpg?_nc_cat=111&_nc_sid")


@pytest.mark.parametrize(
    "case, response, outcome",
    [
        ("public post", page("facebook/permalink_post.html"), Outcome.ALIVE),
        ("content isn't available: deleted or narrowed", page("facebook/unavailable.html"), Outcome.UNAVAILABLE),
        ("login wall page", page("facebook/login_wall.html"), Outcome.LOGIN_WALL),
        ("redirected to login", page("facebook/permalink_post.html", final="https://www.facebook.com/login/?next=x"),
         Outcome.LOGIN_WALL),
        ("temporarily blocked", page("facebook/blocked.html"), Outcome.RATE_LIMITED),
        ("429", Response("page", "u", 429), Outcome.RATE_LIMITED),
        ("503", Response("page", "u", 503), Outcome.ERROR),
        ("404", Response("page", "u", 404, body=b"<html><title>Page not found</title></html>"), Outcome.UNAVAILABLE),
        ("200 with an unknown page", Response("page", "u", 200, body=b"<html><title>Facebook</title></html>"), Outcome.ERROR),
        ("network failure", Response("page", "u", None, error="ConnectError"), Outcome.ERROR),
        ("backing off after 429s", Response("page", "u", None, error="backing off", backoff=True), Outcome.RATE_LIMITED),
    ],
)
def test_classify(case, response, outcome):
    result = classify({"page": response})
    assert result.outcome is outcome, case
    assert result.outcome is not Outcome.DELETED  # logged out, Facebook never proves a deletion


def test_oembed_showing_the_post_outweighs_a_login_wall():
    oembed = Response("oembed", "u", 200, body=b'{"html": "<div class=\\"fb-post\\"></div>", "type": "rich"}')
    assert classify({"page": page("facebook/login_wall.html"), "oembed": oembed}).outcome is Outcome.ALIVE
    refused = Response("oembed", "u", 400, body=b'{"error": {"code": 100}}')
    assert classify({"page": page("facebook/unavailable.html"), "oembed": refused}).outcome is Outcome.UNAVAILABLE
