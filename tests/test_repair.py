"""Torn WARC tails are cut back to the last complete record, and said so (issue 6); nothing
else is ever cut, and a sealed file is never changed by a run (issue 12)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from archiver.warc.repair import complete_length, repair_torn_files
from tests.conftest import PHOTO_TWEET, PLAIN_TWEET

URLS = [
    f"https://x.com/sim_bob/status/{PLAIN_TWEET}",
    f"https://x.com/sim_alice/status/{PHOTO_TWEET}",
]


def warcio_check(path: Path) -> int:
    return subprocess.run(
        [str(Path(sys.executable).parent / "warcio"), "check", str(path)], capture_output=True
    ).returncode


def test_complete_length_stops_at_the_last_whole_member(tmp_path):
    import gzip

    whole = gzip.compress(b"one") + gzip.compress(b"two")
    path = tmp_path / "f.gz"
    path.write_bytes(whole + gzip.compress(b"three" * 100)[:-7])
    assert complete_length(path) == len(whole)
    path.write_bytes(whole)
    assert complete_length(path) == len(whole)


def unseal(store, path: Path) -> None:
    """Make ``path`` look like the file of an interrupted run: its SHA-256 never recorded."""
    from archiver.store import WarcFile

    with store.session(write=True) as session:
        row = session.get(WarcFile, path.name)
        row.sha256 = row.size = row.closed_at = None
        session.add(row)
        session.commit()


def torn_record() -> bytes:
    """What a killed write leaves: the beginning of a gzip member, cut short."""
    import gzip
    import os

    return gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n" + os.urandom(3000))[:-900]


def test_a_torn_tail_is_cut_kept_and_reported(cli_env, run_cli, store):
    run_cli("capture", *URLS)
    path = next((cli_env.home / "warcs").glob("*.warc.gz"))
    unseal(store, path)
    intact = path.read_bytes()
    torn = torn_record()
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


def test_the_next_run_repairs_by_itself(cli_env, run_cli, store):
    run_cli("capture", URLS[0])
    path = next((cli_env.home / "warcs").glob("*.warc.gz"))
    unseal(store, path)
    path.write_bytes(path.read_bytes() + torn_record())
    code, _, err = run_cli("capture", URLS[1])
    assert code == 0
    assert f"note: repaired warcs/{path.name}" in err
    assert warcio_check(path) == 0


def test_a_file_being_written_is_left_alone(store, tmp_path):
    import fcntl
    import gzip
    import os

    store.warc_dir.mkdir(parents=True, exist_ok=True)
    path = store.warc_dir / "archiver-20260101000000000000-1.warc.gz"
    whole = gzip.compress(b"WARC/1.1\r\nWARC-Type: request\r\n\r\n")
    path.write_bytes(whole + torn_record())
    before = path.read_bytes()
    fd = os.open(path, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        assert repair_torn_files(store) == []
        assert path.read_bytes() == before
    finally:
        os.close(fd)
    assert len(repair_torn_files(store)) == 1


def _flip(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x20
    path.write_bytes(bytes(data))


def test_a_sealed_file_damaged_in_the_middle_is_never_changed_by_a_run(cli_env, run_cli):
    """Issue 12: one flipped byte at a third of a closed file made the next capture move 92
    healthy records to quarantine/. Now the run leaves it alone and verify reports the damage."""
    run_cli("capture", *URLS)
    path = next((cli_env.home / "warcs").glob("*.warc.gz"))
    _flip(path, path.stat().st_size // 3)
    damaged = path.read_bytes()
    code, _, err = run_cli("capture", "https://blog.example.org/test/page.html")
    assert code == 0, err
    assert "repaired" not in err
    assert path.read_bytes() == damaged
    assert not (cli_env.home / "quarantine").exists()
    code, out, _ = run_cli("verify", "--json")
    import json

    problems = json.loads(out)["problems"]
    assert code == 1 and 1 <= len(problems) <= 3, problems  # the file's hash, the damaged record
    assert all(p["warc_file"] == path.name for p in problems)


def test_an_unsealed_file_damaged_in_the_middle_is_not_cut_either(cli_env, run_cli, store):
    run_cli("capture", *URLS)
    path = next((cli_env.home / "warcs").glob("*.warc.gz"))
    unseal(store, path)
    _flip(path, path.stat().st_size // 3)
    damaged = path.read_bytes()
    assert repair_torn_files(store) == []
    assert path.read_bytes() == damaged


def test_files_that_hold_nothing_are_removed(store):
    """Issue 12: a full disk left 0-byte WARC files; a writer that died before its first record
    leaves one holding only its warcinfo. Neither is evidence of anything."""
    import os
    import time

    from archiver.warc.writer import WarcWriter

    store.warc_dir.mkdir(parents=True, exist_ok=True)
    empty = store.warc_dir / "archiver-20260101000000000000-9-0001.warc.gz"
    empty.write_bytes(b"")
    old = time.time() - 3600
    os.utime(empty, (old, old))
    writer = WarcWriter(store.warc_dir)
    writer._ensure_open()
    header_only = store.warc_dir / writer.current_file
    writer._fh.flush()
    os.close(os.dup(writer._fh.fileno()))
    import fcntl

    fcntl.flock(writer._fh.fileno(), fcntl.LOCK_UN)  # as if its process had died
    assert header_only.stat().st_size > 0
    repair_torn_files(store)
    assert not empty.exists() and not header_only.exists()
    writer._fh.close()
    writer._fh = None


def test_a_writer_closing_a_file_it_never_used_removes_it(tmp_path):
    from archiver.warc.writer import WarcWriter

    writer = WarcWriter(tmp_path)
    writer._ensure_open()
    writer.close()
    assert list(tmp_path.glob("*.warc.gz")) == [] and writer.closed_files == []
