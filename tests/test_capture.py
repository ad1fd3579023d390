"""Capture against the simulator, end to end through the CLI (issue 2, "Done when")."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.warc.reader import read_record
from tests.conftest import PHOTO_TWEET, PLAIN_TWEET, VIDEO_TWEET, WEB_PAGE

GOOD = [
    f"https://twitter.com/sim_alice/status/{PHOTO_TWEET}?s=20&t=abc",
    f"https://x.com/sim_alice/status/{VIDEO_TWEET}/video/1",
    "https://m.facebook.com/SimPage/posts/700000000000001?fbclid=IwAR0",
    WEB_PAGE,
]


def warc_files(home: Path) -> list[Path]:
    return sorted((home / "warcs").glob("*.warc.gz"))


def warcio_check(path: Path) -> subprocess.CompletedProcess:
    warcio = Path(sys.executable).parent / "warcio"
    return subprocess.run([str(warcio), "check", "-v", str(path)], capture_output=True, text=True)


def test_capture_and_show_the_right_metadata(cli_env, run_cli):
    code, out, err = run_cli("capture", *GOOD, "--json")
    assert code == 0, err
    result = json.loads(out)
    assert (result["captured"], result["failed"]) == (4, 0)

    code, out, _ = run_cli("show", f"twitter:{PHOTO_TWEET}", "--json")
    tweet = json.loads(out)
    assert (tweet["author"], tweet["author_name"]) == ("sim_alice", "Alice (sim)")
    assert tweet["text"] == "A photo tweet <script>x</script>"
    assert tweet["created_at"] == "2022-03-10T08:00:00Z"
    assert tweet["url"] == f"https://x.com/sim_alice/status/{PHOTO_TWEET}"
    assert tweet["status"] == "alive"
    assert [m["kind"] for m in tweet["media"]] == ["photo"]
    assert len(tweet["captures"]) == 1

    _, out, _ = run_cli("show", GOOD[1], "--json")
    video = json.loads(out)
    assert [m["kind"] for m in video["media"]] == ["poster", "video"]

    _, out, _ = run_cli("show", "https://www.facebook.com/SimPage/posts/700000000000001", "--json")
    fb = json.loads(out)
    # Issue 10: post_id is Facebook's own id; the kind of post is a field of its own.
    assert (fb["platform"], fb["post_id"], fb["kind"], fb["author"], fb["author_name"]) == (
        "facebook",
        "700000000000001",
        "post",
        "SimPage",
        "Sim Page",
    )
    assert fb["text"] == "A Facebook post for the tests"
    assert fb["created_at"] == "2022-03-10T08:00:00Z"

    _, out, _ = run_cli("list", "--json")
    listed = json.loads(out)
    assert {p["platform"] for p in listed} == {"twitter", "facebook", "web"}
    for post in listed:
        for key in (
            "id",
            "platform",
            "post_id",
            "kind",
            "url",
            "author",
            "author_name",
            "text",
            "created_at",
            "status",
            "first_captured_at",
            "last_checked_at",
            "captures",
        ):
            assert key in post


def test_every_warc_passes_warcio_check_and_offsets_read_back(cli_env, run_cli):
    assert run_cli("capture", *GOOD)[0] == 0
    files = warc_files(cli_env.home)
    assert files
    for path in files:
        checked = warcio_check(path)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    _, out, _ = run_cli("list", "--json")
    for post in json.loads(out):
        cap = post["captures"][0]
        warc, http, body = read_record(cli_env.home / cap["warc_file"], cap["offset"])
        assert warc["WARC-Type"] == "response"
        if post["platform"] == "twitter":
            assert json.loads(body)["id_str"] == post["post_id"]
        else:
            assert (
                post["text"].split("\n")[0][:20].encode() in body
                or post["author_name"].encode() in body
            )


def test_media_are_archived(cli_env, run_cli):
    run_cli("capture", GOOD[0], GOOD[1])
    uris = []
    for path in warc_files(cli_env.home):
        with open(path, "rb") as fh:
            uris += [
                r.rec_headers.get_header("WARC-Target-URI")
                for r in ArchiveIterator(fh)
                if r.rec_type == "response"
            ]
    assert any(u.endswith("/pbs/media/alice.png") for u in uris)
    assert any("/pbs/amplify_video_thumb/" in u for u in uris)
    assert any(u.endswith("/640x360/clip.mp4") for u in uris)


def test_cdxj_indexer_indexes_the_files(cli_env, run_cli):
    run_cli("capture", *GOOD)
    for path in warc_files(cli_env.home):
        done = subprocess.run(
            [str(Path(sys.executable).parent / "cdxj-indexer"), str(path)],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        lines = done.stdout.strip().splitlines()
        assert lines and all(" {" in line for line in lines)


def test_recapturing_an_unchanged_post_writes_revisits(cli_env, run_cli):
    run_cli("capture", GOOD[0])
    first_size = sum(p.stat().st_size for p in warc_files(cli_env.home))
    run_cli("capture", GOOD[0])
    files = warc_files(cli_env.home)
    second = files[-1]
    with open(second, "rb") as fh:
        records = [(r.rec_type, r.rec_headers) for r in ArchiveIterator(fh)]
    types = [t for t, _ in records]
    assert "revisit" in types
    assert types.count("response") == 0  # syndication, oEmbed, page and the photo all unchanged
    # Each revisit names the earlier response of the same URL with the same payload
    # (found in the database: this is a new process).
    originals = {}
    for path in files[:-1]:
        with open(path, "rb") as fh:
            for r in ArchiveIterator(fh):
                if r.rec_type == "response":
                    originals[r.rec_headers.get_header("WARC-Record-ID")] = r.rec_headers
    for kind, headers in records:
        if kind != "revisit":
            continue
        original = originals[headers.get_header("WARC-Refers-To")]
        assert original.get_header("WARC-Target-URI") == headers.get_header("WARC-Target-URI")
        assert original.get_header("WARC-Payload-Digest") == headers.get_header(
            "WARC-Payload-Digest"
        )
    # Only headers, request records, the post's view and the metadata record: a few KB.
    assert types.count("resource") == 1
    assert second.stat().st_size < 10_000
    assert second.stat().st_size < first_size


def test_a_mixed_batch_captures_the_good_and_names_the_bad(cli_env, run_cli):
    code, out, err = run_cli(
        "capture",
        GOOD[0],
        "not a url",
        "ftp://example.org/x",
        "https://www.facebook.com/zuck",
        "http://10.0.0.1/x",
        GOOD[2],
    )
    assert code == 1
    errors = [line for line in err.splitlines() if line.startswith("Error:")]
    assert errors == [
        "Error: not a URL: not a url contains white space",
        "Error: unsupported scheme 'ftp' in ftp://example.org/x: only http and https",
        "Error: not a Facebook post: https://www.facebook.com/zuck is a profile or home page, not a post",
        "Error: refused http://10.0.0.1/x: 10.0.0.1 is a private address",
    ]
    assert "Traceback" not in err
    assert "2 captured, 4 failed" in out


def test_seed_file_and_page(cli_env, run_cli, tmp_path):
    seeds = tmp_path / "seeds.txt"
    seeds.write_text(f"# a comment\n\n{GOOD[0]}  # trailing comment\n{GOOD[2]}\n", encoding="utf-8")
    code, out, _ = run_cli("capture", "--from-file", str(seeds), "--json")
    assert code == 0 and json.loads(out)["captured"] == 2
    code, out, _ = run_cli("capture", "--from-page", WEB_PAGE, "--json")
    items = json.loads(out)["items"]
    assert [i["url"] for i in items] == [WEB_PAGE, f"https://x.com/sim_alice/status/{PHOTO_TWEET}"]


def test_capture_of_a_gone_tweet_still_records_its_time(cli_env, run_cli, sim):
    sim.set_state(f"twitter:{PLAIN_TWEET}", "deleted")
    code, out, _ = run_cli("capture", f"https://x.com/sim_bob/status/{PLAIN_TWEET}", "--json")
    assert code == 1
    assert json.loads(out)["items"][0]["outcome"] == "deleted"
    _, out, _ = run_cli("show", f"twitter:{PLAIN_TWEET}", "--json")
    post = json.loads(out)
    assert post["created_at"] == "2022-03-10T08:00:00Z"
    assert post["status"] == "never_seen"  # issue 10: never seen alive, so never suspect


@pytest.mark.parametrize(
    "args, message",
    [
        (("show", "twitter:1"), "Error: no such post in the archive: twitter:1"),
        (
            ("show", "garbage"),
            "Error: not a post id or URL: not a URL: garbage (expected http:// or https://)",
        ),
        (
            ("capture", "--from-file", "/nonexistent/seeds.txt"),
            "Error: cannot read seed list /nonexistent/seeds.txt: No such file or directory",
        ),
    ],
)
def test_cli_errors_are_one_line(cli_env, run_cli, args, message):
    run_cli("db", "upgrade")  # an archive, empty
    code, _, err = run_cli(*args)
    assert code == 1
    assert err.strip() == message


def test_usage_errors_exit_2(cli_env, run_cli):
    code, _, err = run_cli("capture")
    assert code == 2
    assert "give at least one URL" in err


def test_a_trailing_slash_is_fetched_and_recorded_as_given(tmp_path):
    """Issue 10: ``https://example.org/a/`` is requested as ``/a/`` and archived under that URL."""
    import httpx

    from archiver.config import Settings
    from archiver.runs.capture import capture
    from archiver.store import Store
    from tests.conftest import Body

    paths = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.raw_path.decode())
        if request.url.raw_path == b"/2022/03/an-article/":
            body = b"<html><head><title>An article</title></head><body>text</body></html>"
            return httpx.Response(200, headers={"Content-Type": "text/html"}, stream=Body(body))
        return httpx.Response(404, headers={"Content-Type": "text/html"}, stream=Body(b"nope"))

    settings = Settings(home=tmp_path / "a", politeness_delay=0, retries=0)
    store = Store(settings)
    report = capture(
        settings,
        store,
        ["https://example.org/2022/03/an-article/"],
        transport=httpx.MockTransport(handler),
    )
    store.close()
    assert report.captured_count == 1, report.items
    assert paths == ["/2022/03/an-article/"]
    targets = []
    for path in warc_files(settings.home):
        with open(path, "rb") as fh:
            targets += [
                r.rec_headers.get_header("WARC-Target-URI")
                for r in ArchiveIterator(fh)
                if r.rec_type == "response"
            ]
    assert targets == ["https://example.org/2022/03/an-article/"]


def test_an_x_article_is_captured_with_its_title_preview_and_cover(cli_env, run_cli, sim):
    """Issue 10, item 9, through the simulator."""
    from archiver.testing.simulator import SimPost, tweet_id_at
    from tests.conftest import T0

    tweet = tweet_id_at(T0, 40)
    sim.add(
        SimPost(
            "twitter",
            tweet,
            "sim_writer",
            "Writer (sim)",
            "",
            T0,
            article={
                "title": "An article's title",
                "preview": "Its preview.",
                "cover": "cover.jpg",
            },
        )
    )
    code, _, err = run_cli("capture", f"https://x.com/sim_writer/status/{tweet}")
    assert code == 0, err
    _, out, _ = run_cli("show", f"twitter:{tweet}", "--json")
    post = json.loads(out)
    assert post["text"] == "An article's title\n\nIts preview."
    assert [m["kind"] for m in post["media"]] == ["image"]
    assert post["media"][0]["url"].endswith("/media/cover.jpg")
