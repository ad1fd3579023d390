"""Writing a report (or any export) to a file the user names: whole, or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from archiver.errors import InputError


def write_output(path: Path, body: bytes, default_name: str) -> Path:
    """Write ``body`` to ``path`` (inside it, as ``default_name``, if a directory), atomically:
    a reader never sees half a file. Returns where it was written."""
    target = path / default_name if path.is_dir() else path
    if not target.parent.exists():
        raise InputError(f"cannot write {target}: the directory {target.parent} does not exist")
    try:
        fd, staged = tempfile.mkstemp(dir=target.parent, prefix=".archiver-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
        os.replace(staged, target)
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target
