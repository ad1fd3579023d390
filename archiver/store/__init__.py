"""The archive's database: tables (`models`), opening (`db`), queries (`queries`)."""

from .db import Store
from .models import Observation, Post, Run, WarcFile, WarcRecord

__all__ = ["Store", "Post", "Observation", "WarcRecord", "WarcFile", "Run"]
