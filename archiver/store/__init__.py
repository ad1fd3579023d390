"""The archive's database: tables (`models`), opening (`db`), queries (`queries`)."""

from archiver.store.db import Store
from archiver.store.models import Observation, Post, Run, WarcFile, WarcRecord

__all__ = ["Store", "Post", "Observation", "WarcRecord", "WarcFile", "Run"]
