"""A post's state, derived from its observations (issue 3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from archiver.core.status import (
    ObservationPoint,
    Outcome,
    PostState,
    StateRule,
    VanishReason,
    derive_state,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)
A, E = Outcome.ALIVE, Outcome.EDITED
D, U, S, G, P, R = (
    Outcome.DELETED,
    Outcome.UNAVAILABLE,
    Outcome.ACCOUNT_SUSPENDED,
    Outcome.ACCOUNT_GONE,
    Outcome.PROTECTED,
    Outcome.RESTRICTED,
)
L, RL, X = Outcome.LOGIN_WALL, Outcome.RATE_LIMITED, Outcome.ERROR


def points(*spec):
    """(outcome, hours after T0) pairs."""
    return [ObservationPoint(T0 + timedelta(hours=h), o) for o, h in spec]


RULE = StateRule(confirmations=2, confirm_interval=timedelta(hours=1))


@pytest.mark.parametrize(
    "case, history, status, reason",
    [
        ("nothing observed", [], PostState.UNKNOWN, None),
        ("captured alive", [(A, 0)], PostState.ALIVE, None),
        ("edited is alive", [(A, 0), (E, 1)], PostState.ALIVE, None),
        (
            "one gone observation: suspect",
            [(A, 0), (D, 1)],
            PostState.SUSPECT,
            VanishReason.DELETED,
        ),
        (
            "two gone, an hour apart: vanished",
            [(A, 0), (D, 1), (D, 2)],
            PostState.VANISHED,
            VanishReason.DELETED,
        ),
        (
            "two gone, too close together: suspect",
            [(A, 0), (D, 1), (D, 1.5)],
            PostState.SUSPECT,
            VanishReason.DELETED,
        ),
        (
            "three close then one later",
            [(A, 0), (D, 1), (D, 1.2), (D, 1.4), (D, 2.1)],
            PostState.VANISHED,
            VanishReason.DELETED,
        ),
        (
            "alive in between breaks the run",
            [(A, 0), (D, 1), (A, 1.5), (D, 2)],
            PostState.SUSPECT,
            VanishReason.DELETED,
        ),
        (
            "rate limits do not break the run",
            [(A, 0), (D, 1), (RL, 1.5), (L, 1.7), (D, 2)],
            PostState.VANISHED,
            VanishReason.DELETED,
        ),
        (
            "rate limits never count towards vanishing",
            [(A, 0), (D, 1), (RL, 2), (RL, 3), (X, 4)],
            PostState.SUSPECT,
            VanishReason.DELETED,
        ),
        (
            "only walls and errors since alive: unknown",
            [(A, 0), (L, 1), (RL, 2), (X, 3)],
            PostState.UNKNOWN,
            None,
        ),
        # Issue 10: a post never seen alive can never be suspect or vanished.
        ("never seen, only errors", [(X, 0), (X, 5)], PostState.NEVER_SEEN, None),
        ("never seen, rate limited", [(RL, 0)], PostState.NEVER_SEEN, None),
        (
            "the latest gone reason wins",
            [(A, 0), (U, 1), (S, 2)],
            PostState.VANISHED,
            VanishReason.ACCOUNT_SUSPENDED,
        ),
        ("protected account", [(A, 0), (P, 1), (P, 3)], PostState.VANISHED, VanishReason.PROTECTED),
        ("account gone", [(A, 0), (G, 1), (G, 3)], PostState.VANISHED, VanishReason.ACCOUNT_GONE),
        ("restricted", [(A, 0), (R, 1), (R, 3)], PostState.VANISHED, VanishReason.RESTRICTED),
        ("unavailable", [(A, 0), (U, 1), (U, 3)], PostState.VANISHED, VanishReason.UNAVAILABLE),
        (
            "back after vanishing: restored",
            [(A, 0), (D, 1), (D, 2), (A, 3)],
            PostState.RESTORED,
            None,
        ),
        (
            "vanished again after restored",
            [(A, 0), (D, 1), (D, 2), (A, 3), (D, 4), (D, 5)],
            PostState.VANISHED,
            VanishReason.DELETED,
        ),
        ("gone from the first capture", [(D, 0), (D, 2)], PostState.NEVER_SEEN, None),
        (
            "gone at capture, many rechecks",
            [(D, 0), (G, 2), (U, 30), (D, 900)],
            PostState.NEVER_SEEN,
            None,
        ),
        ("gone at capture, then seen alive", [(D, 0), (D, 2), (A, 3)], PostState.ALIVE, None),
        (
            "seen late, then gone: the usual rule",
            [(X, 0), (A, 1), (D, 2), (D, 3)],
            PostState.VANISHED,
            VanishReason.DELETED,
        ),
        (
            "errors after vanishing keep it vanished",
            [(A, 0), (D, 1), (D, 2), (X, 3)],
            PostState.VANISHED,
            VanishReason.DELETED,
        ),
    ],
)
def test_derive_state(case, history, status, reason):
    state = derive_state(points(*history), RULE)
    assert state.status is status, case
    assert state.vanish_reason is reason, case


def test_times_reported():
    state = derive_state(points((A, 0), (A, 1), (L, 1.5), (D, 2), (RL, 2.5), (D, 3.5)), RULE)
    assert state.last_seen_alive_at == T0 + timedelta(hours=1)
    assert state.first_seen_gone_at == T0 + timedelta(hours=2)
    assert state.vanished_at == T0 + timedelta(hours=3.5)


def test_more_confirmations_can_be_required():
    history = points((A, 0), (D, 1), (D, 2), (D, 3))
    assert derive_state(history, StateRule(3, timedelta(hours=1))).status is PostState.VANISHED
    assert derive_state(history, StateRule(4, timedelta(hours=1))).status is PostState.SUSPECT


def test_order_of_input_does_not_matter():
    history = points((A, 0), (D, 1), (D, 2))
    assert derive_state(list(reversed(history)), RULE).status is PostState.VANISHED


def test_outcomes_fall_into_exactly_the_documented_kinds():
    kinds = {o.value: o.kind.value for o in Outcome}
    assert kinds == {
        "alive": "alive",
        "edited": "alive",
        "deleted": "gone",
        "account_suspended": "gone",
        "account_gone": "gone",
        "protected": "gone",
        "restricted": "gone",
        "unavailable": "gone",
        "login_wall": "neutral",
        "rate_limited": "neutral",
        "error": "neutral",
    }
