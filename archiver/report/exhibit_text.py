"""The words and the look of an exhibit (`archiver.report.exhibit`): what each outcome means
in plain words, what archiver can and cannot tell on each platform, and the page's style."""

from __future__ import annotations

from datetime import UTC, datetime

from archiver.core.status import Outcome


def utc(value: datetime | None) -> str:
    """A time with its zone stated."""
    if value is None:
        return "unknown"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


OUTCOME_WORDS: dict[Outcome, str] = {
    Outcome.ALIVE: "The platform showed the post.",
    Outcome.EDITED: "The platform showed the post, saying something else than before; the new "
    "version was archived in full.",
    Outcome.DELETED: "The platform said the post itself is gone while its account is not.",
    Outcome.ACCOUNT_SUSPENDED: "The platform said the author's account is suspended.",
    Outcome.ACCOUNT_GONE: "The platform said the author's account no longer exists.",
    Outcome.PROTECTED: "The author's account had gone private.",
    Outcome.RESTRICTED: "The post was withheld, age-restricted or marked sensitive: hidden, "
    "not deleted.",
    Outcome.UNAVAILABLE: "The post was gone from public view, for a reason the platform's answer "
    "does not tell (deleted, or shown to fewer people).",
    Outcome.LOGIN_WALL: "The platform asked for a login: this says nothing about the post.",
    Outcome.RATE_LIMITED: "The platform asked archiver to slow down: this says nothing about the "
    "post.",
    Outcome.ERROR: "The look failed (network, server, or an answer of a shape archiver does not "
    "know): this says nothing about the post.",
}

# What archiver cannot tell on any platform; each platform adds its own (`Platform.limits`).
LIMITS: dict[str, list[str]] = {
    "all": [
        "archiver sees what a logged-out visitor sees; replies, view counts and anything "
        "behind a login are not archived.",
        "The schedule of looks brackets a disappearance: the post went between its last look "
        "alive and its first look gone, not at either.",
        "A post is called vanished only after repeated gone-type looks over time; login walls, "
        "rate limits and errors never count.",
        "The picture and the archived view are drawn by archiver from the archived records; "
        "the records themselves are the evidence.",
    ],
}

STYLE = """
@page{size:A4}
body{font:11pt/1.4 "DejaVu Sans",system-ui,sans-serif;color:#111}
h1{font-size:18pt;margin:0 0 4pt}h2{font-size:13pt;margin:18pt 0 6pt;border-bottom:1px solid #999}
.meta{color:#555;font-size:9pt}
blockquote{margin:8pt 0;padding:8pt 12pt;border-left:3pt solid #999;background:#f4f4f4;
white-space:pre-wrap}
img.picture{max-width:100%;border:1px solid #ccc;margin:6pt 0}
table{border-collapse:collapse;width:100%;font-size:8pt;margin:6pt 0}
td,th{border:1px solid #ccc;padding:3pt;text-align:left;vertical-align:top;overflow-wrap:anywhere}
pre,code{font-size:8pt;white-space:pre-wrap;word-break:break-all}
"""
