"""archiver: preserve social-media posts as evidence and tell when they vanish.

The library's public API; the command line (`archiver.cli`) is a thin layer over it::

    from archiver import Archive

    with Archive("my-archive") as archive:
        archive.capture(["https://x.com/jack/status/20"])
        archive.recheck()
"""

import importlib
from typing import TYPE_CHECKING

from archiver.version import __version__

# Where each public name lives. They are loaded on first use, so that importing one layer
# (say `archiver.platforms`, or the simulator) does not load them all, httpx and SQL included.
_EXPORTS = {
    "Archive": "archiver.api",
    "PostFilter": "archiver.store.search",
    "Settings": "archiver.config",
    "Outcome": "archiver.core.status",
    "PostState": "archiver.core.status",
    "VanishReason": "archiver.core.status",
    "ArchiverError": "archiver.errors",
    "BlockedAddress": "archiver.errors",
    "FetchFailed": "archiver.errors",
    "InputError": "archiver.errors",
    "LeaseLost": "archiver.errors",
    "RunLocked": "archiver.errors",
    "SeedFileError": "archiver.errors",
    "StoreError": "archiver.errors",
    "UnsupportedURL": "archiver.errors",
    "WarcError": "archiver.errors",
}

__all__ = [
    "Archive",
    "ArchiverError",
    "BlockedAddress",
    "FetchFailed",
    "InputError",
    "LeaseLost",
    "Outcome",
    "PostFilter",
    "PostState",
    "RunLocked",
    "SeedFileError",
    "Settings",
    "StoreError",
    "UnsupportedURL",
    "VanishReason",
    "WarcError",
    "__version__",
]

if TYPE_CHECKING:
    from archiver.api import Archive
    from archiver.config import Settings
    from archiver.core.status import Outcome, PostState, VanishReason
    from archiver.errors import (
        ArchiverError,
        BlockedAddress,
        FetchFailed,
        InputError,
        LeaseLost,
        RunLocked,
        SeedFileError,
        StoreError,
        UnsupportedURL,
        WarcError,
    )
    from archiver.store.search import PostFilter


def __getattr__(name: str) -> object:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'archiver' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
