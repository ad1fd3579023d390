"""A simulator with N generated tweets, for the benchmarks: ``simserver.py N LATENCY``.

Prints the ARCHIVER_URL_REWRITE value on its first line, then serves until killed.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

from archiver.testing.simulator import SimPost, Simulator, tweet_id_at

START = datetime(2022, 3, 1, tzinfo=UTC)


def bench_posts(n: int) -> list[SimPost]:
    posts = []
    for i in range(n):
        when = START + timedelta(minutes=i)
        tid = tweet_id_at(when, i % 4096)
        posts.append(
            SimPost(
                "twitter",
                tid,
                f"bench{i % 500}",
                f"Bench user {i % 500}",
                f"Benchmark tweet number {i}: " + "lorem ipsum dolor sit amet " * 8,
                when,
                photos=[f"bench{i}.png"],
            )
        )
    return posts


def post_urls(n: int) -> list[str]:
    return [f"https://x.com/{p.handle}/status/{p.key}" for p in bench_posts(n)]


def main() -> None:
    n, latency = int(sys.argv[1]), float(sys.argv[2])
    sim = Simulator(bench_posts(n), latency=latency).start()
    print(sim.rewrite_spec(), flush=True)
    sim.run_until_interrupted()


if __name__ == "__main__":
    main()
