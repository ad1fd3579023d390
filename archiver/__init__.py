"""archiver: preserve social-media posts as evidence and tell when they vanish.

The library's public API; the command line (`archiver.cli`) is a thin layer over it::

    from archiver import Archive

    with Archive("my-archive") as archive:
        archive.capture(["https://x.com/jack/status/20"])
        archive.recheck()
"""

__version__ = "0.1.0"

from archiver.api import Archive  # noqa: E402
from archiver.config import Settings  # noqa: E402
from archiver.core.status import Outcome, PostState, VanishReason  # noqa: E402
from archiver.errors import (  # noqa: E402
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

__all__ = [
    "Archive",
    "ArchiverError",
    "BlockedAddress",
    "FetchFailed",
    "InputError",
    "LeaseLost",
    "Outcome",
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
