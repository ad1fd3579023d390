"""A corpus of hostile inputs (tests/fixtures/hostile_inputs.json): each gives a clear error or a
safe result, never a traceback, never a write outside the archive home (issue 6)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest

from archiver.config import Settings
from archiver.errors import InputError
from archiver.net.fetcher import Fetcher
from archiver.platforms import recognise
from archiver.runs.capture import capture
from archiver.store import Store
from tests.conftest import FIXTURES, Body

CORPUS = json.loads((FIXTURES / "hostile_inputs.json").read_text(encoding="utf-8"))["inputs"]


def materialise(item: dict) -> str:
    if "generate" in item:
        g = item["generate"]
        return g["template"].format(g["repeat"] * g["times"])
    return item["input"]


INPUTS = [(materialise(i), i["expect"], i["note"]) for i in CORPUS]


def test_the_corpus_is_large_enough():
    assert len(INPUTS) >= 100


@pytest.mark.parametrize("text, expect, note", INPUTS, ids=[n for _, _, n in INPUTS])
def test_each_input_is_refused_clearly_or_recognised_safely(text, expect, note):
    if expect == "error":
        with pytest.raises(InputError) as info:
            recognise(text)
        message = str(info.value)
        assert "\n" not in message and "\r" not in message and "\x00" not in message
        assert len(message) < 400
        return
    ref = recognise(text)
    if expect == "refused":
        assert ref.platform == "web"
        assert Fetcher(Settings()).check_target(ref.url) is not None, note
    else:
        assert ref.platform == expect, note


def snapshot(*dirs: Path) -> set[Path]:
    found = set()
    for d in dirs:
        for root, _, files in os.walk(d):
            found.update(Path(root) / f for f in files)
    return found


def test_a_batch_of_the_whole_corpus_runs_and_writes_only_in_the_home(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    home = tmp_path / "home"
    outside_before = snapshot(tmp_path)

    def handler(request: httpx.Request) -> httpx.Response:
        # no network: every fetch is answered here
        return httpx.Response(404, headers={"Content-Type": "text/plain"}, stream=Body(b"not here"))

    settings = Settings(home=home, politeness_delay=0, retries=0)
    store = Store(settings)
    report = capture(
        settings, store, [t for t, _, _ in INPUTS], transport=httpx.MockTransport(handler)
    )
    store.close()
    # Duplicates of one post count once.
    assert len(report.items) >= len({t for t, _, _ in INPUTS}) - 10
    for item in report.failed:
        assert "\n" not in item.message and "\x00" not in item.message
    written = snapshot(tmp_path) - outside_before
    assert written and all(home in p.parents for p in written), [
        p for p in written if home not in p.parents
    ]


def test_the_cli_prints_one_line_per_bad_input_and_no_traceback(cli_env, run_cli):
    bad = [t for t, e, _ in INPUTS if e == "error" and len(t) < 300][:40]
    code, out, err = run_cli("capture", *bad)
    assert code == 1
    assert "Traceback" not in err
    assert len([line for line in err.splitlines() if line.startswith("Error: ")]) == len(bad)
