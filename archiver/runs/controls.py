"""``archiver controls``: look at every control post now and say how each platform is (issue 11).

Each control's answers go into the WARC as evidence of the platform's state, and the
result is recorded as a run of kind ``controls``; controls are never posts of the archive.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from archiver.config import Settings
from archiver.net.fetcher import Transport, utcnow
from archiver.runs.custody import log
from archiver.runs.health import HealthMonitor, degraded_platforms
from archiver.runs.session import open_run
from archiver.store import Store
from archiver.store.runs import record_run


@dataclass
class ControlLine:
    platform: str
    url: str
    expected: str
    outcome: str
    ok: bool
    note: str
    detail: str

    def as_json(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass
class ControlsReport:
    run_id: int | None = None
    results: list[ControlLine] = field(default_factory=list)
    platform_health: dict[str, dict[str, object]] = field(default_factory=dict)

    @property
    def degraded(self) -> dict[str, str]:
        """The platforms degraded in this run, with the reason."""
        return degraded_platforms(self.platform_health)

    def as_json(self) -> dict[str, object]:
        return {
            "run": self.run_id,
            "controls": [r.as_json() for r in self.results],
            "platform_health": self.platform_health,
        }


async def check_controls_async(
    settings: Settings,
    store: Store,
    transport: Transport | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> ControlsReport:
    report = ControlsReport()
    started = clock()
    async with open_run(settings, store, transport=transport, clock=clock) as observer:
        monitor = HealthMonitor(settings, observer, clock)
        health = await monitor.check_all_controls()
    for platform, state in sorted(health.items()):
        report.results += [
            ControlLine(platform, r.url, r.expected, r.outcome, r.ok, r.note, r.detail)
            for r in state.controls
        ]
    report.platform_health = monitor.as_json()
    report.run_id = record_run(
        store,
        "controls",
        started,
        clock(),
        len(report.results),
        {"platform_health": report.platform_health},
    )
    log(
        store,
        "controls",
        {"run": report.run_id},
        {"platform_health": report.platform_health},
        clock(),
    )
    return report


def check_controls(settings: Settings, store: Store, **kwargs) -> ControlsReport:
    """Check every configured control now; see `check_controls_async`."""
    return asyncio.run(check_controls_async(settings, store, **kwargs))
