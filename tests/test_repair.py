"""Torn WARC tails are cut back to the last complete record, and said so (issue 6)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from archiver.repair import complete_length, repair_torn_files
from tests.conftest import PHOTO_TWEET, PLAIN_TWEET

URLS = [f"https://x.com/sim_bob/status/{PLAIN_TWEET}", f"https://x.com/sim_alice/status/{PHOTO_TWEET}"]


def warcio_check(path: Path) -> int:
    return subprocess.run([str(Path(sys.executable).parent / "warcio"), "check", str(path)],
                          capture_output=True).returncode


def test_complete_length_stops_at_the_last_whole_member(tmp_path):
    import gzip

    whole = gzip.compress(b"one") + gzip.compress(b"two")
    path = tmp_path / "f.gz"
    path.write_bytes(whole + gzip.compress(b"three" * 100)[:-7])
    assert complete_length(path) == len(whole)
    path.write_bytes(whole)
    assert complete_length(path) == len(whole)


def test_a_torn_tail_is_cut_kept_and_reported(cli_env, run_cli, store):
    run_cli("capture", *URLS)
    path = next((cli_env.home / "warcs").glob("*.warc.gz"))
    intact = path.read_bytes()
    torn = b"\x1f\x8b\x08\x00" + b"half a record" * 20
    path.write_bytes(intact + torn)
    assert warcio_check(path) != 0
    code, out, err = run_cli("verify", "--repair")
    assert code == 0, out + err
    assert f"note: repaired warcs/{path.name}: cut a torn tail of {len(torn)} bytes" in err
    assert path.read_bytes() == intact
    assert warcio_check(path) == 0
    kept = cli_env.home / "quarantine" / f"{path.name}.torn-at-{len(intact)}"
    assert kept.read_bytes() == torn
    assert repair_torn_files(store) == []  # nothing left to do


def test_the_next_run_repairs_by_itself(cli_env, run_cli):
    run_cli("capture", URLS[0])
    path = next((cli_env.home / "warcs").glob("*.warc.gz"))
    path.write_bytes(path.read_bytes() + b"\x1f\x8b\x08torn")
    code, _, err = run_cli("capture", URLS[1])
    assert code == 0
    assert f"note: repaired warcs/{path.name}" in err
    assert warcio_check(path) == 0


def test_a_file_being_written_is_left_alone(store, tmp_path):
    import fcntl
    import os

    store.warc_dir.mkdir(parents=True, exist_ok=True)
    path = store.warc_dir / "archiver-20260101000000000000-1.warc.gz"
    path.write_bytes(b"\x1f\x8b\x08partial")
    fd = os.open(path, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        assert repair_torn_files(store) == []
        assert path.read_bytes() == b"\x1f\x8b\x08partial"
    finally:
        os.close(fd)
    assert len(repair_torn_files(store)) == 1
