"""Capture benchmark (issue 2): archiver against a bare httpx + warcio loop, same fetches.

    make bench            # or: .venv/bin/python tests/bench/bench_capture.py [--posts N] [--latency S]

Starts the simulator in a separate process (so the figures are the client's
alone) with N tweets, each with one photo, and a fixed latency per response.
Each variant runs in its own process, for a clean peak-memory figure:

* ``archiver``: `archiver.runs.capture.capture` — fetch, WARC, parse, classify, SQLite;
* ``baseline``: the same four fetches per post (syndication, oEmbed, page,
  photo) at the same concurrency, written as request/response records with
  warcio's WARCWriter, and nothing else: no parsing, no database;
* ``wget``: Debian's ``wget --warc-file`` fetching the same URLs (it fetches
  one at a time: that is how archivists use it).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import sys
import time
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
from tests.bench.simserver import post_urls


def run_archiver(args) -> dict:
    from archiver.runs.capture import capture
    from archiver.store import Store

    home, n = Path(args.home) / "a", args.posts
    settings = bench_settings(home, args)
    store = Store(settings)
    cpu0, _ = usage()
    t0 = time.perf_counter()
    report = capture(settings, store, post_urls(n))
    wall = time.perf_counter() - t0
    cpu1, rss = usage()
    children_cpu, children_rss = children_usage()
    return {
        "ok": report.captured_count,
        "failed": report.failed_count,
        "wall": wall,
        "cpu": cpu1 - cpu0 + children_cpu,
        "rss_mb": max(rss, children_rss),
        "processes": report.processes,
    }


def run_baseline(args) -> dict:
    import httpx
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from archiver.config import parse_rewrites
    from archiver.net.politeness import rewrite_url
    from archiver.platforms import recognise
    from archiver.platforms.base import Purpose
    from archiver.platforms.twitter import plan

    rewrites = parse_rewrites(args.rewrite)
    concurrency = args.concurrency
    home = Path(args.home) / "a"
    home.mkdir(parents=True, exist_ok=True)
    out = open(home / f"baseline-{args.slice_start}.warc.gz", "wb")  # noqa: SIM115
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    jobs = []
    for url in post_urls(args.posts)[args.slice_start : args.slice_end or None]:
        ref = recognise(url)
        urls = [r.url for r in plan(ref, Purpose.CAPTURE)]
        # The photo URL is known from the simulator's naming; the baseline does not parse.
        idx = int(ref.key) & 0x3FFFFF
        jobs.append((urls, f"https://pbs.twimg.com/media/bench{idx}.png"))

    async def fetch(client: httpx.AsyncClient, url: str) -> None:
        target = rewrite_url(url, rewrites)
        async with client.stream(
            "GET", target, headers={"Accept-Encoding": "gzip, deflate"}
        ) as resp:
            body = b"".join([chunk async for chunk in resp.aiter_raw()])
        headers = [(k, v) for k, v in resp.headers.items() if k.lower() != "transfer-encoding"]
        http = StatusAndHeaders(
            f"{resp.status_code} {resp.reason_phrase}", headers, protocol="HTTP/1.1"
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

    async def main() -> int:
        limit = asyncio.Semaphore(concurrency)
        async with httpx.AsyncClient(timeout=30) as client:

            async def one(job) -> None:
                async with limit:
                    await asyncio.gather(*(fetch(client, u) for u in job[0]))
                    await fetch(client, job[1])

            await asyncio.gather(*(one(j) for j in jobs))
        return len(jobs)

    cpu0, _ = usage()
    t0 = time.perf_counter()
    done = asyncio.run(main())
    wall = time.perf_counter() - t0
    out.close()
    cpu1, rss = usage()
    return {"ok": done, "failed": 0, "wall": wall, "cpu": cpu1 - cpu0, "rss_mb": rss}


def run_wget(args) -> dict:
    """Debian's wget fetching the same four URLs per post into a WARC, as archivists often do."""
    n, rewrite, home = args.posts, args.rewrite, Path(args.home) / "a"
    import resource
    import shutil
    import subprocess

    from archiver.config import parse_rewrites
    from archiver.net.politeness import rewrite_url
    from archiver.platforms import recognise
    from archiver.platforms.base import Purpose
    from archiver.platforms.twitter import plan

    wget = shutil.which("wget")
    if wget is None:
        raise SystemExit("wget is not installed (apt-get install wget)")
    rewrites = parse_rewrites(rewrite)
    home.mkdir(parents=True, exist_ok=True)
    urls = []
    for url in post_urls(n):
        ref = recognise(url)
        urls += [rewrite_url(r.url, rewrites) for r in plan(ref, Purpose.CAPTURE)]
        urls.append(
            rewrite_url(f"https://pbs.twimg.com/media/bench{int(ref.key) & 0x3FFFFF}.png", rewrites)
        )
    listing = home / "urls.txt"
    listing.write_text("\n".join(urls) + "\n")
    t0 = time.perf_counter()
    done = subprocess.run(
        [
            wget,
            "-q",
            "--warc-file",
            str(home / "wget"),
            "--no-warc-keep-log",
            "-i",
            str(listing),
            "-O",
            "/dev/null",
        ],
        capture_output=True,
    )
    wall = time.perf_counter() - t0
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "ok": n if done.returncode in (0, 8) else 0,
        "failed": 0 if done.returncode in (0, 8) else n,
        "wall": wall,
        "cpu": r.ru_utime + r.ru_stime,
        "rss_mb": r.ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--child")
    parser.add_argument("--rewrite")
    parser.add_argument("--home")
    parser.add_argument("--no-wget", action="store_true", help="skip the wget comparison")
    parser.add_argument(
        "--processes",
        type=int,
        default=os.cpu_count() or 1,
        help="processes for the second pair of runs (default: one per core; 1: skip them)",
    )
    parser.add_argument("--slice-start", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--slice-end", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        runner = {
            "archiver": run_archiver,
            "baseline": run_baseline,
            "baselines": lambda a: baseline_in_processes(Path(__file__), a, a.posts, a.processes),
            "wget": run_wget,
        }[args.child]
        print(json.dumps(runner(args)))
        return
    with simulator(args.posts, args.latency) as rewrite:
        extra = [
            "--posts",
            str(args.posts),
            "--rewrite",
            rewrite,
            "--concurrency",
            str(args.concurrency),
        ]
        one, many = ["--processes", "1"], ["--processes", str(args.processes)]
        results = {v: run_child(Path(__file__), v, extra + one) for v in ("baseline", "archiver")}
        if args.processes > 1:
            results[f"baseline×{args.processes}"] = run_child(
                Path(__file__), "baselines", extra + many
            )
            results[f"archiver×{args.processes}"] = run_child(
                Path(__file__), "archiver", extra + many
            )
        if not args.no_wget:
            results["wget"] = run_child(Path(__file__), "wget", extra + one)
    print_table(
        f"capture benchmark: {args.posts} tweets (4 requests each), {args.latency * 1000:.0f} ms simulated "
        f"latency, concurrency {args.concurrency}; {machine()}",
        "posts",
        results,
    )
    print_ratios(results, args.processes, "posts")
    rate = {name: r["ok"] / r["wall"] for name, r in results.items()}
    if "wget" in rate:
        print(f"archiver / wget throughput: {rate['archiver'] / rate['wget']:.1f}x (target >= 20x)")


if __name__ == "__main__":
    main()
