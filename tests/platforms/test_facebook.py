"""Facebook: URL recognition, parsing and classification (issues 2 and 3)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from archiver.core.status import Outcome
from archiver.errors import UnsupportedURL
from archiver.platforms import recognise
from archiver.platforms.base import PostRef, Purpose, Response
from archiver.platforms.facebook import classify, parse, plan
from tests.conftest import fixture_bytes

PF = "pfbid02AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdl"


@pytest.mark.parametrize(
    "url, key, canonical",
    [
        (
            "https://www.facebook.com/asociacionproba/posts/827163017327807",
            "post:827163017327807",
            "https://www.facebook.com/asociacionproba/posts/827163017327807",
        ),
        (
            "https://m.facebook.com/asociacionproba/posts/827163017327807?fbclid=IwAR0abc&mibextid=Zxz2cZ",
            "post:827163017327807",
            "https://www.facebook.com/asociacionproba/posts/827163017327807",
        ),
        (
            "https://mbasic.facebook.com/somepage/posts/"
            + PF
            + "?__cft__[0]=AZX&__tn__=%2CO%2CP-R",
            "post:" + PF,
            "https://www.facebook.com/somepage/posts/" + PF,
        ),
        (
            "https://web.facebook.com/149460691764713/posts/aqu%C3%AD-vos-deixamos/827163017327807/",
            "post:827163017327807",
            "https://www.facebook.com/149460691764713/posts/827163017327807",
        ),
        (
            "https://www.facebook.com/permalink.php?story_fbid=827163017327807&id=149460691764713&utm_source=x",
            "post:827163017327807",
            "https://www.facebook.com/permalink.php?story_fbid=827163017327807&id=149460691764713",
        ),
        (
            "https://facebook.com/story.php?story_fbid=" + PF + "&id=100064",
            "post:" + PF,
            "https://www.facebook.com/permalink.php?story_fbid=" + PF + "&id=100064",
        ),
        (
            "https://www.facebook.com/photo.php?fbid=10150000000000001&set=a.1&type=3",
            "photo:10150000000000001",
            "https://www.facebook.com/photo.php?fbid=10150000000000001",
        ),
        (
            "https://www.facebook.com/somepage/photos/a.123/10150000000000002/",
            "photo:10150000000000002",
            "https://www.facebook.com/photo.php?fbid=10150000000000002",
        ),
        (
            "https://business.facebook.com/somepage/videos/555000111222333/",
            "video:555000111222333",
            "https://www.facebook.com/somepage/videos/555000111222333",
        ),
        (
            "https://www.facebook.com/watch/?v=555000111222333&rdid=x",
            "video:555000111222333",
            "https://www.facebook.com/watch/?v=555000111222333",
        ),
        (
            "https://www.facebook.com/reel/555000111222334?share_url=x",
            "video:555000111222334",
            "https://www.facebook.com/reel/555000111222334",
        ),
        (
            "https://www.facebook.com/groups/openresearch/posts/1234567890/",
            "group:openresearch:1234567890",
            "https://www.facebook.com/groups/openresearch/posts/1234567890",
        ),
        (
            "https://www.facebook.com/groups/openresearch/permalink/1234567890/",
            "group:openresearch:1234567890",
            "https://www.facebook.com/groups/openresearch/posts/1234567890",
        ),
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


@pytest.mark.parametrize(
    "url",
    [
        "https://facebook.com.evil.example/a/posts/1",
        "https://notfacebook.com/a/posts/1",
        "https://fb.watch.evil.example/x",
    ],
)
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
    return Response(
        "page",
        "https://www.facebook.com/x",
        status,
        headers={"content-type": "text/html; charset=utf-8"},
        body=fixture_bytes(name),
        final_url=final or "https://www.facebook.com/x",
    )


def test_parse_permalink_page():
    data = parse(
        PostRef("facebook", "post:827163017327807", "https://www.facebook.com/x"),
        {"page": page("facebook/permalink_post.html")},
    )
    assert data.author == "asociacionproba"
    assert data.author_name == "Asociación de Proba"
    assert data.text.startswith("Aquí vos deixamos unhas imaxes inventadas")
    assert data.created_at == datetime(2014, 10, 21, 15, 36, 26, tzinfo=UTC)
    assert data.lang == "gl"
    assert data.media[0].url.startswith(
        "https://scontent.fxxx1-1.fna.fbcdn.net/v/t31.0-8/fixture_o.jpg?_nc_cat=111&_nc_sid"
    )


@pytest.mark.parametrize(
    "case, response, outcome",
    [
        ("public post", page("facebook/permalink_post.html"), Outcome.ALIVE),
        (
            "content isn't available: deleted or narrowed",
            page("facebook/unavailable.html"),
            Outcome.UNAVAILABLE,
        ),
        ("login wall page", page("facebook/login_wall.html"), Outcome.LOGIN_WALL),
        (
            "redirected to login",
            page("facebook/permalink_post.html", final="https://www.facebook.com/login/?next=x"),
            Outcome.LOGIN_WALL,
        ),
        ("temporarily blocked", page("facebook/blocked.html"), Outcome.RATE_LIMITED),
        ("429", Response("page", "u", 429), Outcome.RATE_LIMITED),
        ("503", Response("page", "u", 503), Outcome.ERROR),
        (
            "404",
            Response("page", "u", 404, body=b"<html><title>Page not found</title></html>"),
            Outcome.UNAVAILABLE,
        ),
        (
            "200 with an unknown page",
            Response("page", "u", 200, body=b"<html><title>Facebook</title></html>"),
            Outcome.ERROR,
        ),
        ("network failure", Response("page", "u", None, error="ConnectError"), Outcome.ERROR),
        (
            "backing off after 429s",
            Response("page", "u", None, error="backing off", backoff=True),
            Outcome.RATE_LIMITED,
        ),
    ],
)
def test_classify(case, response, outcome):
    result = classify({"page": response})
    assert result.outcome is outcome, case
    assert result.outcome is not Outcome.DELETED  # logged out, Facebook never proves a deletion


def test_oembed_showing_the_post_outweighs_a_login_wall():
    oembed = Response(
        "oembed", "u", 200, body=b'{"html": "<div class=\\"fb-post\\"></div>", "type": "rich"}'
    )
    assert (
        classify({"page": page("facebook/login_wall.html"), "oembed": oembed}).outcome
        is Outcome.ALIVE
    )
    refused = Response("oembed", "u", 400, body=b'{"error": {"code": 100}}')
    assert (
        classify({"page": page("facebook/unavailable.html"), "oembed": refused}).outcome
        is Outcome.UNAVAILABLE
    )


# --- issue 10: real page shapes (made-up posts, tests/fixtures/facebook/) ---------------

import json  # noqa: E402

from archiver.core.content import media_identity  # noqa: E402
from tests.conftest import FIXTURES  # noqa: E402

UTC = UTC


def fb_page(name: str, url: str, final: str = "") -> tuple[PostRef, Response]:
    ref = recognise(url)
    body = fixture_bytes(f"facebook/{name}")
    return ref, Response(
        "page",
        ref.url,
        200,
        {"content-type": "text/html; charset=utf-8"},
        body,
        final_url=final or ref.url,
    )


SHAPES = [
    # (fixture, url, author, author_name, created_at, text starts, media kinds, media file)
    (
        "www_permalink_sidebar.html",
        "https://www.facebook.com/permalink.php?story_fbid=700000000000101&id=149400000000001",
        "asociacionproba",
        "Asociación de Proba",
        datetime(2014, 10, 21, 15, 36, 26, tzinfo=UTC),
        "Aquí vos deixamos unhas imaxes inventadas",
        ["image"],
        "10700001_700000000000101_5100000000000000001_o.jpg",
    ),
    (
        "www_video_watch.html",
        "https://www.facebook.com/probasoftware/videos/700000000000201/",
        "probasoftware",
        "Proba Software GmbH",
        datetime(2016, 5, 12, 13, 52, 59, tzinfo=UTC),
        "Eindrücke vom gestrigen Meetup",
        ["video", "poster"],
        "13200001_1000000000000001_2000000001_n.mp4",
    ),
    (
        "m_group_permalink.html",
        "https://m.facebook.com/groups/researchersofsomewhere/permalink/700000000000401/",
        "ana.example.77",
        "Ana A. Example",
        datetime(2018, 4, 3, 20, 2, 42, tzinfo=UTC),
        "Hola!, This group is a made-up group",
        [],
        None,
    ),
    (
        "m_photo_post_no_time.html",
        "https://m.facebook.com/frentedeproba/photos/p.700000000000501/700000000000501/",
        "frentedeproba",
        "Frente de Proba",
        None,
        "UN FRENO INVENTADO",
        ["image"],
        "34000001_700000000000502_3400000000000000001_o.jpg",
    ),
    (
        "m_post_no_og.html",
        "https://m.facebook.com/ProbaGames/posts/700000000000601",
        "ProbaGames",
        "Proba Games",
        datetime(2021, 6, 2, 18, 0, 31, tzinfo=UTC),
        "Tune into the Proba Podcast’s Summer Preview",
        [],
        None,
    ),
    (
        "www_text_post_avatar.html",
        "https://www.facebook.com/SimPage/posts/700000000000701",
        "SimPage",
        "Sim Page",
        datetime(2022, 3, 17, 5, 50, tzinfo=UTC),
        "A statement with no picture",
        [],
        None,
    ),
]


@pytest.mark.parametrize(
    "name, url, author, author_name, created, text, kinds, media_file",
    SHAPES,
    ids=[s[0] for s in SHAPES],
)
def test_each_real_page_shape_gives_the_posts_own_fields(
    name, url, author, author_name, created, text, kinds, media_file
):
    ref, response = fb_page(name, url)
    assert classify({"page": response}).outcome is Outcome.ALIVE
    data = parse(ref, {"page": response})
    assert (data.author, data.author_name, data.created_at) == (author, author_name, created)
    assert data.text.startswith(text)
    assert [m.kind for m in data.media] == kinds
    if media_file:
        assert media_identity(data.media[0].url) == media_file


def test_the_sidebars_time_and_the_watch_title_are_not_taken():
    """The first data-utime on these pages is another post's; og:title is no author."""
    _, response = fb_page(
        "www_permalink_sidebar.html",
        "https://www.facebook.com/asociacionproba/posts/700000000000101",
    )
    data = parse(
        recognise("https://www.facebook.com/asociacionproba/posts/700000000000101"),
        {"page": response},
    )
    assert data.created_at.year == 2014
    ref, response = fb_page(
        "www_video_watch.html", "https://www.facebook.com/probasoftware/videos/700000000000201/"
    )
    assert "Facebook Watch" not in (parse(ref, {"page": response}).author_name or "")


