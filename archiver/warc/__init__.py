"""WARC files: writing and reading records, sealing finished files, cutting torn tails,
verifying, object storage, and WACZ packages.

May import: ``archiver.core``, ``archiver.store`` (the records and files it has on record),
``archiver.errors``, ``archiver.config``, warcio and py-wacz. Never HTTP.
"""
