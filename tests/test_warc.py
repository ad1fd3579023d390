"""The WARC writer: records any standard reader accepts, revisits, rotation (issue 2)."""

from __future__ import annotations

import io
import itertools
from datetime import UTC, datetime

from warcio.archiveiterator import ArchiveIterator

from archiver.core.exchange import Exchange
from archiver.core.records import RevisitOf
from archiver.warc.reader import read_record
from archiver.warc.writer import WarcWriter

T = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def exchange(
    body: bytes = b"<html>hi</html>", headers=None, url="https://example.org/p"
) -> Exchange:
    ex = Exchange("page", url, url, T)
    ex.request_line = "GET /p HTTP/1.1"
    ex.request_headers = [("Host", "example.org"), ("User-Agent", "t"), ("Accept", "*/*")]
    ex.status, ex.reason = 200, "OK"
    ex.response_headers = headers or [
        ("Content-Type", "text/html"),
        ("Transfer-Encoding", "chunked"),
    ]
    ex.raw = io.BytesIO(body)
    ex.raw_length = len(body)
    ex.peer_ip = "93.184.216.34"
    return ex


def writer(tmp_path, **kw) -> WarcWriter:
    ids = (f"<urn:uuid:00000000-0000-0000-0000-{n:012d}>" for n in itertools.count(1))
    return WarcWriter(tmp_path, clock=lambda: T, make_id=lambda: next(ids), **kw)


def records(path):
    with open(path, "rb") as fh:
        return [
            (r.rec_type, dict(r.rec_headers.headers), r.content_stream().read())
            for r in ArchiveIterator(fh)
        ]


def test_file_opens_with_warcinfo_and_pairs_request_with_response(tmp_path):
    with writer(tmp_path) as w:
        req, resp = w.write_exchange(exchange())
    files = list(tmp_path.glob("archiver-20260102030405000000-*.warc.gz"))
    assert len(files) == 1
    recs = records(files[0])
    assert [r[0] for r in recs] == ["warcinfo", "request", "response"]
    request, response = recs[1][1], recs[2][1]
    assert request["WARC-Concurrent-To"] == response["WARC-Record-ID"] == resp.record_id
    assert response["WARC-Date"] == "2026-01-02T03:04:05Z"
    assert response["WARC-IP-Address"] == "93.184.216.34"
    assert response["WARC-Payload-Digest"] == resp.payload_digest
    assert recs[2][2] == b"<html>hi</html>"


def test_chunked_framing_header_is_replaced_by_the_stored_length(tmp_path):
    with writer(tmp_path) as w:
        _, resp = w.write_exchange(exchange())
    _, http, _ = read_record(tmp_path / resp.warc_file, resp.offset)
    assert http["Content-Length"] == "15"
    assert "Transfer-Encoding" not in http
    assert http["X-Archive-Orig-Transfer-Encoding"] == "chunked"


def test_each_record_reads_back_from_its_offset(tmp_path):
    with writer(tmp_path) as w:
        refs = [w.write_exchange(exchange(body=f"<p>{n}</p>".encode()))[1] for n in range(3)]
        meta = w.write_metadata(
            "https://example.org/p", {"text": "é"}, T, concurrent_to=refs[0].record_id
        )
    for n, ref in enumerate(refs):
        warc, _, body = read_record(tmp_path / ref.warc_file, ref.offset)
        assert warc["WARC-Record-ID"] == ref.record_id
        assert body == f"<p>{n}</p>".encode()
    warc, _, body = read_record(tmp_path / meta.warc_file, meta.offset)
    assert warc["WARC-Type"] == "metadata" and warc["Content-Type"] == "application/json"
    assert body.decode() == '{"text": "é"}'


def test_revisit_keeps_headers_not_payload(tmp_path):
    with writer(tmp_path) as w:
        _, first = w.write_exchange(exchange(body=b"x" * 50_000))
        _, again = w.write_exchange(
            exchange(body=b"x" * 50_000), RevisitOf(first.record_id, first.target_uri, first.date)
        )
    warc, _, body = read_record(tmp_path / again.warc_file, again.offset)
    assert warc["WARC-Type"] == "revisit"
    assert (
        warc["WARC-Profile"] == "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
    )
    assert warc["WARC-Refers-To"] == first.record_id
    assert warc["WARC-Payload-Digest"] == first.payload_digest
    assert body == b""
    assert again.length < 600


def test_truncated_responses_are_marked(tmp_path):
    ex = exchange()
    ex.truncated = "length"
    with writer(tmp_path) as w:
        _, resp = w.write_exchange(ex)
    warc, _, _ = read_record(tmp_path / resp.warc_file, resp.offset)
    assert warc["WARC-Truncated"] == "length"


def test_files_rotate_at_the_size_limit(tmp_path):
    with writer(tmp_path, max_bytes=2000) as w:
        for _n in range(6):
            w.write_exchange(exchange(body=bytes(range(256)) * 20))
    files = sorted(tmp_path.glob("*.warc.gz"))
    assert len(files) > 1
    for f in files:
        assert records(f)[0][0] == "warcinfo"


def test_no_response_no_record(tmp_path):
    ex = Exchange("page", "https://example.org/", "https://example.org/", T, error="ConnectError")
    with writer(tmp_path) as w:
        assert w.write_exchange(ex) is None


def test_records_of_every_size_compress_as_zlib_defaults_would_and_read_back(tmp_path):
    # The window is sized to each record (issue 18: setting up a 32 KB window cost more than
    # compressing a 3 KB answer); the members must still read back, each as large as before.
    import random
    import zlib

    from archiver.warc.writer import _deflate_sizes

    rng = random.Random(3)
    words = [bytes(rng.choices(b"abcdefghij", k=rng.randint(2, 9))) for _ in range(300)]
    with writer(tmp_path) as w:
        for size in (0, 10, 300, 3_000, 40_000, 300_000):
            body = b" ".join(rng.choice(words) for _ in range(size // 5))[:size]
            _, ref = w.write_exchange(exchange(body=body))
            _, _, read = read_record(tmp_path / ref.warc_file, ref.offset)
            assert read == body
            window, memory = _deflate_sizes(len(body))
            small = zlib.compressobj(6, zlib.DEFLATED, window + 16, memory)
            default = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS + 16)
            assert (
                len(small.compress(body) + small.flush())
                <= len(default.compress(body) + default.flush()) * 1.01 + 8
            )
