"""The archive's database, and the only SQL in archiver: the tables (`models`), opening and
migrating (`db`), and the queries, split by job — storing a visit (`visits`), reading posts
(`posts`), runs and due posts (`runs`), WARC files on record (`files`).

May import: ``archiver.platforms`` (the post types), ``archiver.core``, ``archiver.config``,
``archiver.errors``, SQLModel/SQLAlchemy and Alembic. Never HTTP, never the WARC files.
Callers get connections from `Store.reading` and `Store.writing` and pass them back to these
functions: they never build SQL of their own.
"""

from sqlalchemy import Connection
from sqlmodel import Session

from archiver.store.db import Store, database_failure
from archiver.store.models import Observation, Post, Run, WarcFile, WarcRecord

__all__ = [
    "Connection",
    "Session",
    "Store",
    "Post",
    "Observation",
    "WarcRecord",
    "WarcFile",
    "Run",
    "database_failure",
]
