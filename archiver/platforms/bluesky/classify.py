"""What one look at a Bluesky post found, from the thread and, when the post looks gone, the
author's profile.

The AppView says ``Post not found`` (HTTP 400, ``NotFound``) for a deleted post and for the
post of a deactivated or taken-down author alike, so the profile decides: an active author
means the post was deleted; a takedown or a deactivation is the account's state. ``Profile
not found`` is also said of live accounts the AppView has not indexed: never a deletion on
its own. ``#blockedPost`` is hidden from this viewer, not gone (SHAPES note).
"""

from __future__ import annotations

from collections.abc import Mapping

from archiver.core.status import Certainty, Classification, Outcome, Signal
from archiver.platforms.base import PostRef, Response
from archiver.platforms.bluesky.answers import (
    BLOCKED_VIEW,
    NOT_FOUND_VIEW,
    post_looks_gone,
    post_view,
    profile_state,
    thread_node,
    xrpc_error,
)
from archiver.platforms.bluesky.endpoints import split_at_uri

_ACCOUNT = {
    "taken_down": (Outcome.ACCOUNT_SUSPENDED, "the author's account was taken down"),
    "deactivated": (Outcome.ACCOUNT_GONE, "the author deactivated their account"),
}


def classify(ref: PostRef, responses: Mapping[str, Response]) -> Classification:
    thread = responses.get("thread")
    profile = responses.get("profile")
    found = split_at_uri(ref.key)
    did = found[0] if found else ""
    says = _thread_says(ref, thread)
    signals = [Signal("thread", thread.status if thread else None, says)]
    account = profile_state(did, profile) if profile is not None else "absent"
    if profile is not None:
        signals.append(Signal("profile", profile.status, account))
    sig = tuple(signals)
    if says == "post":
        return Classification(Outcome.ALIVE, sig, "the AppView returned the post")
    if says == "blocked":
        return Classification(
            Outcome.RESTRICTED, sig, "the post is hidden from logged-out viewers (#blockedPost)"
        )
    if says == "not_found":
        if account == "active":
            return Classification(
                Outcome.DELETED,
                sig,
                "the AppView says Post not found; the author's account is active",
                certainty=Certainty.MEDIUM,
            )
        if account in _ACCOUNT:
            outcome, note = _ACCOUNT[account]
            return Classification(outcome, sig, f"Post not found: {note}")
        return Classification(
            Outcome.UNAVAILABLE,
            sig,
            f"the AppView says Post not found; the author's account is {account}",
        )
    if says == "rate_limited":
        return Classification(Outcome.RATE_LIMITED, sig, "the AppView asked to slow down")
    if says == "login_wall":
        return Classification(Outcome.LOGIN_WALL, sig, "the AppView asked for a login")
    problem = thread.problem if thread is not None else "not fetched"
    return Classification(
        Outcome.ERROR,
        sig,
        "the AppView gave no usable answer" + (f" ({problem})" if problem else ""),
        anomaly=f"the thread answer is of no known shape ({says})"
        if says.startswith("unknown")
        else "",
    )


def _thread_says(ref: PostRef, resp: Response | None) -> str:
    if resp is None or resp.status is None:
        return "rate_limited" if resp is not None and resp.backoff else "error"
    error = xrpc_error(resp)
    if resp.status == 429 or (error is not None and error[0] == "RateLimitExceeded"):
        return "rate_limited"
    if resp.status in (401, 403) or (error is not None and error[0] == "AuthRequired"):
        return "login_wall"
    if post_looks_gone(ref, resp):
        return "not_found"
    if error is not None:
        return f"unknown error: {error[0][:60]}" if resp.status == 400 else f"HTTP {resp.status}"
    if resp.status != 200:
        return f"HTTP {resp.status}"
    if post_view(ref, resp) is not None:
        return "post"
    thread = thread_node(resp)
    if thread is not None and thread.get("$type") == BLOCKED_VIEW:
        return "blocked"
    if thread is not None and thread.get("$type") == NOT_FOUND_VIEW:
        return "not_found"
    return "unknown: 200 without the post"
