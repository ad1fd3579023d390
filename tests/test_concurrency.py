"""Two recheck runs, a capture and a report at once on one archive (issue 6)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import func, select

from archiver.store import Observation
from archiver.testing.simulator import SimPost, tweet_id_at
from archiver.warc.verify import verify
from tests.conftest import T0


def test_runs_captures_and_reports_at_once(cli_env, run_cli, sim, store, tmp_path):
    first, second = [], []
    for n in range(16):
        tid = tweet_id_at(T0, 1200 + n)
        sim.add(
            SimPost(
                "twitter", tid, f"cc_{n}", f"CC {n}", f"concurrent {n}", T0, photos=[f"cc{n}.png"]
            )
        )
        (first if n < 8 else second).append(f"https://x.com/cc_{n}/status/{tid}")
    assert run_cli("capture", *first)[0] == 0
    sim.latency = 0.05
    env = dict(os.environ)

    def start(*args):
        return subprocess.Popen(
            [sys.executable, "-m", "archiver", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    # Two waiting rechecks must both finish; a third without --wait either
    # wins the run lock or refuses with the one-line message - which one is a
    # race, so both are accepted, but nothing else is.
    procs = {
        "recheck --wait (1)": start("recheck", "--all", "--wait"),
        "recheck --wait (2)": start("recheck", "--all", "--wait"),
        "recheck": start("recheck", "--all"),
        "capture": start("capture", *second),
        "report": start("report", "--format", "json", "--status", "all", "--output", "-"),
        "list": start("list", "--json"),
    }
    results = {name: (p.wait(timeout=300), *p.communicate()) for name, p in procs.items()}
    for name, (code, _out, err) in results.items():
        assert "database is locked" not in err, name
        assert "Traceback" not in err, (name, err)
        if name == "recheck" and code == 1:
            assert err.strip().startswith(
                "Error: another recheck run is in progress on this archive"
            ), err
            assert len(err.strip().splitlines()) == 1, err
            continue
        assert code == 0, (name, err)
    assert json.loads(results["report"][1])["schema"] == "archiver-report/1"
    with store.session() as session:
        dupes = session.exec(
            select(Observation.post_id, Observation.run_id, func.count())
            .where(Observation.run_id.is_not(None))
            .group_by(Observation.post_id, Observation.run_id)
            .having(func.count() > 1)
        ).all()
        assert dupes == []
        captures = session.exec(
            select(Observation.post_id, func.count())
            .where(Observation.trigger == "capture")
            .group_by(Observation.post_id)
        ).all()
        assert len(captures) == 16 and {c for _, c in captures} == {1}
    assert verify(store).ok
    for path in (cli_env.home / "warcs").glob("*.warc.gz"):
        check = subprocess.run(
            [str(Path(sys.executable).parent / "warcio"), "check", str(path)],
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stdout
