"""Platform health: a platform-wide change is never read as mass deletion (issue 11).

The worst false alarms in this field came from platforms changing, not posts
vanishing: when a platform moved the endpoint tools read (November 2022), every post
looked "not found" to the tools that used it. So before trusting a "gone", a run
checks each platform it is about to check, three ways:

* **controls**: posts known to be alive (and, optionally, known to be gone) are
  looked at first, and again every ``control_interval`` seconds. An expected-alive
  control that does not come back alive — gone, walled, limited, failing, or alive
  with one endpoint contradicting the others — or an expected-gone one that does not
  come back gone, degrades the platform;
* **the mass-vanish guard**: when at least ``mass_gone_min`` posts of a platform were
  checked in a run and more than ``mass_gone_ratio`` of them came back gone-type;
* **shape drift**: when at least ``shape_drift_min`` answers were checked and more
  than ``shape_drift_ratio`` of them matched no known shape or contradicted each other.

While a platform is degraded, its posts are still looked at and every answer is
kept, but gone-type observations are *held*: they never count towards suspect or
vanished. Observations stored before a guard tripped are held afterwards
(`store.states.hold_run`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from archiver import platforms
from archiver.config import Settings
from archiver.core.status import Outcome, OutcomeKind
from archiver.errors import InputError, UnsupportedURL
from archiver.platforms.base import PostRef, Purpose
from archiver.runs.observe import Observer

EXPECT_ALIVE, EXPECT_GONE = "alive", "gone"
MAX_NAMED_RECORDS = 5


@dataclass(frozen=True)
class Control:
    """A post whose state is known, to check a platform with."""

    url: str
    expected: str  # "alive" or "gone"
    ref: PostRef


@dataclass
class ControlResult:
    url: str
    expected: str
    outcome: str
    ok: bool
    note: str  # why it degrades its platform ("" when it came back as expected)
    detail: str  # what the platform's answer said (the classification's note or anomaly)
    at: datetime

    def as_json(self) -> dict[str, object]:
        return {
            "url": self.url,
            "expected": self.expected,
            "outcome": self.outcome,
            "ok": self.ok,
            "note": self.note,
            "detail": self.detail,
        }


@dataclass
class PlatformHealth:
    """What a run knows of one platform: ``ok``, ``degraded`` (with the reason) or ``unchecked``."""

    platform: str
    status: str = "unchecked"
    reason: str = ""
    controls: list[ControlResult] = field(default_factory=list)
    checked: int = 0
    gone: int = 0
    anomalies: int = 0
    anomaly_records: list[str] = field(default_factory=list)
    held: int = 0
    control_failure: str = ""  # why the latest look at the controls failed ("" if it did not)
    # Guards tripped in this run (they stay tripped).
    guards: list[str] = field(default_factory=list)
    controls_checked_at: datetime | None = None

    @property
    def holding(self) -> str:
        """Why this platform's gone-type answers are held right now ("" when they count)."""
        return "; ".join(part for part in (self.control_failure, *self.guards) if part)

    def degrade(self, reason: str) -> None:
        self.status = "degraded"
        if reason and reason not in self.reason:
            self.reason = f"{self.reason}; {reason}" if self.reason else reason

    def as_json(self) -> dict[str, object]:
        return {
            "status": self.status,
            "reason": self.reason or None,
            "controls": [
                {"url": c.url, "expected": c.expected, "outcome": c.outcome} for c in self.controls
            ],
            "checked": self.checked,
            "gone": self.gone,
            "anomalies": self.anomalies,
            "held": self.held,
        }


def degraded_platforms(health: dict[str, dict[str, object]]) -> dict[str, str]:
    """The platforms a run's health (`PlatformHealth.as_json`, by name) found degraded, and why."""
    return {
        name: str(h.get("reason") or "")
        for name, h in health.items()
        if h.get("status") == "degraded"
    }


def merge_health(into: dict[str, dict[str, object]], part: dict[str, dict[str, object]]) -> None:
    """Add one batch's or one process's platform health to a run's: degraded if any found so."""
    for name, health in part.items():
        known = into.get(name)
        if known is None or known.get("status") != "degraded":
            into[name] = health


def controls_for(settings: Settings) -> dict[str, list[Control]]:
    """The configured controls, by platform. A URL that names no post is refused, naming
    the setting (a typo there would quietly degrade, or quietly not check, a platform)."""
    alive = settings.controls if settings.controls is not None else platforms.default_controls()
    found: dict[str, list[Control]] = {}
    for expected, urls, setting in (
        (EXPECT_ALIVE, alive, "ARCHIVER_CONTROLS"),
        (EXPECT_GONE, settings.controls_gone, "ARCHIVER_CONTROLS_GONE"),
    ):
        for url in urls:
            try:
                ref = platforms.recognise(url)
            except UnsupportedURL as exc:
                raise InputError(
                    f"{setting}: {url!r} is not a post archiver can check ({exc})"
                ) from None
            if ref.unresolved:
                raise InputError(f"{setting}: {url!r} is a share link; give the post's own URL")
            found.setdefault(ref.platform, []).append(Control(url, expected, ref))
    return found


