"""What the benchmark scripts share: resource figures, child processes, the simulator process."""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
# The benchmarks measure fetching, writing and storing: no pictures and no timestamp
# authorities (those are measured on their own, and the public ones are not reachable here).
os.environ.setdefault("ARCHIVER_TSA_URLS", "none")
os.environ.setdefault("ARCHIVER_CHROMIUM", "none")
ENV = dict(os.environ, PYTHONPATH=str(ROOT))


def usage() -> tuple[float, float]:
    """CPU seconds used so far and peak resident memory in MB, of this process."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime, r.ru_maxrss / 1024


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def run_child(script: Path, variant: str, args: list[str]) -> dict:
    """Run one variant in its own process (a clean peak-memory figure); it prints JSON last."""
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [sys.executable, str(script), "--child", variant, "--home", tmp, *args],
            capture_output=True,
            text=True,
            env=ENV,
        )
    if done.returncode != 0:
        raise SystemExit(f"{variant} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextmanager
def simulator(posts: int, latency: float) -> Iterator[str]:
    """A simulator process with generated tweets; yields its ARCHIVER_URL_REWRITE value."""
    server = subprocess.Popen(
        [sys.executable, str(HERE / "simserver.py"), str(posts), str(latency)],
        stdout=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    try:
        assert server.stdout is not None
        yield server.stdout.readline().strip()
    finally:
        server.terminate()
        server.wait()


def print_table(title: str, unit: str, results: dict[str, dict]) -> None:
    print(title)
    print(
        f"{'variant':<10}{unit + '/s':>10}{'CPU s/' + unit:>14}{'peak MB':>10}{'wall s':>9}{'failed':>8}"
    )
    for name, r in results.items():
        print(
            f"{name:<10}{r['ok'] / r['wall']:>10.1f}{r['cpu'] / max(r['ok'], 1):>14.4f}{r['rss_mb']:>10.0f}"
            f"{r['wall']:>9.2f}{r['failed']:>8}"
        )
