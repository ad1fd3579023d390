"""Issue 17: the command line as a new user meets it — each item by its exact output."""

from __future__ import annotations

import json
import re

import pytest

from archiver import console
from archiver.runs.capture import capture
from archiver.runs.recheck import recheck
from archiver.version import __version__
from tests.conftest import FB_POST, PHOTO_TWEET, PLAIN_TWEET, VIDEO_TWEET

TWEET = f"https://x.com/sim_alice/status/{PHOTO_TWEET}"
FB = "https://www.facebook.com/SimPage/posts/700000000000001"


@pytest.fixture
def filled(sim, settings, store, clock, cli_env):
    capture(settings, store, [TWEET, FB], clock=clock)
    return settings


def test_version_and_dash_h(cli_env, run_cli):
    assert run_cli("--version") == (0, f"archiver {__version__}\n", "")
    code, out, _ = run_cli("-h")
    assert code == 0 and "Usage: archiver" in out and "capture" in out
    code, out, _ = run_cli("list", "-h")
    assert code == 0 and "--wide" in out


def test_platform_and_status_take_choices_in_any_case_with_aliases(filled, run_cli):
    for given in ("fb", "Facebook", "FACEBOOK"):
        code, out, _ = run_cli("list", "--platform", given, "--json")
        assert code == 0 and [p["platform"] for p in json.loads(out)] == ["facebook"], given
    code, out, _ = run_cli("list", "--platform", "X", "--json")
    assert [p["platform"] for p in json.loads(out)] == ["twitter"]
    code, _, error = run_cli("list", "--platform", "myspace")
    assert code == 2
    assert (
        "'myspace' is not a platform: one of twitter (x), facebook (fb), telegram (tg), "
        "bluesky (bsky), web" in " ".join(error.split())
    )
    code, _, error = run_cli("list", "--status", "restord")
    assert code == 2 and "'restord' is not a status" in " ".join(error.split())
    assert run_cli("list", "--status", "Vanished") == (
        0,
        "No post matches --status vanished (2 posts in the archive).\n",
        "",
    )


def test_an_empty_archive_says_so(cli_env, run_cli):
    assert run_cli("db", "upgrade")[0] == 0  # an archive, with nothing in it yet
    assert run_cli("list") == (0, "No posts in the archive yet.\n", "")


def test_list_at_80_columns_keeps_id_status_and_whole_urls(filled, run_cli, monkeypatch):
    monkeypatch.setattr(console.out, "width", 80)
    code, out, _ = run_cli("list")
    lines = out.splitlines()
    assert code == 0 and all(len(line) <= 80 for line in lines), lines
    assert lines[0].split() == ["id", "status", "platform", "url"]
    assert re.match(r"1\s+alive\s+(twitter|facebook)\s+https://", lines[1])
    assert TWEET in out and FB in out  # whole, not cut to "…"
    # Narrower still: the URL wraps onto the next line rather than being cut short.
    monkeypatch.setattr(console.out, "width", 50)
    lines = run_cli("list")[1].splitlines()
    assert all(len(line) <= 50 for line in lines) and re.match(
        r"1\s+alive\s+(twitter|facebook)", lines[1]
    )
    joined = "".join(line.rstrip().rsplit(" ", 1)[-1] for line in lines[1:] if line.strip())
    assert TWEET in joined and FB in joined
    code, out, _ = run_cli("list", "--wide")
    assert out.splitlines()[0].split() == [
        "id",
        "status",
        "platform",
        "author",
        "created",
        "text",
        "url",
    ]


def test_capture_prints_a_line_per_post_unless_quiet(sim, cli_env, run_cli):
    code, out, _ = run_cli("capture", TWEET, FB)
    assert code == 0
    assert out.splitlines() == [
        f"     1  alive    {TWEET}",
        f"     2  alive    {FB}",
        f"2 captured, 0 failed; archive: {cli_env.home}",
    ] or out.splitlines() == [
        f"     1  alive    {FB}",
        f"     2  alive    {TWEET}",
        f"2 captured, 0 failed; archive: {cli_env.home}",
    ]
    code, out, _ = run_cli("capture", "--quiet", f"https://x.com/sim_alice/status/{VIDEO_TWEET}")
    assert out.splitlines() == [f"1 captured, 0 failed; archive: {cli_env.home}"]


def test_report_writes_a_file_in_the_archive_unless_told_otherwise(filled, run_cli, sim, clock):
    code, out, _ = run_cli("report")
    target = filled.home / "deletion-report.html"
    assert (code, out) == (0, f"0 posts in the report: {target}\n")
    assert target.read_bytes().startswith(b"<!DOCTYPE html>")
    code, out, _ = run_cli("report", "--format", "md", "--output", "-")
    assert code == 0 and out.startswith("# Deletion report")