def test_the_full_text_is_read_from_the_post_not_the_truncated_tag():
    ref, response = fb_page(
        "www_permalink_sidebar.html",
        "https://www.facebook.com/asociacionproba/posts/700000000000101",
    )
    text = parse(ref, {"page": response}).text
    assert text.endswith("Outra Páxina pola súa axuda.")
    assert "Ver más" not in text and "..." not in text


def test_a_pages_avatar_is_not_the_posts_media():
    ref, response = fb_page(
        "www_text_post_avatar.html", "https://www.facebook.com/SimPage/posts/700000000000701"
    )
    assert parse(ref, {"page": response}).media == []


UNAVAILABLE_LANGUAGES = json.loads(
    (FIXTURES / "facebook/unavailable_languages.json").read_text("utf-8")
)["pages"]


def _json_escaped(text: str) -> str:
    return json.dumps(text, ensure_ascii=True)[1:-1]


@pytest.mark.parametrize(
    "page", UNAVAILABLE_LANGUAGES, ids=[p["lang"] for p in UNAVAILABLE_LANGUAGES]
)
def test_content_unavailable_in_each_language_from_body_and_json(page):
    template = (FIXTURES / "facebook/unavailable_template.html").read_text("utf-8")
    html = (
        template.replace("%LANG%", page["lang"])
        .replace("%DIR%", page["dir"])
        .replace("%HEADING_JSON%", _json_escaped(page["heading"]))
        .replace("%EXPLANATION_JSON%", _json_escaped(page["explanation"]))
        .replace("%HEADING%", page["heading"])
        .replace("%EXPLANATION%", page["explanation"])
        .replace("%HOME%", page["home"])
    )
    url = "https://www.facebook.com/SimRusEmbassyMN/posts/5100000000000001"
    response = Response(
        "page", url, 200, {"content-type": "text/html; charset=utf-8"}, html.encode(), final_url=url
    )
    result = classify({"page": response})
    assert result.outcome is Outcome.UNAVAILABLE, page["lang"]
    # Only in the JSON payload (a page rendered by its scripts) is enough too.
    body_less = html.replace(page["heading"], "").replace(page["explanation"], "")
    response = Response(
        "page", url, 200, {"content-type": "text/html"}, body_less.encode(), final_url=url
    )
    assert classify({"page": response}).outcome is Outcome.UNAVAILABLE, page["lang"]


