"""Where an archive's WARC files are: on local disk, or in object storage once sealed.

`warc_path` gives a local path for a file either way, fetching it back from the object
store (``ARCHIVER_WARC_STORE``) into ``{home}/cache`` when it is not on disk; `seal_files`
records a finished file's size and SHA-256 and, with an object store, uploads it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from pathlib import Path

from archiver.store import Store
from archiver.store.files import seal, set_location
from archiver.warc.objectstore import ObjectStore


def object_store(store: Store) -> ObjectStore | None:
    """Where finished WARC files go (ARCHIVER_WARC_STORE), or None to keep them on local disk.
    A bad value is refused here, before anything is fetched."""
    return ObjectStore.parse(store.settings.warc_store) if store.settings.warc_store else None


def warc_path(store: Store, name: str, fresh: bool = False) -> Path | None:
    """A local path holding the WARC file ``name``: the archive's own, or a copy fetched back
    from the object store into ``{home}/cache`` (fetched again with ``fresh``, as verify
    does, so that a cached copy cannot hide a change). None when it is in neither place."""
    local = store.warc_dir / name
    objects = object_store(store)
    if local.exists() or objects is None:
        return local if local.exists() else None
    cached = store.settings.home / "cache" / name
    if (cached.exists() and not fresh) or objects.download(name, cached):
        return cached
    return None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def seal_files(store: Store, names: list[str]) -> None:
    """Seal WARC files that will not be written again: record size and SHA-256 (the figure
    `archiver verify` checks later), then, with an object store, upload each whole and
    remove the local copy once the upload is confirmed."""
    objects = object_store(store)
    for name in names:
        path = store.warc_dir / name
        if not path.exists():
            continue
        row = seal(store, name, path.stat().st_size, functools.partial(file_sha256, path))
        if row is None or objects is None or row.sha256 is None:
            continue  # changed after it was sealed: that is for verify to report, not to re-seal
        objects.upload(path, row.sha256)
        set_location(store, name, objects.url(name))
        path.unlink()


def token_names(name: str, authority: str) -> tuple[str, str]:
    """The names of the files keeping the timestamp token of WARC file ``name`` by
    ``authority``, beside it: the reply as it came (``.tsr``, what ``openssl ts -verify -in``
    reads) and the certificates it carries (``.pem``, for ``-untrusted``)."""
    slug = re.sub(r"[^A-Za-z0-9.]+", "_", authority.split("://", 1)[-1]).strip("_")[:80]
    return f"{name}.{slug}.tsr", f"{name}.{slug}.pem"


def token_paths(store: Store, name: str, authority: str) -> tuple[Path, Path]:
    tsr, pem = token_names(name, authority)
    return store.warc_dir / tsr, store.warc_dir / pem


def write_token(store: Store, name: str, authority: str, token: bytes, chain_pem: bytes) -> Path:
    """Keep a timestamp token beside its WARC file (written whole, then renamed)."""
    tsr, pem = token_paths(store, name, authority)
    for path, data in ((tsr, token), (pem, chain_pem)):
        staged = path.with_name(path.name + ".part")
        staged.write_bytes(data)
        os.replace(staged, path)
    return tsr
