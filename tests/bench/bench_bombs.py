"""Peak memory with concurrent compression bombs (issue 12).

    .venv/bin/python tests/bench/bench_bombs.py [--bombs 16]

``archiver capture`` of ``--bombs`` pages at once (concurrency and per-host concurrency
equal to that number), each answered by the hostile test server with a gzip member of
about 1 MB that decodes to 1 GB: zeros, then ``<a>`` tags (a page that would make a huge
tree). Peak resident memory of the capture process is measured with the defaults, and,
as the baseline in the same run, with the caps archiver had before (100 MB decoded per
answer, nothing across answers). Target: under 300 MB at the defaults.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import ENV, machine
from tests.hostile_server import HostileServer, bomb

OLD_CAPS = {
    "ARCHIVER_MAX_DECODED_BYTES": str(100 * 1024 * 1024),
    "ARCHIVER_MAX_DECODED_IN_FLIGHT": str(1 << 40),
}


def run_capture(base: str, mode: str, n: int, extra: dict[str, str]) -> tuple[float, int, str]:
    """Peak RSS (MB) of one capture process, its exit code, and its last line."""
    with tempfile.TemporaryDirectory() as home:
        env = dict(
            ENV,
            ARCHIVER_HOME=home,
            ARCHIVER_URL_REWRITE=f"https://blog.example.org={base}/{mode}",
            ARCHIVER_POLITENESS_DELAY="0",
            ARCHIVER_CONCURRENCY=str(n),
            ARCHIVER_PER_HOST_CONCURRENCY=str(n),
            ARCHIVER_RETRIES="0",
            **extra,
        )
        urls = [f"https://blog.example.org/bomb/{i}.html" for i in range(n)]
        code = (
            "import resource, subprocess, sys\n"
            "p = subprocess.run([sys.executable, '-m', 'archiver', 'capture', *sys.argv[1:]], capture_output=True, "
            "text=True)\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode, "
            "(p.stderr.strip().splitlines() or [''])[-1][:80], sep='\\t')\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", code, *urls], env=env, capture_output=True, text=True
        )
        rss, exit_code, last = done.stdout.strip().split("\t", 2)
        return int(rss) / 1024, int(exit_code), last


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bombs", type=int, default=16)
    args = parser.parse_args()
    for kind in ("zeros", "html"):
        bomb(kind)  # built once, before timing anything
    print(
        f"Peak RSS of `archiver capture` of {args.bombs} compression bombs at once; {machine()}; "
        "target < 300 MB"
    )
    print(f"{'bomb':<34}{'archiver MB':>13}{'old caps MB':>13}  archiver's last line")
    with HostileServer() as server:
        for mode, label in (
            ("bigbomb", "1 GB of zeros (JSON)"),
            ("htmlbomb", "1 GB of <a> tags (HTML)"),
        ):
            ours, _, last = run_capture(server.base, mode, args.bombs, {})
            old, _, _ = run_capture(server.base, mode, args.bombs, OLD_CAPS)
            mark = "✔" if ours < 300 else "✘"
            print(f"{label:<34}{ours:>12.0f}{mark}{old:>13.0f}  {last}", flush=True)


if __name__ == "__main__":
    main()
