"""What a check can observe, and what a post's state is.

A check of a post ends in one `Outcome` with the `Evidence` behind it. A post's
`PostState` is never stored as a free string decided on the spot: it is
*derived* from its observations by `derive_state`, so the same history always
gives the same state and the rule can be read in one place.

The rule (issue 3): a post is ``vanished`` only after at least ``confirmations``
gone-type observations in a row that span at least ``confirm_interval``
seconds with no alive-type observation since. Observations that say nothing
about the post (login walls, rate limits, errors) never count towards
vanishing and never break a run of confirmations.

Only a post that was once seen alive can vanish (issue 10). Until archiver has
seen it, a post is ``never_seen`` whatever its observations say: a typo'd id, a
post that never existed and one deleted before its first capture all look the
same from outside, and none of them may become an accusation that something
was taken down.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum


class Outcome(str, Enum):
    """The result of one observation of a post."""

    ALIVE = "alive"
    EDITED = "edited"
    DELETED = "deleted"
    ACCOUNT_SUSPENDED = "account_suspended"
    ACCOUNT_GONE = "account_gone"
    PROTECTED = "protected"
    RESTRICTED = "restricted"
    UNAVAILABLE = "unavailable"
    LOGIN_WALL = "login_wall"
    RATE_LIMITED = "rate_limited"
    ERROR = "error"

    @property
    def kind(self) -> OutcomeKind:
        if self in _ALIVE:
            return OutcomeKind.ALIVE
        if self in _GONE:
            return OutcomeKind.GONE
        return OutcomeKind.NEUTRAL


class OutcomeKind(str, Enum):
    """Whether an outcome shows the post, shows it gone, or says nothing about it."""

    ALIVE = "alive"
    GONE = "gone"
    NEUTRAL = "neutral"


_ALIVE = frozenset({Outcome.ALIVE, Outcome.EDITED})
_GONE = frozenset(
    {
        Outcome.DELETED,
        Outcome.ACCOUNT_SUSPENDED,
        Outcome.ACCOUNT_GONE,
        Outcome.PROTECTED,
        Outcome.RESTRICTED,
        Outcome.UNAVAILABLE,
    }
)


class PostState(str, Enum):
    """A post's state, derived from its observations."""

    ALIVE = "alive"
    SUSPECT = "suspect"
    VANISHED = "vanished"
    RESTORED = "restored"
    UNKNOWN = "unknown"
    NEVER_SEEN = "never_seen"


class VanishReason(str, Enum):
    """Why a post is gone: the gone-type outcome that confirmed it."""

    DELETED = "deleted"
    ACCOUNT_SUSPENDED = "account_suspended"
    ACCOUNT_GONE = "account_gone"
    PROTECTED = "protected"
    RESTRICTED = "restricted"
    UNAVAILABLE = "unavailable"

    @classmethod
    def from_outcome(cls, outcome: Outcome) -> VanishReason:
        return cls(outcome.value)


@dataclass(frozen=True)
class Signal:
    """One fact read from one response: which endpoint said what."""

    endpoint: str
    status: int | None
    says: str

    def as_dict(self) -> dict[str, object]:
        return {"endpoint": self.endpoint, "status": self.status, "says": self.says}


class Certainty(str, Enum):
    """How strongly a gone-type outcome is supported.

    ``high``: the platform itself says so (a tombstone's words, HTTP 404/410 for
    a page, an account error code); ``medium``: inferred from several signals
    (a post missing from every endpoint while its account is public);
    ``low``: gone from view for a reason the signal cannot tell (a page saying
    only that the content "isn't available").
    """

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


_DEFAULT_CERTAINTY = {
    Outcome.DELETED: Certainty.HIGH,
    Outcome.ACCOUNT_SUSPENDED: Certainty.HIGH,
    Outcome.ACCOUNT_GONE: Certainty.HIGH,
    Outcome.PROTECTED: Certainty.HIGH,
    Outcome.RESTRICTED: Certainty.HIGH,
    Outcome.UNAVAILABLE: Certainty.LOW,
}


