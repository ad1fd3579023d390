"""Seed lists and pages that cite posts (issue 2)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from archiver.errors import SeedFileError
from archiver.platforms import recognise
from archiver.runs.seeds import post_links, read_seed_file

SEEDS = Path(__file__).parent.parent / "seeds"


@pytest.mark.parametrize("name", ["examples.txt", "demo.txt"])
def test_bundled_seed_lists_are_all_recognised(name):
    lines = list(read_seed_file(SEEDS / name))
    assert len(lines) >= 10
    platforms = {recognise(line.url).platform for line in lines}
    assert {"twitter", "facebook", "web"} <= platforms
    if name == "examples.txt":
        assert {"telegram", "bluesky"} <= platforms  # issue 16


def test_comments_blank_lines_and_bom(tmp_path):
    path = tmp_path / "s.txt"
    path.write_bytes(
        "\ufeff# c\n\nhttps://x.com/a/status/1  # note\n   \n\thttps://example.org/ \n".encode()
    )
    assert [(s.line_no, s.url) for s in read_seed_file(path)] == [
        (3, "https://x.com/a/status/1"),
        (5, "https://example.org/"),
    ]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x00\x01\x02binary", "is not a text file"),
        (b"https://x.com/a/status/1\n\xff\xfe bad\n", "line 2: not UTF-8 text"),
        (b"https://example.org/" + b"a" * 9000 + b"\n", "line 1: line longer than 8192 bytes"),
    ],
)
def test_broken_seed_files_are_refused_with_the_line(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(SeedFileError, match=message):
        list(read_seed_file(path))


def test_post_links_finds_links_and_embeds_once_each():
    html = """
    <p><a href="https://twitter.com/a/status/11?ref_src=twsrc">t</a>
    <a href="/relative">r</a> <a href="https://x.com/a/status/11">same tweet</a>
    <a href="https://x.com/a">a profile</a> <a href="javascript:alert(1)">js</a></p>
    <blockquote class="twitter-tweet"><p>x</p><a href="https://twitter.com/b/status/22">d</a></blockquote>
    <div class="fb-post" data-href="https://www.facebook.com/p/posts/33"></div>
    <iframe src="https://www.facebook.com/plugins/post.php?href=x"></iframe>
    <iframe src="https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com%2Fq%2Fposts%2F55"></iframe>
    <iframe src="https://platform.twitter.com/embed/Tweet.html?dnt=true&id=66"></iframe>
    <iframe src="https://www.facebook.com/page/videos/44/"></iframe>
    """
    assert post_links(html, "https://blog.example.org/a/b.html") == [
        "https://twitter.com/b/status/22",
        "https://www.facebook.com/p/posts/33",
        "https://www.facebook.com/q/posts/55",
        "https://x.com/i/web/status/66",
        "https://www.facebook.com/page/videos/44/",
        "https://twitter.com/a/status/11?ref_src=twsrc",
    ]


def test_a_seed_list_of_millions_of_lines(cli_env, run_cli, tmp_path):
    """Two million lines, mostly noise: read lazily, errors summarised, the one good post captured."""
    from tests.conftest import PHOTO_TWEET

    path = tmp_path / "huge.txt"
    with open(path, "w", encoding="utf-8") as fh:
        block = "# comment\n\n" * 4 + "not a url\n" + "ftp://example.org/x\n"
        for _ in range(200_000):
            fh.write(block)
        fh.write(f"https://x.com/sim_alice/status/{PHOTO_TWEET}\n")
    code, out, err = run_cli("capture", "--from-file", str(path), "--json")
    assert code == 1
    data = json.loads(out)
    assert (data["captured"], data["failed"]) == (1, 400_000)
    assert len(data["items"]) == 10_000 and data["omitted"] == 390_001
    assert err.count("Error: ") == 50
    assert "… and 399950 more errors not shown" in err


def test_hostile_pages_for_from_page(cli_env, run_cli, sim, monkeypatch):
    """Broken markup, a flood of links, scripts, private addresses: only real posts are taken."""
    monkeypatch.setenv("ARCHIVER_MAX_PAGE_POSTS", "5")
    from archiver.testing.simulator import SimPost
    from tests.conftest import PHOTO_TWEET, T0

    links = "".join(f'<a href="https://x.com/u/status/{n}">' for n in range(1, 20_001))
    body = (
        "<div><div><div>"
        * 5000
        + "<a href='javascript:alert(1)'>x</a><a href='http://10.0.0.1/'>p</a>"
        "<script>document.write('<a href=https://x.com/evil/status/666>')</script>"
        f'<a href="https://x.com/sim_alice/status/{PHOTO_TWEET}">real</a><p title=\''
        + '"' * 1000
        + "'>"
        + links
    )
    sim.add(
        SimPost(
            "web",
            "https://blog.example.org/hostile.html",
            "b",
            "B",
            "hostile page",
            T0,
            title="<script>alert(1)</script>",
            body_html=body,
        )
    )
    code, out, err = run_cli(
        "capture", "--from-page", "https://blog.example.org/hostile.html", "--json"
    )
    assert "Traceback" not in err
    data = json.loads(out)
    urls = [i["input"] for i in data["items"]]
    assert urls[0] == "https://blog.example.org/hostile.html"
    assert f"https://x.com/sim_alice/status/{PHOTO_TWEET}" in urls
    assert not any("evil" in u or "10.0.0.1" in u or "javascript" in u for u in urls)
    assert len(urls) == 1 + 1 + 5  # the page, the cap notice, five posts
    assert any(
        re.search(
            r"links to \d{4,} posts, more than ARCHIVER_MAX_PAGE_POSTS=5: only the first 5",
            i["message"],
        )
        for i in data["items"]
    )