def test_posted_dates_and_restored_posts(filled, run_cli, sim, settings, store, clock):
    sim.set_state(f"facebook:{FB_POST}", "deleted")
    for _ in range(2):
        clock.advance(hours=2)
        recheck(settings, store, check_all=True, clock=clock)
    sim.set_state(f"facebook:{FB_POST}", "live")
    clock.advance(hours=2)
    recheck(settings, store, check_all=True, clock=clock)
    code, out, _ = run_cli("report", "--status", "restored", "--format", "json", "--output", "-")
    assert [p["url"] for p in json.loads(out)["posts"]] == [FB]
    code, out, _ = run_cli("report", "--status", "all", "--format", "md", "--output", "-")
    assert "## Restored: vanished, then seen again" in out
    code, out, _ = run_cli(
        "report",
        "--status",
        "all",
        "--posted-since",
        "2022-03-11",
        "--format",
        "json",
        "--output",
        "-",
    )
    assert json.loads(out)["posts"] == []  # both simulated posts were posted on 2022-03-10
    code, out, _ = run_cli(
        "report",
        "--status",
        "all",
        "--posted-until",
        "2022-03-11",
        "--format",
        "json",
        "--output",
        "-",
    )
    assert len(json.loads(out)["posts"]) == 2
    code, _, error = run_cli("report", "--posted-since", "last tuesday")
    assert code == 1 and "--posted-since 'last tuesday' is not a date" in error


def test_review_command_and_the_reviewed_only_report(filled, run_cli, sim, settings, store, clock):
    code, _, error = run_cli("review", TWEET, "--confirm", "--note", "n", "--by", "Ana")
    assert code == 1 and "is alive, not vanished" in error
    sim.set_state(f"twitter:{PHOTO_TWEET}", "deleted")
    for _ in range(2):
        clock.advance(hours=2)
        recheck(settings, store, check_all=True, clock=clock)
    code, _, error = run_cli("review", TWEET, "--note", "n", "--by", "Ana")
    assert code == 2 and "exactly one of --confirm or --dispute" in error
    assert (
        run_cli("report", "--reviewed-only", "--format", "json", "--output", "-")[1].count('"url"')
        == 0
    )
    code, out, _ = run_cli(
        "review", TWEET, "--confirm", "--note", "Tombstone seen by hand.", "--by", "Ana"
    )
    assert code == 0 and out.startswith(f"reviewed post {TWEET}: confirmed by Ana at ")
    shown = json.loads(run_cli("show", TWEET, "--json")[1])
    assert shown["review"]["verdict"] == "confirmed" and shown["review"]["by"] == "Ana"
    posts = json.loads(
        run_cli("report", "--reviewed-only", "--format", "json", "--output", "-")[1]
    )["posts"]
    assert [p["review"]["note"] for p in posts] == ["Tombstone seen by hand."]
    entries = [e for e in store_custody(settings) if e["action"] == "review"]
    assert entries and entries[-1]["detail"]["by"] == "Ana"


def store_custody(settings):
    from archiver.store import Store
    from archiver.store.custody import body_of, entries

    store = Store(settings, readonly=True)
    try:
        return [body_of(e) for e in entries(store)]
    finally:
        store.close()


def test_recheck_says_when_it_waits_out_a_rate_limit(sim, settings, store, clock, cli_env, run_cli):
    capture(settings, store, [f"https://x.com/sim_bob/status/{PLAIN_TWEET}"], clock=clock)
    sim.set_state(f"twitter:{PLAIN_TWEET}", "rate_limited")  # 429 with Retry-After: 1
    code, _, error = run_cli("recheck", "--all")
    assert "cdn.syndication.twimg.com rate-limited, waiting 1 s (retry 1 of 1)" in error


def test_watch_stamps_its_lines_and_says_when_the_next_post_is_due(filled, run_cli, monkeypatch):
    import archiver.cli.runs as runs

    calls = []

    def stop_after_two(seconds):
        calls.append(seconds)
        if len(calls) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(runs.time, "sleep", stop_after_two)
    code, out, _ = run_cli("watch", "--interval", "1")
    lines = out.splitlines()
    stamp = r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\] "
    assert code == 0 and all(re.match(stamp, line) for line in lines), lines
    assert re.match(stamp + r"checked 2 posts: 2 alive$", lines[1])
    assert re.match(stamp + r"nothing due; the next post is due \d{4}-\d\d-\d\d ", lines[2])
    assert lines[-1].endswith("stopped")


def test_an_unresolvable_share_link_says_what_it_did_and_is_not_kept(sim, cli_env, run_cli):
    code, _, error = run_cli("capture", "https://fb.watch/x1/")
    assert code == 1
    assert (
        "Error: the share link https://fb.watch/x1/ did not lead to a post: it answered HTTP 404 "
        "without redirecting" in " ".join(error.split())
    )
    assert run_cli("list") == (0, "No posts in the archive yet.\n", "")