@dataclass(frozen=True)
class Classification:
    """An outcome, the signals that support it, and how strongly they do.

    ``anomaly`` says when the answer looks like the platform, not the post, changed: a
    response of no known shape, or an endpoint contradicting the others about a live post
    (issue 11). Many of them in one run mean the platform's answers changed under us.
    """

    outcome: Outcome
    signals: tuple[Signal, ...] = ()
    note: str = ""
    certainty: Certainty | None = None
    anomaly: str = ""

    @property
    def strength(self) -> Certainty | None:
        return self.certainty or _DEFAULT_CERTAINTY.get(self.outcome)

    def evidence(self) -> dict[str, object]:
        strength = self.strength
        evidence: dict[str, object] = {
            "note": self.note,
            "signals": [s.as_dict() for s in self.signals],
            "certainty": strength.value if strength else None,
        }
        if self.anomaly:
            evidence["anomaly"] = self.anomaly
        return evidence


@dataclass(frozen=True)
class ObservationPoint:
    """The facts of an observation that the state rule needs.

    ``held``: made while the platform was degraded (issue 11); a gone-type outcome then
    says nothing about the post and counts as neutral, like a login wall.
    """

    at: datetime
    outcome: Outcome
    held: bool = False

    @property
    def kind(self) -> OutcomeKind:
        kind = self.outcome.kind
        return OutcomeKind.NEUTRAL if self.held and kind is OutcomeKind.GONE else kind


@dataclass(frozen=True)
class StateRule:
    confirmations: int = 2
    confirm_interval: timedelta = timedelta(hours=1)


@dataclass
class DerivedState:
    """A post's state with the times the report needs."""

    status: PostState = PostState.UNKNOWN
    vanish_reason: VanishReason | None = None
    last_seen_alive_at: datetime | None = None
    first_seen_gone_at: datetime | None = None
    vanished_at: datetime | None = None
    gone_run: list[ObservationPoint] = field(default_factory=list)


def derive_state(points: Iterable[ObservationPoint], rule: StateRule = StateRule()) -> DerivedState:
    """Fold a post's observations, oldest first, into its state."""
    state = DerivedState()
    ever_vanished = False
    for point in sorted(points, key=lambda p: p.at):
        kind = point.kind
        if kind is not OutcomeKind.ALIVE and state.last_seen_alive_at is None:
            # Never seen alive: the observation is kept as evidence, but nothing
            # says the post ever existed, so nothing can have vanished.
            state.status = PostState.NEVER_SEEN
            if kind is OutcomeKind.GONE and state.first_seen_gone_at is None:
                state.first_seen_gone_at = point.at
            continue
        if kind is OutcomeKind.ALIVE:
            state.last_seen_alive_at = point.at
            state.gone_run = []
            state.first_seen_gone_at = None
            state.vanish_reason = None
            state.status = PostState.RESTORED if ever_vanished else PostState.ALIVE
        elif kind is OutcomeKind.GONE:
            if not state.gone_run:
                state.first_seen_gone_at = point.at
            state.gone_run.append(point)
            state.vanish_reason = VanishReason.from_outcome(point.outcome)
            if state.status is PostState.VANISHED:
                continue
            if _confirmed(state.gone_run, rule):
                state.status = PostState.VANISHED
                state.vanished_at = point.at
                ever_vanished = True
            else:
                state.status = PostState.SUSPECT
        elif state.status in (PostState.ALIVE, PostState.RESTORED):
            # Nothing but walls, limits and errors since it was last seen:
            # we no longer know, and say so rather than claim it is alive.
            state.status = PostState.UNKNOWN
    return state


def _confirmed(run: Sequence[ObservationPoint], rule: StateRule) -> bool:
    if len(run) < max(rule.confirmations, 1):
        return False
    return run[-1].at - run[0].at >= rule.confirm_interval
