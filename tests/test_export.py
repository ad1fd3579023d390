"""Standard archives: a WACZ that passes `wacz validate`, WARCs that pywb replays (issue 4)."""

from __future__ import annotations

import gzip
import json
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.conftest import PHOTO_TWEET, PLAIN_TWEET

BIN = Path(sys.executable).parent
TWEET = f"https://x.com/sim_bob/status/{PLAIN_TWEET}"
PHOTO = f"https://x.com/sim_alice/status/{PHOTO_TWEET}"
FB = "https://www.facebook.com/SimPage/posts/700000000000001"


def test_wacz_export_validates_with_one_page_per_post(cli_env, run_cli, tmp_path):
    run_cli("capture", TWEET, PHOTO, FB)
    run_cli("recheck", "--all")  # revisits: their originals must travel with them
    out = tmp_path / "export.wacz"
    code, stdout, err = run_cli("export", "wacz", "--output", str(out))
    assert code == 0, err
    assert "3 posts" in stdout
    done = subprocess.run(
        [str(BIN / "wacz"), "validate", "-f", str(out)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Validation succeeded" in done.stdout
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        pages = [json.loads(line) for line in z.read("pages/pages.jsonl").decode().splitlines()[1:]]
        index_name = next(n for n in names if n.startswith("indexes/index.cdx"))
        raw_index = z.read(index_name)
        index = (gzip.decompress(raw_index) if index_name.endswith(".gz") else raw_index).decode()
    assert any(n.startswith("archive/") and n.endswith(".warc.gz") for n in names)
    assert "datapackage.json" in names
    assert len(pages) == 3
    # every page is in the index (CDXJ keys are SURT-ordered: compare the path)
    assert all(p["url"].split("://", 1)[1].split("/", 1)[1].split("?")[0] in index for p in pages)


def test_wacz_export_of_some_posts(cli_env, run_cli, tmp_path):
    run_cli("capture", TWEET, FB)
    out = tmp_path / "one.wacz"
    code, stdout, _ = run_cli("export", "wacz", f"twitter:{PLAIN_TWEET}", "--output", str(out))
    assert code == 0 and "1 posts" in stdout
    with zipfile.ZipFile(out) as z:
        assert len(z.read("pages/pages.jsonl").decode().splitlines()) == 2


def test_export_of_an_empty_archive_is_a_clear_error(cli_env, run_cli, tmp_path):
    run_cli("db", "upgrade")  # an archive, empty
    code, _, err = run_cli("export", "wacz", "--output", str(tmp_path / "x.wacz"))
    assert code == 1
    assert err.strip() == "Error: nothing to export: no archived post responses"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(
    not (BIN / "wb-manager").exists(), reason="pywb is not installed (make test installs it)"
)
def test_pywb_replays_the_captured_post(cli_env, run_cli, tmp_path, sim):
    run_cli("capture", PHOTO)
    _, out, _ = run_cli("show", PHOTO, "--json")
    capture = json.loads(out)["captures"][0]
    from archiver.warc.reader import read_record

    warc, _, archived = read_record(cli_env.home / capture["warc_file"], capture["offset"])
    target = warc["WARC-Target-URI"]
    sim.stop()  # replay must come from the archive alone
    work = tmp_path / "pywb"
    work.mkdir()
    subprocess.run(
        [str(BIN / "wb-manager"), "init", "posts"], cwd=work, check=True, capture_output=True
    )
    warcs = sorted((cli_env.home / "warcs").glob("*.warc.gz"))
    subprocess.run(
        [str(BIN / "wb-manager"), "add", "posts", *map(str, warcs)],
        cwd=work,
        check=True,
        capture_output=True,
    )
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "wayback"), "-p", str(port), "-b", "127.0.0.1"],
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        replayed = None
        deadline = time.monotonic() + 90  # pywb takes its time to start on a loaded machine
        while time.monotonic() < deadline and server.poll() is None:
            try:
                replayed = httpx.get(f"http://127.0.0.1:{port}/posts/2030id_/{target}", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert replayed is not None and replayed.status_code == 200, (
            replayed and replayed.text[:300]
        )
        assert json.loads(replayed.content)["id_str"] == PHOTO_TWEET
        assert replayed.content == archived
    finally:
        server.terminate()
        server.wait(timeout=10)
