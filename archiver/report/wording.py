"""How every format of the report words times, counts and the runs that held verdicts back,
so that the HTML, Markdown and CSV say the same thing the same way.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from archiver.report.build import Report


def iso(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def human(value: datetime | None) -> str:
    return iso(value).replace("T", " ").replace("Z", " UTC") if value else "unknown"


def held_lines(report: Report) -> list[str]:
    """One sentence per run of the period that held verdicts back (issue 11)."""
    return [
        f"Held back: run {h.run_id} ({h.kind}, {human(h.started_at)}) found "
        + "; ".join(f"{name} degraded ({reason})" for name, reason in sorted(h.platforms.items()))
        + ", so gone-type answers it saw there were not counted."
        for h in report.held_runs
    ]


def counts_line(report: Report) -> str:
    return ", ".join(f"{n} {s}" for s, n in sorted(report.status_counts.items())) or "empty"


def empty_sentence(report: Report) -> str:
    status = report.filters.get("status")
    if report.total_posts == 0:
        return "The archive holds no posts yet."
    what = {"vanished": "No post has vanished", "suspect": "No post is suspect"}.get(
        str(status), "No post matches"
    )
    return f"{what} among the {report.total_posts} posts tracked" + (
        " with these filters."
        if any(v for k, v in report.filters.items() if k != "status")
        else "."
    )


def replay_link(report: Report, url: str | None, at: datetime | None) -> str | None:
    """A ReplayWeb.page link that opens ``url`` as archived at ``at`` in the report's WACZ."""
    if not url or at is None:
        return None
    stamp = at.astimezone(UTC).strftime("%Y%m%d%H%M%S")
    query = urlencode({"source": report.wacz})
    fragment = urlencode({"view": "replay", "url": url, "ts": stamp})
    return f"{report.replay_url}?{query}#{fragment}"
