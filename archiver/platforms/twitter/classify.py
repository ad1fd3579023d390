"""What one look at a tweet found, from every endpoint's answer together.

Endpoints disagree and fail on their own: the verdict weighs them (see `classify`), and
an answer of no known shape is an error with an anomaly, never a deletion.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from archiver.core.status import Certainty, Classification, Outcome, Signal
from archiver.platforms.base import (
    Response,
)
from archiver.platforms.twitter.answers import (
    as_dict,
    as_list,
    newer_version,
    next_data,
    tombstone_text,
)

# --- classification -------------------------------------------------------

# Tombstone texts, as X words them. Only "deleted by the Post author" is a
# positive deletion; the others are states of the account or of visibility.
_TOMBSTONES: tuple[tuple[re.Pattern[str], Outcome], ...] = (
    (re.compile(r"deleted by the (post|tweet) author", re.I), Outcome.DELETED),
    (re.compile(r"suspended", re.I), Outcome.ACCOUNT_SUSPENDED),
    (re.compile(r"account (that )?(no longer exists|doesn.t exist)", re.I), Outcome.ACCOUNT_GONE),
    (re.compile(r"protected|limits who can view|limited who can view", re.I), Outcome.PROTECTED),
    (
        re.compile(r"age.restricted|sensitive|withheld|violated|adult content", re.I),
        Outcome.RESTRICTED,
    ),
)

_ACCOUNT_CODES = {63: Outcome.ACCOUNT_SUSPENDED, 50: Outcome.ACCOUNT_GONE}


def classify(responses: Mapping[str, Response]) -> Classification:
    """The outcome of one look at a tweet, from every endpoint's answer together."""
    signals: list[Signal] = []
    syn = responses.get("syndication")
    oem = responses.get("oembed")
    acct = responses.get("account")
    syn_says = _syndication_says(syn)
    oem_says = _oembed_says(oem)
    acct_says = _account_says(acct)
    for resp, says in ((syn, syn_says), (oem, oem_says), (acct, acct_says)):
        if resp is not None:
            signals.append(Signal(resp.role, resp.status, says))
    sig = tuple(signals)

    if syn_says == "tweet" or oem_says == "tweet":
        newer = (
            newer_version(as_dict(syn.json())) if syn is not None and syn_says == "tweet" else None
        )
        if newer:
            # X keeps the old version alive under its own id: edited, never deleted (issue 16).
            return Classification(
                Outcome.EDITED,
                sig,
                f"edited: this is an earlier version; the newer version is tweet {newer}",
                anomaly=_contradiction(syn_says, oem_says),
            )
        return Classification(
            Outcome.ALIVE,
            sig,
            "an endpoint returned the tweet",
            anomaly=_contradiction(syn_says, oem_says),
        )
    if syn_says.startswith("tombstone:"):
        text = syn_says.split(":", 1)[1]
        for pattern, outcome in _TOMBSTONES:
            if pattern.search(text):
                return Classification(outcome, sig, f"syndication tombstone: {text}")
        return Classification(Outcome.UNAVAILABLE, sig, f"unrecognised tombstone: {text}")
    if acct_says in ("suspended", "gone", "protected"):
        outcome = {
            "suspended": Outcome.ACCOUNT_SUSPENDED,
            "gone": Outcome.ACCOUNT_GONE,
            "protected": Outcome.PROTECTED,
        }[acct_says]
        if syn_says in ("not_found", "empty") or oem_says in ("not_found", "forbidden"):
            return Classification(outcome, sig, f"the account is {acct_says}")
    both_gone = syn_says == "not_found" and oem_says in ("not_found", "forbidden")
    if both_gone and acct_says == "active":
        return Classification(
            Outcome.DELETED,
            sig,
            "syndication and oEmbed no longer have the tweet; the account is public",
            certainty=Certainty.MEDIUM,
        )
    if both_gone:
        return Classification(
            Outcome.UNAVAILABLE,
            sig,
            "syndication and oEmbed no longer have the tweet; the account's state is unknown",
        )
    answers = {syn_says, oem_says, acct_says}
    if "rate_limited" in answers:
        return Classification(
            Outcome.RATE_LIMITED, sig, "rate limited; nothing learned about the post"
        )
    if "login_wall" in answers:
        return Classification(
            Outcome.LOGIN_WALL, sig, "login required; nothing learned about the post"
        )
    shapeless = [
        r.role
        for r, said in ((syn, syn_says), (oem, oem_says))
        if r is not None and r.status == 200 and said == "error"
    ]
    problems = "; ".join(
        f"{r.role}: {r.problem}" for r in (syn, oem, acct) if r is not None and r.problem
    )
    return Classification(
        Outcome.ERROR,
        sig,
        "no endpoint gave a usable answer" + (f" ({problems})" if problems else ""),
        anomaly=f"{' and '.join(shapeless)} answered 200 in no known shape" if shapeless else "",
    )


