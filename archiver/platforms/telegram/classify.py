"""What one look at a Telegram post found.

Telegram answers 200 whatever happened (SHAPES note): "gone" is read from the widget's
markup, never from a status. The widget says ``Post not found`` for a deleted post, one that
never existed and one in a channel that went private alike, so the channel is asked too:
a public channel whose widget has no such post lost it (deleted); a name no public channel
has any more is a vanished channel. Under rate limiting the widget has been seen saying
``Channel with username @… not found`` of channels that exist: that says nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from archiver.core.status import Certainty, Classification, Outcome, Signal
from archiver.platforms.base import Response
from archiver.platforms.telegram.endpoints import split_key
from archiver.platforms.telegram.widget import channel_state, read_widget

_NOT_FOUND = re.compile(r"\bpost not found\b", re.I)
_CHANNEL_NOT_FOUND = re.compile(r"channel with username .* not found", re.I)
# Telegram's flood control, as its pages and API word it.
_FLOOD = re.compile(rb"FLOOD_WAIT|Too Many Requests|retry after \d+", re.I)


def classify(key: str, responses: Mapping[str, Response]) -> Classification:
    embed = responses.get("embed")
    channel = responses.get("channel")
    says = _embed_says(key, embed)
    channel_says = channel_state(channel) if channel is not None else "absent"
    signals = [Signal("embed", embed.status if embed else None, says)]
    if channel is not None:
        if _limited(channel):
            channel_says = "rate_limited"
        signals.append(Signal("channel", channel.status, channel_says))
    sig = tuple(signals)
    if says == "post":
        return Classification(Outcome.ALIVE, sig, "the widget shows the post")
    if says == "rate_limited":
        return Classification(Outcome.RATE_LIMITED, sig, "Telegram asked to slow down")
    if says == "not_found":
        if channel_says in ("public", "exists"):
            return Classification(
                Outcome.DELETED,
                sig,
                f"the widget says Post not found; the channel is there ({channel_says})",
                certainty=Certainty.MEDIUM,
            )
        if channel_says == "gone":
            return Classification(
                Outcome.ACCOUNT_GONE,
                sig,
                "the widget says Post not found and no public channel has this name any more "
                "(deleted, renamed, or gone private)",
            )
        return Classification(
            Outcome.UNAVAILABLE,
            sig,
            f"the widget says Post not found; the channel's state is unknown ({channel_says})",
        )
    if says == "channel_not_found":
        return Classification(
            Outcome.ERROR,
            sig,
            "the widget says the channel was not found, which Telegram also says under rate "
            "limiting; nothing learned about the post",
        )
    problem = embed.problem if embed is not None else "not fetched"
    anomaly = ""
    if says.startswith("unknown"):
        anomaly = f"the widget answered 200 in no known shape ({says})"
    return Classification(
        Outcome.ERROR,
        sig,
        "the widget gave no usable answer" + (f" ({problem})" if problem else ""),
        anomaly=anomaly,
    )


def _limited(resp: Response) -> bool:
    return resp.backoff or resp.status == 429 or bool(_FLOOD.search(resp.body[:4096]))


def _embed_says(key: str, resp: Response | None) -> str:
    if resp is None or resp.status is None:
        return "error" if resp is None or not resp.backoff else "rate_limited"
    if _limited(resp):
        return "rate_limited"
    if resp.status != 200:
        return f"HTTP {resp.status}"
    widget = read_widget(resp)
    if widget is None:
        return "unknown: no widget message or error"
    if widget.error:
        if _NOT_FOUND.search(widget.error):
            return "not_found"
        if _CHANNEL_NOT_FOUND.search(widget.error):
            return "channel_not_found"
        return f"unknown error: {widget.error[:80]}"
    channel, post_id = split_key(key)
    if widget.post.lower() != f"{channel}/{post_id}":
        return f"unknown: the widget shows another post ({widget.post[:80]})"
    return "post"