@pytest.mark.parametrize(
    "name, outcome",
    [
        ("unavailable_body_json.html", Outcome.UNAVAILABLE),  # title just "Facebook"
        ("mbasic_cannot_be_displayed.html", Outcome.UNAVAILABLE),
        ("shared_unavailable_attachment.html", Outcome.ALIVE),  # the post shares a gone one
        ("unknown_shape.html", Outcome.ERROR),  # never read as gone
        ("m_login_front_door.html", Outcome.LOGIN_WALL),
        ("login_wall.html", Outcome.LOGIN_WALL),
        ("blocked.html", Outcome.RATE_LIMITED),
    ],
)
def test_classify_real_shapes(name, outcome):
    url = (
        "https://www.facebook.com/SimPage/posts/700000000000801"
        if name.startswith("shared")
        else "https://www.facebook.com/SimRusEmbassyMN/posts/5100000000000001"
    )
    final = "https://m.facebook.com/" if name == "m_login_front_door.html" else ""
    _, response = fb_page(name, url, final)
    result = classify({"page": response})
    assert result.outcome is outcome, result.note
    assert result.outcome is not Outcome.DELETED


def test_a_page_about_another_post_does_not_show_this_one():
    """og:url naming a different post (a redirect to something else) is not this post alive."""
    _, response = fb_page(
        "www_text_post_avatar.html", "https://www.facebook.com/SimPage/posts/700000000000999"
    )
    assert classify({"page": response}).outcome is Outcome.ERROR


