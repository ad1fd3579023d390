"""A private PostgreSQL server on a loopback port (Debian's postgresql), for the tests and the
scale benchmark: ``initdb`` into a temporary folder, ``pg_ctl start``, and gone afterwards."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class PostgresUnavailable(Exception):
    """PostgreSQL is not installed, or there is no user to run it as."""


@contextmanager
def private_postgres(*options: str) -> Iterator[str]:
    """Start a server (extra ``-c name=value`` ``options``); yields its base SQLAlchemy URL."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise PostgresUnavailable("PostgreSQL is not installed (make postgres installs it)")
    bindir = Path(found[-1]).parent
    # Not under pytest's own temporary directory: that one is private to root, and the
    # server runs as the postgres user.
    base = Path(tempfile.mkdtemp(prefix="archiver-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    runner: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(base, ignore_errors=True)
            raise PostgresUnavailable("no postgres user to run the server as") from None
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
        runner = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run(
        [*runner, str(bindir / "initdb"), "-A", "trust", "-U", "postgres", "-D", str(data)],
        check=True,
        capture_output=True,
    )
    settings = " ".join(f"-c {option}" for option in options)
    subprocess.run(
        [*runner, str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(base / "log")]
        + ["-o", f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 {settings}", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            [*runner, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)
