"""What drawing a picture of each post costs a capture (issue 15): the same capture with and
without a browser, in the same run, against the simulator.

    .venv/bin/python tests/bench/bench_pictures.py [--posts 200] [--latency 0.02]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench_capture import post_urls
from common import machine, simulator, usage


def run(posts: int, rewrite: str, chromium: str) -> tuple[float, float, int]:
    from archiver.config import Settings, parse_rewrites
    from archiver.runs.capture import capture
    from archiver.store import Store

    with tempfile.TemporaryDirectory() as home:
        settings = Settings(
            home=Path(home),
            url_rewrite=parse_rewrites(rewrite),
            politeness_delay=0.0,
            tsa_urls=(),
            chromium=chromium,
            concurrency=8,
            per_host_concurrency=8,
            processes=1,  # one browser: what a picture costs, not how processes share them
        )
        store = Store(settings)
        cpu0, _ = usage()
        t0 = time.perf_counter()
        report = capture(settings, store, post_urls(posts))
        wall = time.perf_counter() - t0
        cpu1, _ = usage()
        store.close()
        return wall, cpu1 - cpu0, report.captured_count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.02)
    args = parser.parse_args()
    with simulator(args.posts, args.latency) as rewrite:
        off = run(args.posts, rewrite, "none")
        on = run(args.posts, rewrite, "")
    print(f"capture of {args.posts} tweets, concurrency 8, with and without pictures; {machine()}")
    for label, (wall, cpu, ok) in (("no pictures", off), ("pictures", on)):
        print(
            f"{label:<12} {ok / wall:7.1f} posts/s  {wall:7.1f} s wall  {cpu / ok:.4f} CPU s/post"
        )
    print(f"pictures cost {(on[0] - off[0]) / args.posts:.3f} s of wall time per post")


if __name__ == "__main__":
    main()
