"""WARC files in S3-compatible object storage: uploaded whole with their SHA-256, and read
back from there by report, verify and export (issue 7). Uses moto's standalone server."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PHOTO_TWEET, PLAIN_TWEET

BIN = Path(sys.executable).parent
URLS = [
    f"https://x.com/sim_bob/status/{PLAIN_TWEET}",
    f"https://x.com/sim_alice/status/{PHOTO_TWEET}",
]


@pytest.fixture
def s3(monkeypatch):
    if not (BIN / "moto_server").exists():
        pytest.skip("moto is not installed (make test installs it)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    for name, value in {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    import boto3

    client = boto3.client("s3")
    for _ in range(100):
        try:
            client.create_bucket(Bucket="evidence")
            break
        except Exception:
            time.sleep(0.1)
    yield client
    server.terminate()
    server.wait(timeout=10)


def test_files_go_to_the_object_store_and_are_read_back(
    cli_env, run_cli, sim, s3, monkeypatch, tmp_path
):
    monkeypatch.setenv("ARCHIVER_WARC_STORE", "s3://evidence/archive/2026")
    assert run_cli("capture", *URLS)[0] == 0
    assert list((cli_env.home / "warcs").glob("*.warc.gz")) == []  # uploaded, then removed here
    objects = s3.list_objects_v2(Bucket="evidence", Prefix="archive/2026/")["Contents"]
    assert len(objects) == 1 and objects[0]["Key"].endswith(".warc.gz")
    head = s3.head_object(Bucket="evidence", Key=objects[0]["Key"])
    _, out, _ = run_cli("show", URLS[0], "--json")
    assert json.loads(out)["captures"]

    sim.set_state(f"twitter:{PLAIN_TWEET}", "deleted")
    monkeypatch.setenv("ARCHIVER_CONFIRM_INTERVAL", "0")
    run_cli("recheck", "--all")
    run_cli("recheck", "--all")
    code, out, _ = run_cli("report", "--format", "json", "--output", "-")
    posts = json.loads(out)["posts"]
    assert [(p["url"], p["text"], p["text_source"]) for p in posts] == [
        (URLS[0], "Plain text tweet", "warc")
    ]
    assert posts[0]["evidence"]["warc_sha256"] in {h["Metadata"]["sha256"] for h in [head]} | {
        s3.head_object(Bucket="evidence", Key=o["Key"])["Metadata"]["sha256"]
        for o in s3.list_objects_v2(Bucket="evidence")["Contents"]
    }
    assert run_cli("verify")[0] == 0
    assert run_cli("export", "wacz", "--output", str(tmp_path / "a.wacz"))[0] == 0

    # A changed object is found, even though a copy was cached locally by the report.
    key = objects[0]["Key"]
    body = bytearray(s3.get_object(Bucket="evidence", Key=key)["Body"].read())
    body[300] ^= 0x01
    s3.put_object(Bucket="evidence", Key=key, Body=bytes(body))
    code, out, _ = run_cli("verify", "--json")
    assert code == 1
    assert {p["kind"] for p in json.loads(out)["problems"]} >= {"file_changed"}


def test_a_bad_store_url_is_a_clear_error(cli_env, run_cli, monkeypatch):
    monkeypatch.setenv("ARCHIVER_WARC_STORE", "ftp://bucket")
    code, _, err = run_cli("capture", URLS[0])
    assert code == 1
    assert err.strip() == "Error: ARCHIVER_WARC_STORE 'ftp://bucket' is not s3://bucket/prefix"
