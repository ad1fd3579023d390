"""Recheck benchmark (issue 3): checks per second against a bare httpx + warcio loop, and the
time to select the due posts out of 1,000,000.

    .venv/bin/python tests/bench/bench_recheck.py [--posts 10000] [--latency 0.02] [--store-posts 1000000]

The archive is generated directly (post rows and their capture observation,
as a capture would leave them), so the figures are those of the recheck run
alone. The baseline makes the same two status requests per post (syndication
and oEmbed) at the same concurrency and writes them with warcio, nothing else. A third
variant shares the workload between `archiver worker --once` processes (``--workers``).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from tests.bench.common import (
    baseline_in_processes,
    bench_settings,
    children_usage,
    machine,
    print_ratios,
    print_table,
    run_child,
    simulator,
    usage,
)
from tests.bench.simserver import bench_posts

NOW = datetime.now(UTC)


def seed_store(
    store,
    n: int,
    due_fraction: float = 1.0,
    batch: int = 20_000,
    with_observations: bool = True,
    due_first: int | None = None,
) -> None:
    """Insert ``n`` captured tweets, as capture leaves them, with Core inserts in batches.

    With ``due_first``, the first that many are simulator tweets due now, each with its capture
    observation, and the others bare rows due some day in the coming month (the scale run)."""
    from sqlalchemy import insert

    from archiver.platforms.base import Media, PostData
    from archiver.store import Observation, Post
    from archiver.testing.simulator.handler import MEDIA_BASE

    rng = random.Random(7)
    real = n if due_first is None else due_first  # how many are the simulator's tweets
    sims = bench_posts(real) if with_observations else None
    with store.engine.begin() as conn:
        for start in range(0, n, batch):
            rows, obs = [], []
            for i in range(start, min(start + batch, n)):
                if sims is not None and i < real:
                    p = sims[i]
                    key, handle, text = p.key, p.handle, p.current_text
                    chash = PostData(
                        text=text, media=[Media(f"{MEDIA_BASE}/media/{p.photos[0]}", "photo")]
                    ).content_hash()
                else:
                    key, handle, text, chash = str(10**18 + i), f"u{i % 1000}", "t", "x" * 64
                due = i < due_first if due_first is not None else rng.random() < due_fraction
                if due:
                    next_at = NOW - timedelta(minutes=1)
                elif due_first is not None:
                    next_at = NOW + timedelta(days=1 + rng.random() * 29)
                else:
                    next_at = NOW + timedelta(days=rng.randint(1, 30))
                rows.append(
                    dict(
                        id=i + 1,
                        platform="twitter",
                        post_key=key,
                        url=f"https://x.com/{handle}/status/{key}",
                        source_url="",
                        author=handle,
                        text=text,
                        media_json="[]",
                        content_hash=chash,
                        checks_done=0,
                        status="alive",
                        first_captured_at=NOW - timedelta(days=2),
                        last_captured_at=NOW - timedelta(days=2),
                        last_seen_alive_at=NOW - timedelta(days=2),
                        next_check_at=next_at,
                    )
                )
                if sims is not None and i < real:
                    obs.append(
                        dict(
                            post_id=i + 1,
                            observed_at=NOW - timedelta(days=2),
                            trigger="capture",
                            outcome="alive",
                            evidence_json="{}",
                            statuses_json="{}",
                            content_hash=chash,
                        )
                    )
            conn.execute(insert(Post), rows)
            if obs:
                conn.execute(insert(Observation), obs)


def run_archiver(args) -> dict:
    from archiver.runs.recheck import recheck
    from archiver.store import Store

    settings = bench_settings(Path(args.home) / "a", args)
    store = Store(settings)
    seed_store(store, args.posts)
    cpu0, _ = usage()
    t0 = time.perf_counter()
    report = recheck(settings, store)
    wall = time.perf_counter() - t0
    cpu1, rss = usage()
    children_cpu, children_rss = children_usage()
    flagged = {k: v for k, v in report.outcomes.items() if k != "alive"}
    return {
        "ok": report.outcomes.get("alive", 0),
        "failed": sum(flagged.values()),
        "wall": wall,
        "cpu": cpu1 - cpu0 + children_cpu,
        "rss_mb": max(rss, children_rss),
        "processes": report.processes,
    }


def run_workers(args) -> dict:
    """The same workload shared by ``args.workers`` `archiver worker --once` processes
    (leases in SQLite), each with its share of the concurrency: as many requests in flight
    in all as the other variants, spread over the cores."""
    import os
    import resource
    import subprocess

    from sqlmodel import func, select

    from archiver.config import Settings
    from archiver.store import Observation, Store

    home = Path(args.home) / "a"
    store = Store(Settings(home=home))
    seed_store(store, args.posts)
    share = max(args.concurrency // args.workers, 1)
    env = dict(
        os.environ,
        ARCHIVER_HOME=str(home),
        ARCHIVER_URL_REWRITE=args.rewrite,
        ARCHIVER_POLITENESS_DELAY="0",
        ARCHIVER_CONCURRENCY=str(share),
        ARCHIVER_PER_HOST_CONCURRENCY=str(share),
        ARCHIVER_WORKER_BATCH="200",
    )
    t0 = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "archiver", "worker", "--once", "--id", f"bench{n}"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for n in range(args.workers)
    ]
    errors = [p.communicate()[1] for p in procs]
    wall = time.perf_counter() - t0
    if any(p.returncode for p in procs):
        raise SystemExit(b"\n".join(errors).decode(errors="replace"))
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    with store.session() as session:
        rows = dict(
            session.exec(
                select(Observation.outcome, func.count())
                .where(Observation.trigger == "recheck")
                .group_by(Observation.outcome)
            ).all()
        )
    alive = sum(n for outcome, n in rows.items() if outcome.value == "alive")
    return {
        "ok": alive,
        "failed": sum(rows.values()) - alive,
        "wall": wall,
        "cpu": r.ru_utime + r.ru_stime,
        "rss_mb": r.ru_maxrss / 1024,
    }


def run_baseline(args) -> dict:
    import httpx
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from archiver.config import parse_rewrites
    from archiver.net.politeness import rewrite_url
    from archiver.platforms.base import PostRef, Purpose
    from archiver.platforms.twitter import plan

    rewrites = parse_rewrites(args.rewrite)
    out = open(Path(args.home) / f"baseline-{args.slice_start}.warc.gz", "wb")  # noqa: SIM115 - closed after the loop
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    jobs = [
        [
            r.url
            for r in plan(
                PostRef("twitter", p.key, f"https://x.com/{p.handle}/status/{p.key}", p.handle),
                Purpose.CHECK,
            )
        ]
        for p in bench_posts(args.posts)[args.slice_start : args.slice_end or None]
    ]

    async def fetch(client, url):
        target = rewrite_url(url, rewrites)
        async with client.stream(
            "GET", target, headers={"Accept-Encoding": "gzip, deflate"}
        ) as resp:
            body = b"".join([chunk async for chunk in resp.aiter_raw()])
        http = StatusAndHeaders(
            f"{resp.status_code} {resp.reason_phrase}",
            list(resp.headers.items()),
            protocol="HTTP/1.1",
        )
        record = writer.create_warc_record(
            target, "response", payload=io.BytesIO(body), length=len(body), http_headers=http
        )
        request = writer.create_warc_record(
            target,
            "request",
            http_headers=StatusAndHeaders(
                f"GET {target} HTTP/1.1", list(resp.request.headers.items()), is_http_request=True
            ),
        )
        writer.write_request_response_pair(request, record)

    async def main():
        limit = asyncio.Semaphore(args.concurrency)
        async with httpx.AsyncClient(timeout=30) as client:

            async def one(urls):
                async with limit:
                    await asyncio.gather(*(fetch(client, u) for u in urls))

            await asyncio.gather(*(one(j) for j in jobs))

    cpu0, _ = usage()
    t0 = time.perf_counter()
    asyncio.run(main())
    wall = time.perf_counter() - t0
    cpu1, rss = usage()
    return {"ok": len(jobs), "failed": 0, "wall": wall, "cpu": cpu1 - cpu0, "rss_mb": rss}


def run_due(args) -> dict:
    from archiver.config import Settings
    from archiver.store import Store
    from archiver.store.runs import due_post_ids

    store = Store(Settings(home=Path(args.home) / "a"))
    t0 = time.perf_counter()
    seed_store(store, args.store_posts, due_fraction=0.01, batch=50_000, with_observations=False)
    seeded = time.perf_counter() - t0
    timings = []
    for _ in range(5):
        t0 = time.perf_counter()
        ids = due_post_ids(store, NOW)
        timings.append(time.perf_counter() - t0)
    batch = []
    for _ in range(5):
        t0 = time.perf_counter()
        due_post_ids(store, NOW, limit=1000)
        batch.append(time.perf_counter() - t0)
    return {
        "posts": args.store_posts,
        "due": len(ids),
        "all_due_ms": min(timings) * 1000,
        "first_1000_ms": min(batch) * 1000,
        "seed_s": seeded,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--store-posts", type=int, default=1_000_000)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--child")
    parser.add_argument("--rewrite", default="")
    parser.add_argument("--home")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="also share the workload between this many `archiver worker --once` processes",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=os.cpu_count() or 1,
        help="processes for the second pair of runs (default: one per core)",
    )
    parser.add_argument("--slice-start", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--slice-end", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        runner = {
            "archiver": run_archiver,
            "baseline": run_baseline,
            "baselines": lambda a: baseline_in_processes(Path(__file__), a, a.posts, a.processes),
            "due": run_due,
            "workers": run_workers,
        }[args.child]
        print(json.dumps(runner(args)))
        return
    common = [
        "--posts",
        str(args.posts),
        "--concurrency",
        str(args.concurrency),
        "--store-posts",
        str(args.store_posts),
        "--workers",
        str(args.workers),
    ]
    one, many = ["--processes", "1"], ["--processes", str(args.processes)]
    with simulator(args.posts, args.latency) as rewrite:
        common += ["--rewrite", rewrite]
        results = {
            "baseline": run_child(Path(__file__), "baseline", common + one),
            "archiver": run_child(Path(__file__), "archiver", common + one),
        }
        if args.processes > 1:
            results[f"baseline×{args.processes}"] = run_child(
                Path(__file__), "baselines", common + many
            )
            results[f"archiver×{args.processes}"] = run_child(
                Path(__file__), "archiver", common + many
            )
        if args.workers:
            results[f"workers×{args.workers}"] = run_child(Path(__file__), "workers", common)
    due = run_child(Path(__file__), "due", common)
    print_table(
        f"recheck benchmark: {args.posts} tweets (2 status requests each), {args.latency * 1000:.0f} ms "
        f"simulated latency, concurrency {args.concurrency} per process; {machine()}",
        "checks",
        results,
    )
    print_ratios(results, args.processes, "checks")
    print(
        f"due-post selection out of {due['posts']:,} posts ({due['due']:,} due): all due ids "
        f"{due['all_due_ms']:.1f} ms, first 1,000 {due['first_1000_ms']:.1f} ms (best of 5; seeding took {due['seed_s']:.0f} s)"
    )


if __name__ == "__main__":
    main()