def judge(control: Control, outcome: Outcome, anomaly: str, note: str) -> tuple[bool, str]:
    """Whether a control came back as expected, and if not, why that degrades its platform."""
    kind = outcome.kind
    if control.expected == EXPECT_ALIVE:
        if kind is OutcomeKind.ALIVE and not anomaly:
            return True, ""
        said = (
            anomaly if kind is OutcomeKind.ALIVE else outcome.value + (f" ({note})" if note else "")
        )
        return False, f"control {control.url} (expected alive) came back {said}"
    if kind is OutcomeKind.GONE:
        return True, ""
    return False, f"control {control.url} (expected gone) came back {outcome.value}"


class HealthMonitor:
    """Each platform's health for one run (a recheck run, a worker batch, `archiver controls`)."""

    def __init__(self, settings: Settings, observer: Observer, clock: Callable[[], datetime]):
        self.settings = settings
        self.observer = observer
        self.clock = clock
        self.controls = controls_for(settings)
        self.health: dict[str, PlatformHealth] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def of(self, platform: str) -> PlatformHealth:
        if platform not in self.health:
            self.health[platform] = PlatformHealth(platform)
        return self.health[platform]

    # --- controls ------------------------------------------------------------

    async def before_check(self, platform: str) -> str:
        """Check the platform's controls if due; why its posts' answers are held now ("" if not)."""
        health = self.of(platform)
        if platform in self.controls:
            lock = self._locks.setdefault(platform, asyncio.Lock())
            async with lock:
                due = health.controls_checked_at is None or (
                    self.clock() - health.controls_checked_at
                    >= timedelta(seconds=self.settings.control_interval)
                )
                if due:
                    await self.check_controls(platform)
        return health.holding

    async def check_controls(self, platform: str) -> PlatformHealth:
        """Look at each control of ``platform`` now (every answer goes into the WARC)."""
        health = self.of(platform)
        results = await asyncio.gather(
            *(self._check(control) for control in self.controls.get(platform, []))
        )
        health.controls_checked_at = self.clock()
        health.controls = list(results)
        failures = [r.note for r in results if not r.ok]
        health.control_failure = "; ".join(failures)
        if failures:
            health.degrade("; ".join(failures))
        elif health.status == "unchecked":
            health.status = "ok"
        return health

    async def check_all_controls(self) -> dict[str, PlatformHealth]:
        for platform in sorted(self.controls):
            await self.check_controls(platform)
        return self.health

    async def _check(self, control: Control) -> ControlResult:
        visit = await self.observer.visit(control.ref, Purpose.CHECK, control=control.expected)
        said = visit.classification
        ok, why = judge(control, visit.outcome, said.anomaly, said.note)
        return ControlResult(
            control.url,
            control.expected,
            visit.outcome.value,
            ok,
            why,
            said.anomaly or said.note,
            visit.started_at,
        )

    # --- what the run's own answers say --------------------------------------

    def held_reason(self, platform: str) -> str:
        health = self.health.get(platform)
        return health.holding if health is not None else ""

    def after_check(
        self, platform: str, outcome: Outcome, anomaly: str, record_id: str | None
    ) -> str:
        """Count one post's answer; the reason if it tripped a guard just now ("" otherwise)."""
        health = self.of(platform)
        health.checked += 1
        if outcome.kind is OutcomeKind.GONE:
            health.gone += 1
        if anomaly:
            health.anomalies += 1
            if record_id and len(health.anomaly_records) < MAX_NAMED_RECORDS:
                health.anomaly_records.append(record_id)
        reasons = []
        s = self.settings
        if (
            health.checked >= max(s.mass_gone_min, 1)
            and health.gone / health.checked > s.mass_gone_ratio
            and "mass vanish" not in health.reason
        ):
            reasons.append(
                f"mass vanish: {health.gone} of {health.checked} posts checked in this run came "
                "back "
                f"gone (more than ARCHIVER_MASS_GONE_RATIO={s.mass_gone_ratio:g})"
            )
        if (
            health.checked >= max(s.shape_drift_min, 1)
            and health.anomalies / health.checked > s.shape_drift_ratio
            and "changed shape" not in health.reason
        ):
            reasons.append(
                f"answers changed shape: {health.anomalies} of {health.checked} matched no known "
                "shape or "
                f"contradicted each other (look at records {', '.join(health.anomaly_records)})"
            )
        for reason in reasons:
            health.guards.append(reason)
            health.degrade(reason)
        return "; ".join(reasons)

    @property
    def degraded(self) -> dict[str, PlatformHealth]:
        return {name: h for name, h in self.health.items() if h.status == "degraded"}

    def as_json(self) -> dict[str, dict[str, object]]:
        return {name: self.health[name].as_json() for name in sorted(self.health)}
