"""Seed lists: the URLs a user gives archiver in a file (see seeds/README.md).

UTF-8 text, one URL a line; ``#`` starts a comment, on its own line or after the URL;
blank lines are ignored. Read lazily: a list of millions of lines stays out of memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from archiver.errors import SeedFileError

MAX_LINE = 8192


@dataclass(frozen=True)
class SeedLine:
    line_no: int
    url: str


def read_seed_file(path: Path) -> Iterator[SeedLine]:
    """The URLs of a seed list, lazily: a list of millions of lines stays out of memory."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by the with below; opening errors apart
    except OSError as exc:
        raise SeedFileError(f"cannot read seed list {path}: {exc.strerror or exc}") from None
    with handle:
        head = handle.read(4096)
        if b"\x00" in head:
            raise SeedFileError(f"seed list {path} is not a text file (it holds NUL bytes)")
        handle.seek(0)
        for line_no, raw in enumerate(handle, start=1):
            if len(raw) > MAX_LINE:
                raise SeedFileError(
                    f"seed list {path}, line {line_no}: line longer than {MAX_LINE} bytes"
                )
            try:
                line = raw.decode("utf-8-sig" if line_no == 1 else "utf-8")
            except UnicodeDecodeError:
                raise SeedFileError(f"seed list {path}, line {line_no}: not UTF-8 text") from None
            text = line.split(" #", 1)[0].split("\t#", 1)[0].strip()
            if not text or text.startswith("#"):
                continue
            yield SeedLine(line_no, text)


def count_urls(path: Path) -> int:
    """How many URLs a seed list holds (reading it once checks it, too)."""
    return sum(1 for _ in read_seed_file(path))
