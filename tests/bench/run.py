"""All the benchmarks, one after another, each printing its table (``make bench``).

    .venv/bin/python tests/bench/run.py [--quick]

``--quick`` runs smaller sizes (a minute or two) to check that everything works.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run(script: str, *args: str) -> None:
    print(f"\n$ python tests/bench/{script} {' '.join(args)}".rstrip(), flush=True)
    subprocess.run([sys.executable, str(HERE / script), *args], check=True)


def main() -> None:
    quick = "--quick" in sys.argv
    run("bench_capture.py", "--posts", "200" if quick else "1000")
    # wget fetches one URL at a time, so its rate follows the latency; archiver's, at
    # enough concurrency, follows its CPU time. Platform endpoints are rarely 20 ms away.
    run(
        "bench_capture.py",
        "--posts",
        "200" if quick else "1000",
        "--latency",
        "0.1",
        "--concurrency",
        "16",
    )
    run(
        "bench_recheck.py",
        "--posts",
        "1000" if quick else "10000",
        "--store-posts",
        "100000" if quick else "1000000",
    )
    for size in (300, 1000) if quick else (1000, 10000, 100000):
        run("bench_capture.py", "--posts", str(size), "--no-wget")
    run("bench_store.py", "--posts", "100000" if quick else "1000000")
    run(
        "bench_scale.py",
        "--posts",
        "20000" if quick else "1000000",
        "--due",
        "2000" if quick else "100000",
    )
    run("bench_parse.py", "--size", "200000" if quick else "1000000")


if __name__ == "__main__":
    main()
