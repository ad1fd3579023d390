"""The deletion report in four formats (issue 4)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC

import pytest
from sqlmodel import select

from archiver.report.build import build_report
from archiver.report.renderers import (
    CSV_COLUMNS,
    render_csv,
    render_html,
    render_json,
    render_markdown,
)
from archiver.runs.capture import capture
from archiver.runs.recheck import recheck
from archiver.store import Post
from archiver.testing.simulator import SimPost, tweet_id_at
from tests.conftest import FB_POST, PHOTO_TWEET, PLAIN_TWEET, T0, VIDEO_TWEET, WEB_PAGE

TWEET = f"https://x.com/sim_bob/status/{PLAIN_TWEET}"
PHOTO = f"https://x.com/sim_alice/status/{PHOTO_TWEET}"
VIDEO = f"https://x.com/sim_alice/status/{VIDEO_TWEET}"
FB = "https://www.facebook.com/SimPage/posts/700000000000001"
HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> =HYPERLINK("http://evil") *bold* [x](y)'


@pytest.fixture
def scenario(sim, settings, store, clock):
    """Capture a batch; delete some posts, wall or limit others; recheck twice."""
    hostile_id = tweet_id_at(T0, 77)
    sim.add(
        SimPost("twitter", hostile_id, "sim_mallory", "Mallory <b>", HOSTILE, T0, photos=["m.png"])
    )
    hostile = f"https://x.com/sim_mallory/status/{hostile_id}"
    urls = [TWEET, PHOTO, VIDEO, FB, WEB_PAGE, hostile]
    capture(settings, store, urls, clock=clock)
    captured_at = clock()
    sim.set_state(f"twitter:{PLAIN_TWEET}", "deleted")
    sim.set_state(f"facebook:{FB_POST}", "deleted")
    sim.set_state(f"twitter:{hostile_id}", "suspended")
    sim.set_state(f"twitter:{VIDEO_TWEET}", "login_wall")
    sim.set_state(f"web:{WEB_PAGE}", "rate_limited")
    clock.advance(hours=1)
    first_gone = clock()
    recheck(settings, store, check_all=True, clock=clock)
    clock.advance(hours=1)
    confirmed = clock()
    recheck(settings, store, check_all=True, clock=clock)
    return {
        "captured_at": captured_at,
        "first_gone": first_gone,
        "confirmed": confirmed,
        "hostile": hostile,
    }


def test_the_report_lists_exactly_the_vanished_posts(scenario, store):
    report = build_report(store)
    got = {(p.url, p.reason, p.certainty) for p in report.posts}
    assert got == {
        (TWEET, "deleted", "high"),
        (FB, "unavailable", "low"),
        (scenario["hostile"], "account_suspended", "high"),
    }
    for post in report.posts:
        assert post.status == "vanished"
        assert post.last_seen_alive_at == scenario["captured_at"]
        assert post.first_seen_gone_at == scenario["first_gone"]
        assert post.vanished_at == scenario["confirmed"]
        assert post.observations == 3
        assert post.text_source == "warc"
        assert post.evidence.warc_sha256 and len(post.evidence.warc_sha256) == 64
        assert post.evidence.payload_digest.startswith("sha1:")
    assert {p.status for p in build_report(store, status="all").posts} == {
        "vanished",
        "alive",
        "unknown",
    }
    assert build_report(store, status="suspect").posts == []


def test_archived_text_comes_from_the_warc(scenario, store):
    with store.session() as session:
        post = session.exec(select(Post).where(Post.post_key == PLAIN_TWEET)).one()
        post.text = "tampered in the database"
        session.add(post)
        session.commit()
    report = build_report(store)
    tweet = next(p for p in report.posts if p.url == TWEET)
    assert tweet.text == "Plain text tweet"


def test_filters(scenario, store, tmp_path):
    assert {p.platform for p in build_report(store, platform="facebook").posts} == {"facebook"}
    seeds = tmp_path / "seeds.txt"
    seeds.write_text(f"# only one\nhttps://twitter.com/sim_bob/status/{PLAIN_TWEET}?s=20\n")
    assert [p.url for p in build_report(store, seeds=seeds).posts] == [TWEET]
    later = scenario["confirmed"].replace(year=scenario["confirmed"].year + 1)
    assert build_report(store, since=later).posts == []
    assert len(build_report(store, until=later).posts) == 3


def test_all_four_formats_agree(scenario, store):
    report = build_report(store, with_media=True)
    urls = {TWEET, FB, scenario["hostile"]}

    rows = list(csv.DictReader(io.StringIO(render_csv(report).decode("utf-8-sig"))))
    assert list(rows[0].keys()) == CSV_COLUMNS
    assert {r["url"] for r in rows} == urls
    assert {r["reason"] for r in rows} == {"deleted", "unavailable", "account_suspended"}

    data = json.loads(render_json(report))
    assert data["schema"] == "archiver-report/1"
    assert {p["url"] for p in data["posts"]} == urls
    assert all(p["evidence"]["warc_sha256"] for p in data["posts"])
    assert data["archive"]["by_status"]["vanished"] == 3

    md = render_markdown(report).decode()
    assert all(u in md for u in urls)
    assert md.count("\n## ") == 3

    page = render_html(report).decode()
    assert all(f'id="post-{p.id}"' in page for p in report.posts)
    assert page.count('class="card"') == 3
    assert "data:image/png;base64," in page  # images inlined from the archive


def test_post_content_is_escaped_everywhere(scenario, store):
    report = build_report(store, with_media=True)
    page = render_html(report).decode()
    assert "<script>window.__pwned" not in page and "<img src=x" not in page
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert "Mallory &lt;b&gt;" in page
    row = next(
        r
        for r in csv.DictReader(io.StringIO(render_csv(report).decode("utf-8-sig")))
        if r["author"] == "sim_mallory"
    )
    assert row["text"] == HOSTILE  # kept as data, exactly
    md = render_markdown(report).decode()
    assert "\\<script\\>" in md and "\\*bold\\*" in md and "\\[x\\]" in md


def test_csv_defuses_formulas():
    from archiver.report.renderers import _cell

    assert _cell("=1+1") == "'=1+1"
    assert _cell("@SUM(A1)") == "'@SUM(A1)"
    assert _cell("plain") == "plain"


def test_an_empty_archive_says_so(store):
    report = build_report(store)
    assert report.posts == []
    assert "The archive holds no posts yet." in render_html(report).decode()
    assert "The archive holds no posts yet." in render_markdown(report).decode()
    assert json.loads(render_json(report))["posts"] == []
    assert render_csv(report).decode("utf-8-sig").strip() == ",".join(CSV_COLUMNS)


def test_no_vanished_posts_says_so(sim, settings, store, clock):
    capture(settings, store, [TWEET], clock=clock)
    assert (
        "No post has vanished among the 1 posts tracked."
        in render_markdown(build_report(store)).decode()
    )


@pytest.mark.parametrize("fmt", ["html", "csv", "json", "md"])
def test_report_command_writes_each_format(cli_env, run_cli, tmp_path, fmt):
    run_cli("capture", TWEET)
    code, out, err = run_cli("report", "--format", fmt, "--output", str(tmp_path))
    assert code == 0, err
    assert (tmp_path / f"deletion-report.{fmt}").stat().st_size > 0
    code, out, _ = run_cli("report", "--format", fmt, "--status", "all", "--output", "-")
    assert code == 0 and out


def test_report_command_rejects_bad_input(cli_env, run_cli, tmp_path):
    run_cli("db", "upgrade")  # an archive, empty
    code, _, err = run_cli("report", "--since", "yesterday")
    assert code == 1
    assert (
        err.strip()
        == "Error: --since 'yesterday' is not a date (use YYYY-MM-DD or an ISO 8601 time)"
    )
    code, _, err = run_cli("report", "--output", str(tmp_path / "no" / "such" / "dir" / "r.html"))
    assert code == 1 and "does not exist" in err
    code, _, err = run_cli("report", "--format", "pdf")
    assert code == 2


def test_a_huge_cell_is_cut_and_says_so():
    """Issue 12, item 11: a 1,000,000-character cell was written as is."""
    from datetime import datetime

    from archiver.report.build import Report, ReportPost

    post = ReportPost(
        id=1,
        platform="web",
        post_id="u",
        kind="page",
        url="https://e.org/",
        author=None,
        author_name=None,
        created_at=None,
        text="x" * 1_000_000,
        text_source="warc",
        lang=None,
        status="vanished",
        reason="deleted",
        certainty="high",
        certainty_note="",
        first_captured_at=None,
        last_seen_alive_at=None,
        first_seen_gone_at=None,
        vanished_at=None,
        observations=2,
        evidence=None,
    )
    report = Report(datetime.now(UTC), {"status": "vanished"}, 1, {"vanished": 1}, [post])
    rows = list(csv.DictReader(io.StringIO(render_csv(report).decode("utf-8-sig"))))
    cell = rows[0]["text"]
    assert len(cell) < 32_767
    assert cell.endswith(
        "[cut here: 968000 more characters; the whole text is in the JSON report and in the WARC record]"
    )
    assert len(json.loads(render_json(report))["posts"][0]["text"]) == 1_000_000
