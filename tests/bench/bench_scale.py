"""PostgreSQL at scale (issue 18): 1,000,000 posts, 100,000 of them due, one recheck run over
four processes; every due post must be checked exactly once.

    .venv/bin/python tests/bench/bench_scale.py [--posts 1000000] [--due 100000] [--processes 4]

Starts a private PostgreSQL server (Debian's package, as the tests do; fsync on, the
server's defaults otherwise) and the simulator, generates the archive directly (the due
posts as a capture leaves them, with their capture observation; the others bare rows due
in the coming month), then runs ``archiver recheck`` with ``ARCHIVER_PROCESSES``. Prints
the throughput, and the database's own time per check: the time its backends spent
executing statements (``pg_stat_database.active_time``, PostgreSQL 14 and later) and the
transactions committed, before and after, divided by the checks. With ``--workers`` the
same workload is shared by that many ``archiver worker --once`` processes instead.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from tests.bench.bench_recheck import seed_store
from tests.bench.common import ENV, machine, simulator
from tests.postgres import private_postgres


def seed(store, posts: int, due: int) -> None:
    """``posts`` post rows; the first ``due`` are simulator tweets due now, with their capture
    observation; the rest are due some day in the coming month."""
    seed_store(store, posts, due_first=due)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")


def database_time(store) -> tuple[float, int]:
    """Milliseconds the server's backends spent executing statements, and commits, so far."""
    with store.engine.connect() as conn:
        row = conn.exec_driver_sql(
            "SELECT active_time, xact_commit FROM pg_stat_database "
            "WHERE datname = current_database()"
        ).one()
    return float(row[0] or 0.0), int(row[1] or 0)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=100_000)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--workers", action="store_true", help="archiver worker --once processes")
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    from sqlmodel import func, select

    from archiver.config import Settings
    from archiver.store import Observation, Store

    with (
        private_postgres("max_connections=200") as server,
        simulator(args.due, args.latency) as rewrite,
    ):
        url = f"{server}/postgres"
        home = Path(tempfile.mkdtemp(prefix="archiver-scale-"))
        store = Store(Settings(home=home, database_url=url))
        t0 = time.perf_counter()
        seed(store, args.posts, args.due)
        seeded = time.perf_counter() - t0
        env = dict(
            ENV,
            ARCHIVER_HOME=str(home),
            ARCHIVER_DATABASE_URL=url,
            ARCHIVER_URL_REWRITE=rewrite,
            ARCHIVER_POLITENESS_DELAY="0",
            ARCHIVER_CONCURRENCY=str(args.concurrency),
            ARCHIVER_PER_HOST_CONCURRENCY=str(args.concurrency * args.processes),
            ARCHIVER_PROCESSES=str(args.processes),
            ARCHIVER_POSTS_PER_PROCESS="1",
        )
        if args.workers:
            commands = [
                [sys.executable, "-m", "archiver", "worker", "--once", "--id", f"scale{n}"]
                for n in range(args.processes)
            ]
        else:
            commands = [[sys.executable, "-m", "archiver", "recheck"]]
        db0, commits0 = database_time(store)
        t0 = time.perf_counter()
        procs = [
            subprocess.Popen(c, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            for c in commands
        ]
        errors = [p.communicate()[1] for p in procs]
        wall = time.perf_counter() - t0
        db1, commits1 = database_time(store)
        if any(p.returncode not in (0, 3) for p in procs):
            raise SystemExit(b"\n".join(errors).decode(errors="replace"))
        with store.session() as session:
            per_post = (
                select(Observation.post_id, func.count().label("n"))
                .where(Observation.trigger == "recheck")
                .group_by(Observation.post_id)
                .subquery()
            )
            checked, twice, most = session.exec(
                select(
                    func.count(),
                    func.count().filter(per_post.c.n > 1),
                    func.max(per_post.c.post_id),
                )
            ).one()
            outcomes = dict(
                session.exec(
                    select(Observation.outcome, func.count())
                    .where(Observation.trigger == "recheck")
                    .group_by(Observation.outcome)
                ).all()
            )
        store.close()
        shutil.rmtree(home, ignore_errors=True)
    how = (
        f"{args.processes} `archiver worker --once`"
        if args.workers
        else (f"one `archiver recheck` over ARCHIVER_PROCESSES={args.processes}")
    )
    print(
        f"PostgreSQL scale run: {args.posts:,} posts, {args.due:,} due, {how}, concurrency "
        f"{args.concurrency} per process, {args.latency * 1000:.0f} ms simulated latency; {machine()}"
    )
    print(f"seeding took {seeded:.0f} s")
    print(
        f"checked {checked:,} posts in {wall:.0f} s: {checked / wall:.1f} checks/s; "
        f"outcomes { ({getattr(k, 'value', k): v for k, v in outcomes.items()}) }"
    )
    print(
        f"each due post checked exactly once: {checked == args.due and twice == 0} "
        f"({twice} checked more than once; highest post id checked {most}, due ids are 1-{args.due})"
    )
    print(
        f"database time per check: {(db1 - db0) / max(checked, 1):.2f} ms of statement execution "
        f"(pg_stat_database.active_time), {(commits1 - commits0) / max(checked, 1):.1f} commits"
    )


if __name__ == "__main__":
    main()