# What an endpoint says that, beside another endpoint showing the tweet, means the
# endpoint changed rather than the tweet: X moved syndication in November 2022, and
# every tweet looked "not found" to the tools that relied on it (issue 11).
_CONTRADICTS_ALIVE = frozenset({"not_found", "forbidden", "empty", "error"})


def _contradiction(syn_says: str, oem_says: str) -> str:
    for role, said in (("syndication", syn_says), ("oembed", oem_says)):
        if said in _CONTRADICTS_ALIVE or said.startswith("tombstone:"):
            return f"{role} answered '{said}' for a tweet the other endpoint shows"
    return ""


def _neutral(resp: Response) -> str:
    if resp.backoff or resp.status == 429:
        return "rate_limited"
    if resp.status == 401 or _login(resp):
        return "login_wall"
    return "error"


def _login(resp: Response) -> bool:
    """Redirected to X's login flow: the answer is about us, not the post."""
    return "/i/flow/login" in resp.final_url or "/login" in resp.final_url.split("?")[0]


def _unusable(resp: Response | None) -> str | None:
    """What a response that says nothing about the post says instead (absent, a wall, an error)."""
    if resp is None:
        return "absent"
    if resp.error or resp.status is None or _login(resp):
        return _neutral(resp)
    return None


def _syndication_says(resp: Response | None) -> str:
    if (says := _unusable(resp)) is not None:
        return says
    assert resp is not None
    if resp.status == 404:
        return "not_found"
    if resp.status != 200:
        return _neutral(resp)
    body = resp.json()
    if not isinstance(body, dict):
        return "error"  # truncated or not JSON: says nothing
    if body.get("__typename") == "Tweet" and body.get("id_str") and body.get("user"):
        return "tweet"
    tomb = tombstone_text(resp)
    if tomb is not None:
        return f"tombstone:{tomb}"
    if not body:
        # `{}` is what a bad token or a throttled edge returns too: retry, don't conclude.
        return "empty"
    return "error"


def _oembed_says(resp: Response | None) -> str:
    if (says := _unusable(resp)) is not None:
        return says
    assert resp is not None
    if resp.status == 404:
        return "not_found"
    if resp.status == 403:
        return "forbidden"
    if resp.status != 200:
        return _neutral(resp)
    body = resp.json()
    if isinstance(body, dict) and body.get("html") and body.get("author_url"):
        return "tweet"
    return "error"


def _account_says(resp: Response | None) -> str:
    if (says := _unusable(resp)) is not None:
        return says
    assert resp is not None and resp.status is not None
    if resp.status != 200:
        return _neutral(resp) if resp.status in (429, 401) or resp.status >= 500 else "unknown"
    props = as_dict(as_dict(next_data(resp.body).get("props")).get("pageProps"))
    if not props:
        return "unknown"
    for error in as_list(props.get("errors")):
        code = as_dict(error).get("code")
        if type(code) is int and code in _ACCOUNT_CODES:
            return {63: "suspended", 50: "gone"}[code]
    if as_dict(props.get("headerProps")).get("protected") is True:
        return "protected"
    for entry in as_list(as_dict(props.get("timeline")).get("entries")):
        user = as_dict(as_dict(as_dict(as_dict(entry).get("content")).get("tweet")).get("user"))
        if user:
            return "protected" if user.get("protected") is True else "active"
    return "unknown"
