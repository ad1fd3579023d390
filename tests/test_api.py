"""Issue 13: everything the command line does, a Python caller can do through `archiver.Archive`."""

from __future__ import annotations

from pathlib import Path

import archiver
from archiver import Archive
from tests.conftest import PHOTO_TWEET, PLAIN_TWEET

TWEET = f"https://x.com/sim_bob/status/{PLAIN_TWEET}"


def test_the_public_api_is_exactly_what_all_names():
    exported = {name for name in dir(archiver) if not name.startswith("_")}
    exported -= {
        "api",
        "cli",
        "config",
        "console",
        "core",
        "errors",
        "net",
        "platforms",
        "report",
        "runs",
        "store",
        "testing",
        "warc",
        "simulator",
        "render",
        "web",
    }  # subpackages, once imported
    assert exported == set(archiver.__all__) - {"__version__"}


def test_an_archive_does_what_the_command_line_does(sim, settings, clock, tmp_path):
    settings = settings.__class__(**{**settings.__dict__, "confirm_interval": 0})
    with Archive(settings=settings, clock=clock) as arc:
        captured = arc.capture([TWEET, f"https://x.com/sim_alice/status/{PHOTO_TWEET}"])
        assert captured.captured_count == 2
        sim.set_state(f"twitter:{PLAIN_TWEET}", "deleted")
        arc.recheck(check_all=True)
        run = arc.recheck([TWEET])
        assert [(t.url, t.after.value) for t in run.transitions] == [(TWEET, "vanished")]
        assert [p["url"] for p in arc.posts(status="vanished")] == [TWEET]
        assert arc.post(f"twitter:{PLAIN_TWEET}")["observations"][-1]["outcome"] == "deleted"
        report = arc.report()
        assert b"Plain text tweet" in arc.render_report(report, "md")
        result, repairs = arc.verify()
        assert result.ok and repairs == []
        assert arc.export_wacz(tmp_path / "a.wacz", [TWEET]).posts == 1
    with Archive(settings=settings, readonly=True) as reading:
        assert len(list(reading.posts())) == 2


def test_the_readme_example_runs(sim, tmp_path, monkeypatch):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    example = readme.split("```python\n", 1)[1].split("```", 1)[0]
    assert len(example.strip().splitlines()) <= 10
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ARCHIVER_URL_REWRITE", sim.rewrite_spec())
    monkeypatch.setenv("ARCHIVER_CONTROLS", "none")
    exec(compile(example, "README.md", "exec"), {})
    assert (tmp_path / "my-archive" / "archiver.db").exists()
    assert (tmp_path / "vanished.wacz").stat().st_size > 0
