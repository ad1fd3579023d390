"""Any other page: tracked by its HTTP outcome (issue 2)."""

from __future__ import annotations

import pytest

from archiver.core.status import Outcome
from archiver.platforms import recognise
from archiver.platforms.base import Response
from archiver.platforms.web import classify, parse


def test_recognise_keeps_the_page_as_cited():
    # Issue 10: fetched and recorded exactly as given; only the fragment (never sent) goes.
    ref = recognise("https://News.Example.org/a/b.html?id=3&utm_source=x&fbclid=y#top")
    assert (ref.platform, ref.key, ref.url) == (
        "web",
        "https://news.example.org/a/b.html?id=3&utm_source=x&fbclid=y",
        "https://news.example.org/a/b.html?id=3&utm_source=x&fbclid=y",
    )


def test_parse_reads_title_description_and_image():
    body = (
        b'<html><head><meta charset="utf-8"><title>T</title><meta property="og:title" content="Title &amp; more">'
        b'<meta property="og:description" content="Desc"><meta name="author" content="Ann">'
        b'<meta property="article:published_time" content="2022-03-24T10:00:00Z">'
        b'<meta property="og:image" content="https://example.org/i.png"></head></html>'
    )
    ref = recognise("https://example.org/p")
    data = parse(ref, {"page": Response("page", ref.url, 200, {"content-type": "text/html"}, body)})
    assert data.text == "Title & more\n\nDesc"
    assert data.author_name == "Ann"
    assert data.created_at.isoformat() == "2022-03-24T10:00:00+00:00"
    assert [m.url for m in data.media] == ["https://example.org/i.png"]


@pytest.mark.parametrize(
    "status, outcome",
    [
        (200, Outcome.ALIVE),
        (204, Outcome.ALIVE),
        (404, Outcome.DELETED),
        (410, Outcome.DELETED),
        (451, Outcome.RESTRICTED),
        (429, Outcome.RATE_LIMITED),
        (401, Outcome.LOGIN_WALL),
        (403, Outcome.LOGIN_WALL),
        (500, Outcome.ERROR),
        (None, Outcome.ERROR),
    ],
)
def test_classify_by_status(status, outcome):
    assert classify({"page": Response("page", "u", status)}).outcome is outcome
