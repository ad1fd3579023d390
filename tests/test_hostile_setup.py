"""Issue 12, item 4: a damaged record, a newer database, absurd settings and over-long fields
each give one clear line (or a kept run), never a traceback."""

from __future__ import annotations

import json

import pytest

from archiver.testing.simulator import SimPost, tweet_id_at
from tests.conftest import PHOTO_TWEET, T0

TWEET = f"https://x.com/sim_alice/status/{PHOTO_TWEET}"


def test_the_report_survives_a_damaged_record(cli_env, run_cli):
    run_cli("capture", TWEET)
    _, out, _ = run_cli("show", TWEET, "--json")
    capture = json.loads(out)["captures"][0]
    path = cli_env.home / capture["warc_file"]
    data = bytearray(path.read_bytes())
    data[capture["offset"] + capture["length"] // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    code, out, err = run_cli("report", "--format", "json", "--status", "all", "--output", "-")
    assert code == 0, err
    post = next(p for p in json.loads(out)["posts"] if p["url"] == TWEET)
    assert post["text_source"] == "database"
    assert any("could not be read" in w for w in post["warnings"])


def test_a_database_written_by_a_newer_archiver_is_named(cli_env, run_cli, settings):
    from sqlalchemy import create_engine, text

    run_cli("capture", TWEET)
    engine = create_engine(settings.resolved_database_url())
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    engine.dispose()
    for args in (["list"], ["capture", TWEET]):
        code, _, err = run_cli(*args)
        assert code == 1
        assert err.strip() == (
            "Error: this archive was written by a newer archiver (database revision "
            "9999_from_the_future); upgrade archiver to read it"
        )


@pytest.mark.parametrize(
    "name, value",
    [
        ("ARCHIVER_SCHEDULE", "nan"),
        ("ARCHIVER_SCHEDULE", "inf"),
        ("ARCHIVER_SCHEDULE", "1e30d"),
        ("ARCHIVER_CONFIRM_INTERVAL", "nan"),
        ("ARCHIVER_MAX_RESPONSE_BYTES", "0"),
        ("ARCHIVER_MAX_DECODED_BYTES", "-1"),
        ("ARCHIVER_WARC_MAX_BYTES", "0"),
        ("ARCHIVER_MAX_REDIRECTS", "0"),
        ("ARCHIVER_MAX_REDIRECTS", "-3"),
        ("ARCHIVER_READ_TIMEOUT", "nan"),
        ("ARCHIVER_CONNECT_TIMEOUT", "-1"),
        ("ARCHIVER_TOTAL_TIMEOUT", "0"),
        ("ARCHIVER_CONCURRENCY", "0"),
        ("ARCHIVER_MASS_GONE_RATIO", "2"),
    ],
)
def test_absurd_settings_are_refused_at_start_naming_the_setting(
    cli_env, run_cli, monkeypatch, name, value
):
    monkeypatch.setenv(name, value)
    code, _, err = run_cli("capture", TWEET)
    assert code == 1
    assert err.strip().startswith(f"Error: {name}=")
    assert "Traceback" not in err


def test_over_long_names_and_languages_are_cut_not_fatal_on_postgresql(
    pg_url, sim, settings, monkeypatch
):
    from dataclasses import replace

    from archiver.runs.capture import capture
    from archiver.store import Store
    from archiver.store.posts import iter_posts

    tid = tweet_id_at(T0, 777)
    sim.add(SimPost("twitter", tid, "sim_long", "N" * 900, "a post", T0, lang="x" * 80))
    pg = replace(settings, database_url=pg_url)
    store = Store(pg)
    report = capture(pg, store, [f"https://x.com/sim_long/status/{tid}"])
    assert report.captured_count == 1, [i.message for i in report.items]
    with store.session() as session:
        post = next(iter_posts(session))
    store.close()
    assert len(post.author_name) == 512 and post.author_name.endswith("…")
    assert len(post.lang) == 32
