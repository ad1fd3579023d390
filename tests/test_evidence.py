"""Issue 15: evidence that stands up — RFC 3161 stamps of every sealed WARC file (checked by
verify and by openssl alone), a custody log in a hash chain, a picture of each post drawn from
the archive, and an exhibit per post."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import pytest
from sqlmodel import select
from warcio.archiveiterator import ArchiveIterator

from archiver import Archive
from archiver.runs.capture import capture
from archiver.runs.recheck import recheck
from archiver.store import Store
from archiver.store.custody import check_chain, entries
from archiver.store.models import Stamp
from archiver.testing.tsa import LocalTSA
from archiver.warc.files import token_paths
from archiver.warc.verify import verify
from tests.conftest import FB_POST, PHOTO_TWEET, PLAIN_TWEET

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PDFTOTEXT = shutil.which("pdftotext")
TSA_HOST = "timestamp.test.invalid"
PHOTO = f"https://x.com/sim_alice/status/{PHOTO_TWEET}"
PLAIN = f"https://x.com/sim_bob/status/{PLAIN_TWEET}"
FB_URL = "https://www.facebook.com/SimPage/posts/700000000000001"


def _with_tsa(settings, tsa: LocalTSA, tmp_path: Path):
    return replace(
        settings,
        tsa_urls=(f"http://{TSA_HOST}/tsr",),
        resolve=((TSA_HOST, 80, "127.0.0.1", tsa.port),),
        tsa_ca=str(tsa.write_ca(tmp_path / "tsa-ca.pem")),
    )


@pytest.fixture
def tsa():
    with LocalTSA() as authority:
        yield authority


@pytest.fixture
def stamped(settings, tsa, tmp_path):
    return _with_tsa(settings, tsa, tmp_path)


def _stamps(store: Store) -> list[Stamp]:
    with store.session() as session:
        return list(session.exec(select(Stamp)))


def test_every_sealed_file_is_stamped_and_verifies(sim, stamped, clock, tmp_path):
    store = Store(stamped)
    capture(stamped, store, [PHOTO, FB_URL], clock=clock)
    [stamp] = _stamps(store)
    assert stamp.status == "stamped" and stamp.token and stamp.gen_time and stamp.serial
    tsr, pem = token_paths(store, stamp.warc_file, stamp.authority)
    assert tsr.read_bytes() == stamp.token and b"BEGIN CERTIFICATE" in pem.read_bytes()
    result = verify(store)
    assert result.ok, result.problems
    assert (result.stamps_verified, result.stamps_pending, result.stamps_failed) == (1, 0, 0)
    assert result.as_json()["timestamps"] == {"verified": 1, "pending": 0, "failed": 0}
    # A third party needs nothing but OpenSSL, the file, the token and the authority's root.
    warc = store.warc_dir / stamp.warc_file
    check = subprocess.run(
        ["openssl", "ts", "-verify", "-in", str(tsr), "-data", str(warc)]
        + ["-untrusted", str(pem), "-CAfile", stamped.tsa_ca],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0 and "Verification: OK" in check.stdout, check.stderr
    store.close()


def test_a_changed_file_no_longer_matches_its_stamp(sim, stamped, clock):
    store = Store(stamped)
    capture(stamped, store, [PHOTO], clock=clock)
    [stamp] = _stamps(store)
    warc = store.warc_dir / stamp.warc_file
    data = bytearray(warc.read_bytes())
    data[len(data) // 2] ^= 0x01
    warc.write_bytes(bytes(data))
    result = verify(store)
    assert any(p.kind == "file_changed" for p in result.problems)
    tsr, pem = token_paths(store, stamp.warc_file, stamp.authority)
    check = subprocess.run(
        ["openssl", "ts", "-verify", "-in", str(tsr), "-data", str(warc)]
        + ["-untrusted", str(pem), "-CAfile", stamped.tsa_ca],
        capture_output=True,
    )
    assert check.returncode != 0
    store.close()


def test_an_authority_that_is_down_leaves_the_file_pending_until_stamp(sim, stamped, tsa, clock):
    tsa.mode = "down"
    store = Store(stamped)
    report = capture(stamped, store, [PHOTO], clock=clock)
    assert report.captured_count == 1  # the run went through
    [stamp] = _stamps(store)
    assert stamp.status == "pending" and "503" in stamp.last_error
    assert verify(store).stamps_pending == 1
    tsa.mode = "ok"
    with Archive(settings=stamped, clock=clock) as archive:
        done = archive.stamp()
    assert len(done.stamped) == 1 and done.pending == 0
    assert verify(store).stamps_verified == 1
    store.close()


def test_a_pending_stamp_is_asked_for_again_when_the_next_run_starts(sim, stamped, tsa, clock):
    tsa.mode = "garbage"
    store = Store(stamped)
    capture(stamped, store, [PHOTO], clock=clock)
    assert [s.status for s in _stamps(store)] == ["pending"]
    assert "not an RFC 3161" in _stamps(store)[0].last_error
    tsa.mode = "ok"
    clock.advance(hours=2)
    recheck(stamped, store, check_all=True, clock=clock)
    assert {s.status for s in _stamps(store)} == {"stamped"}
    assert len(_stamps(store)) == 2  # the first file, and the recheck's own
    store.close()


def test_a_stamp_verifies_after_the_authority_certificate_expired(sim, settings, clock, tmp_path):
    with LocalTSA(valid_for=dt.timedelta(seconds=4)) as short_lived:
        stamped = _with_tsa(settings, short_lived, tmp_path)
        store = Store(stamped)
        capture(stamped, store, [PHOTO], clock=clock)
        expiry = short_lived.tsa_cert.not_valid_after_utc
    time.sleep(max(0.0, (expiry - dt.datetime.now(dt.UTC)).total_seconds()) + 1.5)
    assert dt.datetime.now(dt.UTC) > expiry
    result = verify(store)  # judged at the stamp's own time, not today's
    assert result.stamps_verified == 1 and result.ok, result.problems
    store.close()


def test_a_forged_token_fails(sim, stamped, tsa, clock):
    tsa.mode = "forge"  # signed by a key no trusted CA vouches for
    store = Store(stamped)
    capture(stamped, store, [PHOTO], clock=clock)
    result = verify(store)
    assert result.stamps_failed == 1 and not result.ok
    [problem] = [p for p in result.problems if p.kind == "timestamp_failed"]
    assert "does not verify" in problem.detail
    store.close()


def test_a_token_swapped_on_disk_or_in_the_database_is_caught(sim, stamped, tsa, clock):
    store = Store(stamped)
    capture(stamped, store, [PHOTO], clock=clock)
    clock.advance(hours=2)
    recheck(stamped, store, check_all=True, clock=clock)
    first, second = _stamps(store)
    tsr, _ = token_paths(store, first.warc_file, first.authority)
    tsr.write_bytes(second.token or b"")  # another file's genuine token
    problems = [p for p in verify(store).problems if p.kind == "timestamp_failed"]
    assert [p.warc_file for p in problems] == [first.warc_file]
    store.close()


def test_the_custody_log_is_a_hash_chain_verify_checks(sim, stamped, clock, tmp_path):
    with Archive(settings=stamped, clock=clock) as archive:
        archive.capture([PHOTO, PLAIN])
        clock.advance(hours=2)
        archive.recheck(check_all=True)
        archive.export_wacz(tmp_path / "x.wacz", [PHOTO])
        archive.verify()
        log = entries(archive.store)
        assert [e.action for e in log] == [
            "stamp",
            "capture",
            "stamp",
            "recheck",
            "export",
            "verify",
        ]
        assert [e.seq for e in log] == list(range(1, 7))
        assert all(e.prev_sha256 == p.sha256 for p, e in zip(log, log[1:], strict=False))
        assert json.loads(log[4].subject_json) == {"posts": [archive.post(PHOTO)["id"]]}
        assert check_chain(archive.store) == (6, [])
    db = sqlite3.connect(stamped.home / "archiver.db")
    db.execute("UPDATE custody SET detail_json = '{\"captured\": 99}' WHERE seq = 2")
    db.commit()
    db.close()
    store = Store(stamped)
    result = verify(store)
    assert [p.detail for p in result.problems if p.kind == "custody_chain"] == [
        "entry 2 was changed after it was written"
    ]
    store.close()
    db = sqlite3.connect(stamped.home / "archiver.db")
    db.execute("DELETE FROM custody WHERE seq = 4")
    db.commit()
    db.close()
    store = Store(stamped)
    details = [p.detail for p in verify(store).problems if p.kind == "custody_chain"]
    assert "entry 4 is missing (the next is 5)" in details
    assert "entry 5 does not follow the entry before it" in details
    store.close()


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_a_capture_draws_each_post_from_the_archive(sim, settings, clock):
    drawing = replace(settings, chromium="")
    store = Store(drawing)
    report = capture(drawing, store, [PHOTO, FB_URL], clock=clock)
    assert report.notes == []
    pictures = {}
    for path in sorted((drawing.home / "warcs").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                if uri.endswith("/picture.png"):
                    pictures[uri] = (record.rec_headers, record.content_stream().read())
    assert set(pictures) == {
        f"https://view.archiver.invalid/twitter/{PHOTO_TWEET}/picture.png",
        "https://view.archiver.invalid/facebook/post:700000000000001/picture.png",
    }
    headers, png = pictures[f"https://view.archiver.invalid/twitter/{PHOTO_TWEET}/picture.png"]
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5_000
    assert headers.get_header("Content-Type") == "image/png"
    # Drawn from the view and the photo, both named.
    assert len([v for k, v in headers.headers if k == "Archiver-Derived-From"]) >= 2
    store.close()


def test_without_a_browser_a_capture_says_so_once_and_goes_on(sim, settings, clock):
    blind = replace(settings, chromium=str(settings.home / "no-such-browser"))
    store = Store(blind)
    report = capture(blind, store, [PHOTO, PLAIN], clock=clock)
    assert report.captured_count == 2
    assert len(report.notes) == 1 and "no pictures of the posts" in report.notes[0]
    store.close()


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext is not installed (poppler-utils)")
def test_an_exhibit_says_everything_a_reader_needs(sim, stamped, clock, tmp_path):
    drawing = replace(stamped, chromium="")
    with Archive(settings=drawing, clock=clock) as archive:
        archive.capture([FB_URL, PHOTO])
        sim.set_state(f"facebook:{FB_POST}", "deleted")
        for _ in range(2):
            clock.advance(hours=2)
            archive.recheck(check_all=True)
        result = archive.exhibit(FB_URL, tmp_path / "exhibit.pdf")
        assert result.with_picture and result.custody_note == ""
        text = subprocess.run(
            [PDFTOTEXT, str(result.output), "-"], capture_output=True, text=True
        ).stdout
        log = entries(archive.store)
    flat = " ".join(text.split())
    for expected in [
        "Exhibit: a facebook post, as archived",
        "A Facebook post for the tests",  # the archived text
        "vanished (unavailable)",
        "Every time in this document is in UTC",
        "UTC",
        "Every look at it",
        "unavailable",
        "deleted, or shown to fewer people",
        "sha256sum",
        "openssl ts -verify",
        "timestamp.test.invalid",
        "verifies",
        "audience was narrowed",
        "Custody log entries about this post",
    ]:
        assert expected in flat, (expected, flat[flat.find("4. Trusted") :][:3000])
    assert log[-1].action == "exhibit" and result.sha256 in log[-1].detail_json


def test_an_exhibit_as_html_needs_no_browser(sim, settings, clock, tmp_path):
    with Archive(settings=settings, clock=clock) as archive:
        archive.capture([PHOTO])
        result = archive.exhibit(PHOTO, tmp_path / "exhibit.html")
    page = result.output.read_text()
    assert "Exhibit: a twitter post, as archived" in page
    assert "A photo tweet &lt;script&gt;x&lt;/script&gt;" in page  # escaped, never markup
