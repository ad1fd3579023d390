"""Runs: one look at a post (observe), capture, recheck, workers, controls and platform health,
and where inputs come from (seed lists, the pages that cite posts).

May import every layer below: ``archiver.net``, ``archiver.warc``, ``archiver.store``,
``archiver.platforms``, ``archiver.core``. Never ``archiver.report``, ``archiver.api`` or
``archiver.cli``.
"""
