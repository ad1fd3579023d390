"""The exceptions archiver raises.

Outcomes of a check (deleted, suspended, login wall, ...) are *data*
(`archiver.core.status.Outcome`), never exceptions. Exceptions are for input the
tool cannot act on and for failures of the tool's own machinery::

    ArchiverError
     ├── InputError            something the user gave us is unusable
     │    ├── UnsupportedURL   not a URL of a post we can archive
     │    ├── BlockedAddress   the target is a loopback/private/link-local address
     │    └── SeedFileError    a seed list cannot be read
     ├── FetchFailed           a request could not be completed at all
     ├── StoreError            the database cannot be opened or migrated
     ├── WarcError             a WARC file cannot be written or read back
     ├── RunLocked             another recheck run holds the archive's run lock
     └── LeaseLost             a worker's claim on a post expired and another took it
"""

from __future__ import annotations


class ArchiverError(Exception):
    """Base class of every error archiver raises on purpose."""


class InputError(ArchiverError):
    """Something the user supplied cannot be used."""


class UnsupportedURL(InputError):
    """The text is not the URL of a post or page that can be archived."""


class BlockedAddress(InputError):
    """The target resolves to an address archiver refuses to contact."""


class SeedFileError(InputError):
    """A seed list cannot be read."""


class FetchFailed(ArchiverError):
    """A request could not be completed (network failure, timeout, refused redirect)."""


class StoreError(ArchiverError):
    """The archive's database cannot be opened, migrated or written."""


class WarcError(ArchiverError):
    """A WARC file cannot be written or read back."""


class RunLocked(ArchiverError):
    """Another recheck run holds the archive's run lock."""


class LeaseLost(ArchiverError):
    """A worker's lease on a post expired and another worker took the post over."""


__all__ = [
    "LeaseLost",
    "ArchiverError",
    "InputError",
    "UnsupportedURL",
    "BlockedAddress",
    "SeedFileError",
    "FetchFailed",
    "StoreError",
    "WarcError",
    "RunLocked",
]
