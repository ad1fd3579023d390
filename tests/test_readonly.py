"""Issue 12, item 9: an archive that cannot be written — a copy on a DVD, an exhibit handed to a
court — can be listed, shown, reported and verified, and reading commands create nothing."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid

import pytest

from tests.conftest import PHOTO_TWEET

TWEET = f"https://x.com/sim_alice/status/{PHOTO_TWEET}"


def test_reading_a_home_that_does_not_exist_creates_nothing(
    cli_env, run_cli, tmp_path, monkeypatch
):
    missing = tmp_path / "no-archive-here"
    monkeypatch.setenv("ARCHIVER_HOME", str(missing))
    for args in (
        ["list"],
        ["show", "1"],
        ["report", "--format", "md", "--output", "-"],
        ["verify"],
        ["export", "wacz", "--output", str(tmp_path / "x.wacz")],
    ):
        code, _, err = run_cli(*args)
        assert code == 1, args
        assert err.strip().startswith(f"Error: no archive at {missing}"), err
    assert not missing.exists()


@pytest.fixture
def readonly_copy(cli_env, run_cli, tmp_path):
    run_cli("capture", TWEET, "https://www.facebook.com/SimPage/posts/700000000000001")
    mount = tmp_path / f"ro-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    if (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], capture_output=True
        ).returncode
        != 0
    ):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    shutil.copytree(cli_env.home, mount / "archive")
    subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True, capture_output=True)
    yield mount / "archive"
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_read_only_archive_can_be_listed_shown_reported_and_verified(
    readonly_copy, run_cli, monkeypatch, tmp_path
):
    monkeypatch.setenv("ARCHIVER_HOME", str(readonly_copy))
    code, out, err = run_cli("list", "--json")
    assert code == 0, err
    assert len(json.loads(out)) == 2
    code, out, err = run_cli("show", TWEET, "--json")
    assert code == 0 and json.loads(out)["text"], err
    code, out, err = run_cli("report", "--format", "json", "--status", "all", "--output", "-")
    assert code == 0 and json.loads(out)["count"] == 2, err
    code, out, err = run_cli("verify")
    assert code == 0, out + err
    code, out, err = run_cli("export", "wacz", "--output", str(tmp_path / "copy.wacz"))
    assert code == 0, err
    code, _, err = run_cli("capture", TWEET)
    assert code == 1 and err.strip().startswith("Error: "), err
    assert "Traceback" not in err
