"""Which posts a report takes: dates as options give them, a seed list's posts, and the runs
of the period that held verdicts back (issue 11)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from archiver import platforms
from archiver.core.seedlist import read_seed_file
from archiver.errors import InputError, UnsupportedURL
from archiver.store import Store
from archiver.store.runs import degraded_runs


@dataclass
class HeldRun:
    """A run that found platforms degraded, so held their posts' gone-type answers (issue 11)."""

    run_id: int
    kind: str
    started_at: datetime
    platforms: dict[str, str]  # platform → why it was degraded


def parse_date(text: str, option: str) -> datetime:
    """``YYYY-MM-DD`` or an ISO 8601 time; naive values are UTC."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"{option} {text!r} is not a date (use YYYY-MM-DD or an ISO 8601 time)"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def seed_refs(path: Path) -> set[tuple[str, str]]:
    refs = set()
    for line in read_seed_file(path):
        try:
            ref = platforms.recognise(line.url)
        except UnsupportedURL:
            continue
        refs.add((ref.platform, ref.key))
    return refs


def held_runs(
    store: Store, since: datetime | None, until: datetime | None, platform: str | None
) -> list[HeldRun]:
    """The runs of the period that held back verdicts because a platform was degraded."""
    found = []
    for run, health in degraded_runs(store, since, until):
        degraded = {
            name: str(h.get("reason") or "")
            for name, h in health.items()
            if isinstance(h, dict) and h.get("status") == "degraded" and (platform in (None, name))
        }
        if degraded and run.id is not None:
            found.append(HeldRun(run.id, run.kind, run.started_at, degraded))
    return found
