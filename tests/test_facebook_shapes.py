"""Issue 10, end to end: Facebook as it really is, served by the simulator in the real page shapes.

Each layout (www permalink with a sidebar, watch video, m. group post, mbasic photo, m. page
without og: tags) is captured and must give the post's own time, author and media, or nothing;
a recapture with re-signed image URLs is alive, a text edit is edited; every form and language of
"This content isn't available" ends vanished after two rechecks; an unknown page stays unknown.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from archiver.report.posts import post_json
from archiver.runs.capture import capture
from archiver.runs.recheck import recheck
from archiver.store.posts import find_post
from archiver.testing.simulator import SimPost
from archiver.testing.simulator.facebook_pages import GONE_FORMS, UNAVAILABLE_WORDING

WHEN = datetime(2016, 5, 12, 13, 52, 59, tzinfo=UTC)

LAYOUT_POSTS = [
    SimPost(
        "facebook",
        "post:710000000000001",
        "ShapePage",
        "Shape Page (www)",
        "A www post with a sidebar.",
        WHEN,
        photos=["www_photo.jpg"],
        path="/ShapePage/posts/710000000000001",
        fb_layout="www",
    ),
    SimPost(
        "facebook",
        "video:710000000000002",
        "ShapeVideos",
        "Shape Videos GmbH",
        "A video of a meetup.",
        WHEN,
        photos=["thumb.jpg"],
        video="meetup.mp4",
        path="/ShapeVideos/videos/710000000000002",
        fb_layout="video",
    ),
    SimPost(
        "facebook",
        "group:shapegroup:710000000000003",
        "shape.poster",
        "Poster P. Person",
        "A post in a group, with a long enough text to be cut in og:title.",
        WHEN,
        path="/groups/shapegroup/posts/710000000000003",
        fb_layout="group",
        group="shapegroup",
    ),
    SimPost(
        "facebook",
        "photo:710000000000004",
        "ShapePhotos",
        "Shape Photos",
        "A photo post with no time.",
        WHEN,
        photos=["mphoto.jpg"],
        path="/photo.php?fbid=710000000000004",
        fb_layout="mphoto",
    ),
    SimPost(
        "facebook",
        "post:710000000000005",
        "ShapeNoOg",
        "Shape NoOg",
        "A post on a page with no og tags.",
        WHEN,
        path="/ShapeNoOg/posts/710000000000005",
        fb_layout="noog",
    ),
    SimPost(
        "facebook",
        "post:710000000000006",
        "ShapeText",
        "Shape Text",
        "A text-only post.",
        WHEN,
        path="/ShapeText/posts/710000000000006",
        fb_layout="www",
    ),
]
URLS = {
    "post:710000000000001": "https://www.facebook.com/ShapePage/posts/710000000000001",
    "video:710000000000002": "https://www.facebook.com/ShapeVideos/videos/710000000000002/",
    "group:shapegroup:710000000000003": "https://www.facebook.com/groups/shapegroup/posts/710000000000003/",
    "photo:710000000000004": "https://www.facebook.com/photo.php?fbid=710000000000004",
    "post:710000000000005": "https://m.facebook.com/ShapeNoOg/posts/710000000000005",
    "post:710000000000006": "https://www.facebook.com/ShapeText/posts/710000000000006",
}
# What each layout lets archiver know: author, author name, time (None: the page gives none), media kinds.
EXPECTED = {
    "post:710000000000001": ("ShapePage", "Shape Page (www)", WHEN, ["image"]),
    "video:710000000000002": ("ShapeVideos", "Shape Videos GmbH", WHEN, ["video", "poster"]),
    "group:shapegroup:710000000000003": ("shape.poster", "Poster P. Person", WHEN, []),
    "photo:710000000000004": ("ShapePhotos", "Shape Photos", None, ["image"]),
    "post:710000000000005": ("ShapeNoOg", "Shape NoOg", WHEN, []),
    "post:710000000000006": ("ShapeText", "Shape Text", WHEN, []),
}


@pytest.fixture
def shaped(sim, settings, store, clock):
    for post in LAYOUT_POSTS:
        sim.add(post)
    report = capture(settings, store, list(URLS.values()), clock=clock)
    assert report.captured_count == len(URLS), [i.message for i in report.failed]
    return sim


def _post(store, key: str) -> dict:
    with store.session() as session:
        return post_json(session, find_post(session, f"facebook:{key}"))


def test_each_layout_gives_the_posts_own_fields_or_nothing(shaped, store):
    for key, (author, name, created, kinds) in EXPECTED.items():
        post = _post(store, key)
        assert (post["author"], post["author_name"]) == (author, name), key
        assert post["created_at"] == (
            created.isoformat().replace("+00:00", "Z") if created else None
        ), key
        assert [m["kind"] for m in post["media"]] == kinds, key
        assert post["text"], key
        assert "avatar" not in " ".join(m["url"] for m in post["media"])


def test_recapture_with_re_signed_image_urls_is_alive_and_a_text_edit_is_edited(
    shaped, settings, store, clock
):
    clock.advance(hours=2)
    report = recheck(settings, store, check_all=True, clock=clock)
    assert {r.outcome for r in report.results} == {"alive"}, [
        (r.url, r.outcome) for r in report.results
    ]
    post = shaped.get("facebook:post:710000000000001")
    post.edited_text = "A www post with a sidebar, edited."
    shaped.set_state("facebook:post:710000000000001", "edited")
    clock.advance(hours=2)
    outcomes = {
        r.url: r.outcome for r in recheck(settings, store, check_all=True, clock=clock).results
    }
    assert outcomes.pop(URLS["post:710000000000001"]) == "edited"
    assert set(outcomes.values()) == {"alive"}


GONE_CASES = [(lang, "body_json") for lang in UNAVAILABLE_WORDING] + [
    ("en", form) for form in GONE_FORMS
]


@pytest.mark.parametrize("locale, form", GONE_CASES, ids=[f"{l}-{f}" for l, f in GONE_CASES])
def test_every_form_and_language_of_unavailable_ends_vanished(
    sim, settings, store, clock, locale, form
):
    post = SimPost(
        "facebook",
        "post:720000000000001",
        "GonePage",
        "Gone Page",
        "Soon gone.",
        WHEN,
        path="/GonePage/posts/720000000000001",
        locale=locale,
        gone_form=form,
    )
    sim.add(post)
    url = "https://www.facebook.com/GonePage/posts/720000000000001"
    assert capture(settings, store, [url], clock=clock).captured_count == 1
    sim.set_state("facebook:post:720000000000001", "deleted")
    for _ in range(2):
        clock.advance(hours=2)
        report = recheck(settings, store, check_all=True, clock=clock)
    assert [r.outcome for r in report.results] == ["unavailable"]
    assert [(t.after.value, t.reason) for t in report.transitions] == [("vanished", "unavailable")]


def test_a_page_of_unknown_shape_stays_unknown(shaped, settings, store, clock):
    shaped.set_state("facebook:post:710000000000001", "unknown_shape")
    for _ in range(3):
        clock.advance(hours=2)
        recheck(settings, store, check_all=True, clock=clock)
    post = _post(store, "post:710000000000001")
    assert post["status"] == "unknown"
    assert post["vanish_reason"] is None
