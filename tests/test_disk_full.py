"""A full disk ends a run with a clear error and leaves a consistent archive (issue 6)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import UTC
from pathlib import Path

import pytest

from archiver.config import Settings
from archiver.store import Store
from archiver.testing.simulator import SimPost, tweet_id_at
from archiver.warc.verify import verify
from tests.conftest import T0


def mount_small_fs(path: Path, size: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(path)],
        capture_output=True,
    )
    return done.returncode == 0


@pytest.fixture
def small_fs(tmp_path):
    mount = tmp_path / f"fs-{uuid.uuid4().hex[:6]}"
    if not mount_small_fs(mount, "3m"):
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_full_disk_stops_the_run_with_a_clear_error(small_fs, sim, monkeypatch):
    urls = []
    for n in range(12):
        tid = tweet_id_at(T0, 900 + n)
        sim.add(SimPost("twitter", tid, f"big_{n}", f"Big {n}", f"post {n}", T0, video="big.mp4"))
        urls.append(f"https://x.com/big_{n}/status/{tid}")
    sim.video_bytes = 600_000  # a few of these fill the 3 MB filesystem
    home = small_fs / "archive"
    env = dict(
        os.environ,
        ARCHIVER_HOME=str(home),
        ARCHIVER_URL_REWRITE=sim.rewrite_spec(),
        ARCHIVER_POLITENESS_DELAY="0",
        ARCHIVER_CONCURRENCY="2",
    )
    done = subprocess.run(
        [sys.executable, "-m", "archiver", "capture", *urls],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: ") and "No space left on device" in last, done.stderr
    # Consistent: everything the database names is on disk, whole, with the right digests.
    store = Store(Settings(home=home))
    result = verify(store)
    assert result.ok, [str(p) for p in result.problems]
    for path in (home / "warcs").glob("*.warc.gz"):
        # Issue 12: nothing the full disk kept from being written is left behind as an empty file.
        assert path.stat().st_size > 0, path.name
        check = subprocess.run(
            [str(Path(sys.executable).parent / "warcio"), "check", str(path)],
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stdout
    store.close()


class FailingFile:
    """A file object whose writes fail with ENOSPC once ``budget`` bytes are used."""

    def __init__(self, real, budget: int):
        self.real, self.budget = real, budget

    def write(self, data: bytes) -> int:
        if self.real.tell() + len(data) > self.budget:
            raise OSError(28, "No space left on device")
        return self.real.write(data)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_failed_writes_are_cut_back_and_named(tmp_path):
    import io
    from datetime import datetime

    from archiver.core.exchange import Exchange
    from archiver.errors import WarcError
    from archiver.warc.writer import WarcWriter

    writer = WarcWriter(tmp_path)
    ex = Exchange("page", "https://e.org/", "https://e.org/", datetime.now(UTC))
    ex.status, ex.reason, ex.raw = 200, "OK", io.BytesIO(os.urandom(50_000))
    ex.raw_length = 50_000
    writer.write_exchange(ex)
    size = writer._fh.tell()
    writer._fh = FailingFile(writer._fh, size + 1000)
    ex.raw.seek(0)
    with pytest.raises(WarcError, match="cannot write to archiver-.*: No space left on device"):
        writer.write_exchange(ex)
    assert writer._fh.tell() == size  # no partial record left behind
    writer._fh = writer._fh.real
    writer.close()
    path = next(tmp_path.glob("*.warc.gz"))
    assert path.stat().st_size == size


def test_a_file_whose_header_cannot_be_written_is_removed(tmp_path, monkeypatch):
    """Issue 12: a disk full when a new WARC file starts left a 0-byte file behind."""
    import io
    from datetime import datetime

    from archiver.core.exchange import Exchange
    from archiver.errors import WarcError
    from archiver.warc.writer import WarcWriter

    writer = WarcWriter(tmp_path)
    real_fdopen = os.fdopen

    def full_disk(fd, mode="r", *args, **kwargs):
        return FailingFile(real_fdopen(fd, mode, *args, **kwargs), 0)

    monkeypatch.setattr(os, "fdopen", full_disk)
    ex = Exchange("page", "https://e.org/", "https://e.org/", datetime.now(UTC))
    ex.status, ex.reason, ex.raw, ex.raw_length = 200, "OK", io.BytesIO(b"x"), 1
    with pytest.raises(WarcError, match="No space left on device"):
        writer.write_exchange(ex)
    assert list(tmp_path.glob("*.warc.gz")) == []
