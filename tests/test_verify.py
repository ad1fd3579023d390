"""archiver verify: passes on a fresh archive, finds a flipped byte, a truncation, a missing file (issue 4)."""

from __future__ import annotations

import json

from tests.conftest import PHOTO_TWEET, PLAIN_TWEET

URLS = [
    f"https://x.com/sim_bob/status/{PLAIN_TWEET}",
    f"https://x.com/sim_alice/status/{PHOTO_TWEET}",
    "https://www.facebook.com/SimPage/posts/700000000000001",
]


def test_a_fresh_archive_verifies(cli_env, run_cli):
    run_cli("capture", *URLS)
    run_cli("recheck", "--all")
    code, out, _ = run_cli("verify")
    assert code == 0
    assert out.strip().endswith(": OK")
    code, out, _ = run_cli("verify", "--json")
    data = json.loads(out)
    assert data["ok"] and data["records"] > 20 and data["files"] == 2


def test_a_flipped_byte_is_found(cli_env, run_cli):
    run_cli("capture", *URLS)
    path = next((cli_env.home / "warcs").glob("*.warc.gz"))
    _, out, _ = run_cli("show", URLS[0], "--json")
    offset = json.loads(out)["captures"][0]["offset"]
    data = bytearray(path.read_bytes())
    data[offset + 200] ^= 0x01
    path.write_bytes(bytes(data))
    code, out, _ = run_cli("verify")
    assert code == 1
    assert f"file_changed: warcs/{path.name}: SHA-256 is" in out
    assert f"warcs/{path.name} @{offset}" in out


def test_truncated_and_missing_files_are_found(cli_env, run_cli):
    run_cli("capture", URLS[0])
    run_cli("capture", URLS[1])
    first, second = sorted((cli_env.home / "warcs").glob("*.warc.gz"))
    first.write_bytes(first.read_bytes()[:-300])
    second.unlink()
    code, out, _ = run_cli("verify", "--json")
    assert code == 1
    kinds = {(p["kind"], p["warc_file"]) for p in json.loads(out)["problems"]}
    assert ("file_changed", first.name) in kinds
    assert ("unreadable", first.name) in kinds
    assert ("missing_file", second.name) in kinds
