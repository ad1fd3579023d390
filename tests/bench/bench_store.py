"""The store at scale (issue 7): 1,000,000 posts and 5,000,000 observations, generated directly.

    .venv/bin/python tests/bench/bench_store.py [--posts 1000000] [--observations-per-post 5]

Times selecting the due posts, building the deletion report (1 % of the posts
vanished) and `archiver list --status vanished`, each the best of a few runs.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import tempfile
import time
from contextlib import redirect_stdout
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from tests.bench.common import machine, usage

NOW = datetime.now(UTC)


def seed(
    store, posts: int, per_post: int, vanished_share: float = 0.01, batch: int = 10_000
) -> None:
    from sqlalchemy import insert

    from archiver.store import Observation, Post

    rng = random.Random(1)
    with store.engine.begin() as conn:
        for start in range(0, posts, batch):
            rows, obs = [], []
            for i in range(start, min(start + batch, posts)):
                gone = rng.random() < vanished_share
                captured = NOW - timedelta(days=60)
                rows.append(
                    dict(
                        id=i + 1,
                        platform="twitter",
                        post_key=str(10**18 + i),
                        url=f"https://x.com/u{i % 5000}/status/{10**18 + i}",
                        source_url="",
                        author=f"u{i % 5000}",
                        author_name=f"User {i % 5000}",
                        text=f"post {i}",
                        media_json="[]",
                        checks_done=per_post - 1,
                        status="vanished" if gone else "alive",
                        vanish_reason="deleted" if gone else None,
                        first_captured_at=captured,
                        last_seen_alive_at=captured + timedelta(days=1),
                        created_at=captured - timedelta(days=1),
                        first_seen_gone_at=captured + timedelta(days=2) if gone else None,
                        vanished_at=captured + timedelta(days=3) if gone else None,
                        next_check_at=NOW - timedelta(minutes=1)
                        if rng.random() < 0.01
                        else NOW + timedelta(days=rng.randint(1, 30)),
                    )
                )
                for k in range(per_post):
                    outcome = "alive" if k == 0 or not gone else "deleted"
                    obs.append(
                        dict(
                            post_id=i + 1,
                            observed_at=captured + timedelta(days=k),
                            trigger="capture" if k == 0 else "recheck",
                            outcome=outcome,
                            evidence_json="{}",
                            statuses_json="{}",
                        )
                    )
            conn.execute(insert(Post), rows)
            conn.execute(insert(Observation), obs)


def best(fn, runs: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--observations-per-post", type=int, default=5)
    args = parser.parse_args()

    from archiver.config import Settings
    from archiver.report.build import build_report
    from archiver.report.renderers import render_json
    from archiver.store import Store
    from archiver.store.runs import due_post_ids

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Settings(home=Path(tmp) / "a"))
        t0 = time.perf_counter()
        seed(store, args.posts, args.observations_per_post)
        seeded = time.perf_counter() - t0
        due_all, ids = best(lambda: due_post_ids(store, NOW))
        due_batch, _ = best(lambda: due_post_ids(store, NOW, limit=1000))
        report_s, report = best(lambda: render_json(build_report(store)), runs=1)
        from archiver.cli import main as cli

        def listing() -> int:
            buffer = io.StringIO()
            with redirect_stdout(buffer):
                try:
                    cli(["--home", str(Path(tmp) / "a"), "list", "--status", "vanished", "--json"])
                except SystemExit:
                    pass
            return len(json.loads(buffer.getvalue()))

        list_s, listed = best(listing, runs=1)
        _, rss = usage()
        store.close()
    print(
        f"store benchmark: {args.posts:,} posts, {args.posts * args.observations_per_post:,} observations "
        f"(seeded in {seeded:.0f} s); SQLite; {machine()}"
    )
    print(
        f"  select due posts ({len(ids):,} due): {due_all * 1000:.1f} ms (target < 50 ms); first 1,000: {due_batch * 1000:.1f} ms"
    )
    reported = json.loads(report)["count"]
    print(
        f"  deletion report (JSON, {reported:,} vanished posts): {report_s:.1f} s (target < 10 s)"
    )
    print(f"  archiver list --status vanished --json ({listed:,} posts): {list_s:.1f} s")
    print(f"  peak memory: {rss:.0f} MB")


if __name__ == "__main__":
    main()
