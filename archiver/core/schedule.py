"""When a post is next due for a check.

Checks fall at fixed offsets after the first capture (default 1 h, 6 h, 1 d,
3 d, 7 d, 30 d), then every last offset (30 d) for ever. A suspect post is
due again after the confirmation interval, so that a disappearance is
confirmed (or not) quickly.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from archiver.core.status import PostState


def next_check_at(
    first_captured_at: datetime,
    now: datetime,
    schedule: tuple[float, ...],
    state: PostState,
    confirm_interval: float,
) -> datetime:
    if state is PostState.SUSPECT:
        return now + timedelta(seconds=confirm_interval)
    elapsed = (now - first_captured_at).total_seconds()
    for offset in schedule:
        if offset > elapsed:
            return first_captured_at + timedelta(seconds=offset)
    last = schedule[-1]
    if last <= 0:
        return now
    periods = int((elapsed - last) // last) + 1
    return first_captured_at + timedelta(seconds=last * (periods + 1))
