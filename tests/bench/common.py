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
        f"{'variant':<13}{unit + '/s':>10}{'CPU s/' + unit:>14}{'peak MB':>10}{'wall s':>9}{'failed':>8}"
    )
    for name, r in results.items():
        print(
            f"{name:<13}{r['ok'] / r['wall']:>10.1f}{r['cpu'] / max(r['ok'], 1):>14.4f}{r['rss_mb']:>10.0f}"
            f"{r['wall']:>9.2f}{r['failed']:>8}"
        )


def bench_settings(home: Path, args):
    """archiver's settings in a benchmark: like for like with the bare loop."""
    from archiver.config import Settings, parse_rewrites

    return Settings(
        home=home,
        url_rewrite=parse_rewrites(args.rewrite),
        politeness_delay=0.0,
        # No timestamp authority, no browser drawing pictures (Settings built here do not read
        # ARCHIVER_TSA_URLS or ARCHIVER_CHROMIUM).
        tsa_urls=(),
        chromium="none",
        # Concurrency 8 in each process, as in the bare loop's; the per-host bound (shared by
        # the processes) does not hold them back.
        concurrency=args.concurrency,
        per_host_concurrency=args.concurrency * args.processes,
        processes=args.processes,
        posts_per_process=1,
    )


def children_usage() -> tuple[float, float]:
    """CPU seconds and the largest peak memory (MB) of this process's finished children."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime, r.ru_maxrss / 1024


def baseline_in_processes(script: Path, args, posts: int, processes: int) -> dict:
    """The bare loop in ``processes`` processes, each with its share of the posts and the same
    concurrency as one archiver process: like for like with archiver over as many cores.
    Wall time is the whole; CPU the sum; memory the largest process's."""
    import time

    shares = [(posts * n // processes, posts * (n + 1) // processes) for n in range(processes)]
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        children = [
            subprocess.Popen(
                [
                    sys.executable,
                    str(script),
                    "--child",
                    "baseline",
                    "--home",
                    tmp,
                    "--posts",
                    str(posts),
                    "--concurrency",
                    str(args.concurrency),
                    "--rewrite",
                    args.rewrite,
                    "--slice-start",
                    str(start),
                    "--slice-end",
                    str(end),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=ENV,
            )
            for start, end in shares
        ]
        outputs = [child.communicate() for child in children]
        wall = time.perf_counter() - t0
    if any(child.returncode for child in children):
        raise SystemExit("bare loop failed:\n" + "\n".join(err for _, err in outputs))
    parts = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    return {
        "ok": sum(p["ok"] for p in parts),
        "failed": sum(p["failed"] for p in parts),
        "wall": wall,
        "cpu": sum(p["cpu"] for p in parts),
        "rss_mb": max(p["rss_mb"] for p in parts),
        "processes": processes,
    }


def print_ratios(results: dict[str, dict], processes: int, unit: str) -> None:
    """archiver against the bare loop with as many processes: throughput and CPU per item."""

    def rate(r: dict) -> float:
        return r["ok"] / r["wall"]

    def cpu(r: dict) -> float:
        return r["cpu"] / max(r["ok"], 1)

    pairs = [("baseline", "archiver", 1)]
    if f"archiver×{processes}" in results:
        pairs.append((f"baseline×{processes}", f"archiver×{processes}", processes))
    for base, ours, n in pairs:
        b, a = results[base], results[ours]
        print(
            f"{n} process{'es' if n > 1 else ''}: archiver / bare loop throughput "
            f"{rate(a) / rate(b):.2f}x (target >= 0.8x), CPU per {unit[:-1]} {cpu(a) / cpu(b):.2f}x "
            f"(target <= 2x); non-alive outcomes {a['failed']}"
        )