@pytest.mark.parametrize(
    "one, other",
    [
        (
            "https://scontent.fxxx1-1.fna.fbcdn.net/v/t1.0-9/p200x200/123_456_n.jpg?_nc_cat=1&oh=aa&oe=5F0",
            "https://scontent.fyyy2-1.fna.fbcdn.net/v/t1.0-9/p206x206/123_456_n.jpg?_nc_cat=2&oh=bb&oe=6A1",
        ),
        (
            "https://pbs.twimg.com/media/FsZNOgcWAAEQtrd.jpg:large",
            "https://pbs.twimg.com/media/FsZNOgcWAAEQtrd.jpg",
        ),
    ],
)
def test_media_identity_survives_resigned_and_resized_urls(one, other):
    assert media_identity(one) == media_identity(other)


@pytest.mark.parametrize(
    "url, post_id, kind",
    [
        ("https://www.facebook.com/somepage/posts/123456789", "123456789", "post"),
        ("https://www.facebook.com/permalink.php?story_fbid=" + PF + "&id=1", PF, "post"),
        ("https://www.facebook.com/photo.php?fbid=10150000000000001", "10150000000000001", "photo"),
        ("https://www.facebook.com/somepage/videos/555000111222333/", "555000111222333", "video"),
        ("https://www.facebook.com/watch/?v=555000111222333", "555000111222333", "video"),
        ("https://www.facebook.com/reel/555000111222334", "555000111222334", "reel"),
        (
            "https://www.facebook.com/groups/openresearch/posts/1234567890/",
            "1234567890",
            "group_post",
        ),
    ],
)
def test_post_id_is_facebooks_own_and_kind_is_its_own_field(url, post_id, kind):
    from archiver.platforms import identity as post_identity

    ref = recognise(url)
    assert post_identity(ref.platform, ref.key, ref.url) == (post_id, kind)
